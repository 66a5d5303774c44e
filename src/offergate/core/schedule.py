"""How long the gate waits before the next status check (pure, apart from remembering a step).

`fixed` waits `poll-interval` every time. `adaptive` reads the current step's estimated time
frame (the API's `estimatedTimeFrame`, e.g. "~2-3 days") and, while that frame is far from
over, waits longer:

- the wait is a quarter of the estimated time left in the step, counted from when the gate
  first saw the step in progress, never less than `poll-interval` and never more than the cap,
  `max(poll-interval, 15 min)`;
- it is `poll-interval` at the steps that decide the verdict (the step right before publisher
  sign-off, the sign-off step and any later step such as Go Live), once the step's estimated
  time is over (it is late and may end at any moment), while no step is in progress, after an
  error, and whenever the estimate is missing or cannot be read.

So a verdict that comes at the end of a deciding step (sign-off, live) is noticed as quickly as
with `fixed`; a step that fails while its estimated time is far from over is noticed at most the
cap (15 min) after it happens. A watcher whose things have no steps (catalogs: its `phase` is None)
always gets `poll-interval`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class PollStrategy(str, Enum):
    FIXED = "fixed"
    ADAPTIVE = "adaptive"


MAX_STRETCHED_WAIT = 15 * 60.0  # the cap: max(poll-interval, this)
STRETCH_SHARE = 4  # wait at most a quarter of the estimated time left in the step

_UNIT_SECONDS = {
    "second": 1.0,
    "minute": 60.0,
    "hour": 3600.0,
    "day": 86400.0,  # a business day counts as a day: the frame ends sooner, so polling tightens sooner
    "week": 7 * 86400.0,
}
_UNIT_WORDS = {
    "second": ("seconds", "second", "secs", "sec", "s"),
    "minute": ("minutes", "minute", "mins", "min", "m"),
    "hour": ("hours", "hour", "hrs", "hr", "h"),
    "day": ("days", "day", "d"),
    "week": ("weeks", "week", "wks", "wk", "w"),
}
_UNIT_OF = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_NUMBER = r"(\d+(?:[.,]\d+)?|an?|one)"
_ESTIMATE = re.compile(
    rf"{_NUMBER}(?:\s*(?:-|–|to)\s*{_NUMBER})?\s*(?:(?:business|working)\s+)?"
    rf"({'|'.join(sorted(_UNIT_OF, key=len, reverse=True))})\b",
    re.IGNORECASE,
)


def parse_estimate(text: str) -> float | None:
    """The upper end, in seconds, of an estimated time frame; None when it cannot be read.

    Lenient: "< 15 min", "~2-3 days", "1-3 business days", "15 minutes", "up to an hour".
    With several figures ("1 day 6 hours"), the largest counts.
    """
    longest: float | None = None
    for low, high, unit in _ESTIMATE.findall(text):
        number = _number(high or low)
        seconds = number * _UNIT_SECONDS[_UNIT_OF[unit.lower()]]
        if seconds > 0 and (longest is None or seconds > longest):
            longest = seconds
    return longest


def _number(text: str) -> float:
    if text.lower() in ("a", "an", "one"):
        return 1.0
    return float(text.replace(",", "."))


def stretch_cap(interval: float) -> float:
    """The longest wait `adaptive` ever chooses."""
    return max(interval, MAX_STRETCHED_WAIT)


def adaptive_wait(interval: float, estimate: float | None, in_step_for: float, deciding: bool) -> float:
    """The wait for a step in progress: stretched while its estimated time is far from over."""
    if deciding or estimate is None:
        return interval
    time_left = estimate - in_step_for
    return min(max(interval, time_left / STRETCH_SHARE), stretch_cap(interval))


@dataclass(frozen=True)
class StepPhase:
    """What the schedule needs to know of an offer's current step."""

    key: str
    estimate: float | None
    in_progress: bool
    deciding: bool


@dataclass
class PollSchedule:
    """One watcher's next wait. Tell it every observation (or error) as it comes."""

    strategy: PollStrategy
    interval: float
    wait: float = field(init=False)
    _step: str | None = field(default=None, init=False)
    _step_seen_at: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self.wait = self.interval

    def observed(self, phase: StepPhase | None, now: float) -> None:
        """After a good observation at monotonic time `now`, with the watched thing's current step."""
        if phase is None:
            self._step = None
            self.wait = self.interval
            return
        if self.strategy is PollStrategy.FIXED or not phase.in_progress:
            self.wait = self.interval
            return
        if phase.key != self._step:  # a step first seen in progress: its estimated time starts now
            self._step, self._step_seen_at = phase.key, now
        self.wait = adaptive_wait(self.interval, phase.estimate, now - self._step_seen_at, phase.deciding)

    def failed(self) -> None:
        """After an error that is tried again: at the next `poll-interval`."""
        self.wait = self.interval
