"""The catalog gate's speed and memory on every report shape (bench/shapes.py), 1,000,000 rows.

Per shape, taken in turns so that a slow spell of the machine weighs on all alike:
- bare loop: zipfile opens the report's CSV member and csv.reader walks every row (the floor:
  what any Python program must spend to see the rows at all);
- whole run, defaults: the gate in catalog mode with timeout 0 as the runner starts it, in its
  own process, against the sandbox serving the ZIP (process start, status call, download into
  <catalog>.zip, read and tally, summary.json, job summary, outputs);
- whole run, `report-copies: csv,json`: the same, writing both normalised copies too.

Each ratio is the median of per-turn ratios (a turn's whole run over the same turn's bare
loop). Targets: defaults at most 1.6x on the median shape and 2.0x on the worst one; with
copies at most 6x on every shape; the gate's peak memory (its own VmHWM) under 60 MB on every
shape, and flat from 100,000 to 1,000,000 rows (growth under 5 MB); the job summary under 1 MiB.
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import zipfile
from pathlib import Path

from harness import Row, Settings, interleaved
from shapes import SHAPES, shape_zip
from whole_run import WholeRun, whole_run

MEDIAN_SHAPE_RATIO = 1.6
WORST_SHAPE_RATIO = 2.0
COPIES_RATIO = 6.0
PEAK_MB = 60.0
GROWTH_MB = 5.0
SUMMARY_KIB = 1024.0


def bare_loop(path: Path) -> int:
    rows = 0
    with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as member:
        for _ in csv.reader(io.TextIOWrapper(member, encoding="utf-8", newline="")):
            rows += 1
    return rows


def _shape(settings: Settings, shape: str) -> tuple[list[Row], float]:
    """The rows of one shape, and its defaults run's ratio to the bare loop."""
    print(f"  shape {shape}: generating...", file=sys.stderr, flush=True)
    report = shape_zip(settings.work_dir, shape, settings.rows)
    small = shape_zip(settings.work_dir, shape, settings.small_rows)
    runs: dict[str, list[WholeRun]] = {"defaults": [], "copies": []}

    def gate(kind: str) -> None:
        copies = "csv,json" if kind == "copies" else "none"
        runs[kind].append(whole_run(report, settings.rows, settings.work_dir, copies))

    print(f"  shape {shape}: measuring...", file=sys.stderr, flush=True)
    samples = interleaved(
        {"bare": lambda: bare_loop(report), "defaults": lambda: gate("defaults"), "copies": lambda: gate("copies")},
        settings.repeats,
    )
    small_runs = [whole_run(small, settings.small_rows, settings.work_dir) for _ in range(2)]
    label = f"{shape}, {settings.rows:,} rows"
    bare = Row(f"bare loop, {label}", samples["bare"])
    defaults = Row(f"whole run, defaults, {label}", samples["defaults"], baseline=bare, paired=True)
    copies = Row(
        f"whole run, csv,json copies, {label}", samples["copies"], baseline=bare, paired=True, max_ratio=COPIES_RATIO
    )
    peaks = [r.peak_rss_mb for r in runs["defaults"] + runs["copies"]]
    growth = max(r.peak_rss_mb for r in runs["defaults"]) - max(r.peak_rss_mb for r in small_runs)
    summary_kib = max(r.summary_bytes for r in runs["defaults"]) / 1024
    rows = [
        bare,
        defaults,
        copies,
        Row(f"peak memory (VmHWM), {label}", peaks, unit="MB", limit=PEAK_MB, worst=True),
        Row(
            f"peak memory growth, {settings.small_rows:,} to {settings.rows:,} rows, {shape}",
            [growth],
            unit="MB",
            limit=GROWTH_MB,
        ),
        Row(f"job summary, {label}", [summary_kib], unit="KiB", limit=SUMMARY_KIB),
    ]
    return rows, defaults.ratio or 0.0


def run(settings: Settings) -> list[Row]:
    rows_out: list[Row] = []
    default_ratios: dict[str, float] = {}
    for shape in SHAPES:
        rows, default_ratios[shape] = _shape(settings, shape)
        rows_out += rows
    ratios = list(default_ratios.values())
    worst_shape = max(default_ratios, key=default_ratios.__getitem__)
    rows_out += [
        Row(
            "whole run, defaults: median shape's ratio to the bare loop",
            [statistics.median(ratios)],
            unit="x",
            limit=MEDIAN_SHAPE_RATIO,
            note=", ".join(f"{shape} {ratio:.2f}x" for shape, ratio in default_ratios.items()),
        ),
        Row(
            f"whole run, defaults: worst shape's ratio to the bare loop ({worst_shape})",
            [max(ratios)],
            unit="x",
            limit=WORST_SHAPE_RATIO,
        ),
    ]
    return rows_out
