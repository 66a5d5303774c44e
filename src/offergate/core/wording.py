"""Small helpers for the sentences the gate prints."""

from __future__ import annotations

import re


def plural(count: int, noun: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def norm(value: str) -> str:
    """Case-, space-, hyphen- and underscore-insensitive form of a status or step name."""
    return re.sub(r"[\s_-]+", "", value).lower()


#: The most entries a list in a message shows; the rest are counted ("and 12 more").
MAX_LISTED = 20
#: The longest API string quoted whole in a message (ids, names, statuses); longer ones are cut.
MAX_QUOTED = 120


def cut(text: str, limit: int = MAX_QUOTED) -> str:
    """`text` when at most `limit` characters, else its first `limit - 1` and an ellipsis."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def quoted(text: str, limit: int = MAX_QUOTED) -> str:
    """An API string for a message: cut, then quoted with escapes (`'a\\nb'`), so it is one visible token."""
    return repr(cut(text, limit))


def listing(items: list[str], limit: int = MAX_LISTED, *, empty: str = "none") -> str:
    """`'a', 'b' and 3 more`: sorted, at most `limit` entries, each cut and escaped; `empty` when none."""
    ordered = sorted(items)
    shown = ", ".join(quoted(item) for item in ordered[:limit])
    more = len(ordered) - limit
    if not shown:
        return empty
    return f"{shown} and {more} more" if more > 0 else shown


def unknown_ids_hint(
    missing: list[str], ids: list[str], names: dict[str, str], *, what: str, listed_as: str, input_name: str
) -> str:
    """What to say of ids that are not in the API's list: the id of each one that is a name
    there (`'Contoso VM' is the name of offer 'contoso-vm'`), then the ids there are (bounded)."""
    by_name = {name.strip().lower(): id_ for name, id_ in names.items() if name.strip()}
    said = [f"{quoted(m)} is the name of {what} {quoted(by_name[m.lower()])}" for m in missing if m.lower() in by_name]
    return "; ".join([*said[:MAX_LISTED], f"{listed_as}: {listing(ids)}. Check {input_name}"])
