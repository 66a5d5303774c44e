"""The Product Ingestion API's answers (products, submissions, configure jobs) as plain values.

Microsoft's own samples spell keys both `externalId` and `externalID`, `jobId` and `jobID`, so
keys and enum values are read case-insensitively; words keep the API's spelling for display.
Everything is checked before use: an id becomes part of a URL only once it has the expected
shape, and an ambiguous answer (one key in two spellings, two products for one external id, a
submission that cannot be ordered) is a bad answer, never a guess. Text is bounded and on one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from offergate.core.errors import ApiError
from offergate.core.wording import norm

SERVICE = "Product Ingestion API"
GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_PRODUCT_ID = re.compile(rf"product/({GUID})", re.IGNORECASE)
_SUBMISSION_ID = re.compile(rf"submission/({GUID})/([0-9]{{1,30}})", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
MAX_ERRORS = 50  # job errors kept, nested ones included
MAX_DEPTH = 5  # nesting of job error details


def clip(value: object, limit: int = 200) -> str:
    """A string value on one line, at most `limit` characters; anything else is ''."""
    if not isinstance(value, str):
        return ""
    text = " ".join(_CONTROL.sub(" ", value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bad_answer(what: str, status: int = 200) -> ApiError:
    """An answer that cannot be used: retried at the next polls, then an error (exit 4)."""
    return ApiError(
        SERVICE,
        f"the answer (HTTP {status}) cannot be used: {what}",
        status=status,
        hint="check product-ingestion-url; if it is right, the API answered something unexpected",
    )


def member(obj: Mapping[str, Any], name: str) -> Any:
    """The value under `name` whatever its case; None when absent. Two spellings of it: ambiguous."""
    keys = [key for key in obj if key.lower() == name.lower()]
    if len(keys) > 1:
        spelled = ", ".join(repr(clip(key, 40)) for key in keys)
        raise bad_answer(f"the keys {spelled} differ only in case, so its meaning is ambiguous")
    return obj[keys[0]] if keys else None


def page(body: Any) -> tuple[list[Any], str | None]:
    """The items of one page of a list (`value`) and the link to the next page, if any."""
    if not isinstance(body, dict):
        raise bad_answer(f"expected a JSON object, got {type(body).__name__}")
    items = member(body, "value")
    if not isinstance(items, list):
        raise bad_answer("'value' is not a list")
    link = member(body, "@nextLink")
    if link is None or link == "":
        return items, None
    if not isinstance(link, str):
        raise bad_answer("'@nextLink' is not a string")
    return items, link


@dataclass(frozen=True)
class Product:
    guid: str  # lower-case, from `product/<guid>`
    external_id: str
    alias: str
    kind: str


def find_product(items: list[Any], offer_id: str) -> Product | None:
    """The one product whose external id is `offer_id`; None when the list is empty."""
    found = []
    for item in items:
        if not isinstance(item, dict):
            raise bad_answer("a product is not a JSON object")
        match = _PRODUCT_ID.fullmatch(clip(member(item, "id"), 100))
        if match is None:
            raise bad_answer(f"a product id is {clip(member(item, 'id'), 60)!r}, not product/<guid>")
        identity = member(item, "identity")
        external = clip(member(identity, "externalId"), 100) if isinstance(identity, dict) else ""
        if external.lower() != offer_id.lower():
            raise bad_answer(f"product {match.group(1)} has the external id {external!r}, not {offer_id!r}")
        found.append(
            Product(
                guid=match.group(1).lower(),
                external_id=external,
                alias=clip(member(item, "alias"), 120),
                kind=clip(member(item, "type"), 60),
            )
        )
    if len(found) > 1:
        raise bad_answer(f"{len(found)} products have the external id {offer_id!r}, so the answer is ambiguous")
    return found[0] if found else None


# Targets, statuses and results as `norm()` spells them.
DRAFT, PREVIEW, LIVE = "draft", "preview", "live"
TARGETS = frozenset({DRAFT, PREVIEW, LIVE})
NOT_STARTED, RUNNING, COMPLETED = "notstarted", "running", "completed"
STATUSES = frozenset({NOT_STARTED, RUNNING, COMPLETED})
PENDING, SUCCEEDED, FAILED, CANCELLED = "pending", "succeeded", "failed", "cancelled"
RESULTS = frozenset({PENDING, SUCCEEDED, FAILED})
JOB_RESULTS = frozenset({PENDING, SUCCEEDED, FAILED, CANCELLED, "canceled"})


@dataclass(frozen=True)
class Submission:
    """One entry of a product's submission list. A draft has no status, result or created time."""

    id: str  # submission/<product guid>/<number>, as the API spells it
    number: str
    target: str  # the API's word
    status: str
    result: str
    created: datetime | None
    position: int  # the entry's place in the list, which breaks ties between equal `created`

    @property
    def is_draft(self) -> bool:
        return norm(self.target) == DRAFT

    def state(self) -> str:
        """`running`, `succeeded`, … : the result once completed, else the status."""
        if norm(self.status) == COMPLETED and self.result:
            return self.result
        return self.status or self.result or "no status"


