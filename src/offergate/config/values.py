"""Value parsers shared by every input: booleans, lists, durations, choices, ids, counts, base URLs.

Each takes the input's name so that its error names it (exit 2).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import TypeVar
from urllib.parse import urlsplit

from offergate.core.durations import parse_duration
from offergate.core.errors import InputError
from offergate.transport.addresses import is_loopback

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}

E = TypeVar("E", bound=Enum)


def parse_bool(name: str, value: str) -> bool:
    """Booleans as GitHub's own toolkit reads them (YAML 1.2 core schema)."""
    text = value.strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(name, f"'{text}' is not a boolean: use true or false")


def parse_list(value: str) -> tuple[str, ...]:
    """Items separated by commas or new lines; blanks dropped, duplicates removed, order kept."""
    items: list[str] = []
    for line in value.replace(",", "\n").splitlines():
        item = line.strip()
        if item and item not in items:
            items.append(item)
    return tuple(items)


def parse_seconds(name: str, value: str, *, minimum: float = 0.0) -> float:
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise InputError(name, str(exc)) from None
    if seconds < minimum:
        raise InputError(name, f"must be at least {minimum:g}s, got '{value.strip()}'")
    return seconds


def parse_choice(name: str, value: str, choices: type[E]) -> E:
    text = value.strip().lower()
    for choice in choices:
        if choice.value == text:
            return choice
    allowed = ", ".join(str(c.value) for c in choices)
    raise InputError(name, f"'{value.strip()}' is not one of: {allowed}")


def parse_identifier(name: str, value: str) -> str:
    text = value.strip()
    if not _ID.fullmatch(text):
        raise InputError(
            name,
            f"'{text}' is not a valid id: use letters, digits, '.', '_' and '-' (at most 128)",
        )
    return text


def parse_base_url(name: str, value: str) -> str:
    """An https URL (http only for localhost, where the sandbox runs); no query or credentials."""
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(name, f"'{text}' is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InputError(
            name,
            f"'{text}' uses plain http, which would send credentials unencrypted: use https "
            "(http is accepted only for localhost, where the sandbox runs)",
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InputError(name, "must not carry credentials, a query or a fragment")
    return text.rstrip("/")


def parse_count(name: str, value: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    text = value.strip()
    if not (text.isascii() and text.isdigit()):
        raise InputError(name, f"'{text}' is not a whole number")
    number = int(text)
    if number < minimum or (maximum is not None and number > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise InputError(name, f"must be at least {minimum}{upper}, got {number}")
    return number
