"""Safe GitHub-flavoured Markdown building blocks for the job summary.

Every function takes raw (untrusted) text and returns Markdown in which that text can
only ever be text: no HTML, no links but the ones `link` makes, no emphasis, no table
cell boundary, no new block, no @mention. The tests check this with cmark-gfm, GitHub's
own renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import quote

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# Dropped: C0 controls but tab/CR/LF, DEL, C1 controls, bidi embeddings/overrides/isolates.
_DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BLANKS = re.compile("[ \t]+")
_MENTION = re.compile("@")  # every `@`: mentions, and e-mail autolinks that read across escapes (`x@\\.x`)
_BACKTICKS = re.compile("`+")

_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#39;",
        **{c: "\\" + c for c in "\\`*_{}[]()#+-!|~=$:."},
    }
)
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})
# A zero-width space after `@` defeats GitHub's mention filter and renders as nothing.
_ZERO_WIDTH = "&#8203;"
_URL_SAFE = "-._~:/?#[]@!$&+,;=%*"

#: What BoundedDocument keeps free for its "left out" note.
NOTE_RESERVE_BYTES = 1024


def _clean(text: str) -> str:
    """Drop control and bidi characters; lone surrogates become U+FFFD. Keeps line breaks."""
    return _DROPPED.sub("", _SURROGATE.sub("\ufffd", text))


def _one_line(text: str) -> str:
    """Clean text on one line: line breaks become spaces, blank runs one space."""
    return _BLANKS.sub(" ", _LINE_BREAK.sub(" ", _clean(text)))


def escape_inline(text: str) -> str:
    """Text that renders as itself inline, wherever it is put (paragraph, cell, heading).

    HTML-escapes `& < > " '`; backslash-escapes Markdown punctuation
    (``\\ ` * _ { } [ ] ( ) # + - ! | ~ = $ : .``: the `:` and `.` stop GFM's autolinks,
    `http:`, `www.` and emoji shortcodes, so URLs show as plain text); puts a zero-width
    space after `@` to defeat mentions (`#123` references are left alone); drops control
    and bidi characters; line breaks and blank runs become one space, so it never starts
    an indented code block or a new block.
    """
    return _MENTION.sub("@" + _ZERO_WIDTH, _one_line(text).translate(_ESCAPES))


def _escape_html_text(text: str) -> str:
    """Text for inside a raw HTML block, where Markdown is not parsed."""
    return _MENTION.sub("@" + _ZERO_WIDTH, _one_line(text).translate(_HTML_ESCAPES))


def cell(text: str, max_chars: int = 300) -> str:
    """A table cell: escaped inline text with `|` escaped, line breaks as `<br>`.

    Cut to `max_chars` characters (ending in "…") before escaping, so no escape is cut.
    """
    text = _clean(text)
    if len(text) > max_chars:
        text = text[: max(0, max_chars - 1)] + "…"
    return "<br>".join(escape_inline(line) for line in _LINE_BREAK.split(text))


class Safe(str):
    """Markdown already made safe (by `link`), put into a table cell as it is."""

    __slots__ = ()


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GFM pipe table of raw strings (or `Safe` Markdown); every row has exactly len(headers) cells."""
    width = len(headers)
    if width == 0:
        return ""
    lines = [_row(headers, width), "|" + "|".join(" --- " for _ in range(width)) + "|"]
    lines.extend(_row(row, width) for row in rows)
    return "\n".join(lines) + "\n"


def _row(values: Sequence[str], width: int) -> str:
    cells = [
        v if isinstance(v, Safe) else cell(v if isinstance(v, str) else "" if v is None else str(v))
        for v in list(values)[:width]
    ]
    cells.extend([""] * (width - len(cells)))
    return "| " + " | ".join(cells) + " |"


def code(text: str) -> str:
    """Inline code showing `text` as is, fenced by more backticks than any run inside.

    Line breaks become spaces. Not for table cells (`table` escapes its cells itself).
    """
    text = _one_line(text)
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"


#: A URL longer than this is shown as text, not linked.
MAX_LINK_URL = 2048


def link(text: str, url: str, max_chars: int | None = None) -> str:
    """A link to an https URL; any other (http:, javascript:, data:, with user info or control
    characters, over `MAX_LINK_URL` characters) shows as escaped text.

    The URL is percent-encoded where Markdown would read it (spaces, `( ) < > " ' |`,
    backslash, backtick, non-ASCII). Empty text shows the URL. The text is cut to `max_chars`
    characters (ending in "…") when given. Safe in a table cell.
    """
    url = url.strip()
    shown = text if text.strip() else url
    if max_chars is not None and len(shown) > max_chars:
        shown = shown[: max(0, max_chars - 1)] + "…"
    label = escape_inline(shown)
    if _is_web_url(url):
        return f"[{label}]({quote(url, safe=_URL_SAFE)})"
    if not text.strip() or text.strip() == url:
        return label
    return f"{label} \\({escape_inline(url)}\\)"


def _is_web_url(url: str) -> bool:
    if _DROPPED.search(url) or _SURROGATE.search(url) or _LINE_BREAK.search(url) or len(url) > MAX_LINK_URL:
        return False
    lowered = url.lower()
    if not lowered.startswith("https://"):
        return False
    authority = url.split("://", 1)[1]
    authority = re.split(r"[/?#\\]", authority, maxsplit=1)[0]
    return bool(authority) and "@" not in authority and not re.search(r"[\s\x00-\x1f\x7f]", authority)


def details(summary: str, body_markdown: str) -> str:
    """A collapsed section: escaped `summary`, then `body_markdown` (already safe Markdown)."""
    body = body_markdown.strip("\n")
    return f"<details><summary>{_escape_html_text(summary)}</summary>\n\n{body}\n\n</details>\n"


def heading(level: int, text: str) -> str:
    """An ATX heading (level clamped to 1-6) of escaped text."""
    level = min(6, max(1, level))
    return f"{'#' * level} {escape_inline(text)}\n"


SECTION_CUT_NOTE = "\n_The rest of this section was cut to keep the summary under 1 MiB._\n"


def cut_block(data: bytes, budget: int, note: str) -> bytes | None:
    """Cut UTF-8 Markdown at a line boundary so that it, closing tags and `note` fit `budget` bytes.

    Closes every `<details>` left open by the cut (after the kept lines, before the note, so
    the note shows). None when not even the note fits. A cut table stays a table: its rows
    are lines, and the note starts after a blank line.
    """
    encoded = note.encode("utf-8")
    room = budget - len(encoded)
    while room >= 0:
        head = data[:room]
        head = head[: head.rfind(b"\n") + 1]
        still_open = max(0, head.count(b"<details>") - head.count(b"</details>"))
        tail = b"\n</details>\n" * still_open + encoded
        if len(head) + len(tail) <= budget:
            return head + tail
        room = len(head) - 1
    return None


def _left_out_note(count: int) -> str:
    return f"{count} section(s) left out to keep the summary under 1 MiB.\n"


class BoundedDocument:
    """Markdown blocks joined by blank lines, kept under `limit_bytes` of UTF-8.

    A block that does not fit is left out (and counted); later smaller blocks may still
    fit. Room for the "left out" note is always kept.
    """

    def __init__(self, limit_bytes: int = 1024 * 1024 - 16 * 1024) -> None:
        self.limit_bytes = limit_bytes
        self.left_out = 0
        self.cut = 0
        self._blocks: list[str] = []
        self._size = 0

    def add(self, block: str, *, cuttable: bool = False) -> bool:
        """Append the block if it fits, else count it as left out and return False.

        A `cuttable` block that does not fit is cut at a line boundary instead (open
        `<details>` closed, a note added) when at least some of it fits; `cut` counts those.
        """
        block = block.strip("\n")
        if not block:
            return True
        separator = 2 if self._blocks else 0
        data = block.encode("utf-8", "replace")
        room = self.limit_bytes - NOTE_RESERVE_BYTES - self._size - separator - 1
        if len(data) > room and cuttable:
            cut = cut_block(data, room, SECTION_CUT_NOTE)
            if cut is not None and not cut.lstrip(b"\n").startswith(SECTION_CUT_NOTE.strip("\n").encode()):
                block = cut.decode("utf-8", "replace").strip("\n")
                data = block.encode("utf-8", "replace")
                self.cut += 1
        if len(data) > room:
            self.left_out += 1
            return False
        self._blocks.append(block)
        self._size += len(data) + separator
        return True

    def render(self, note: Callable[[int], str] | None = None) -> str:
        """The blocks, plus a note when some were left out (the default note if `note`'s is too long)."""
        text = "\n\n".join(self._blocks)
        if self.left_out:
            message = (note or _left_out_note)(self.left_out).strip("\n")
            if len(message.encode("utf-8", "replace")) > NOTE_RESERVE_BYTES - 4:
                message = _left_out_note(self.left_out).strip("\n")
            text = f"{text}\n\n{message}" if text else message
        return text + "\n" if text else ""