def _created(value: Any, submission: str) -> datetime:
    text = clip(value, 40)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise bad_answer(f"submission {submission} has no creation time that can be read ({text!r})") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_submissions(items: list[Any], product_guid: str) -> tuple[Submission, ...]:
    """A product's submissions; ids must be `submission/<this product>/<number>`."""
    found = []
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise bad_answer("a submission is not a JSON object")
        raw_id = clip(member(item, "id"), 120)
        match = _SUBMISSION_ID.fullmatch(raw_id)
        if match is None or match.group(1).lower() != product_guid:
            raise bad_answer(f"a submission id is {raw_id[:80]!r}, not submission/{product_guid}/<number>")
        target = member(item, "target")
        target_type = clip(member(target, "targetType"), 40) if isinstance(target, dict) else ""
        if not target_type:
            raise bad_answer(f"submission {raw_id} has no target type")
        draft = norm(target_type) == DRAFT
        created = member(item, "created")
        found.append(
            Submission(
                id=raw_id,
                number=match.group(2),
                target=target_type,
                status=clip(member(item, "status"), 40),
                result=clip(member(item, "result"), 40),
                created=None if draft and created is None else _created(created, raw_id),
                position=position,
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class JobError:
    code: str
    message: str
    resource_id: str
    details: tuple[JobError, ...]

    def lines(self, depth: int = 0) -> list[str]:
        """`[code] message (resource)`, then the nested details, indented."""
        own = " ".join(p for p in (f"[{self.code}]" if self.code else "", self.message) if p) or "(no message)"
        if self.resource_id:
            own += f" ({self.resource_id})"
        return ["  " * depth + own] + [line for d in self.details for line in d.lines(depth + 1)]

    def is_certification(self) -> bool:
        """A certification failure: code invalidState with "certification" in the message (or below)."""
        here = norm(self.code) == "invalidstate" and "certification" in self.message.lower()
        return here or any(d.is_certification() for d in self.details)


@dataclass(frozen=True)
class Job:
    id: str
    status: str
    result: str
    start: str
    end: str  # '' until the job is done (the API sends 0001-01-01…)
    errors: tuple[JobError, ...]

    def error_lines(self) -> tuple[str, ...]:
        return tuple(line for error in self.errors for line in error.lines())

    def certification_failure(self) -> bool:
        return any(error.is_certification() for error in self.errors)


def _job_errors(value: Any, depth: int, budget: list[int]) -> tuple[JobError, ...]:
    if not isinstance(value, list) or depth > MAX_DEPTH:
        return ()
    found = []
    for item in value:
        if budget[0] <= 0:
            break
        if not isinstance(item, dict):
            continue
        budget[0] -= 1
        found.append(
            JobError(
                code=clip(member(item, "code"), 80),
                message=clip(member(item, "message"), 400),
                resource_id=clip(member(item, "resourceId"), 120),
                details=_job_errors(member(item, "details"), depth + 1, budget),
            )
        )
    return tuple(found)


def _moment(value: Any) -> str:
    text = clip(value, 40)
    return "" if text.startswith("0001-01-01") else text


def parse_job(body: Any, job_id: str) -> Job:
    """GET configure/{jobId}/status; the answer must be about `job_id`."""
    if not isinstance(body, dict):
        raise bad_answer(f"expected a JSON object, got {type(body).__name__}")
    answered = clip(member(body, "jobId"), 130)
    if answered.lower() != job_id.lower():
        raise bad_answer(f"the job status is for job {answered[:80]!r}, not {job_id!r}")
    status = clip(member(body, "jobStatus"), 40)
    if not status:
        raise bad_answer(f"job {job_id} has no jobStatus")
    return Job(
        id=answered,
        status=status,
        result=clip(member(body, "jobResult"), 40),
        start=_moment(member(body, "jobStart")),
        end=_moment(member(body, "jobEnd")),
        errors=_job_errors(member(body, "errors"), 0, [MAX_ERRORS]),
    )


@dataclass(frozen=True)
class IngestionStatus:
    """One observation of an offer: its product, its submissions and, when watched, the configure job."""

    offer_id: str
    product: Product
    submissions: tuple[Submission, ...]
    job: Job | None = None
