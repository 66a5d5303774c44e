"""The named scenarios: timelines in scenario seconds since the offer was added.

A realistic publish: validation 10 min, certification 60 h, provisioning 18 h, packaging
45 min, then publisher sign-off at SIGNOFF_AT (about 79 h, 3.3 days).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from offergate.sandbox.timeline import (
    BLOCKED,
    CANCELED,
    DAY,
    FAILED,
    HOUR,
    MINUTE,
    NEVER_PUBLISHED,
    NOT_STARTED,
    REJECTED,
    RUNNING,
    SUCCEEDED,
    WAITING_FOR_REVIEW,
    Note,
    Scenario,
    Spelling,
    StepInfo,
    StepPlan,
)

VALIDATE = StepInfo(
    "displaydummycertify", "Validate Pre-Requisites", "Offer settings provided are validated.", "< 15 min"
)
CERTIFY = StepInfo(
    "displaycertify",
    "Certification",
    "Your offer is analyzed for compliance with Microsoft's policies and for the technical requirements "
    "of its offer type.",
    "~2-3 days",
)
PROVISION = StepInfo(
    "displayprovision",
    "Provisioning",
    "Your offer's resources are provisioned and replicated to Azure regions.",
    "< 1 day",
)
PACKAGE = StepInfo("displaypackage", "Packaging", "Your offer's artifacts are packaged for publishing.", "< 1 hour")
SIGNOFF = StepInfo(
    "publisher-signoff",
    "Publisher signoff",
    "Review your offer with the preview links, then select Go live to publish it.",
    "",
)
LIVE = StepInfo("live", "Go Live", "Your offer is published to Azure Marketplace.", "< 1 day")

VALIDATED_AT = 10 * MINUTE
CERTIFIED_AT = VALIDATED_AT + 60 * HOUR
PROVISIONED_AT = CERTIFIED_AT + 18 * HOUR
SIGNOFF_AT = PROVISIONED_AT + 45 * MINUTE  # 284100 s
GO_LIVE_AT = SIGNOFF_AT + 4 * HOUR  # the publisher selects Go live
GOING_LIVE = 3 * HOUR  # the Go Live step's duration
LIVE_AT = GO_LIVE_AT + GOING_LIVE  # 309300 s
FAILED_AT = VALIDATED_AT + 6 * HOUR  # certification-failed
CANCELED_AT = VALIDATED_AT + 20 * HOUR  # canceled
BLOCKED_AT = VALIDATED_AT + 8 * HOUR  # blocked
SUCCEEDED_SHIFT = -(LIVE_AT + DAY)  # succeeded: went live a day before the offer was added

# The mixed spellings of a realistic publish.
MIXED: Mapping[str, Spelling] = {
    VALIDATE.id: Spelling.CAMEL,
    CERTIFY.id: Spelling.PASCAL,
    PROVISION.id: Spelling.CAMEL,
    PACKAGE.id: Spelling.PASCAL,
    SIGNOFF.id: Spelling.PASCAL,
    LIVE.id: Spelling.CAMEL,
}
ALL_CAMEL: Mapping[str, Spelling] = {}

CERTIFICATION_STARTED = Note(VALIDATED_AT + 5 * MINUTE, "information", "Certification started.")
PREVIEW_READY = Note(
    SIGNOFF_AT,
    "information",
    'Your offer preview is ready. Review it with the <a href="https://azuremarketplace.microsoft.com/">'
    "preview links</a>, then select <b>Go live</b>.",
)


def publish_steps(
    go_live: float | None = None,
    spellings: Mapping[str, Spelling] = MIXED,
    omit_estimate: frozenset[str] = frozenset(),
) -> tuple[StepPlan, ...]:
    """The six steps of a realistic publish, up to sign-off (and live when `go_live` is set)."""

    def spelling(info: StepInfo) -> Spelling:
        return spellings.get(info.id, Spelling.CAMEL)

    def omit(info: StepInfo, *fields: str) -> frozenset[str]:
        return frozenset(fields) | (frozenset({"estimatedTimeFrame"}) if info.id in omit_estimate else frozenset())

    live_end = None if go_live is None else go_live + GOING_LIVE
    live_notes: tuple[Note, ...] = ()
    if live_end is not None:
        live_notes = (Note(live_end, "information", "Your offer is <b>live</b> in Azure Marketplace."),)
    certification_notes = (
        CERTIFICATION_STARTED,
        Note(
            VALIDATED_AT + 30 * HOUR,
            "information",
            "Technical validation <b>passed</b>; the policy review is in progress.",
        ),
    )
    return (
        StepPlan(VALIDATE, start=0.0, end=VALIDATED_AT, spelling=spelling(VALIDATE), omit=omit(VALIDATE)),
        StepPlan(
            CERTIFY,
            start=VALIDATED_AT,
            end=CERTIFIED_AT,
            spelling=spelling(CERTIFY),
            omit=omit(CERTIFY),
            notes=certification_notes,
        ),
        StepPlan(
            PROVISION,
            start=CERTIFIED_AT,
            end=PROVISIONED_AT,
            spelling=spelling(PROVISION),
            omit=omit(PROVISION, "messages"),
        ),
        StepPlan(
            PACKAGE,
            start=PROVISIONED_AT,
            end=SIGNOFF_AT,
            spelling=spelling(PACKAGE),
            omit=omit(PACKAGE),
            progress_key="processPercentage",
        ),
        StepPlan(
            SIGNOFF,
            start=SIGNOFF_AT,
            end=go_live,
            active=WAITING_FOR_REVIEW,
            spelling=spelling(SIGNOFF),
            omit=omit(SIGNOFF),
            progress_key=None,
            notes=(PREVIEW_READY,),
        ),
        StepPlan(LIVE, start=go_live, end=live_end, spelling=spelling(LIVE), omit=omit(LIVE), notes=live_notes),
    )


def shifted(scenario: Scenario, by: float) -> Scenario:
    """The same scenario with every event moved by `by` seconds."""

    def note(n: Note) -> Note:
        return dataclasses.replace(n, at=n.at + by)

    def move(x: float | None) -> float | None:
        return None if x is None else x + by

    steps = tuple(
        dataclasses.replace(s, start=move(s.start), end=move(s.end), notes=tuple(map(note, s.notes)))
        for s in scenario.steps
    )
    return dataclasses.replace(
        scenario,
        steps=steps,
        offer=tuple((since + by, word) for since, word in scenario.offer),
        notes=tuple(map(note, scenario.notes)),
        preview_at=move(scenario.preview_at),
        live_at=move(scenario.live_at),
    )


def not_started_steps(spelling: Spelling = Spelling.CAMEL) -> tuple[StepPlan, ...]:
    return tuple(StepPlan(info, spelling=spelling) for info in (VALIDATE, CERTIFY, PROVISION, PACKAGE, SIGNOFF, LIVE))


def failing_certification(
    end: float, outcome: str, spelling: Spelling, notes: tuple[Note, ...]
) -> tuple[StepPlan, ...]:
    """Validation passes, certification ends `outcome` at `end`; later steps never start."""
    return (
        StepPlan(VALIDATE, start=0.0, end=VALIDATED_AT, spelling=spelling),
        StepPlan(
            CERTIFY,
            start=VALIDATED_AT,
            end=end,
            outcome=outcome,
            expected=60 * HOUR,
            spelling=spelling,
            notes=(CERTIFICATION_STARTED, *notes),
        ),
        *not_started_steps(spelling)[2:],
    )


SIGNOFF_SCENARIO = Scenario(
    name="signoff",
    description=f"a realistic publish that reaches publisher sign-off at {SIGNOFF_AT:.0f} s (~79 h) and stays there",
    steps=publish_steps(),
    offer=((0.0, RUNNING), (SIGNOFF_AT, WAITING_FOR_REVIEW)),
    preview_at=SIGNOFF_AT,
)

LIVE_SCENARIO = Scenario(
    name="live",
    description=(
        f"as signoff, then the publisher goes live at {GO_LIVE_AT:.0f} s; the offer is succeeded "
        f"at {LIVE_AT:.0f} s (~86 h)"
    ),
    steps=publish_steps(go_live=GO_LIVE_AT),
    offer=((0.0, RUNNING), (SIGNOFF_AT, WAITING_FOR_REVIEW), (GO_LIVE_AT, RUNNING), (LIVE_AT, SUCCEEDED)),
    preview_at=SIGNOFF_AT,
    live_at=LIVE_AT,
)

SUCCEEDED_SCENARIO = dataclasses.replace(
    shifted(dataclasses.replace(LIVE_SCENARIO, steps=publish_steps(GO_LIVE_AT, ALL_CAMEL)), SUCCEEDED_SHIFT),
    name="succeeded",
    description="already live from the start: offer succeeded, every step complete (the documentation's example)",
)

CERTIFICATION_FAILED = Scenario(
    name="certification-failed",
    description=f"certification is rejected at {FAILED_AT:.0f} s (~6 h) with HTML error messages; the offer is failed",
    steps=failing_certification(
        FAILED_AT,
        REJECTED,
        Spelling.CAMEL,
        (
            Note(VALIDATED_AT + 2 * HOUR, "information", "Automated scans of the technical assets completed."),
            Note(
                FAILED_AT,
                "error",
                "<b>Policy 100.1.3</b>: the offer listing has no privacy policy. See "
                '<a href="https://learn.microsoft.com/legal/marketplace/certification-policies">the '
                "certification policies</a>.",
            ),
            Note(
                FAILED_AT,
                "error",
                "<b>VM image</b>: the OS disk failed the security scan &mdash; <i>root login over SSH is enabled</i>.",
            ),
            Note(FAILED_AT, "information", "Fix the issues above, then publish the offer again."),
        ),
    ),
    offer=((0.0, RUNNING), (FAILED_AT, FAILED)),
    notes=(Note(FAILED_AT, "error", "Publishing stopped: the offer did not pass <b>Certification</b>."),),
)

CANCELED_SCENARIO = Scenario(
    name="canceled",
    description=f"publishing is canceled during certification at {CANCELED_AT:.0f} s (~20 h); the offer is canceled",
    steps=failing_certification(CANCELED_AT, CANCELED, Spelling.PASCAL, ()),
    offer=((0.0, RUNNING), (CANCELED_AT, CANCELED)),
    notes=(Note(CANCELED_AT, "information", "Publishing was canceled by <b>jdoe@contoso.com</b>."),),
)

BLOCKED_SCENARIO = Scenario(
    name="blocked",
    description=(
        f"certification becomes Blocked at {BLOCKED_AT:.0f} s (~8 h) with an error message; the offer stays running"
    ),
    steps=failing_certification(
        BLOCKED_AT,
        BLOCKED,
        Spelling.PASCAL,
        (
            Note(
                BLOCKED_AT,
                "error",
                "<b>Action required</b>: the certification team cannot sign in to the VM with the "
                'credentials provided. <a href="https://partner.microsoft.com/dashboard">Update the test '
                "credentials</a>.",
            ),
        ),
    ),
    offer=((0.0, RUNNING),),
)

NEVER_PUBLISHED_SCENARIO = Scenario(
    name="never-published",
    description="the offer was never published: status neverPublished, no steps",
    steps=(),
    offer=((0.0, NEVER_PUBLISHED),),
    version=1,
)

NOT_STARTED_SCENARIO = Scenario(
    name="not-started",
    description="publishing has not started: status notStarted, every step notStarted",
    steps=not_started_steps(),
    offer=((0.0, NOT_STARTED),),
    version=2,
)

STUCK_SCENARIO = Scenario(
    name="stuck",
    description="running in certification forever (older lower-case words: running, completed)",
    steps=(
        StepPlan(VALIDATE, start=0.0, end=VALIDATED_AT, spelling=Spelling.LEGACY),
        StepPlan(
            CERTIFY, start=VALIDATED_AT, expected=3 * DAY, spelling=Spelling.LEGACY, notes=(CERTIFICATION_STARTED,)
        ),
        *not_started_steps(Spelling.LEGACY)[2:],
    ),
    offer=((0.0, RUNNING),),
    spelling=Spelling.LEGACY,
)

FLAKY_SCENARIO = dataclasses.replace(
    SIGNOFF_SCENARIO,
    name="flaky",
    description="as signoff (PascalCase offer status), but every 3rd status request answers 503 with Retry-After: 1",
    steps=publish_steps(omit_estimate=frozenset({VALIDATE.id})),
    spelling=Spelling.PASCAL,
    flaky_every=3,
)

ALL: tuple[Scenario, ...] = (
    SIGNOFF_SCENARIO,
    LIVE_SCENARIO,
    SUCCEEDED_SCENARIO,
    CERTIFICATION_FAILED,
    CANCELED_SCENARIO,
    BLOCKED_SCENARIO,
    NEVER_PUBLISHED_SCENARIO,
    NOT_STARTED_SCENARIO,
    STUCK_SCENARIO,
    FLAKY_SCENARIO,
)

SCENARIOS: dict[str, str] = {s.name: s.description for s in ALL}


def get_scenario(name: str) -> Scenario:
    for scenario in ALL:
        if scenario.name == name:
            return scenario
    raise ValueError(f"unknown scenario {name!r}; one of {', '.join(SCENARIOS)}")
