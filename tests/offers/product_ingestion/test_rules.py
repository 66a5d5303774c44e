"""The verdict rules on the Product Ingestion API: which submission counts, and what it means."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from offergate.core.verdict import Result
from offergate.offers.product_ingestion.model import IngestionStatus, Job, JobError, Product, Submission
from offergate.offers.product_ingestion.rules import (
    Criteria,
    chosen_submission,
    current_step,
    ingestion_verdict,
    step_rows,
    unknown_words,
)
from offergate.offers.settings import WaitUntil

T0 = datetime(2026, 3, 1, tzinfo=UTC)
PRODUCT = Product("0f2b9c2e-1111-4a5b-9c7d-123456789abc", "vm-offer", "Contoso VM", "azureVirtualMachine")
SIGNOFF = Criteria(WaitUntil.PUBLISHER_SIGNOFF)
LIVE = Criteria(WaitUntil.LIVE)


def entry(number: str, target: str, status: str = "running", result: str = "pending", hours: float = 0) -> Submission:
    created = None if target == "draft" else T0 + timedelta(hours=hours)
    return Submission(f"submission/{PRODUCT.guid}/{number}", number, target, status, result, created, 0)


def observed(*entries: Submission, job: Job | None = None) -> IngestionStatus:
    placed = tuple(Submission(**{**e.__dict__, "position": i}) for i, e in enumerate(entries))
    return IngestionStatus("vm-offer", PRODUCT, placed, job)


def test_the_newest_non_draft_counts_and_a_tie_goes_to_the_later_entry() -> None:
    status = observed(entry("1", "live", hours=5), entry("2", "preview", hours=5), entry("0", "draft"))
    chosen = chosen_submission(status, SIGNOFF)
    assert chosen is not None and chosen.number == "2"
    later = chosen_submission(observed(entry("2", "preview", hours=9), entry("1", "live", hours=5)), SIGNOFF)
    assert later is not None and later.number == "2"


def test_submitted_after_and_the_pin_narrow_the_choice() -> None:
    status = observed(entry("1", "live", "completed", "succeeded", hours=-700), entry("2", "preview", hours=1))
    assert chosen_submission(status, Criteria(WaitUntil.LIVE, submitted_after=T0 + timedelta(hours=2))) is None
    pinned = chosen_submission(status, Criteria(WaitUntil.LIVE, submission_id="1"))
    assert pinned is not None and pinned.number == "1"
    verdict = ingestion_verdict(status, Criteria(WaitUntil.LIVE, submitted_after=T0))
    assert verdict.result is Result.PENDING and "preview" in verdict.reason


@pytest.mark.parametrize(
    ("entries", "signoff", "live"),
    [
        ((entry("1", "preview", "completed", "failed"),), Result.FAILED, Result.FAILED),
        ((entry("1", "live", "completed", "failed"),), Result.FAILED, Result.FAILED),
        ((entry("1", "preview", "notStarted"),), Result.PENDING, Result.PENDING),
        ((entry("1", "preview", "running"),), Result.PENDING, Result.PENDING),
        ((entry("1", "preview", "completed", "succeeded"),), Result.PASSED, Result.PENDING),
        ((entry("1", "live", "notStarted"),), Result.PASSED, Result.PENDING),
        ((entry("1", "live", "Running"),), Result.PASSED, Result.PENDING),
        ((entry("1", "live", "completed", "succeeded"),), Result.PASSED, Result.PASSED),
        (
            (entry("1", "live", "completed", "succeeded"), entry("1", "preview", "completed", "succeeded")),
            Result.PASSED,
            Result.PASSED,
        ),
        (
            (entry("1", "live", "running"), entry("1", "preview", "completed", "succeeded")),
            Result.PASSED,
            Result.PENDING,
        ),
        (
            (entry("1", "live", "completed", "failed"), entry("1", "preview", "completed", "succeeded")),
            Result.FAILED,
            Result.FAILED,
        ),
        ((entry("0", "draft"),), Result.PENDING, Result.PENDING),
        ((), Result.PENDING, Result.PENDING),
        ((entry("1", "preview", "suspended"),), Result.PENDING, Result.PENDING),
        ((entry("1", "staging", "running"),), Result.PENDING, Result.PENDING),
        ((entry("1", "preview", "completed", "maybe"),), Result.PENDING, Result.PENDING),
    ],
)
def test_verdict_table(entries: tuple[Submission, ...], signoff: Result, live: Result) -> None:
    status = observed(*entries)
    assert ingestion_verdict(status, SIGNOFF).result is signoff
    assert ingestion_verdict(status, LIVE).result is live


def test_unknown_values_are_named_for_the_warning() -> None:
    assert unknown_words(observed(entry("1", "Staging", "Paused", "Maybe")), SIGNOFF) == [
        "targetType 'Staging'",
        "status 'Paused'",
        "result 'Maybe'",
    ]
    assert unknown_words(observed(entry("1", "preview")), SIGNOFF) == []


def job(status: str, result: str, *errors: JobError) -> Job:
    return Job("job-1", status, result, "", "", errors)


@pytest.mark.parametrize(
    ("the_job", "result", "words"),
    [
        (job("running", "pending"), Result.PENDING, "waiting for the configure job job-1"),
        (job("notStarted", ""), Result.PENDING, "waiting for the configure job"),
        (job("completed", "succeeded"), Result.PASSED, "is in preview"),
        (job("completed", "failed"), Result.FAILED, "the configure job job-1 failed"),
        (
            job(
                "completed",
                "failed",
                JobError("x", "y", "", (JobError("invalidState", "Certification failed", "", ()),)),
            ),
            Result.FAILED,
            "failed: a certification failure",
        ),
        (job("completed", "Cancelled"), Result.FAILED, "was Cancelled"),
        (job("queued", "pending"), Result.PENDING, "a value offergate does not know"),
    ],
)
def test_the_job_decides_first(the_job: Job, result: Result, words: str) -> None:
    verdict = ingestion_verdict(observed(entry("1", "preview", "completed", "succeeded"), job=the_job), SIGNOFF)
    assert verdict.result is result
    assert words in verdict.reason


def test_step_rows_say_only_what_the_api_said() -> None:
    status = observed(entry("1", "preview", "completed", "succeeded"), job=job("completed", "succeeded"))
    rows = step_rows(status, SIGNOFF)
    assert [(r.id, r.status) for r in rows] == [
        ("configure-job", "succeeded"),
        ("preview", "succeeded"),
        ("publisher-signoff", "waiting for the publisher"),
        ("live", "not started"),
    ]
    assert current_step(rows) == "publisher-signoff"
    live_only = step_rows(observed(entry("1", "live", "completed", "succeeded")), LIVE)
    assert [r.status for r in live_only] == ["no entry", "completed", "succeeded"]
    assert current_step(live_only) == ""
