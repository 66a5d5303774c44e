"""Parse and format durations such as `90s`, `45m`, `2h`, `1h30m` or plain seconds."""

from __future__ import annotations

import re

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])", re.ASCII)
_WHOLE = re.compile(r"(?:\d+(?:\.\d+)?[dhms])+", re.ASCII)
_PLAIN = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
_EXAMPLES = "examples: 90s, 45m, 2h, 1h30m, 600"


def parse_duration(text: str) -> float:
    """Seconds for a duration; raises ValueError with a readable reason.

    Units may be combined in any order of d, h, m, s (each at most once); a bare number is seconds.
    Digits are ASCII. The reason never quotes the text (the caller decides how to show it): it reads
    as the end of a sentence whose subject is the value, e.g. "is not a duration (...)". A very long
    number gives `inf`; callers bound the result.
    """
    value = text.strip().lower().replace(" ", "")
    if not value:
        raise ValueError("is empty")
    if _PLAIN.fullmatch(value):
        return float(value)
    if value.startswith("-") and (_PLAIN.fullmatch(value[1:]) or _WHOLE.fullmatch(value[1:])):
        raise ValueError(f"is negative: give a duration of 0 or more ({_EXAMPLES})")
    if not _WHOLE.fullmatch(value):
        raise ValueError(f"is not a duration ({_EXAMPLES})")
    seen: set[str] = set()
    total = 0.0
    for number, unit in _PART.findall(value):
        if unit in seen:
            raise ValueError(f"names the unit '{unit}' twice")
        seen.add(unit)
        total += float(number) * _UNITS[unit]
    return total


def format_duration(seconds: float) -> str:
    """A short human form: `1h30m`, `45s`, `2d3h`."""
    remaining = round(max(0.0, seconds))
    if remaining == 0:
        return "0s"
    parts = []
    for unit, size in _UNITS.items():
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
