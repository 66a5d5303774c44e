"""Run offergate's benchmarks and check their targets (issue #5).

    python3 bench/run.py                 # everything, 3 repeats, 1,000,000-row reports
    python3 bench/run.py report summary  # some of them
    python3 bench/run.py --rows 200000 --repeats 3

Prints one table (median, min, max, ratio, target) and exits 1 when a target is missed.
Inputs are generated into a temporary folder (or --work-dir, where they are kept and reused).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # for tests.support.runner_env

from harness import Row, Settings, table

BENCHMARKS = {
    "report": "report_speed",  # targets 1-2: speed, peak memory and summary size on every report shape
    "copies": "copies_cost",  # what each report-copies value costs (no target)
    "summary": "summary_size",  # target 3: summary size and render time
    "polling": "polling",  # target 4: status calls over a realistic publish
    "startup": "startup",  # target 5: start-up time and image contents
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "only", nargs="*", metavar="benchmark", help=f"which to run: {', '.join(BENCHMARKS)} (default: all)"
    )
    parser.add_argument("--repeats", type=int, default=Settings.repeats)
    parser.add_argument("--rows", type=int, default=Settings.rows)
    parser.add_argument("--small-rows", type=int, default=Settings.small_rows)
    parser.add_argument("--work-dir", default="", help="keep generated inputs here and reuse them")
    args = parser.parse_args(argv)
    unknown = [name for name in args.only if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    chosen = args.only or list(BENCHMARKS)
    with tempfile.TemporaryDirectory(prefix="offergate-bench-") as scratch:
        settings = Settings(
            repeats=args.repeats, rows=args.rows, small_rows=args.small_rows, work_dir=args.work_dir or scratch
        )
        Path(settings.work_dir).mkdir(parents=True, exist_ok=True)
        rows: list[Row] = []
        for name in chosen:
            started = time.perf_counter()
            print(f"running {name}...", file=sys.stderr, flush=True)
            module = importlib.import_module(BENCHMARKS[name])
            rows += module.run(settings)
            print(f"  {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    for row in rows:
        if row.note:
            print(f"- {row.name}: {row.note}")
    missed = [row.name for row in rows if row.passed is False]
    if missed:
        print(f"\ntargets missed: {', '.join(missed)}")
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
