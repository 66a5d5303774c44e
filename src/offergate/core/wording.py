"""Small helpers for the sentences the gate prints."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
