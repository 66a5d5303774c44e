"""Target 3: the job summary stays under 1 MiB for any report, and rendering it takes the same
time whatever the number of rows.

Sizes: the summary files the whole runs of a 100,000-row and a 1,000,000-row report wrote,
and the summary of a hostile report built to be as wordy as possible (10,000 distinct
messages, every field thousands of characters long). Render time: the catalog's summary
section rendered from the digests of both reports, many times over; the large report's
render time is compared with the small one's.
"""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace

from harness import Row, Settings, timed
from reportgen import report_zip
from whole_run import whole_run

from offergate.catalogs.model import CatalogStatus
from offergate.catalogs.present import catalog_section
from offergate.catalogs.report.reader import ReportDigest, read_report
from offergate.catalogs.rules import CatalogObservation
from offergate.core.document import Section
from offergate.core.verdict import Result
from offergate.core.watch import WatchState
from offergate.github import summary
from offergate.sandbox.report_files import ReportRow, write_report_zip

MiB = 1024 * 1024
RENDERS = 200  # renders per timed sample


def hostile_report(folder: str, rows: int = 20_000) -> Path:
    """Wordy rows: 10,000 distinct long messages, long ids, titles and links (the report's
    field limit is 131,072 characters; these stay within it)."""
    path = Path(folder) / f"hostile-{rows}.zip"
    if path.exists():
        return path
    pick = random.Random(7)

    def words(length: int) -> str:
        return pick.randbytes(length // 2).hex()

    generated = (
        ReportRow(words(3000), f"{n % 10_000} " + words(4000), "Error", words(3000), title=words(3000),
                  link="https://example.com/" + words(3000), price=words(200))
        for n in range(rows)
    )  # fmt: skip
    write_report_zip(path, generated)
    return path


def _section(digest: ReportDigest) -> Section:
    status = CatalogStatus("1001", 0, digest.rows, "https://reports.example/r.zip")
    state = WatchState(
        SimpleNamespace(key="123456/1001"), result=Result.FAILED, reason="over the threshold",
        observation=CatalogObservation(status, digest),
    )  # fmt: skip
    return catalog_section(state, "offergate-report", 50)


def _render(digest: ReportDigest) -> str:
    return summary.render(Result.FAILED, "failed", [_section(digest)], elapsed=0.0, settings_line="", notes=[])


def _render_ms(digest: ReportDigest, repeats: int) -> list[float]:
    """Milliseconds per render of the summary for `digest`, over `repeats` samples."""
    return [1000 * seconds / RENDERS for seconds in timed(lambda: [_render(digest) for _ in range(RENDERS)], repeats)]


def run(settings: Settings) -> list[Row]:
    small = report_zip(settings.work_dir, settings.small_rows)
    large = report_zip(settings.work_dir, settings.rows)
    hostile = hostile_report(settings.work_dir)
    sizes = {
        "small": whole_run(small, settings.small_rows, settings.work_dir).summary_bytes,
        "large": whole_run(large, settings.rows, settings.work_dir).summary_bytes,
        "hostile": len(_render(read_report(hostile)).encode()),
    }
    digests = {"small": read_report(small), "large": read_report(large)}
    render_ms = {name: _render_ms(digest, settings.repeats) for name, digest in digests.items()}
    kib = 1024.0
    small_render = Row(f"summary render, {settings.small_rows:,} rows", render_ms["small"], unit="ms")
    return [
        Row(f"summary size, {settings.small_rows:,} rows", [sizes["small"] / kib], unit="KiB", limit=MiB / kib),
        Row(f"summary size, {settings.rows:,} rows", [sizes["large"] / kib], unit="KiB", limit=MiB / kib),
        Row(
            "summary size, hostile report (10,000 long messages)", [sizes["hostile"] / kib], unit="KiB", limit=MiB / kib
        ),
        small_render,
        Row(
            f"summary render, {settings.rows:,} rows",
            render_ms["large"],
            unit="ms",
            baseline=small_render,
            max_ratio=1.5,
        ),
    ]
