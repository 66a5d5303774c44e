"""Target 1: a 1,000,000-row report at the speed of a bare zipfile + csv.reader loop.

Three measurements, taken in turns so that a slow spell of the machine weighs on all alike:
- bare loop: zipfile opens the report's CSV member and csv.reader walks every row (the floor:
  what any Python program must spend to see the rows at all);
- report reader: offergate.catalogs.report.reader.read_report over the same ZIP, without output files
  (unzip, decode, parse, tally), target at most 1.3x the bare loop;
- whole run: the gate in catalog mode with timeout 0 as its own process, against the sandbox
  serving the ZIP (download, unzip, parse, tally, write the CSV and JSON report files,
  summary, outputs), target at most 2.5x the bare loop.

The ratios are paired: each turn's reader and whole-run time over the same turn's bare loop,
then the median of those (the machine's speed drifts by a third from one minute to the next
here, so turns taken together compare far better than medians taken apart).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from harness import Row, Settings, interleaved
from reportgen import report_zip
from whole_run import whole_run

from offergate.catalogs.report.reader import read_report


def bare_loop(path: Path) -> int:
    rows = 0
    with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as member:
        for _ in csv.reader(io.TextIOWrapper(member, encoding="utf-8", newline="")):
            rows += 1
    return rows


def run(settings: Settings) -> list[Row]:
    report = report_zip(settings.work_dir, settings.rows)
    samples = interleaved(
        {
            "bare": lambda: bare_loop(report),
            "reader": lambda: read_report(report),
            "whole": lambda: whole_run(report, settings.rows, settings.work_dir),
        },
        settings.repeats,
    )
    label = f"{settings.rows:,} rows"
    bare = Row(f"bare zipfile + csv.reader loop, {label}", samples["bare"])
    return [
        bare,
        Row(
            f"report reader (unzip, parse, tally), {label}",
            samples["reader"],
            baseline=bare,
            max_ratio=1.3,
            paired=True,
        ),
        Row(
            f"whole run, catalog gate, timeout 0, {label}", samples["whole"], baseline=bare, max_ratio=2.5, paired=True
        ),
    ]
