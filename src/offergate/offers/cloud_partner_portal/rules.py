"""The offer gate's verdict rules: pure functions of one observed offer status."""

from __future__ import annotations

from offergate.core.schedule import StepPhase, parse_estimate
from offergate.core.verdict import Result, Verdict
from offergate.core.wording import norm
from offergate.offers.cloud_partner_portal.model import OfferStatus, Step
from offergate.offers.present import status_word
from offergate.offers.settings import WaitUntil

SIGNOFF_STEP = "publishersignoff"
FAILED_OFFER = {"failed", "canceled", "cancelled"}
FAILED_STEP = {"rejected", "blocked", "canceled", "cancelled", "failed"}
IDLE_OFFER = {"neverpublished", "notstarted"}
AT_SIGNOFF = {"waitingforpublisherreview", "complete", "completed"}


def is_signoff_step(step: Step) -> bool:
    return norm(step.id) == SIGNOFF_STEP or norm(step.name) == SIGNOFF_STEP


def error_messages(step: Step) -> tuple[str, ...]:
    return tuple(m.text for m in step.messages if norm(m.level) in ("error", "critical"))


def offer_verdict(observed: OfferStatus, wait_until: WaitUntil) -> Verdict:
    """passed, failed or pending for one offer, with the reason in a sentence."""
    status = norm(observed.status)
    if status in FAILED_OFFER:
        failing = _first_failed_step(observed)
        where = f" at step '{failing.label}' ({status_word(failing.status)})" if failing else ""
        details = error_messages(failing) if failing else ()
        offer_errors = tuple(m.text for m in observed.messages if norm(m.level) == "error")
        return Verdict(Result.FAILED, f"the offer is {status_word(observed.status)}{where}", details + offer_errors)
    if status == "succeeded":
        return Verdict(Result.PASSED, "the offer is live (Succeeded)")
    failing = _first_failed_step(observed)
    if failing is not None:
        return Verdict(
            Result.FAILED,
            f"step '{failing.label}' is {status_word(failing.status)}",
            error_messages(failing),
        )
    if wait_until is WaitUntil.PUBLISHER_SIGNOFF:
        if status == "waitingforpublisherreview":
            return Verdict(Result.PASSED, "the offer is waiting for publisher sign-off")
        signoff = next((s for s in observed.steps if is_signoff_step(s)), None)
        if signoff is not None and norm(signoff.status) in AT_SIGNOFF:
            return Verdict(Result.PASSED, f"the sign-off step is {status_word(signoff.status)}")
    if wait_until is WaitUntil.LIVE and _at_signoff(observed):
        return Verdict(Result.PENDING, go_live_needed(observed))
    if status in IDLE_OFFER:
        return Verdict(
            Result.PENDING,
            f"the offer is {status_word(observed.status)}: nothing is being published, so there is nothing to wait for",
            idle=True,
        )
    current = observed.current_step()
    target = "publisher sign-off" if wait_until is WaitUntil.PUBLISHER_SIGNOFF else "the offer going live"
    where = f", at step '{current.label}' ({status_word(current.status)})" if current else ""
    return Verdict(Result.PENDING, f"waiting for {target}: the offer is {status_word(observed.status)}{where}")


GO_LIVE_NEEDED = (
    "waiting for the offer going live: the offer is at publisher sign-off (WaitingForPublisherReview), where it "
    "stays until a person selects Go live in Partner Center (commercial marketplace, the offer's overview); after "
    "that, going live usually takes a few days{estimate}"
)


def _at_signoff(observed: OfferStatus) -> bool:
    if norm(observed.status) == "waitingforpublisherreview":
        return True
    signoff = next((s for s in observed.steps if is_signoff_step(s)), None)
    return signoff is not None and norm(signoff.status) == "waitingforpublisherreview"


def go_live_needed(observed: OfferStatus) -> str:
    """Why `wait-until: live` waits at sign-off: a person must act, and about how long it takes then."""
    index = next((i for i, s in enumerate(observed.steps) if is_signoff_step(s)), None)
    after = observed.steps[index + 1] if index is not None and index + 1 < len(observed.steps) else None
    estimate = (
        f" (the API's estimate for step '{after.label}': {after.estimated_time})"
        if after and after.estimated_time
        else ""
    )
    return GO_LIVE_NEEDED.format(estimate=estimate)


def _first_failed_step(observed: OfferStatus) -> Step | None:
    return next((s for s in observed.steps if norm(s.status) in FAILED_STEP), None)


IN_PROGRESS = {"inprogress", "running"}


def offer_phase(observed: OfferStatus) -> StepPhase | None:
    """The current step (the first one not complete), or None when every step is complete."""
    steps = observed.steps
    index = next((i for i, s in enumerate(steps) if norm(s.status) not in ("complete", "completed")), None)
    if index is None:
        return None
    step = steps[index]
    signoff = next((i for i, s in enumerate(steps) if is_signoff_step(s)), len(steps))
    return StepPhase(
        key=f"{index}:{step.id or step.name}",
        estimate=parse_estimate(step.estimated_time),
        in_progress=norm(step.status) in IN_PROGRESS,
        deciding=index >= signoff - 1,
    )
