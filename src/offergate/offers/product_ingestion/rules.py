"""The verdict rules of the offer gate on the Product Ingestion API: pure functions of one observation.

The submission judged is the pinned one, or the newest that is not a draft (by `created`; on a
tie, the later in the list), counting only those created after `submitted-after` when given. A
configure job, when watched, decides first: running is pending, failed or cancelled fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from offergate.core.verdict import Result, Verdict
from offergate.core.wording import norm
from offergate.offers.product_ingestion.model import (
    CANCELLED,
    COMPLETED,
    FAILED,
    JOB_RESULTS,
    LIVE,
    PREVIEW,
    RESULTS,
    STATUSES,
    SUCCEEDED,
    TARGETS,
    IngestionStatus,
    Job,
    Submission,
)
from offergate.offers.settings import WaitUntil

_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Criteria:
    wait_until: WaitUntil
    submission_id: str | None = None  # the pinned submission's number
    submitted_after: datetime | None = None


def counted(observed: IngestionStatus, criteria: Criteria) -> list[Submission]:
    """The submissions that may be judged: not drafts, created after `submitted_after`, the pinned one."""
    found = [s for s in observed.submissions if not s.is_draft]
    after = criteria.submitted_after
    if after is not None:
        found = [s for s in found if s.created is not None and s.created > after]
    if criteria.submission_id is not None:
        found = [s for s in found if s.number == criteria.submission_id]
    return found


def chosen_submission(observed: IngestionStatus, criteria: Criteria) -> Submission | None:
    candidates = counted(observed, criteria)
    if not candidates:
        return None
    return max(candidates, key=lambda s: (s.created or _EARLIEST, s.position))


def same_submission(observed: IngestionStatus, chosen: Submission, target: str) -> Submission | None:
    """The entry for `target` of the chosen submission (the same number), the chosen one first."""
    if norm(chosen.target) == target:
        return chosen
    entries = [s for s in observed.submissions if s.number == chosen.number and norm(s.target) == target]
    return max(entries, key=lambda s: s.position) if entries else None


def _succeeded(entry: Submission | None) -> bool:
    return entry is not None and norm(entry.status) == COMPLETED and norm(entry.result) == SUCCEEDED


def unknown_words(observed: IngestionStatus, criteria: Criteria) -> list[str]:
    """Values of the judged submission or the job that the rules do not know (each worth a warning)."""
    found = []
    job = observed.job
    if job is not None:
        if norm(job.status) not in STATUSES:
            found.append(f"jobStatus {job.status!r}")
        if job.result and norm(job.result) not in JOB_RESULTS:
            found.append(f"jobResult {job.result!r}")
    chosen = chosen_submission(observed, criteria)
    if chosen is not None:
        if norm(chosen.target) not in TARGETS:
            found.append(f"targetType {chosen.target!r}")
        if norm(chosen.status) not in STATUSES:
            found.append(f"status {chosen.status!r}" if chosen.status else "no status")
        if chosen.result and norm(chosen.result) not in RESULTS:
            found.append(f"result {chosen.result!r}")
    return found


def job_verdict(job: Job) -> Verdict | None:
    """Failed, cancelled or still running: the verdict; succeeded: None (the submissions decide)."""
    status, result = norm(job.status), norm(job.result)
    if result in (CANCELLED, "canceled"):
        return Verdict(Result.FAILED, f"the configure job {job.id} was {job.result}", job.error_lines())
    if result == FAILED:
        what = f"the configure job {job.id} failed"
        if job.certification_failure():
            what += ": a certification failure"
        return Verdict(Result.FAILED, what, job.error_lines())
    if status not in STATUSES or (job.result and result not in JOB_RESULTS):
        return Verdict(
            Result.PENDING,
            f"the configure job {job.id} reports {job.status}/{job.result or 'no result'}, a value offergate does "
            "not know: counted as pending",
        )
    if status == COMPLETED and result == SUCCEEDED:
        return None
    return Verdict(Result.PENDING, f"waiting for the configure job {job.id}: it is {job.status}")


def ingestion_verdict(observed: IngestionStatus, criteria: Criteria) -> Verdict:
    """passed, failed or pending for one offer, with the reason in a sentence."""
    if observed.job is not None:
        verdict = job_verdict(observed.job)
        if verdict is not None:
            return verdict
    chosen = chosen_submission(observed, criteria)
    if chosen is None:
        return Verdict(Result.PENDING, _nothing_to_judge(observed, criteria))
    target, status, result = norm(chosen.target), norm(chosen.status), norm(chosen.result)
    name = f"submission {chosen.number} ({chosen.target})"
    if result == FAILED:
        return Verdict(Result.FAILED, f"{name} failed")
    if target not in TARGETS or status not in STATUSES or (chosen.result and result not in RESULTS):
        return Verdict(
            Result.PENDING,
            f"{name} reports {chosen.target}/{chosen.status or 'no status'}/{chosen.result or 'no result'}, a value "
            "offergate does not know: counted as pending",
        )
    signoff = criteria.wait_until is WaitUntil.PUBLISHER_SIGNOFF
    live = same_submission(observed, chosen, LIVE)
    if _succeeded(live):
        return Verdict(Result.PASSED, f"submission {chosen.number} is live")
    if live is not None and norm(live.result) == FAILED:
        return Verdict(Result.FAILED, f"submission {chosen.number} (live) failed")
    if live is not None:
        if signoff:
            return Verdict(
                Result.PASSED, f"submission {chosen.number} was signed off and is going live ({live.state()})"
            )
        return Verdict(
            Result.PENDING, f"waiting for the offer going live: submission {chosen.number} (live) is {live.state()}"
        )
    if target == PREVIEW and _succeeded(chosen):
        if signoff:
            return Verdict(Result.PASSED, f"submission {chosen.number} is in preview, waiting for publisher sign-off")
        return Verdict(
            Result.PENDING,
            f"waiting for the offer going live: the preview of submission {chosen.number} is ready and waits "
            "for the publisher to go live",
        )
    target_words = "publisher sign-off" if signoff else "the offer going live"
    return Verdict(Result.PENDING, f"waiting for {target_words}: {name} is {chosen.state()}")


def _nothing_to_judge(observed: IngestionStatus, criteria: Criteria) -> str:
    submitted = [s for s in observed.submissions if not s.is_draft]
    if criteria.submission_id is not None:
        return f"waiting for submission {criteria.submission_id}: the product has no such submission (yet)"
    if criteria.submitted_after is not None and submitted:
        return (
            f"waiting for a submission created after {criteria.submitted_after:%Y-%m-%dT%H:%M:%SZ}: "
            f"the {len(submitted)} older ones do not count"
        )
    if observed.submissions:
        return "only a draft: nothing has been submitted for preview or live yet"
    return "the product has no submission yet"


@dataclass(frozen=True)
class StepRow:
    """One row of the step table. `mark` is a status word for the marker (succeeded, running, …)."""

    id: str
    name: str
    status: str
    mark: str
    submission: str


def step_rows(observed: IngestionStatus, criteria: Criteria) -> tuple[StepRow, ...]:
    """Configure job (when watched), preview, publisher sign-off, live: from what the API said, nothing more."""
    rows = []
    job = observed.job
    if job is not None:
        state = job.result if norm(job.status) == COMPLETED and job.result else job.status
        rows.append(StepRow("configure-job", "Configure job", state, state, job.id))
    chosen = chosen_submission(observed, criteria)
    preview = same_submission(observed, chosen, PREVIEW) if chosen else None
    live = same_submission(observed, chosen, LIVE) if chosen else None
    number = chosen.number if chosen else ""
    if preview is not None:
        rows.append(_entry_row("preview", "Preview (validation, certification, preview creation)", preview))
    elif live is not None:
        rows.append(StepRow("preview", "Preview (validation, certification, preview creation)", "no entry", "", number))
    else:
        rows.append(
            StepRow(
                "preview", "Preview (validation, certification, preview creation)", "not started", "notstarted", number
            )
        )
    if live is not None:
        rows.append(StepRow("publisher-signoff", "Publisher sign-off (go live)", "completed", "completed", number))
    elif _succeeded(preview):
        rows.append(
            StepRow(
                "publisher-signoff",
                "Publisher sign-off (go live)",
                "waiting for the publisher",
                "waitingforapproval",
                number,
            )
        )
    else:
        rows.append(StepRow("publisher-signoff", "Publisher sign-off (go live)", "not started", "notstarted", number))
    if live is not None:
        rows.append(_entry_row("live", "Live", live))
    else:
        rows.append(StepRow("live", "Live", "not started", "notstarted", number))
    return tuple(rows)


def _entry_row(step_id: str, name: str, entry: Submission) -> StepRow:
    return StepRow(step_id, name, entry.state(), entry.state(), entry.number)


def current_step(rows: tuple[StepRow, ...]) -> str:
    """The id of the first step that has not succeeded (a step without an entry is skipped); '' when none."""
    for row in rows:
        if row.mark and norm(row.mark) not in (SUCCEEDED, COMPLETED):
            return row.id
    return ""
