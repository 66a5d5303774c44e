"""Target 2: peak resident memory of the whole run under 80 MB, growing by less than 10 MB
between a 100,000-row and a 1,000,000-row report.

The whole run is the gate in catalog mode with timeout 0, in its own process as the runner
starts it. A large report's copies are encoded by a worker process of the gate, so the figure
is the sum of both processes' peaks (see peak_memory.py): an upper bound of the true peak.
"""

from __future__ import annotations

from harness import Row, Settings
from reportgen import report_zip
from whole_run import whole_run

REPEATS = 3  # memory hardly varies between runs


def run(settings: Settings) -> list[Row]:
    small = report_zip(settings.work_dir, settings.small_rows)
    large = report_zip(settings.work_dir, settings.rows)
    small_mb: list[float] = []
    large_mb: list[float] = []
    for _ in range(min(REPEATS, settings.repeats)):
        small_mb.append(whole_run(small, settings.small_rows, settings.work_dir).peak_rss_mb)
        large_mb.append(whole_run(large, settings.rows, settings.work_dir).peak_rss_mb)
    growth = [after - before for before, after in zip(small_mb, large_mb, strict=True)]
    return [
        Row(f"peak RSS, whole run, {settings.small_rows:,} rows", small_mb, unit="MB", limit=80, worst=True),
        Row(
            f"peak RSS, whole run, {settings.rows:,} rows",
            large_mb,
            unit="MB",
            limit=80,
            worst=True,
            note="the gate's process plus its report-encoder worker, each at its own peak",
        ),
        Row(
            f"peak RSS growth, {settings.small_rows:,} to {settings.rows:,} rows",
            growth,
            unit="MB",
            limit=10,
            worst=True,
        ),
    ]
