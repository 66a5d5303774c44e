"""The offer status as the Cloud Partner Portal reports it, parsed leniently into plain values.

Statuses keep the API's own spelling for display; comparisons use `norm()`, because the API's
documentation mixes PascalCase, camelCase and older lower-case words.

Only an unambiguous answer decides: a status answer without a recognisable `status` (missing,
null, not a string, or no letter in it) is a bad answer, never "Unknown" and a pass by its
steps. Unknown status words are kept as they are (in progress). Every string taken from an
answer is cut to a bounded length, and a number of any size (`1e999`, NaN, a 400-digit
integer) is read without an error.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import Any

from offergate.core.errors import ApiError
from offergate.core.wording import cut, norm

SERVICE = "Cloud Partner Portal"
#: Longest kept from an answer: ids, names, statuses and times; a message's text; a link's URI.
MAX_FIELD = 200
MAX_MESSAGE = 1000
MAX_URI = 2000
#: The most messages of one list (an offer's, a step's) and links of one kind kept from an answer.
MAX_ITEMS = 20


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_SPACE_AFTER_TAG = re.compile(r"\x00\s*(?=[,.;:!?)])")  # "<a>links</a>, then": no space before the comma


def strip_html(text: str, limit: int | None = None) -> str:
    """Plain text from the API's `messageHtml`: tags dropped (a tag separates words, but adds no
    space before punctuation), entities decoded, spaces folded; cut to `limit` characters
    (only the first `8 × limit` characters of the HTML are read)."""
    if limit is not None:
        text = text[: limit * 8]
    marked = _SPACE_AFTER_TAG.sub("", _TAG.sub("\x00", text.replace("\x00", "")))
    plain = _SPACE.sub(" ", html.unescape(marked.replace("\x00", " "))).strip()
    return plain if limit is None else cut(plain, limit)


@dataclass(frozen=True)
class Message:
    text: str
    level: str
    timestamp: str


@dataclass(frozen=True)
class Link:
    text: str
    uri: str


@dataclass(frozen=True)
class Step:
    id: str
    name: str
    status: str
    progress: int | None
    estimated_time: str
    messages: tuple[Message, ...]

    @property
    def label(self) -> str:
        return self.name or self.id or "(unnamed step)"


@dataclass(frozen=True)
class OfferStatus:
    offer_id: str
    status: str
    steps: tuple[Step, ...]
    messages: tuple[Message, ...]
    preview_links: tuple[Link, ...]
    live_links: tuple[Link, ...]

    def current_step(self) -> Step | None:
        """The first step that is not complete."""
        for step in self.steps:
            if norm(step.status) not in ("complete", "completed"):
                return step
        return None


@dataclass(frozen=True)
class OfferSummary:
    """One entry of the publisher's offer list."""

    id: str
    status: str
    offer_type: str
    display_text: str


def _text(value: Any, limit: int = MAX_FIELD) -> str:
    """A string field, cut to `limit`; a number as its text; anything else (objects, lists, booleans) is no text."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return cut(value, limit)
    if isinstance(value, int):
        return str(value) if abs(value) < 10**MAX_FIELD else "(a huge number)"
    if isinstance(value, float):
        return cut(repr(value), limit)
    return ""


def _progress(step: dict[str, Any]) -> int | None:
    """A percentage from 0 to 100: numbers are clamped; NaN, infinities and non-numbers are no progress."""
    for key in ("progressPercentage", "processPercentage"):
        value = step.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip()[:4])  # "0040" is 40; anything of 4 digits or more is 100 anyway
        if isinstance(value, float) and not math.isfinite(value):
            continue
        if isinstance(value, (int, float)):
            return max(0, min(100, int(max(-1.0, min(101.0, value)))))
    return None


def _messages(value: Any) -> tuple[Message, ...]:
    """At most `MAX_ITEMS` messages: the first ones and the latest (messages only explain a
    verdict, they never decide one, so leaving some out changes nothing but the text)."""
    if not isinstance(value, list):
        return ()
    found = []
    for item in value:
        if isinstance(item, dict):
            raw = item.get("messageHtml")
            text = strip_html(raw, MAX_MESSAGE) if isinstance(raw, str) else _text(raw)
            if text:
                found.append(Message(text=text, level=_text(item.get("level")), timestamp=_text(item.get("timestamp"))))
    return tuple(found if len(found) <= MAX_ITEMS else [*found[: MAX_ITEMS - 1], found[-1]])


def _links(value: Any) -> tuple[Link, ...]:
    """At most `MAX_ITEMS` links, in the API's order."""
    if not isinstance(value, list):
        return ()
    found = [
        Link(text=_text(item.get("displayText")) or "link", uri=_text(item.get("uri"), MAX_URI))
        for item in value
        if isinstance(item, dict) and _text(item.get("uri"))
    ]
    return tuple(found[:MAX_ITEMS])


