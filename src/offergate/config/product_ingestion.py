"""The inputs of the offer gate on the Product Ingestion API, read into `ProductIngestionSettings`.

`offer-api` chooses the offer gate's API; the inputs that only the Product Ingestion API knows
(`job-id`, `submission-id`, `submitted-after`) are refused with the Cloud Partner Portal API.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import Enum

from offergate.config.credentials import azure_credentials
from offergate.config.values import (
    parse_base_url,
    parse_choice,
    parse_identifier,
    parse_list,
    parse_seconds,
    shown,
)
from offergate.core.durations import format_duration
from offergate.core.errors import InputError
from offergate.offers.product_ingestion.settings import JOB_POLL_MINIMUM, ProductIngestionSettings
from offergate.offers.settings import WaitUntil

_SUBMISSION = re.compile(
    r"(?:submission/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/)?([0-9]{1,30})", re.IGNORECASE
)
ONLY_PRODUCT_INGESTION = ("job-id", "submission-id", "submitted-after")


class OfferApi(str, Enum):
    CLOUD_PARTNER_PORTAL = "cloud-partner-portal"
    PRODUCT_INGESTION = "product-ingestion"


def offer_api(raw: Mapping[str, str]) -> OfferApi:
    return parse_choice("offer-api", raw["offer-api"], OfferApi)


def parse_submission_id(value: str) -> str:
    """A submission's number, given as the number or as the API's `submission/<product>/<number>`."""
    match = _SUBMISSION.fullmatch(value.strip())
    if match is None:
        raise InputError(
            "submission-id",
            f"{shown(value)} is not a submission id: give its number (as Partner Center shows it) "
            "or submission/<product id>/<number>",
        )
    return match.group(1)


def parse_time(name: str, value: str) -> datetime:
    """An ISO 8601 time; without a time zone it is UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: a zone that moves the time past year 9999
        raise InputError(name, f"{shown(value)} is not an ISO 8601 time such as 2026-05-01T12:00:00Z") from None


def product_ingestion_settings(
    raw: Mapping[str, str], env: Mapping[str, str], notices: list[str]
) -> ProductIngestionSettings | None:
    """The settings when `offer-api` is product-ingestion and offers are given, else None."""
    given = [name for name in ONLY_PRODUCT_INGESTION if raw[name].strip()]
    if offer_api(raw) is OfferApi.CLOUD_PARTNER_PORTAL:
        if given:
            raise InputError(given[0], "works only with `offer-api: product-ingestion`")
        return None
    offer_list = parse_list(raw["offer-id"])
    if not offer_list:
        if given:
            raise InputError("offer-id", f"is required with {given[0]}: give one or more offer ids")
        return None
    if raw["publisher-id"].strip():
        notices.append(
            "publisher-id is not used with the Product Ingestion API (the Partner Center account is the one "
            "the Microsoft Entra app is associated with)"
        )
    job = raw["job-id"].strip()
    if job:
        poll = parse_seconds("poll-interval", raw["poll-interval"])
        if poll < JOB_POLL_MINIMUM:
            notices.append(
                f"poll-interval is {format_duration(poll)}: the configure job is asked at most once a minute, "
                "as Microsoft asks; the submissions are checked every poll-interval"
            )
    submission = raw["submission-id"].strip()
    after = raw["submitted-after"].strip()
    return ProductIngestionSettings(
        offer_ids=tuple(parse_identifier("offer-id", o) for o in offer_list),
        wait_until=parse_choice("wait-until", raw["wait-until"], WaitUntil),
        url=parse_base_url("product-ingestion-url", raw["product-ingestion-url"]),
        credentials=azure_credentials(raw, env, notices, api="the Product Ingestion API"),
        job_id=parse_identifier("job-id", job) if job else None,
        submission_id=parse_submission_id(submission) if submission else None,
        submitted_after=parse_time("submitted-after", after) if after else None,
    )
