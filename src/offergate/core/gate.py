"""The poll loop: one deadline, one clock, the watched things, one combined result.

The loop owns time: it polls every watched thing that has no verdict yet, stops as soon as one
fails or all pass, and otherwise sleeps no longer than the time left. How long it sleeps is the
shortest wait any unsettled watch's `PollSchedule` asks for (`poll-strategy`: fixed or adaptive).
What one poll does (observe, judge, retry rules) is `WatchState.poll` in `offergate.core.watch`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from offergate.core.clock import Clock, Deadline
from offergate.core.durations import format_duration
from offergate.core.schedule import PollSchedule, PollStrategy, stretch_cap
from offergate.core.verdict import Result, worst
from offergate.core.watch import Watch


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
        while True:
            self.rounds += 1
            for state in self.states:
                if not state.settled:
                    state.poll(self.clock.monotonic, self._stamped(self.deadline.elapsed()))
            if self._finished() or self.deadline.expired():
                break
            self.clock.sleep(min(self.next_wait(), self.deadline.remaining()))
        for state in self.states:
            state.settle_at_end()
        return self.result

    def next_wait(self) -> float:
        """The shortest wait any watch still waiting for a verdict asks for."""
        return min((s.schedule.wait for s in self.states if not s.settled), default=self.poll_interval)

    @property
    def result(self) -> Result:
        return worst([s.result for s in self.states])

    def _stamped(self, elapsed: float) -> Callable[[str], None]:
        """The log, each line stamped with the wait's time when the poll began."""
        stamp = f"[{_clock_text(elapsed)}] "
        return lambda line: self.log(stamp + line)

    def _finished(self) -> bool:
        if any(s.result is Result.FAILED or s.gave_up for s in self.states):
            return True
        return all(s.result is Result.PASSED for s in self.states)


def _clock_text(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"
