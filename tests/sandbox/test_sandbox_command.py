"""`offergate sandbox`: argument errors, and what it serves and prints."""

from __future__ import annotations

import io
import re
import socket
import threading
import time

import pytest
import requests

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
