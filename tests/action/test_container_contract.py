"""The real ENTRYPOINT command in a child process, with the runner's environment.

Docker is not needed: the image runs exactly this command with these variables.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from offergate.sandbox import Sandbox
from tests.support.runner_env import StepFiles, entrypoint, runner_env


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    # A huge time scale: every scenario is at its final state by the first request.
    with Sandbox(time_scale=1e9) as sb:
        sb.add_publisher("contoso")
        sb.accept_static_token("contract-token-123", publishers=["contoso"])
        yield sb


def command() -> list[str]:
    argv = entrypoint()
    found = shutil.which(argv[0])
    assert found, f"{argv[0]} is not installed on PATH"
    return [found, *argv[1:]]


def start(sandbox: Sandbox, tmp_path: Path, **inputs: str) -> tuple[subprocess.Popen[str], StepFiles]:
    files = StepFiles(tmp_path)
    given = {"publisher-id": "contoso", "azure-access-token": "contract-token-123", "marketplace-url": sandbox.url}
    given.update(inputs)
    env = runner_env(given, files, {"PATH": os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1"})
    process = subprocess.Popen(command(), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, files


def test_entrypoint_is_the_installed_console_script() -> None:
    assert entrypoint() == ["offergate"]
    result = subprocess.run(
        [sys.executable, "-m", "offergate", "--version"], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("offergate ")


def test_passes_in_a_child_process(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    process, files = start(sandbox, tmp_path, **{"offer-id": "vm-offer"})
    log, _ = process.communicate(timeout=30)
    assert process.returncode == 0, log
    assert files.outputs()["result"] == "passed"
    assert "passed" in files.summary.read_text().splitlines()[0]
    assert log.startswith("::add-mask::contract-token-123")


def test_fails_in_a_child_process(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.add_offer("contoso", "vm-offer", scenario="certification-failed")
    process, files = start(sandbox, tmp_path, **{"offer-id": "vm-offer", "timeout": "0"})
    log, _ = process.communicate(timeout=30)
    assert process.returncode == 1, log
    assert files.outputs()["result"] == "failed"
    assert "Traceback" not in log


def test_bad_input_in_a_child_process(sandbox: Sandbox, tmp_path: Path) -> None:
    process, _files = start(sandbox, tmp_path, **{"offer-id": "vm-offer", "wait-until": "soon"})
    log, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "wait-until" in log and "Traceback" not in log


@pytest.mark.parametrize(("signals", "code"), [((signal.SIGINT, signal.SIGTERM), 130), ((signal.SIGTERM,), 143)])
def test_cancellation_writes_the_summary_and_exits_quickly(
    sandbox: Sandbox, tmp_path: Path, signals: tuple[signal.Signals, ...], code: int
) -> None:
    sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    process, files = start(sandbox, tmp_path, **{"offer-id": "vm-offer", "timeout": "1h", "poll-interval": "30s"})
    assert process.stdout is not None
    for line in process.stdout:
        if "contoso/vm-offer: offer" in line:
            break
    started = time.monotonic()
    for sig in signals:
        process.send_signal(sig)
        time.sleep(0.05)
    process.communicate(timeout=10)
    assert time.monotonic() - started < 2
    assert process.returncode == code
    summary = files.summary.read_text()
    assert "cancelled" in summary and "Certification" in summary
    assert files.outputs()["result"] == "pending"


def test_outside_github_the_summary_goes_to_stdout(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    args = [
        "--publisher-id",
        "contoso",
        "--offer-id",
        "vm-offer",
        "--azure-access-token",
        "contract-token-123",
        "--marketplace-url",
        sandbox.url,
    ]
    result = subprocess.run(command() + args, check=False, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    # as plain text: an aligned table, no Markdown
    assert re.search(r"^Step +Status +Progress +Estimated time +Latest message$", result.stdout, re.MULTILINE)
    assert "| Step | Status |" not in result.stdout
    assert "::" not in result.stdout  # no workflow commands outside Actions
    assert "contract-token-123" not in result.stdout + result.stderr

    target = tmp_path / "summary.md"
    result = subprocess.run(
        command() + args + ["--summary-file", str(target)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0
    assert "| Step | Status |" in target.read_text() and "| Step | Status |" not in result.stdout
