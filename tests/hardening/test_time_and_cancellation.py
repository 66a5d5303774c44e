"""Time and cancellation (items 16 and 17).

16: a signal ends the wait within 2 s with the summary of the last known state and a non-zero
exit. SIGINT then SIGTERM, and SIGTERM alone, are in
tests/action/test_container_contract.py::test_cancellation_writes_the_summary_and_exits_quickly; here a
SIGINT while the token request hangs, and a SIGTERM while the report download hangs.

17: deadlines are measured on the monotonic clock: the wall clock jumping by days (forwards or
backwards) during a run neither ends nor extends the wait.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import offergate
from offergate.core.clock import SYSTEM_CLOCK, Clock, Deadline
from offergate.sandbox import Sandbox
from tests.action.test_container_contract import command
from tests.conftest import Harness, entrypoint_main
from tests.support.runner_env import StepFiles, entrypoint, runner_env

DAYS = 86400.0

# -- item 16: cancellation -----------------------------------------------------------------------


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(time_scale=1e9) as sb:
        sb.add_publisher("contoso")
        sb.add_app(tenant="tenant-1", client_id="app-1", client_secret="app-secret-1", publishers=["contoso"])
        sb.add_store("123456", developer_token="dev-token-1")
        sb.add_ads_user("ads-app-1", "ads-refresh-1")
        yield sb


def start(sandbox: Sandbox, tmp_path: Path, inputs: dict[str, str]) -> tuple[subprocess.Popen[str], StepFiles]:
    files = StepFiles(tmp_path)
    env = runner_env(inputs, files, {"PATH": os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1"})
    process = subprocess.Popen(command(), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, files


def wait_for_request(sandbox: Sandbox, pattern: str, process: subprocess.Popen[str], seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if any(re.search(pattern, r.path) for r in sandbox.requests):
            time.sleep(0.1)  # the request is being answered (stalled) now
            return
        assert process.poll() is None, "the action ended before the request"
        time.sleep(0.02)
    raise AssertionError(f"no request matching {pattern}")


def cancel(process: subprocess.Popen[str], sig: signal.Signals) -> tuple[str, float]:
    started = time.monotonic()
    process.send_signal(sig)
    log, _ = process.communicate(timeout=10)
    return log, time.monotonic() - started


def test_sigint_while_the_token_request_hangs(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    sandbox.inject(method="POST", path=r"/oauth2/v2\.0/token$", kind="stall", seconds=30)
    inputs = {
        "publisher-id": "contoso",
        "offer-id": "vm-offer",
        "azure-tenant-id": "tenant-1",
        "azure-client-id": "app-1",
        "azure-client-secret": "app-secret-1",
        "authority-url": sandbox.url,
        "marketplace-url": sandbox.url,
        "timeout": "1h",
    }
    process, files = start(sandbox, tmp_path, inputs)
    wait_for_request(sandbox, r"/oauth2/v2\.0/token$", process)
    log, took = cancel(process, signal.SIGINT)
    assert took < 2, log
    assert process.returncode == 130, log
    assert "Traceback" not in log
    assert "cancelled by SIGINT" in files.summary.read_text(encoding="utf-8")
    assert files.outputs()["result"] == "pending"


def test_sigterm_while_the_report_download_hangs(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.add_catalog("123456", "4101", scenario="seed")
    sandbox.inject(method="GET", path=r"^/reports/", kind="stall", seconds=30)
    inputs = {
        "merchant-id": "123456",
        "catalog-id": "4101",
        "developer-token": "dev-token-1",
        "ads-client-id": "ads-app-1",
        "ads-refresh-token": "ads-refresh-1",
        "authority-url": sandbox.url,
        "content-api-url": sandbox.content_api_url,
        "timeout": "1h",
        "max-rejections": "1000",
    }
    process, files = start(sandbox, tmp_path, inputs)
    wait_for_request(sandbox, r"^/reports/", process)
    log, took = cancel(process, signal.SIGTERM)
    assert took < 2, log
    assert process.returncode == 143, log
    assert "Traceback" not in log
    assert "cancelled by SIGTERM" in files.summary.read_text(encoding="utf-8")
    assert files.outputs()["result"] == "pending"


# -- containment item 9: a signal while reporting ----------------------------------------------------


def outputs_written(files: StepFiles, name: str) -> bool:
    try:
        return name in files.outputs()
    except (IndexError, ValueError):  # being written
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_the_report_is_written_waits_for_the_report(
    sandbox: Sandbox, tmp_path: Path, sig: signal.Signals
) -> None:
    """The job summary is a FIFO nobody reads yet, so the process is held mid-report (outputs
    written, summary not): the signal does not kill it; once the summary is read it ends with the
    verdict's exit code, its outputs and its summary, and says the signal waited."""
    sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    files = StepFiles(tmp_path)
    inputs = {
        "publisher-id": "contoso",
        "offer-id": "vm-offer",
        "azure-tenant-id": "tenant-1",
        "azure-client-id": "app-1",
        "azure-client-secret": "app-secret-1",
        "authority-url": sandbox.url,
        "marketplace-url": sandbox.url,
        "wait-until": "live",
    }
    env = runner_env(inputs, files, {"PATH": os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1"})
    os.mkfifo(files.summary)
    process = subprocess.Popen(command(), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        end = time.monotonic() + 15
        while not outputs_written(files, "offers"):
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < end, "the outputs were never written"
            time.sleep(0.02)
        time.sleep(0.1)  # now blocked opening the summary
        process.send_signal(sig)
        time.sleep(0.3)
        assert process.poll() is None, f"killed by {sig.name} while reporting: {process.communicate()[0]}"
        summary = files.summary.read_text(encoding="utf-8")  # lets the summary be written
        log, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert "passed" in summary.splitlines()[0]
    assert files.outputs()["result"] == "passed"
    assert f"offergate: {sig.name} came after the verdict; the report was finished first" in log


def test_a_signal_before_the_wait_cancels_it_as_it_begins() -> None:
    """A signal held between the start of the command and the wait (reading inputs, building
    sessions) is not lost: the wait is cancelled as it begins, so the report says cancelled."""
    from offergate.core.errors import Cancelled
    from offergate.core.signals import cancellable, held_signals

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    entered = False
    try:
        with held_signals():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)  # the handler runs: the process is not killed
            with pytest.raises(Cancelled) as caught, cancellable():
                entered = True
        assert not entered
        assert (caught.value.signal_name, int(caught.value.exit_code)) == ("SIGTERM", 143)
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


# -- item 17: the wall clock does not matter -------------------------------------------------------


class JumpingWallClock:
    """`time.time` that jumps by days (alternately forwards and backwards) at each call."""

    def __init__(self) -> None:
        self.calls = 0
        self._real = time.time

    def __call__(self) -> float:
        self.calls += 1
        jump = (3 * DAYS) if self.calls % 2 else (-5 * DAYS)
        return self._real() + jump * self.calls


def jumping_sleep(sleep: Callable[[float], None], wall: JumpingWallClock) -> Callable[[float], None]:
    def wrapped(seconds: float) -> None:
        wall()
        wall()
        sleep(seconds)

    return wrapped


def run_stuck_offer(harness: Harness) -> tuple[int, list[float], float]:
    harness.sandbox.add_offer("contoso", f"offer-{harness.runs}", scenario="stuck")
    harness.clock.sleeps.clear()
    started = harness.clock.monotonic()
    run = harness.run(
        harness.app_inputs(**{"offer-id": f"offer-{harness.runs}", "timeout": "2h", "poll-interval": "10m"})
    )
    return run.exit_code, list(harness.clock.sleeps), harness.clock.monotonic() - started


def test_wall_clock_jumps_neither_end_nor_extend_the_wait(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    code, sleeps, waited = run_stuck_offer(harness)  # the reference: a steady wall clock
    assert code == 3 and waited == 2 * 3600

    wall = JumpingWallClock()
    monkeypatch.setattr(time, "time", wall)
    monkeypatch.setattr(harness.clock, "sleep", jumping_sleep(harness.clock.sleep, wall))
    jumped_code, jumped_sleeps, jumped_waited = run_stuck_offer(harness)
    assert wall.calls >= 2 * len(jumped_sleeps) > 0  # the wall clock did jump, many times
    assert (jumped_code, jumped_sleeps, jumped_waited) == (code, sleeps, waited)


def test_real_clock_deadline_ignores_wall_clock_jumps(monkeypatch: pytest.MonkeyPatch) -> None:
    wall = JumpingWallClock()
    monkeypatch.setattr(time, "time", wall)
    started = time.monotonic()
    deadline = Deadline(SYSTEM_CLOCK, 0.3)
    while not deadline.expired():
        wall()
        SYSTEM_CLOCK.sleep(min(0.05, deadline.remaining()))
    took = time.monotonic() - started
    assert 0.3 <= took < 1.0
    assert 0.3 <= deadline.elapsed() < 1.0
    assert Clock().monotonic is time.monotonic


def test_end_to_end_on_the_real_clock_with_a_jumping_wall_clock(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    monkeypatch.setattr(time, "time", JumpingWallClock())
    files = StepFiles(tmp_path / "real")
    files.root.mkdir()
    env = runner_env(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "1s", "poll-interval": "1s"}), files)
    started = time.monotonic()
    code = entrypoint_main()(entrypoint()[1:], env=env, clock=SYSTEM_CLOCK, out=io.StringIO())
    took = time.monotonic() - started
    assert code == 3
    assert 1.0 <= took < 2.5


WALL_CLOCK_READS = re.compile(r"\btime\.time\(|\bdatetime\.(?:now|utcnow|today)\(|\bdate\.today\(|\btime\.localtime\(")


def allowed(file_name: str, line: str) -> bool:
    """Reading the wall clock is right only to turn an HTTP date (Retry-After) into a delay,
    measured from the answer's own Date header when it has one."""
    return file_name == "retry.py" and "reference" in line and "time.time()" in line


def test_no_deadline_code_reads_the_wall_clock() -> None:
    package = Path(offergate.__file__).parent
    found = set()
    for path in package.rglob("*.py"):
        if "sandbox" in path.relative_to(package).parts or path.name == "demo.py":
            continue  # the sandbox and the demo keep their own timelines
        for line in path.read_text(encoding="utf-8").splitlines():
            if WALL_CLOCK_READS.search(line) and not allowed(path.name, line):
                found.add((path.name, line.strip()))
    assert not found, found
