"""Small helpers for the sentences the gate prints."""

from __future__ import annotations

import re


def plural(count: int, noun: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def norm(value: str) -> str:
    """Case-, space-, hyphen- and underscore-insensitive form of a status or step name."""
    return re.sub(r"[\s_-]+", "", value).lower()
