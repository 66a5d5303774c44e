"""`poll-strategy` end to end: the action against the sandbox's realistic publish, on a virtual clock.

To stay fast the wait starts four hours before provisioning ends (the offer was added earlier);
from there `fixed` checks every minute and `adaptive` every 15 minutes until packaging.
"""

from __future__ import annotations

import math

import pytest

from offergate.sandbox.scenarios import PROVISIONED_AT, SIGNOFF_AT
from tests.conftest import Harness

JOINED_AT = PROVISIONED_AT - 4 * 3600 + 17.5  # off the minute grid
ONE_INTERVAL = 60.0
FIXED_CALLS = math.ceil((SIGNOFF_AT - JOINED_AT) / ONE_INTERVAL) + 1  # one a minute, the first at once


def wait_for_signoff(harness: Harness, strategy: str) -> tuple[float, int]:
    """How long after sign-off the step ended, and how many status calls it made."""
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff")
    added = harness.clock.monotonic()
    harness.clock.advance(JOINED_AT)
    run = harness.run(
        harness.app_inputs(
            **{"offer-id": "vm-offer", "timeout": "1d", "poll-interval": "1m", "poll-strategy": strategy}
        )
    )
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed"
    delay = harness.clock.monotonic() - added - SIGNOFF_AT
    calls = sum(1 for r in harness.sandbox.requests if r.path.endswith("/vm-offer/status"))
    return delay, calls


@pytest.mark.parametrize("strategy", ["fixed", "adaptive"])
def test_signoff_noticed_within_one_poll_interval(harness: Harness, strategy: str) -> None:
    delay, _ = wait_for_signoff(harness, strategy)
    assert 0 <= delay <= ONE_INTERVAL


def test_fixed_checks_every_interval(harness: Harness) -> None:
    _, calls = wait_for_signoff(harness, "fixed")
    assert set(harness.clock.sleeps) == {ONE_INTERVAL}
    assert calls == FIXED_CALLS


def test_adaptive_makes_far_fewer_status_calls(harness: Harness) -> None:
    _, adaptive_calls = wait_for_signoff(harness, "adaptive")
    assert max(harness.clock.sleeps) == 15 * 60  # the cap
    assert harness.clock.sleeps[-1] == ONE_INTERVAL  # tight again at packaging, right before sign-off
    assert adaptive_calls < FIXED_CALLS / 3
    assert adaptive_calls <= 16 + 45 + 2  # 15-minute checks through provisioning, then every minute


def test_adaptive_announces_itself_in_the_log(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "poll-strategy": "Adaptive"}))
    assert run.exit_code == 0, run.log
    assert "adaptive polling: offers every 1m" in run.log and "up to every 15m" in run.log
    assert "every 1m (adaptive), timeout" in run.log


@pytest.mark.parametrize("value", ["smart", "fixed,adaptive"])
def test_an_unknown_strategy_is_a_config_error_naming_the_input(harness: Harness, value: str) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "poll-strategy": value}))
    assert run.exit_code == 2
    errors = [line for line in run.log.splitlines() if line.startswith("::error")]
    assert errors and "poll-strategy" in errors[0] and "fixed, adaptive" in errors[0]
    assert "Traceback" not in run.log
    assert not [r for r in harness.sandbox.requests if r.path.endswith("/status")]
