"""The poll loop: one deadline, one clock, a list of watchers, one combined result.

A watcher observes one thing (an offer, a catalog) and judges each observation with pure rules.
The loop owns time: it polls every watcher that has no verdict yet, stops as soon as one fails or
all pass, and otherwise sleeps no longer than the time left. How long it sleeps is the shortest
wait any unsettled watcher's `PollSchedule` asks for (`poll-strategy`: fixed or adaptive).

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
from typing import Any, Protocol

from offergate.core.clock import Clock, Deadline
from offergate.core.durations import format_duration
from offergate.core.errors import ApiError
from offergate.core.schedule import PollSchedule, PollStrategy, stretch_cap
from offergate.core.verdict import Result, Verdict, worst

MAX_BAD_ANSWERS = 3  # unusable 2xx answers in a row tried again after a good observation


def unusable_answer(error: ApiError) -> bool:
    """A 2xx answer whose body could not be used (not a refusal by the API, not hostile)."""
    return (
        error.status is not None
        and 200 <= error.status < 300
        and not error.transient
        and not getattr(error, "hostile", False)
    )


class Watcher(Protocol):
    @property
    def key(self) -> str:
        """What is watched, e.g. `contoso/vm-offer`."""

    def observe(self) -> Any:
        """What the API says now; raises ApiError when it cannot be asked."""

    def judge(self, observation: Any) -> Verdict:
        """The verdict for one observation (pure)."""

    def state_line(self, observation: Any) -> str:
        """A one-line description of the observation, for the change log."""


@dataclass
class WatchState:
    watcher: Watcher
    schedule: PollSchedule
    observation: Any = None
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
    def gave_up(self) -> bool:
        return self.error is not None and not self.retrying

    @property
    def settled(self) -> bool:
        return self.result in (Result.PASSED, Result.FAILED) or self.gave_up

    @property
    def moved(self) -> bool:
        """Whether the state ever changed (also when it came back to where it started)."""
        return self.changes > 0


@dataclass
class Gate:
    watchers: list[Watcher]
    clock: Clock
    deadline: Deadline
    poll_interval: float
    log: Callable[[str], None]
    poll_strategy: PollStrategy = PollStrategy.FIXED
    states: list[WatchState] = field(init=False)
    rounds: int = 0

    def __post_init__(self) -> None:
        self.states = [WatchState(w, PollSchedule(self.poll_strategy, self.poll_interval)) for w in self.watchers]

    def run(self) -> Result:
        """Poll until a verdict or the deadline; then settle every watcher and combine."""
        if self.poll_strategy is PollStrategy.ADAPTIVE and stretch_cap(self.poll_interval) > self.poll_interval:
            self.log(
                f"adaptive polling: offers every {format_duration(self.poll_interval)} near the steps that "
                f"decide the verdict, up to every {format_duration(stretch_cap(self.poll_interval))} while a "
                "step's estimated time is far from over"
            )
        while True:
            self.rounds += 1
            for state in self.states:
                if not state.settled:
                    self._poll(state)
            if self._finished() or self.deadline.expired():
                break
            self.clock.sleep(min(self.next_wait(), self.deadline.remaining()))
        for state in self.states:
            self._settle_at_end(state)
        return self.result

    def next_wait(self) -> float:
        """The shortest wait any watcher still waiting for a verdict asks for."""
        return min((s.schedule.wait for s in self.states if not s.settled), default=self.poll_interval)

    @property
    def result(self) -> Result:
        return worst([s.result for s in self.states])

    def _finished(self) -> bool:
        if any(s.result is Result.FAILED or s.gave_up for s in self.states):
            return True
        return all(s.result is Result.PASSED for s in self.states)

    def _poll(self, state: WatchState) -> None:
        elapsed = self.deadline.elapsed()
        key = state.watcher.key
        try:
            observation = state.watcher.observe()
        except ApiError as error:
            previous = state.error.describe() if state.error else None
            state.error = error
            state.polls += 1
            if unusable_answer(error):
                state.bad_answers += 1
                state.retrying = state.observation is not None and state.bad_answers <= MAX_BAD_ANSWERS
            else:
                state.retrying = error.transient
            if not state.retrying:
                state.result, state.reason = Result.ERROR, error.describe()
            state.schedule.failed()
            if error.describe() != previous or not state.retrying:
                if not state.retrying:
                    again = "giving up"
                elif error.transient:
                    again = "will try again at the next poll"
                else:
                    again = (
                        f"an unusable answer, {state.bad_answers} of {MAX_BAD_ANSWERS} in a row: "
                        "will try again at the next poll"
                    )
                self.log(f"[{_clock_text(elapsed)}] {key}: {error.describe()} ({again})")
            return
        state.polls += 1
        state.error = None
        state.retrying = False
        state.bad_answers = 0
        state.observation = observation
        state.schedule.observed(observation, self.clock.monotonic())
        verdict = state.watcher.judge(observation)
        state.verdict = verdict
        line = state.watcher.state_line(observation)
        if state.polls == 1 or not state.first_line:
            state.first_line = line
        if line != state.last_line:
            if state.last_line:
                state.changes += 1
            self.log(f"[{_clock_text(elapsed)}] {key}: {line}")
            state.last_line = line
        state.result, state.reason = verdict.result, verdict.reason

    def _settle_at_end(self, state: WatchState) -> None:
        if state.settled:
            return
        if state.error is not None:
            state.result = Result.ERROR
            state.reason = f"{state.error.describe()} (still failing when the wait ended)"
        elif state.verdict is not None and state.verdict.idle and not state.moved:
            state.result = Result.FAILED
            state.reason = state.verdict.reason
        elif state.verdict is not None:
            state.result = state.verdict.at_deadline
        else:
            state.result = Result.PENDING


def _clock_text(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"
