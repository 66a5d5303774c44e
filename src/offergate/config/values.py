"""Value parsers shared by every input: booleans, lists, durations, choices, ids, counts, base URLs.

Each takes the input's name so that its error names it (exit 2). An error quotes a value only
through `shown` (unprintable characters escaped, cut to `ECHO_LIMIT` characters), never quotes a
secret, and quotes at most the scheme and host of a URL: a URL may carry credentials in its
user-info, path or query.
"""

from __future__ import annotations

import math
import re
from enum import Enum
from typing import TypeVar
from urllib.parse import SplitResult, urlsplit

from offergate.core.durations import parse_duration
from offergate.core.errors import InputError
from offergate.transport.addresses import is_loopback

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_WEB_SCHEMES = ("http", "https")
_NAMED_SCHEMES = ("ftp", "ftps", "file", "ws", "wss", "sftp", "ssh", "git")

#: The longest stretch of a value an error message quotes.
ECHO_LIMIT = 60
#: Durations are bounded by a workflow run's own limit (35 days).
MAX_SECONDS = 35 * 86400.0
#: Ids one list input may hold (each is watched and reported).
MAX_LIST_ITEMS = 1000
#: Counts above this are refused rather than carried (no store has a billion offers).
MAX_COUNT = 1_000_000_000

_SURROGATE_CHARS = re.compile("[\ud800-\udfff]")
E = TypeVar("E", bound=Enum)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def shown(value: str, limit: int = ECHO_LIMIT) -> str:
    """A value as an error message quotes it: in quotes, unprintable characters escaped, cut to `limit`.

    Control characters, NUL, lone surrogates, format characters (bidi controls, zero-width
    characters) and separators other than the space become `\\xNN`/`\\uNNNN` escapes.
    """
    text = value.strip()
    cut = len(text) > limit
    body = "".join(ch if ch.isprintable() else _escape(ch) for ch in text[:limit])
    return f"'{body}…' ({len(text)} characters)" if cut else f"'{body}'"


def parse_bool(name: str, value: str) -> bool:
    """Booleans as GitHub's own toolkit reads them (YAML 1.2 core schema)."""
    text = value.strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(name, f"{shown(text)} is not a boolean: use true or false")


def parse_list(value: str) -> tuple[str, ...]:
    """Items separated by commas or new lines; blanks dropped, duplicates removed, order kept."""
    items = (line.strip() for line in value.replace(",", "\n").splitlines())
    return tuple(dict.fromkeys(item for item in items if item))


def parse_id_list(name: str, value: str) -> tuple[str, ...]:
    """`parse_list`, at most `MAX_LIST_ITEMS` items (each then checked as an id by the caller)."""
    items = parse_list(value)
    if len(items) > MAX_LIST_ITEMS:
        raise InputError(name, f"lists {len(items)} ids: give at most {MAX_LIST_ITEMS}")
    return items


def parse_seconds(name: str, value: str, *, minimum: float = 0.0, maximum: float = MAX_SECONDS) -> float:
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise InputError(name, f"{shown(value)} {exc}") from None
    if seconds < minimum:
        raise InputError(name, f"must be at least {minimum:g}s, got {shown(value)}")
    if not (math.isfinite(seconds) and seconds <= maximum):
        raise InputError(name, f"must be at most {maximum / 86400:g}d (a workflow run's limit), got {shown(value)}")
    return seconds


def parse_choice(name: str, value: str, choices: type[E]) -> E:
    text = value.strip().lower()
    for choice in choices:
        if choice.value == text:
            return choice
    allowed = ", ".join(str(c.value) for c in choices)
    raise InputError(name, f"{shown(value)} is not one of: {allowed}")


def parse_identifier(name: str, value: str) -> str:
    text = value.strip()
    if not _ID.fullmatch(text):
        raise InputError(
            name,
            f"{shown(text)} is not a valid id: use letters, digits, '.', '_' and '-' (at most 128)",
        )
    return text


