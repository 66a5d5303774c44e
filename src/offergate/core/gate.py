"""The poll loop: one deadline, one clock, the watched things, one combined result.

The loop owns time: it polls every watched thing that has no verdict yet, stops as soon as one
fails or all pass, and otherwise sleeps no longer than the time left. How long it sleeps is the
shortest wait any unsettled watch's `PollSchedule` asks for (`poll-strategy`: fixed or adaptive).
What one poll does (observe, judge, retry rules) is `WatchState.poll` in `offergate.core.watch`.

The log gets a line per change (from the watches) and, so that a long wait shows it is alive, a
heartbeat after a round of polls when nothing was said for `HEARTBEAT` (10 minutes): what is still
awaited, how long it has waited of the timeout, and when the next check is. With polls rarer than
that, every poll that changes nothing ends with a heartbeat.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from offergate.core.clock import Clock, Deadline
from offergate.core.durations import format_duration
from offergate.core.schedule import PollSchedule, PollStrategy, stretch_cap
from offergate.core.verdict import Result, worst
from offergate.core.watch import Watch

HEARTBEAT = 10 * 60.0  # the longest the log stays silent between polls
HEARTBEAT_SHOWN = 3  # watches named in a heartbeat; the rest are counted


@dataclass
class Gate:
    watches: Sequence[Watch]
    clock: Clock
    deadline: Deadline
    poll_interval: float
    log: Callable[[str], None]
    poll_strategy: PollStrategy = PollStrategy.FIXED
    states: list[Watch] = field(init=False)
    rounds: int = 0
    _last_said: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.states = list(self.watches)
        for state in self.states:
            state.schedule = PollSchedule(self.poll_strategy, self.poll_interval)

    def run(self) -> Result:
        """Poll until a verdict or the deadline; then settle every watch and combine."""
        if self.poll_strategy is PollStrategy.ADAPTIVE and stretch_cap(self.poll_interval) > self.poll_interval:
            self.log(
                f"adaptive polling: offers every {format_duration(self.poll_interval)} near the steps that "
                f"decide the verdict, up to every {format_duration(stretch_cap(self.poll_interval))} while a "
                "step's estimated time is far from over"
            )
        self._last_said = self.clock.monotonic()
        while True:
            self.rounds += 1
            for state in self.states:
                if not state.settled:
                    state.poll(self.clock.monotonic, self._stamped(self.deadline.elapsed()))
            if self._finished() or self.deadline.expired():
                break
            wait = min(self.next_wait(), self.deadline.remaining())
            if self.clock.monotonic() - self._last_said >= HEARTBEAT:
                self._stamped(self.deadline.elapsed())(self.heartbeat(wait))
            self.clock.sleep(wait)
        for state in self.states:
            state.settle_at_end()
        return self.result

    def next_wait(self) -> float:
        """The shortest wait any watch still waiting for a verdict asks for."""
        return min((s.schedule.wait for s in self.states if not s.settled), default=self.poll_interval)

    def heartbeat(self, wait: float) -> str:
        """What is still awaited, the time waited of the timeout, and the next check."""
        waiting = [s for s in self.states if not s.settled]
        named = "; ".join(f"{s.key}: {s.reason}" for s in waiting[:HEARTBEAT_SHOWN])
        if len(waiting) > HEARTBEAT_SHOWN:
            named += f"; and {len(waiting) - HEARTBEAT_SHOWN} more"
        last = wait >= self.deadline.remaining()
        check = (
            f"last check in {format_duration(wait)}, at the deadline"
            if last
            else f"next check in {format_duration(wait)}"
        )
        elapsed = self.deadline.elapsed()
        waited = format_duration(elapsed if elapsed < HEARTBEAT else elapsed // 60 * 60)  # whole minutes
        return f"still waiting, {waited} of {format_duration(self.deadline.timeout)}; {check}. {named}"

    @property
    def result(self) -> Result:
        return worst([s.result for s in self.states])

    def _stamped(self, elapsed: float) -> Callable[[str], None]:
        """The log, each line stamped with the wait's time when the poll began."""
        stamp = f"[{_clock_text(elapsed)}] "

        def say(line: str) -> None:
            self._last_said = self.clock.monotonic()
            self.log(stamp + line)

        return say

    def _finished(self) -> bool:
        if any(s.result is Result.FAILED or s.gave_up for s in self.states):
            return True
        return all(s.result is Result.PASSED for s in self.states)


def _clock_text(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"
