"""The poll schedule's pure rules: estimates read leniently, waits stretched and tightened."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from offergate.core.clock import Deadline, VirtualClock
from offergate.core.gate import Gate
from offergate.core.schedule import (
    MAX_STRETCHED_WAIT,
    PollSchedule,
    PollStrategy,
    StepPhase,
    adaptive_wait,
    parse_estimate,
    stretch_cap,
)
from offergate.core.verdict import Result, Verdict
from offergate.core.watch import WatchState
from offergate.offers.cloud_partner_portal.model import OfferStatus, Step
from offergate.offers.cloud_partner_portal.rules import offer_phase

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("< 15 min", 15 * MINUTE),
        ("15 minutes", 15 * MINUTE),
        ("15min", 15 * MINUTE),
        ("< 1 hour", HOUR),
        ("Up to an hour", HOUR),
        ("2 hrs", 2 * HOUR),
        ("< 1 day", DAY),
        ("2 days", 2 * DAY),
        ("~2-3 days", 3 * DAY),
        ("1-3 business days", 3 * DAY),
        ("1 to 2 Weeks", 14 * DAY),
        ("1.5 hours", 1.5 * HOUR),
        ("1 day 6 hours", DAY),  # the largest figure counts
    ],
)
def test_estimates_are_read_leniently(text: str, seconds: float) -> None:
    assert parse_estimate(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "0 days", "unknown", "n/a", "3", "days"])
def test_unreadable_estimates_are_none(text: str) -> None:
    assert parse_estimate(text) is None


def test_cap_is_fifteen_minutes_or_the_interval_when_longer() -> None:
    assert stretch_cap(60) == MAX_STRETCHED_WAIT == 15 * MINUTE
    assert stretch_cap(30 * MINUTE) == 30 * MINUTE


def test_wait_stretches_while_the_estimate_is_far_from_over_and_tightens_near_its_end() -> None:
    assert adaptive_wait(60, 3 * DAY, 0, deciding=False) == 15 * MINUTE  # capped
    assert adaptive_wait(60, 3 * DAY, 3 * DAY - 40 * MINUTE, deciding=False) == 10 * MINUTE  # a quarter of 40m
    assert adaptive_wait(60, 3 * DAY, 3 * DAY - 3 * MINUTE, deciding=False) == 60  # never below the interval
    assert adaptive_wait(60, 3 * DAY, 4 * DAY, deciding=False) == 60  # late: may end any moment


def test_wait_is_the_interval_at_deciding_steps_and_without_an_estimate() -> None:
    assert adaptive_wait(60, 3 * DAY, 0, deciding=True) == 60
    assert adaptive_wait(60, None, 0, deciding=False) == 60


def test_a_long_interval_is_never_shortened() -> None:
    assert adaptive_wait(30 * MINUTE, 3 * DAY, 0, deciding=False) == 30 * MINUTE
    assert adaptive_wait(30 * MINUTE, 3 * DAY, 3 * DAY, deciding=False) == 30 * MINUTE


def step(step_id: str, status: str, estimate: str = "", name: str = "") -> Step:
    return Step(id=step_id, name=name, status=status, progress=None, estimated_time=estimate, messages=())


def offer(*steps: Step, status: str = "running") -> OfferStatus:
    return OfferStatus("vm-offer", status, tuple(steps), (), (), ())


def publish(validate: str, certify: str, provision: str, package: str, signoff: str = "notStarted") -> OfferStatus:
    return offer(
        step("displaydummycertify", validate, "< 15 min"),
        step("displaycertify", certify, "~2-3 days"),
        step("displayprovision", provision, "< 1 day"),
        step("displaypackage", package, "< 1 hour"),
        step("publisher-signoff", signoff),
        step("live", "notStarted", "< 1 day"),
    )


CERTIFYING = publish("complete", "inProgress", "notStarted", "notStarted")
PROVISIONING = publish("Complete", "Complete", "InProgress", "notStarted")
PACKAGING = publish("completed", "completed", "completed", "running")


def test_the_step_before_signoff_and_later_steps_decide() -> None:
    certify = offer_phase(CERTIFYING)
    package = offer_phase(PACKAGING)
    assert certify is not None and package is not None
    assert (certify.deciding, certify.in_progress, certify.estimate) == (False, True, 3 * DAY)
    assert (package.deciding, package.in_progress) == (True, True)
    waiting = offer_phase(publish("complete", "complete", "complete", "complete", "waitingForPublisherReview"))
    assert waiting is not None and waiting.deciding and not waiting.in_progress
    assert offer_phase(offer(step("a", "complete"), step("b", "complete"))) is None


def test_without_a_signoff_step_the_last_step_decides() -> None:
    first = offer_phase(offer(step("a", "inProgress", "2 days"), step("b", "notStarted", "1 day")))
    last = offer_phase(offer(step("a", "complete", "2 days"), step("b", "inProgress", "1 day")))
    assert first is not None and not first.deciding
    assert last is not None and last.deciding


def test_fixed_always_waits_the_interval() -> None:
    schedule = PollSchedule(PollStrategy.FIXED, 60)
    schedule.observed(offer_phase(CERTIFYING), now=0)
    assert schedule.wait == 60


def test_adaptive_counts_the_estimate_from_when_the_step_was_first_seen_in_progress() -> None:
    schedule = PollSchedule(PollStrategy.ADAPTIVE, 60)
    schedule.observed(offer_phase(CERTIFYING), now=1000)
    assert schedule.wait == 15 * MINUTE
    schedule.observed(offer_phase(CERTIFYING), now=1000 + 3 * DAY - 20 * MINUTE)
    assert schedule.wait == 5 * MINUTE
    schedule.observed(offer_phase(PROVISIONING), now=1000 + 3 * DAY)  # a new step: its own estimate starts now
    assert schedule.wait == 15 * MINUTE
    schedule.observed(offer_phase(PACKAGING), now=1000 + 4 * DAY)
    assert schedule.wait == 60


def test_adaptive_falls_back_to_the_interval() -> None:
    schedule = PollSchedule(PollStrategy.ADAPTIVE, 60)
    schedule.observed(offer_phase(CERTIFYING), now=0)
    schedule.failed()  # an error tried again at the next poll
    assert schedule.wait == 60
    schedule.observed(
        offer_phase(publish("complete", "notStarted", "notStarted", "notStarted")), now=10
    )  # between steps
    assert schedule.wait == 60
    schedule.observed(
        offer_phase(
            offer(
                step("x", "inProgress", "whenever"), step("publisher-signoff", "notStarted"), step("live", "notStarted")
            )
        ),
        now=20,
    )  # unreadable estimate
    assert schedule.wait == 60
    schedule.observed(None, now=30)  # not an offer: no steps
    assert schedule.wait == 60


def test_a_blip_in_the_status_does_not_restart_the_steps_estimate() -> None:
    schedule = PollSchedule(PollStrategy.ADAPTIVE, 60)
    schedule.observed(offer_phase(CERTIFYING), now=0)
    schedule.observed(offer_phase(publish("complete", "Unknown", "notStarted", "notStarted")), now=900)
    assert schedule.wait == 60
    schedule.observed(offer_phase(CERTIFYING), now=3 * DAY - 8 * MINUTE)
    assert schedule.wait == 2 * MINUTE


@dataclass
class Replay:
    """A watcher answering from a list of observations; the last one repeats."""

    key: str
    answers: list[object]
    polls: int = 0

    def observe(self) -> object:
        answer = self.answers[min(self.polls, len(self.answers) - 1)]
        self.polls += 1
        return answer

    def judge(self, observation: object) -> Verdict:
        return Verdict(Result.PENDING, "waiting")

    def state_line(self, observation: object) -> str:
        return str(self.polls)

    def phase(self, observation: object) -> StepPhase | None:
        return offer_phase(observation) if isinstance(observation, OfferStatus) else None


def gate_sleeps(strategy: PollStrategy, *watchers: Replay) -> list[float]:
    clock = VirtualClock()
    gate = Gate(
        [WatchState(w) for w in watchers],
        clock.as_clock(),
        Deadline(clock.as_clock(), HOUR),
        60,
        lambda _: None,
        strategy,
    )
    gate.run()
    return clock.sleeps


def test_the_gate_sleeps_what_the_schedule_asks_never_past_the_deadline() -> None:
    assert gate_sleeps(PollStrategy.ADAPTIVE, Replay("offer", [CERTIFYING])) == [15 * MINUTE] * 4
    assert gate_sleeps(PollStrategy.FIXED, Replay("offer", [CERTIFYING])) == [60.0] * 60


def test_with_several_watchers_the_gate_waits_the_shortest_wait() -> None:
    sleeps = gate_sleeps(PollStrategy.ADAPTIVE, Replay("offer", [CERTIFYING]), Replay("catalog", [("catalog", 1)]))
    assert sleeps == [60.0] * 60
    sleeps = gate_sleeps(PollStrategy.ADAPTIVE, Replay("a", [CERTIFYING]), Replay("b", [PACKAGING]))
    assert sleeps == [60.0] * 60