def _wrong_shape(what: str, status: int) -> ApiError:
    return ApiError(
        SERVICE,
        f"the answer (HTTP {status}) has the wrong shape: {what}",
        status=status,
        hint="check marketplace-url and marketplace-api-version; if they are right, the API changed",
    )


def parse_status(offer_id: str, body: Any, http_status: int = 200) -> OfferStatus:
    """Parse the body of GET .../offers/{id}/status. Missing or null fields are tolerated."""
    if not isinstance(body, dict):
        raise _wrong_shape(f"expected a JSON object, got {type(body).__name__}", http_status)
    raw_steps = body.get("steps")
    if raw_steps is None:
        raw_steps = []
    if not isinstance(raw_steps, list):
        raise _wrong_shape(f"'steps' is a {type(raw_steps).__name__}, not a list", http_status)
    steps = []
    for raw in raw_steps:
        if not isinstance(raw, dict):
            raise _wrong_shape("a step is not a JSON object", http_status)
        steps.append(
            Step(
                id=_text(raw.get("id")),
                name=_text(raw.get("stepName")),
                status=_text(raw.get("status")) or "Unknown",
                progress=_progress(raw),
                estimated_time=_text(raw.get("estimatedTimeFrame")),
                messages=_messages(raw.get("messages")),
            )
        )
    return OfferStatus(
        offer_id=offer_id,
        status=_offer_status(body, http_status),
        steps=tuple(steps),
        messages=_messages(body.get("messages")),
        preview_links=_links(body.get("previewLinks")),
        live_links=_links(body.get("liveLinks")),
    )


def _offer_status(body: dict[str, Any], http_status: int) -> str:
    """The offer's `status`: a string with a letter in it, or the answer is a bad answer."""
    value = body.get("status")
    if isinstance(value, str) and any(c.isalpha() for c in value[:MAX_FIELD]):
        return cut(value.strip(), MAX_FIELD)
    error = body.get("error")
    if value is None and isinstance(error, dict):
        raise ApiError(
            SERVICE,
            f"the answer (HTTP {http_status}) is an error, not an offer status",
            status=http_status,
            code=" ".join(_text(error.get("code"), 100).split()) or None,
            api_message=" ".join(_text(error.get("message"), 300).split()) or None,
            hint="check publisher-id, offer-id and the credentials; if it persists, the service is failing",
        )
    what = "no 'status'" if value is None else f"a 'status' that is no status word ({_shown(value)})"
    raise _wrong_shape(f"it has {what}, so it says nothing about the offer", http_status)


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, list):
        return "a JSON array"
    if isinstance(value, str):
        return repr(cut(value, 40))
    return f"the {type(value).__name__} {cut(_text(value), 40)}" if _text(value) else type(value).__name__


def parse_offer_list(body: Any, http_status: int = 200) -> list[OfferSummary]:
    """Parse the body of GET .../offers: a JSON array (or an object holding one under `value`)."""
    items = body.get("value") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise _wrong_shape("expected a JSON array of offers", http_status)
    offers = []
    for item in items:
        if not isinstance(item, dict) or not _text(item.get("id")):
            continue
        definition = item.get("definition")
        display = _text(definition.get("displayText")) if isinstance(definition, dict) else ""
        offers.append(
            OfferSummary(
                id=_text(item.get("id")),
                status=_text(item.get("status")),
                offer_type=_text(item.get("offerTypeId")),
                display_text=display,
            )
        )
    return offers
