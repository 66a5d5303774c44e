"""The offer status as the Cloud Partner Portal reports it, parsed leniently into plain values.

Statuses keep the API's own spelling for display; comparisons use `norm()`, because the API's
documentation mixes PascalCase, camelCase and older lower-case words.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from offergate.core.errors import ApiError
from offergate.core.wording import norm

SERVICE = "Cloud Partner Portal"


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_SPACE_AFTER_TAG = re.compile(r"\x00\s*(?=[,.;:!?)])")  # "<a>links</a>, then": no space before the comma


def strip_html(text: str) -> str:
    """Plain text from the API's `messageHtml`: tags dropped (a tag separates words, but adds no
    space before punctuation), entities decoded, spaces folded."""
    marked = _SPACE_AFTER_TAG.sub("", _TAG.sub("\x00", text.replace("\x00", "")))
    return _SPACE.sub(" ", html.unescape(marked.replace("\x00", " "))).strip()


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


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _progress(step: dict[str, Any]) -> int | None:
    for key in ("progressPercentage", "processPercentage"):
        value = step.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)):
            return max(0, min(100, int(value)))
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            return max(0, min(100, int(value.strip())))
    return None


def _messages(value: Any) -> tuple[Message, ...]:
    if not isinstance(value, list):
        return ()
    found = []
    for item in value:
        if isinstance(item, dict):
            text = strip_html(_text(item.get("messageHtml")))
            if text:
                found.append(Message(text=text, level=_text(item.get("level")), timestamp=_text(item.get("timestamp"))))
    return tuple(found)


def _links(value: Any) -> tuple[Link, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        Link(text=_text(item.get("displayText")) or "link", uri=_text(item.get("uri")))
        for item in value
        if isinstance(item, dict) and _text(item.get("uri"))
    )


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
        status=_text(body.get("status")) or "Unknown",
        steps=tuple(steps),
        messages=_messages(body.get("messages")),
        preview_links=_links(body.get("previewLinks")),
        live_links=_links(body.get("liveLinks")),
    )


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
