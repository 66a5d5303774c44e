"""Target 4, API calls: status calls over a realistic publish, fixed against adaptive polling.

The sandbox's `signoff` scenario (validation 10 min of "< 15 min", certification 60 h of
"~2-3 days", provisioning 18 h of "< 1 day", packaging 45 min of "< 1 hour", then
waitingForPublisherReview at about 79 h) runs on a virtual clock, in process: the gate's own
poll loop, schedule, parser and verdict rules read the sandbox's offer book directly, without
HTTP, so days of publishing take a fraction of a second (tests/action/test_poll_strategy_action.py
covers the same over HTTP). Each repeat joins the poll grid at another phase, so sign-off lands
at another point between two checks.

Measured per strategy at `poll-interval: 1m`: the detection delay (seconds from sign-off to the
check that saw it; target: within one interval, judged on the worst run), status calls in all
and per hour of waiting, and the calls adaptive saves (its calls as a ratio to fixed's).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness import Row, Settings

from offergate.core.clock import Deadline, VirtualClock
from offergate.core.gate import Gate
from offergate.core.schedule import PollStrategy
from offergate.core.verdict import Result
from offergate.core.watch import WatchState
from offergate.offers.cloud_partner_portal.model import OfferStatus, parse_status
from offergate.offers.cloud_partner_portal.watcher import OfferWatcher
from offergate.offers.settings import WaitUntil
from offergate.sandbox.offers import VM_OFFER, Offer, OfferBook
from offergate.sandbox.scenarios import SIGNOFF_AT

POLL_INTERVAL = 60.0
TIMEOUT = 4 * 86400.0
SCENARIO = "signoff"


@dataclass
class BookClient:
    """Stands in for OfferClient: reads an offer's status straight from the sandbox's offer
    book (no HTTP), counting each call, so the real OfferWatcher judges it."""

    book: OfferBook
    offer: Offer

    def status(self, offer_id: str) -> OfferStatus:
        self.book.count_status_request(self.offer)
        return parse_status(offer_id, self.book.status_body(self.offer))


@dataclass(frozen=True)
class Wait:
    delay: float  # seconds from sign-off to the check that saw it
    calls: int  # status calls
    hours: float  # hours the gate waited

    @property
    def calls_per_hour(self) -> float:
        return self.calls / self.hours


def wait_for_signoff(strategy: PollStrategy, phase: float) -> Wait:
    """One gate run over the whole publish; the gate starts `phase` seconds after the offer."""
    clock = VirtualClock()
    book = OfferBook(clock.monotonic, time_scale=1.0)
    offer = book.add_offer("contoso", "vm-offer", SCENARIO, VM_OFFER, "Contoso VM")
    clock.advance(phase)
    started = clock.monotonic()
    gate = Gate(
        [WatchState(OfferWatcher(BookClient(book, offer), offer.publisher, offer.id, WaitUntil.PUBLISHER_SIGNOFF))],
        clock.as_clock(),
        Deadline(clock.as_clock(), TIMEOUT),
        POLL_INTERVAL,
        lambda _line: None,
        strategy,
    )
    if gate.run() is not Result.PASSED:
        raise RuntimeError(f"{strategy.value}: the gate ended {gate.result.value}, not at sign-off")
    ended = clock.monotonic()
    return Wait(delay=ended - offer.t0 - SIGNOFF_AT, calls=offer.status_requests, hours=(ended - started) / 3600)


def phases(repeats: int) -> list[float]:
    """Where the gate joins the one-minute grid, spread over the minute."""
    return [(7.5 + i * POLL_INTERVAL / repeats) % POLL_INTERVAL for i in range(max(1, repeats))]


def run(settings: Settings) -> list[Row]:
    waits = {
        strategy: [wait_for_signoff(strategy, phase) for phase in phases(settings.repeats)] for strategy in PollStrategy
    }
    fixed, adaptive = waits[PollStrategy.FIXED], waits[PollStrategy.ADAPTIVE]
    fixed_calls = Row("polling: fixed 1m, status calls to sign-off", [float(w.calls) for w in fixed], unit="calls")
    return [
        Row(
            "polling: fixed 1m, detection delay after sign-off",
            [w.delay for w in fixed],
            limit=POLL_INTERVAL,
            worst=True,
            note="sign-off noticed within one poll-interval (1m)",
        ),
        Row(
            "polling: adaptive 1m, detection delay after sign-off",
            [w.delay for w in adaptive],
            limit=POLL_INTERVAL,
            worst=True,
            note="same promise as fixed: within one poll-interval",
        ),
        fixed_calls,
        Row(
            "polling: adaptive 1m, status calls to sign-off",
            [float(w.calls) for w in adaptive],
            unit="calls",
            baseline=fixed_calls,
            max_ratio=0.5,
            note="ratio: adaptive's calls over fixed's (target: half or fewer)",
        ),
        Row("polling: fixed 1m, status calls per hour", [w.calls_per_hour for w in fixed], unit="calls/h"),
        Row("polling: adaptive 1m, status calls per hour", [w.calls_per_hour for w in adaptive], unit="calls/h"),
        Row(
            "polling: calls adaptive saves",
            [float(f.calls - a.calls) for f, a in zip(fixed, adaptive, strict=True)],
            unit="calls",
            note=f"over the whole publish (~{SIGNOFF_AT / 3600:.0f} h to sign-off)",
        ),
    ]
