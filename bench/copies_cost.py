"""What each `report-copies` value costs: read_report in this process with no copy, the CSV
copy, the JSON Lines copy and both, on the generated and the Microsoft-example shapes, each as
the median of per-turn ratios to the bare loop. No targets (report_speed.py has them, on whole
runs); the figures are for the README's inputs table and docs/performance.md.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from harness import Row, Settings, interleaved
from report_speed import bare_loop
from shapes import shape_zip

from offergate.catalogs.report.reader import read_report

SHAPES = ("generated", "microsoft")


def _reader(report: Path, folder: Path, copies: str) -> Callable[[], object]:
    csv_out = folder / "copy.csv" if "csv" in copies else None
    json_out = folder / "copy.jsonl" if "json" in copies else None
    return lambda: read_report(report, csv_out=csv_out, json_out=json_out)


def run(settings: Settings) -> list[Row]:
    rows: list[Row] = []
    for shape in SHAPES:
        report = shape_zip(settings.work_dir, shape, settings.rows)
        with tempfile.TemporaryDirectory(dir=settings.work_dir) as scratch:
            folder = Path(scratch)
            actions: dict[str, Callable[[], object]] = {"bare": lambda: bare_loop(report)}  # noqa: B023
            for copies in ("none", "csv", "json", "csv,json"):
                actions[copies] = _reader(report, folder, copies)
            samples = interleaved(actions, settings.repeats)
        bare = Row(f"bare loop, {shape}, {settings.rows:,} rows", samples.pop("bare"))
        rows.append(bare)
        rows += [
            Row(f"read_report, copies {copies}, {shape}", times, baseline=bare, paired=True)
            for copies, times in samples.items()
        ]
    return rows
