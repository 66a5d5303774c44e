"""Annotations that match the verdict: `::error::` only for what made the step fail."""

from __future__ import annotations

from offergate.catalogs.present import start_notices
from tests.conftest import STORE, Harness


def commands(log: str, level: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith(f"::{level}")]


def test_rejections_within_the_threshold_are_warnings(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="trickle")
    inputs = {"catalog-id": "4101", "max-rejections": "10", "expected-offers": "2003", "timeout": "3d"}
    run = harness.run(harness.catalog_inputs(**{**inputs, "poll-interval": "30m"}))
    assert run.exit_code == 0, run.log
    assert commands(run.log, "error") == []
    within = [line for line in commands(run.log, "warning") if "within max-rejections 10" in line]
    assert any("Invalid price" in line for line in within), run.log


def test_rejections_over_the_threshold_are_errors(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="over-threshold")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "max-rejections": "5", "timeout": "2d"}))
    assert run.exit_code == 1, run.log
    errors = commands(run.log, "error")
    assert any("failed" in line for line in errors)  # the verdict
    assert any("rejected offers::" in line for line in errors)  # and the rejections that made it
    assert not any("within max-rejections" in line for line in commands(run.log, "warning"))


def test_a_notice_when_the_catalog_can_only_pass_at_the_deadline(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "1h", "poll-interval": "30m"}))
    notices = [line for line in commands(run.log, "notice") if "with no expected-offers" in line]
    assert len(notices) == 1, run.log
    assert run.log.index(notices[0]) < run.log.index("::group::")  # said before the wait
    assert "after 1h" in notices[0]


def test_no_such_notice_for_one_check_or_an_expected_count() -> None:
    assert start_notices(None, 0.0, 0) == []
    assert start_notices(2003, 3600.0, 0) == []
    (notice,) = start_notices(None, 5.5 * 3600, 10)
    assert "5h30m" in notice and "max-rejections 10" in notice and "timeout: 0" in notice
