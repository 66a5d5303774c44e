"""Time as the gate sees it: a monotonic clock and a sleep, both injectable.

Tests pass a virtual clock so that a 36-hour review runs in milliseconds; the sandbox can
share the same clock so that its timeline advances with the gate's sleeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Clock:
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


SYSTEM_CLOCK = Clock()


@dataclass
class Deadline:
    """One deadline on a monotonic clock. `timeout` seconds from creation."""

    clock: Clock
    timeout: float
    start: float = field(init=False)

    def __post_init__(self) -> None:
        self.start = self.clock.monotonic()

    @property
    def at(self) -> float:
        return self.start + self.timeout

    def remaining(self) -> float:
        return max(0.0, self.at - self.clock.monotonic())

    def expired(self) -> bool:
        return self.clock.monotonic() >= self.at

    def elapsed(self) -> float:
        return self.clock.monotonic() - self.start


class VirtualClock:
    """A clock for tests and the demo: `sleep` advances time instead of waiting.

    Thread-safe, so a sandbox serving from another thread can read it.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def as_clock(self) -> Clock:
        return Clock(monotonic=self.monotonic, sleep=self.sleep)
