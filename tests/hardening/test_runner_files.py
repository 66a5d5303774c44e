"""The runner's files missing or broken (item 18): a warning, and the verdict still decides the exit code.

GITHUB_OUTPUT or GITHUB_STEP_SUMMARY unset, pointing into a missing folder, or unwritable (a
folder, a path under a regular file, /dev/full: the tests run as root, where permissions do
not stop a write). End to end with the harness: the entrypoint, the runner's environment and
the sandbox.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.conftest import Harness, entrypoint_main
from tests.support.runner_env import StepFiles, entrypoint, parse_outputs, runner_env

VARIABLES = ["GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"]
PROBLEMS = ["unset", "empty", "missing-folder", "a-folder", "under-a-file", "device-full"]
VERDICTS = [("succeeded", 0, "passed"), ("certification-failed", 1, "failed")]


def broken_value(problem: str, root: Path) -> str | None:
    """The variable's value for a problem (None: unset)."""
    if problem == "unset":
        return None
    if problem == "empty":
        return ""
    if problem == "missing-folder":
        return str(root / "no" / "such" / "folder" / "file")
    if problem == "a-folder":
        return str(root)
    if problem == "under-a-file":
        (root / "plain-file").write_text("x")
        return str(root / "plain-file" / "file")
    return "/dev/full"


def run_with(harness: Harness, inputs: dict[str, str], variable: str, problem: str) -> tuple[int, str, StepFiles]:
    harness.runs += 1
    files = StepFiles(harness.root / f"step{harness.runs}")
    files.root.mkdir()
    env = runner_env(inputs, files)
    value = broken_value(problem, files.root)
    if value is None:
        del env[variable]
    else:
        env[variable] = value
    out = io.StringIO()
    code = entrypoint_main()(entrypoint()[1:], env=env, clock=harness.clock.as_clock(), out=out)
    return code, out.getvalue(), files


@pytest.mark.parametrize(("scenario", "code", "result"), VERDICTS)
@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("variable", VARIABLES)
def test_broken_runner_file_warns_and_the_verdict_decides(
    harness: Harness, variable: str, problem: str, scenario: str, code: int, result: str
) -> None:
    if problem == "device-full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    harness.sandbox.add_offer("contoso", "vm-offer", scenario=scenario)
    exit_code, log, files = run_with(
        harness,
        harness.app_inputs(**{"offer-id": "vm-offer", "wait-until": "live", "timeout": "1d", "poll-interval": "1h"}),
        variable,
        problem,
    )
    assert exit_code == code, log
    warnings = [line for line in log.splitlines() if line.startswith("::warning title=offergate::")]
    assert len(warnings) == 1, log  # one warning, however many outputs were set
    assert "Traceback" not in log
    if variable == "GITHUB_OUTPUT":
        assert "output" in warnings[0]
        assert files.summary.exists() and result in files.summary.read_text(encoding="utf-8").splitlines()[0]
    else:
        assert "summary" in warnings[0]
        assert parse_outputs(files.output.read_text(encoding="utf-8"))["result"] == result
        if problem in ("unset", "empty"):  # the summary goes to the log instead, as plain text
            assert re.search(r"^Step +Status +Progress", log, re.MULTILINE)


def test_bad_input_without_github_output_warns_and_exits_2(harness: Harness) -> None:
    inputs = harness.app_inputs(**{"offer-id": "vm-offer", "wait-until": "soon"})
    exit_code, log, _ = run_with(harness, inputs, "GITHUB_OUTPUT", "unset")
    assert exit_code == 2
    assert "wait-until" in log and "GITHUB_OUTPUT" in log
