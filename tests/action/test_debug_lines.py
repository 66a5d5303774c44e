"""With RUNNER_DEBUG=1 the log has one `::debug::` line per request and per retry, secrets masked."""

from __future__ import annotations

from tests.conftest import APP, Harness


def debug_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith("::debug::")]


def test_every_request_and_retry_has_a_debug_line(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    harness.sandbox.inject(
        method="GET", path=r"/status$", status=503, headers={"Retry-After": "7"}, body=b"busy", times=2
    )
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "1h"}), {"RUNNER_DEBUG": "1"})
    assert run.exit_code == 0, run.log
    lines = debug_lines(run.log)
    status = [line for line in lines if "/offers/vm-offer/status" in line]
    assert [line for line in status if "attempt 1: HTTP 503" in line]
    assert [line for line in status if "waiting 7 s before attempt 2" in line]
    assert [line for line in status if "attempt 3: HTTP 200" in line]
    assert any("/oauth2/v2.0/token" in line or "/token" in line for line in lines)  # the token request too
    assert all(line.startswith("::debug::GET ") or "POST " in line for line in lines)
    assert not [line for line in lines if APP["client_secret"] in line]


def test_no_debug_lines_outside_debug_mode_when_not_in_actions(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "1h"}), {"GITHUB_ACTIONS": ""})
    assert run.exit_code == 0, run.log
    assert "::debug::" not in run.log
    assert not [line for line in run.log.splitlines() if line.startswith("debug: ")]
