"""Scenarios of the Product Ingestion API: a product's submissions and configure jobs over time.

Times are scenario seconds since the product (or job) was added. A realistic publish: the
preview (validation, certification, preview creation) takes PREVIEW_AT (about 2.5 days), the
publisher goes live GO_LIVE_AT, and the live submission completes at LIVE_AT.
"""

from __future__ import annotations

from dataclasses import dataclass

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0

PREVIEW_AT = 60 * HOUR  # the preview is ready: waiting for the publisher to go live
GO_LIVE_AT = PREVIEW_AT + 4 * HOUR
LIVE_AT = GO_LIVE_AT + 3 * HOUR
FAILED_AT = 6 * HOUR  # certification fails
NEW_SUBMISSION_AT = 10 * MINUTE  # old-live: the new submission shows up this late
JOB_DONE_AT = 20 * MINUTE  # a configure job ends


@dataclass(frozen=True)
class EntryPlan:
    """One entry of the submission list: `phases` are (since, status, result); a draft has none.

    `number` is the submission's number relative to the product's base; an entry shows from `shown_at`."""

    number: int
    target: str
    created_at: float | None = 0.0
    phases: tuple[tuple[float, str, str], ...] = ()
    shown_at: float = -1e18


@dataclass(frozen=True)
class ProductScenario:
    name: str
    description: str
    entries: tuple[EntryPlan, ...]
    drift: bool = False  # Microsoft's other spellings: externalID, PascalCase enum values
    throttle_every: int = 0  # every n-th submission request answers 429 with a fractional Retry-After


DRAFT = EntryPlan(0, "draft", created_at=None)
PREVIEW_RUNNING = ((0.0, "running", "pending"),)
PREVIEW_READY = ((0.0, "running", "pending"), (PREVIEW_AT, "completed", "succeeded"))
LIVE_ENTRY = EntryPlan(
    1, "live", GO_LIVE_AT, ((GO_LIVE_AT, "running", "pending"), (LIVE_AT, "completed", "succeeded")), GO_LIVE_AT
)

PRODUCT_SCENARIOS: tuple[ProductScenario, ...] = (
    ProductScenario(
        "preview",
        f"a draft and a preview submission that is ready at {PREVIEW_AT:.0f} s (~60 h) and stays in preview",
        (DRAFT, EntryPlan(1, "preview", 0.0, PREVIEW_READY)),
    ),
    ProductScenario(
        "live",
        f"as preview, then the publisher goes live at {GO_LIVE_AT:.0f} s; live completes at {LIVE_AT:.0f} s",
        (DRAFT, EntryPlan(1, "preview", 0.0, PREVIEW_READY), LIVE_ENTRY),
        drift=True,
    ),
    ProductScenario(
        "preview-running",
        "a preview submission running forever (validation and certification that never end)",
        (DRAFT, EntryPlan(1, "preview", 0.0, PREVIEW_RUNNING)),
    ),
    ProductScenario(
        "preview-failed",
        f"a preview submission that fails at {FAILED_AT:.0f} s (~6 h)",
        (DRAFT, EntryPlan(1, "preview", 0.0, ((0.0, "running", "pending"), (FAILED_AT, "completed", "failed")))),
        drift=True,
    ),
    ProductScenario(
        "going-live",
        "the preview is done and the live submission is notStarted, then running from 1 h, forever",
        (
            EntryPlan(1, "preview", -DAY, ((-DAY, "completed", "succeeded"),)),
            EntryPlan(1, "live", 0.0, ((0.0, "notStarted", "pending"), (HOUR, "running", "pending"))),
        ),
    ),
    ProductScenario(
        "live-failed",
        "the preview is done; the live submission runs, then fails at 2 h",
        (
            EntryPlan(1, "preview", -DAY, ((-DAY, "completed", "succeeded"),)),
            EntryPlan(1, "live", 0.0, ((0.0, "running", "pending"), (2 * HOUR, "completed", "failed"))),
        ),
    ),
    ProductScenario(
        "succeeded",
        "already live: a succeeded live entry and a preview entry with the same id and time, listed after it",
        (
            DRAFT,
            EntryPlan(1, "live", -DAY, ((-DAY, "completed", "succeeded"),)),
            EntryPlan(1, "preview", -DAY, ((-DAY, "completed", "succeeded"),)),
        ),
        drift=True,
    ),
    ProductScenario("draft-only", "only a draft: nothing was ever submitted", (DRAFT,)),
    ProductScenario(
        "unknown-status",
        "a preview submission whose status is a word the documentation does not list (suspended)",
        (DRAFT, EntryPlan(1, "preview", 0.0, ((0.0, "suspended", "pending"),))),
    ),
    ProductScenario(
        "old-live",
        f"an old live submission (30 days ago); a new preview submission appears at {NEW_SUBMISSION_AT:.0f} s "
        "and runs forever",
        (
            EntryPlan(1, "preview", -30 * DAY, ((-30 * DAY, "completed", "succeeded"),)),
            EntryPlan(1, "live", -30 * DAY, ((-30 * DAY, "completed", "succeeded"),)),
            DRAFT,
            EntryPlan(2, "preview", NEW_SUBMISSION_AT, PREVIEW_RUNNING, NEW_SUBMISSION_AT),
        ),
    ),
    ProductScenario(
        "history",
        "five older live submissions and a preview that is ready at once (a list that takes pages)",
        (
            *(
                EntryPlan(n, "live", -n * 10 * DAY, ((-n * 10 * DAY, "completed", "succeeded"),))
                for n in range(5, 0, -1)
            ),
            DRAFT,
            EntryPlan(6, "preview", 0.0, ((0.0, "completed", "succeeded"),)),
        ),
    ),
    ProductScenario(
        "throttled",
        "as preview, but every 3rd submission request answers 429 with Retry-After: 1.5",
        (DRAFT, EntryPlan(1, "preview", 0.0, PREVIEW_READY)),
        throttle_every=3,
    ),
)


