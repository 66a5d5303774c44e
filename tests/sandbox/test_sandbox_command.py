"""`offergate sandbox`: argument errors, and what it serves and prints."""

from __future__ import annotations

import io
import re
import shlex
import socket
import threading
import time
from pathlib import Path

import pytest
import requests

from offergate.cli import main
from offergate.sandbox import SCENARIOS, run_sandbox_command


@pytest.mark.parametrize(
    "argv",
    [
        ["--port", "http"],
        ["--port", "70000"],
        ["--port", "-1"],
        ["--time-scale", "0"],
        ["--time-scale", "-5"],
        ["--time-scale", "nan"],
        ["--time-scale", "fast"],
        ["--scenario", "nope"],
        ["--scenario"],
        ["--unknown"],
        ["extra"],
    ],
)
def test_argument_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run_sandbox_command(argv) == 2
    assert "offergate sandbox" in capsys.readouterr().err


def test_help_lists_the_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_sandbox_command(["--help"]) == 0
    text = capsys.readouterr().out
    for name in SCENARIOS:
        assert name in text
    assert "--time-scale" in text and "--port" in text


def test_a_busy_port_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert run_sandbox_command(["--port", str(port)]) == 2
    assert f"127.0.0.1:{port}" in capsys.readouterr().err


def serve(argv: list[str]) -> tuple[threading.Thread, threading.Event, io.StringIO, list[int]]:
    out = io.StringIO()
    stop = threading.Event()
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(run_sandbox_command(argv, out=out, stop=stop)))
    thread.start()
    for _ in range(200):
        if "Ctrl-C" in out.getvalue():
            break
        time.sleep(0.01)
    return thread, stop, out, codes


def test_serves_one_offer_per_scenario_and_prints_how_to_use_it() -> None:
    thread, stop, out, codes = serve(
        ["--port", "0", "--time-scale", "1e9", "--scenario", "signoff", "stuck", "--scenario", "certification-failed"]
    )
    try:
        text = out.getvalue()
        url = re.search(r"http://127\.0\.0\.1:\d+", text)
        assert url, text
        base = url.group(0)
        for needed in (
            "contoso",
            "sandbox-tenant",
            "sandbox-client",
            "sandbox-secret",
            "sandbox-token",
            "signoff-offer",
            "stuck-offer",
            "certification-failed-offer",
            "--marketplace-url",
            "--authority-url",
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        ):
            assert needed in text
        auth = {"Authorization": "Bearer sandbox-token"}
        offers = requests.get(
            f"{base}/api/publishers/contoso/offers", params={"api-version": "2017-10-31"}, headers=auth, timeout=5
        ).json()
        assert sorted(o["id"] for o in offers) == ["certification-failed-offer", "signoff-offer", "stuck-offer"]
        statuses = {o["id"]: o["status"] for o in offers}
        assert statuses["certification-failed-offer"] == "failed"  # time scale 1e9: at its end already
        token = requests.post(
            f"{base}/sandbox-tenant/oauth2/v2.0/token",
            timeout=5,
            data={
                "grant_type": "client_credentials",
                "client_id": "sandbox-client",
                "client_secret": "sandbox-secret",
                "scope": "https://cloudpartner.azure.com/.default",
            },
        )
        assert token.status_code == 200
    finally:
        stop.set()
        thread.join(timeout=5)
    assert codes == [0]


def test_all_scenarios_by_default() -> None:
    thread, stop, out, codes = serve(["--port", "0"])
    try:
        for name in SCENARIOS:
            assert f"{name}-offer" in out.getvalue()
    finally:
        stop.set()
        thread.join(timeout=5)
    assert codes == [0]


def banner_commands(text: str) -> list[list[str]]:
    """Every command line of the banner (from an `offergate` line or its variables to the last `\\`)."""
    commands: list[list[str]] = []
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if not re.match(r"^  (offergate --|[A-Z_]+=)", line):
            continue
        joined, following = line, start + 1
        while joined.endswith("\\"):
            joined, following = joined[:-1] + lines[following], following + 1
        commands.append(shlex.split(joined))
    return commands


def test_the_banner_gives_a_command_line_for_each_gate_that_works_as_pasted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    thread, stop, out, codes = serve(["--port", "0", "--time-scale", "1e9", "--scenario", "signoff"])
    try:
        commands = banner_commands(out.getvalue())
        assert len(commands) == 5, out.getvalue()
        flat = [" ".join(command) for command in commands]
        assert sum("--azure-client-secret sandbox-secret" in c for c in flat) == 1
        assert sum("--azure-access-token sandbox-token" in c for c in flat) == 1
        assert sum(c.startswith("ACTIONS_ID_TOKEN_REQUEST_URL=") for c in flat) == 1
        assert sum("--ads-refresh-token sandbox-refresh-token" in c for c in flat) == 1
        clean = [c for c in flat if "--catalog-id 1001" in c]
        assert len(clean) == 1 and clean[0].endswith("--timeout 0")
        for command in commands:
            env = {"GITHUB_WORKSPACE": str(tmp_path)}
            while "=" in command[0]:
                name, _, value = command.pop(0).partition("=")
                env[name] = value
            assert command[0] == "offergate"
            assert all(flag in command for flag in ("--marketplace-url", "--offer-id")) or all(
                flag in command for flag in ("--merchant-id", "--catalog-id", "--content-api-url")
            )
            log = io.StringIO()
            assert main(command[1:], env=env, out=log) == 0, f"{command}\n{log.getvalue()}"
            assert "passed" in log.getvalue()
    finally:
        stop.set()
        thread.join(timeout=5)
    assert codes == [0]
