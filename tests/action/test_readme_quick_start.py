"""The README's quick start: each `offergate --...` command in it works as pasted against `offergate sandbox`."""

from __future__ import annotations

import io
import re
import shlex
import threading
import time
from pathlib import Path

import pytest

from offergate.cli import main
from offergate.sandbox import run_sandbox_command
from tests.support.runner_env import ROOT

README_SANDBOX = "http://127.0.0.1:8080"  # the port the README starts the sandbox on


def readme_commands() -> list[str]:
    """Every shell command in the README's Quick start that runs the gate against the sandbox."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = text.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", quick_start, flags=re.DOTALL)
    commands = [block.replace("\\\n", " ").strip() for block in blocks]
    return [command for command in commands if command.startswith("offergate --") and README_SANDBOX in command]


def test_the_quick_start_has_a_sandbox_run_per_gate() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert any("--offer-id" in c for c in commands) and any("--catalog-id" in c for c in commands)
    assert "offergate sandbox --port 8080" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", readme_commands(), ids=["offer gate", "catalog gate"])
def test_each_quick_start_command_passes_against_the_sandbox(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out, stop, codes = io.StringIO(), threading.Event(), []
    # a fast scenario clock: the offer reaches sign-off at once instead of after about 5 minutes
    argv = ["--port", "0", "--time-scale", "1e9"]
    thread = threading.Thread(target=lambda: codes.append(run_sandbox_command(argv, out=out, stop=stop)))
    thread.start()
    try:
        for _ in range(500):
            if "Ctrl-C" in out.getvalue():
                break
            time.sleep(0.01)
        url = re.search(r"serving at (http://127\.0\.0\.1:\d+)", out.getvalue())
        assert url, out.getvalue()
        args = shlex.split(command.replace(README_SANDBOX, url.group(1)))
        log = io.StringIO()
        assert main(args[1:], env={"GITHUB_WORKSPACE": str(tmp_path)}, out=log) == 0, log.getvalue()
        assert "offergate: passed" in log.getvalue()
    finally:
        stop.set()
        thread.join(timeout=5)
    assert codes == [0]
