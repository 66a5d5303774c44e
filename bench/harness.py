"""What every benchmark shares: repeated measurements, a results table, targets to meet.

A benchmark module exposes `run(settings) -> list[Row]`. Each Row holds the samples of one
measurement (seconds, megabytes, calls...), optionally the Row it is compared with, and a
target: an upper limit on the median (or, with `worst=True`, on the largest sample), either
absolute or as a ratio to the baseline's median. With `paired=True` (samples taken in turns
with the baseline's, see `interleaved`) the ratio is the median of each turn's ratio, which a
machine whose speed drifts from one minute to the next disturbs far less. `bench/run.py` prints every Row as one line of
a table and exits 1 when a target is missed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    repeats: int = 3  # samples per timed measurement
    rows: int = 1_000_000  # rows of the large report
    small_rows: int = 100_000  # rows of the smaller report (memory growth)
    work_dir: str = ""  # where generated inputs go (a temporary folder by default)


@dataclass
class Row:
    name: str
    samples: list[float]
    unit: str = "s"
    baseline: Row | None = None  # the Row a ratio is taken against
    paired: bool = False  # samples taken in turns with the baseline's: the ratio is the median of per-turn ratios
    max_ratio: float | None = None  # target: median / baseline median at most this
    limit: float | None = None  # target: median (or worst sample) below this, in `unit`
    worst: bool = False  # judge the largest sample instead of the median
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def judged(self) -> float:
        return max(self.samples) if self.worst else self.median

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline.median:
            return None
        if self.paired and len(self.samples) == len(self.baseline.samples) and all(self.baseline.samples):
            return statistics.median(s / b for s, b in zip(self.samples, self.baseline.samples, strict=True))
        return self.median / self.baseline.median

    @property
    def target(self) -> str:
        if self.max_ratio is not None:
            return f"<= {self.max_ratio:g}x"
        if self.limit is not None:
            return f"< {self.limit:g} {self.unit}" + (" (worst)" if self.worst else "")
        return ""

    @property
    def passed(self) -> bool | None:
        if self.max_ratio is not None:
            ratio = self.ratio
            return ratio is not None and ratio <= self.max_ratio
        if self.limit is not None:
            return self.judged < self.limit
        return None


def timed(action: Callable[[], object], repeats: int) -> list[float]:
    """Wall-clock seconds of `repeats` calls of `action`."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def interleaved(actions: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Time several actions in turns (a, b, c, a, b, c...), so that a slow spell of the machine
    weighs on all of them alike: ratios between them stay fair on a noisy machine."""
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeats):
        for name, action in actions.items():
            samples[name] += timed(action, 1)
    return samples


def _number(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f}"
    if unit == "ms":
        return f"{value:.1f}"
    if unit == "x":
        return f"{value:.2f}"
    return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table (it reads as plain text too)."""
    lines = [
        "| measurement | unit | median | min | max | ratio | target | met |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        ratio = row.ratio
        met = {True: "yes", False: "**NO**", None: ""}[row.passed]
        lines.append(
            f"| {row.name} | {row.unit} | {_number(row.median, row.unit)} | {_number(min(row.samples), row.unit)} "
            f"| {_number(max(row.samples), row.unit)} | {f'{ratio:.2f}x' if ratio is not None else ''} "
            f"| {row.target} | {met} |"
        )
    return "\n".join(lines)