@dataclass(frozen=True)
class JobError:
    code: str
    message: str
    details: tuple[JobError, ...] = ()
    resource_id: str = ""


@dataclass(frozen=True)
class JobScenario:
    name: str
    description: str
    phases: tuple[tuple[float, str, str], ...]  # (since, jobStatus, jobResult)
    errors: tuple[JobError, ...] = ()  # shown once the job has completed
    drift: bool = False  # jobID instead of jobId, PascalCase values


CERTIFICATION_ERRORS = (
    JobError(
        "businessValidationError",
        "The submission could not be published.",
        (
            JobError(
                "invalidState",
                "The offer failed certification: the listing has no privacy policy link (policy 100.1.3).",
            ),
            JobError(
                "invalidState",
                "The offer failed certification: the VM image allows root login over SSH.",
                (JobError("invalidResource", "Image version 1.0.0 of plan 'standard'."),),
            ),
        ),
    ),
)

JOB_SCENARIOS: tuple[JobScenario, ...] = (
    JobScenario(
        "running",
        "notStarted, then running from 1 min, forever",
        ((0.0, "notStarted", "pending"), (MINUTE, "running", "pending")),
    ),
    JobScenario(
        "succeeded",
        f"running, then completed and succeeded at {JOB_DONE_AT:.0f} s",
        ((0.0, "running", "pending"), (JOB_DONE_AT, "completed", "succeeded")),
        drift=True,
    ),
    JobScenario(
        "failed",
        f"running, then failed at {JOB_DONE_AT:.0f} s with a validation error",
        ((0.0, "running", "pending"), (JOB_DONE_AT, "completed", "failed")),
        (
            JobError(
                "invalidRequest", "The plan 'standard' has no price.", resource_id="price-and-availability-offer/1"
            ),
        ),
    ),
    JobScenario(
        "certification-failed",
        f"running, then failed at {JOB_DONE_AT:.0f} s: certification, with nested invalidState errors",
        ((0.0, "running", "pending"), (JOB_DONE_AT, "completed", "failed")),
        CERTIFICATION_ERRORS,
        drift=True,
    ),
    JobScenario(
        "cancelled",
        f"running, then cancelled at {JOB_DONE_AT:.0f} s",
        ((0.0, "running", "pending"), (JOB_DONE_AT, "completed", "cancelled")),
    ),
)

PRODUCT_SCENARIO_NAMES: dict[str, str] = {s.name: s.description for s in PRODUCT_SCENARIOS}
JOB_SCENARIO_NAMES: dict[str, str] = {s.name: s.description for s in JOB_SCENARIOS}


def product_scenario(name: str) -> ProductScenario:
    for scenario in PRODUCT_SCENARIOS:
        if scenario.name == name:
            return scenario
    raise ValueError(f"unknown product scenario {name!r}; one of {', '.join(PRODUCT_SCENARIO_NAMES)}")


def job_scenario(name: str) -> JobScenario:
    for scenario in JOB_SCENARIOS:
        if scenario.name == name:
            return scenario
    raise ValueError(f"unknown job scenario {name!r}; one of {', '.join(JOB_SCENARIO_NAMES)}")


def phase_at(phases: tuple[tuple[float, str, str], ...], t: float) -> tuple[str, str] | None:
    """(status, result) at scenario time `t`; None before the first phase."""
    current = None
    for since, status, result in phases:
        if since <= t:
            current = (status, result)
    return current
