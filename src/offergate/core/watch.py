"""One watched thing: the watcher protocol a backend implements, and the state the poll loop keeps.

A watcher observes one thing (an offer, a catalog) and judges each observation with pure rules.
`WatchState[Obs]` keeps what the loop learnt of one watcher, typed by the watcher's observation;
the loop itself sees every state through the `Watch` protocol, which does not name `Obs`, so
backends with different observations share one loop without `Any` or a type test.

Errors: a transient one (429, 5xx, no connection) is tried again at the next poll. A 2xx answer
that cannot be used (HTML from a proxy, an empty or truncated body, the wrong shape) is an error
at the first poll (exit 4: the settings or the API are wrong), but after a good observation it
looks like a blip and is tried again at the next poll, at most `MAX_BAD_ANSWERS` times in a row.
An answer refused as hostile (XML with a DTD or entities: `hostile = True` on the error) and any
other error (401 after the one token refresh, 403, 404: the offer or catalog is gone) end the
wait at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from offergate.core.errors import ApiError
from offergate.core.schedule import PollSchedule, PollStrategy, StepPhase
from offergate.core.verdict import Result, Verdict

MAX_BAD_ANSWERS = 3  # unusable 2xx answers in a row tried again after a good observation

Obs = TypeVar("Obs")


def unusable_answer(error: ApiError) -> bool:
    """A 2xx answer whose body could not be used (not a refusal by the API, not hostile)."""
    return error.status is not None and 200 <= error.status < 300 and not error.transient and not error.hostile


class Watcher(Protocol[Obs]):
    """What a backend implements for each thing it watches."""

    @property
    def key(self) -> str:
        """What is watched, e.g. `contoso/vm-offer`."""

    def observe(self) -> Obs:
        """What the API says now; raises ApiError when it cannot be asked."""

    def judge(self, observation: Obs) -> Verdict:
        """The verdict for one observation (pure)."""

    def state_line(self, observation: Obs) -> str:
        """A one-line description of the observation, for the change log."""

    def phase(self, observation: Obs) -> StepPhase | None:
        """The current step, for adaptive polling; None: poll every `poll-interval`."""


class Watch(Protocol):
    """What the poll loop sees of one watched thing, whatever its observation's type."""

    schedule: PollSchedule

    @property
    def key(self) -> str: ...

    @property
    def result(self) -> Result: ...

    @property
    def reason(self) -> str: ...

    @property
    def settled(self) -> bool: ...

    @property
    def gave_up(self) -> bool: ...

    def poll(self, now: Callable[[], float], log: Callable[[str], None]) -> None: ...

    def settle_at_end(self) -> None: ...


def _fixed() -> PollSchedule:
    return PollSchedule(PollStrategy.FIXED, 60.0)


@dataclass
class WatchState(Generic[Obs]):
    watcher: Watcher[Obs]
    schedule: PollSchedule = field(default_factory=_fixed)  # the gate sets the run's own
    observation: Obs | None = None
    verdict: Verdict | None = None
    error: ApiError | None = None
    polls: int = 0
    first_line: str = ""
    last_line: str = ""
    changes: int = 0  # how often the state line changed after the first observation
    bad_answers: int = 0  # unusable 2xx answers in a row
    retrying: bool = False  # the current error is tried again at the next poll
    result: Result = Result.PENDING
    reason: str = "not checked yet"

    @property
    def key(self) -> str:
        return self.watcher.key

    @property
    def gave_up(self) -> bool:
        return self.error is not None and not self.retrying

    @property
    def settled(self) -> bool:
        return self.result in (Result.PASSED, Result.FAILED) or self.gave_up

    @property
    def moved(self) -> bool:
        """Whether the state ever changed (also when it came back to where it started)."""
        return self.changes > 0

    def poll(self, now: Callable[[], float], log: Callable[[str], None]) -> None:
        """Observe once and judge; `log` gets a line when the state or the error changes.

        `now` is the monotonic clock, read when the observation has come.
        """
        try:
            observation = self.watcher.observe()
        except ApiError as error:
            self._failed(error, log)
            return
        self.polls += 1
        self.error = None
        self.retrying = False
        self.bad_answers = 0
        self.observation = observation
        self.schedule.observed(self.watcher.phase(observation), now())
        verdict = self.watcher.judge(observation)
        self.verdict = verdict
        line = self.watcher.state_line(observation)
        if self.polls == 1 or not self.first_line:
            self.first_line = line
        if line != self.last_line:
            if self.last_line:
                self.changes += 1
            log(f"{self.key}: {line}")
            self.last_line = line
        self.result, self.reason = verdict.result, verdict.reason

    def _failed(self, error: ApiError, log: Callable[[str], None]) -> None:
        previous = self.error.describe() if self.error else None
        self.error = error
        self.polls += 1
        if unusable_answer(error):
            self.bad_answers += 1
            self.retrying = self.observation is not None and self.bad_answers <= MAX_BAD_ANSWERS
        else:
            self.retrying = error.transient
        if not self.retrying:
            self.result, self.reason = Result.ERROR, error.describe()
        self.schedule.failed()
        if error.describe() != previous or not self.retrying:
            if not self.retrying:
                again = "giving up"
            elif error.transient:
                again = "will try again at the next poll"
            else:
                again = (
                    f"an unusable answer, {self.bad_answers} of {MAX_BAD_ANSWERS} in a row: "
                    "will try again at the next poll"
                )
            log(f"{self.key}: {error.describe()} ({again})")

    def settle_at_end(self) -> None:
        """What the state becomes when the wait ends without a verdict."""
        if self.settled:
            return
        if self.error is not None:
            self.result = Result.ERROR
            self.reason = f"{self.error.describe()} (still failing when the wait ended)"
        elif self.verdict is not None and self.verdict.idle and not self.moved:
            self.result = Result.FAILED
            self.reason = self.verdict.reason
        elif self.verdict is not None:
            self.result = self.verdict.at_deadline
        else:
            self.result = Result.PENDING