def parse_listed_id(name: str, value: str) -> str:
    """An id the gate checks against the API's own list before using it (offer-id, catalog-id).

    Besides an id, printable text up to 128 characters with no slash or backslash is taken, such
    as a display name given by mistake (`Contoso VM`), so that the check can name the ids there
    are (and the id of a matching name) instead of a bare refusal here. Nothing but an id from
    that list ever becomes part of a URL or a file name.
    """
    text = value.strip()
    if _ID.fullmatch(text):
        return text
    if len(text) <= 128 and text.isprintable() and not _SURROGATE_CHARS.search(text) and not set(text) & {"/", "\\"}:
        return text
    return parse_identifier(name, text)


def parse_secret(name: str, value: str) -> str:
    """A token or secret: printable ASCII without spaces. The error never quotes the value."""
    text = value.strip()
    for position, ch in enumerate(text, start=1):
        if not ("!" <= ch <= "~"):
            what = "a space" if ch == " " else "a line break" if ch in "\r\n" else f"the character {_escape(ch)}"
            raise InputError(
                name,
                f"holds {what} at position {position} of {len(text)}: tokens and secrets are printable "
                "ASCII without spaces (check for a second value or a quote pasted with it)",
            )
    return text


def url_origin(parts: SplitResult) -> str:
    """At most the scheme and host of a URL: what an error message may show of it."""
    scheme = parts.scheme.lower() if parts.scheme.lower() in _WEB_SCHEMES else ""
    host = parts.hostname or ""
    return shown(f"{scheme}://{host}" if scheme else host)


def parse_base_url(name: str, value: str) -> str:
    """An https URL (http only for localhost, where the sandbox runs); no query or credentials.

    Errors show at most the scheme and host: never user-info, path or query.
    """
    text = value.strip()
    if not text:
        raise InputError(name, "is empty: give an http(s) URL")
    if not text.isprintable() or " " in text:
        raise InputError(name, "holds a space or an unprintable character: give an http(s) URL such as https://host")
    try:
        parts = urlsplit(text)
        host = parts.hostname
        port = parts.port
    except ValueError:
        raise InputError(name, "is not an http(s) URL: its host or port cannot be read") from None
    scheme = parts.scheme.lower()
    if scheme not in _WEB_SCHEMES:
        named = f" (it starts with {scheme}:)" if scheme in _NAMED_SCHEMES else ""
        raise InputError(name, f"is not an http(s) URL{named}: give one such as https://host")
    if not host:
        raise InputError(name, "is not an http(s) URL: it names no host")
    if "@" in parts.netloc:
        raise InputError(
            name,
            "must not carry credentials (user-info before '@' in the host part): give the URL without "
            "them; credentials have their own inputs",
        )
    if "?" in text or "#" in text:
        raise InputError(name, "must not carry a query or a fragment (after '?' or '#'): give the URL without them")
    if port == 0:
        raise InputError(name, f"names port 0 on {url_origin(parts)}: give a port from 1 to 65535, or none")
    try:
        host.encode("idna")
    except UnicodeError:
        raise InputError(name, f"has a host that is not a valid host name: {url_origin(parts)}") from None
    if scheme == "http" and not is_loopback(host):
        raise InputError(
            name,
            f"{url_origin(parts)} uses plain http, which would send credentials unencrypted: use https "
            "(http is accepted only for localhost, where the sandbox runs)",
        )
    return text.rstrip("/")


def url_path_segments(url: str) -> list[str]:
    """The non-empty path segments of a URL `parse_base_url` accepted, lower-cased."""
    return [segment.lower() for segment in urlsplit(url).path.split("/") if segment]


def parse_count(name: str, value: str, *, minimum: int = 0, maximum: int = MAX_COUNT) -> int:
    text = value.strip()
    if not (text.isascii() and text.isdigit()):
        raise InputError(name, f"{shown(text)} is not a whole number")
    digits = text.lstrip("0") or "0"
    upper = f" and at most {maximum}"
    if len(digits) > len(str(maximum)):
        raise InputError(name, f"must be at least {minimum}{upper}, got a {len(digits)}-digit number")
    number = int(digits)
    if number < minimum or number > maximum:
        raise InputError(name, f"must be at least {minimum}{upper}, got {number}")
    return number
