"""One whole catalog-gate run, as the runner starts the container: the Dockerfile's ENTRYPOINT
in a child process with INPUT_* variables for every input, against a sandbox in this process
that serves a report ZIP from disk (process start, status call, download, read, summary,
outputs). Returns the wall time, the gate process's peak resident memory (its own VmHWM, plus
any child's, through peak_memory.py, which adds the start of one small Python process to the
time) and what the step left behind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.runner_env import StepFiles, entrypoint, parse_outputs, runner_env

from offergate.sandbox import Sandbox

MERCHANT = "123456"
DEVELOPER_TOKEN = "bench-developer-token"
ACCESS_TOKEN = "bench-ads-access-token"
CATALOG = "1001"


@dataclass
class WholeRun:
    seconds: float
    peak_rss_mb: float  # the gate process's VmHWM (summed with any child's)
    processes: int
    exit_code: int
    summary_bytes: int
    outputs: dict[str, str]
    log: str


def whole_run(report: Path, rows: int, scratch: str | Path, copies: str = "none") -> WholeRun:
    """Run the gate in catalog mode with timeout 0 against `report` (holding `rows` rejections),
    with `report-copies: copies`."""
    with Sandbox() as sandbox, tempfile.TemporaryDirectory(dir=scratch, prefix="step-") as folder:
        sandbox.add_store(MERCHANT, developer_token=DEVELOPER_TOKEN)
        sandbox.accept_ads_access_token(ACCESS_TOKEN, [MERCHANT])
        sandbox.add_catalog(MERCHANT, CATALOG, scenario="clean", name="Benchmark catalog")
        sandbox.set_report_file(MERCHANT, CATALOG, report, rejected=rows)
        files = StepFiles(Path(folder))
        inputs = {
            "merchant-id": MERCHANT,
            "catalog-id": CATALOG,
            "developer-token": DEVELOPER_TOKEN,
            "ads-access-token": ACCESS_TOKEN,
            "content-api-url": sandbox.content_api_url,
            "timeout": "0",
            "report-copies": copies,
        }
        env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **runner_env(inputs, files)}
        command = entrypoint()
        executable = shutil.which(command[0], path=env["PATH"])
        if executable is None:
            raise SystemExit(f"{command[0]} is not installed: run `python3 -m pip install .` first")
        wrapper = [sys.executable, str(Path(__file__).with_name("peak_memory.py"))]
        started = time.perf_counter()
        child = subprocess.run(
            [*wrapper, executable, *command[1:]],
            env=env,
            cwd=files.workspace,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        seconds = time.perf_counter() - started
        log, _, measured = child.stdout.decode("utf-8", "replace").rpartition("peak-rss-kib=")
        peak, _, processes = measured.partition(" processes=")
        summary = files.summary.read_bytes() if files.summary.exists() else b""
        outputs = parse_outputs(files.output.read_text(encoding="utf-8")) if files.output.exists() else {}
        run = WholeRun(seconds, int(peak) / 1024, int(processes), child.returncode, len(summary), outputs, log)
        _check(run, files, rows, copies)
        return run


def _check(run: WholeRun, files: StepFiles, rows: int, copies: str) -> None:
    """The run did the whole job: over the threshold (exit 1), the ZIP kept, every row counted
    in the digest, the copies asked for written."""
    folder = files.workspace / "offergate-report"
    summary = folder / f"{CATALOG}.summary.json"
    if run.exit_code != 1 or run.outputs.get("rejected-count") != str(rows) or not summary.exists():
        raise SystemExit(f"the benchmark run went wrong (exit {run.exit_code}):\n{run.log[-3000:]}")
    digest = json.loads(summary.read_text(encoding="utf-8"))
    if digest["rows"] != rows or not (folder / f"{CATALOG}.zip").exists():
        raise SystemExit(f"the report digest counts {digest['rows']} rows, not {rows}")
    wanted = {"csv": ".csv", "json": ".jsonl"}
    for kind in copies.split(","):
        if kind in wanted and not (folder / f"{CATALOG}{wanted[kind]}").stat().st_size:
            raise SystemExit(f"the {kind} copy is missing")
