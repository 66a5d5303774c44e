"""Each scenario's timeline, walked with a virtual clock over real loopback HTTP."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from sandbox_helpers import API_VERSION, STATIC, status, status_json

from offergate.core.clock import VirtualClock
from offergate.sandbox import SCENARIOS, Sandbox
from offergate.sandbox.scenarios import (
    BLOCKED_AT,
    CANCELED_AT,
    CERTIFIED_AT,
    FAILED_AT,
    GO_LIVE_AT,
    LIVE_AT,
    SIGNOFF_AT,
    VALIDATED_AT,
)

DAY = 86400.0
STEP_IDS = ["displaydummycertify", "displaycertify", "displayprovision", "displaypackage", "publisher-signoff", "live"]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")


def at(sb: Sandbox, vclock: VirtualClock, offer: str, second: float) -> None:
    """Move the virtual clock so that `offer` is `second` scenario seconds into its timeline."""
    vclock.advance(second - sb.scenario_time("contoso", offer))


def step(body: dict[str, Any], step_id: str) -> dict[str, Any]:
    (found,) = [s for s in body["steps"] if s["id"] == step_id]
    assert isinstance(found, dict)
    return found


def progress(s: dict[str, Any]) -> int | None:
    value = s.get("progressPercentage", s.get("processPercentage"))
    assert value is None or isinstance(value, int)
    return value


def percent(s: dict[str, Any]) -> int:
    value = progress(s)
    assert value is not None, s
    return value


def test_the_scenarios_asked_for_exist() -> None:
    assert set(SCENARIOS) >= {
        "signoff",
        "live",
        "succeeded",
        "certification-failed",
        "canceled",
        "blocked",
        "never-published",
        "not-started",
        "stuck",
        "flaky",
    }
    assert all(isinstance(text, str) and text for text in SCENARIOS.values())


def test_signoff_walks_every_step_to_publisher_signoff(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="signoff", display_text="Contoso VM")
    body = status_json(sb, "vm-offer")
    assert body["status"] == "running"
    assert [s["id"] for s in body["steps"]] == STEP_IDS
    assert step(body, "displaydummycertify")["status"] == "inProgress"
    assert body["previewLinks"] == [] and body["liveLinks"] == []
    assert body["notificationEmails"] == "jdoe@contoso.com"

    at(sb, vclock, "vm-offer", VALIDATED_AT)
    body = status_json(sb, "vm-offer")
    validation = step(body, "displaydummycertify")
    assert validation["status"] == "complete" and validation["progressPercentage"] == 100
    assert validation["messages"][0]["messageHtml"] == "Step completed."
    assert validation["messages"][0]["level"] == "information"
    assert TIMESTAMP.match(validation["messages"][0]["timestamp"])
    assert step(body, "displaycertify")["status"] == "InProgress"

    seen: list[int] = []
    for second in (VALIDATED_AT + 1, VALIDATED_AT + 20 * 3600, VALIDATED_AT + 40 * 3600, CERTIFIED_AT - 1):
        at(sb, vclock, "vm-offer", second)
        certification = step(status_json(sb, "vm-offer"), "displaycertify")
        assert certification["status"] == "InProgress"
        seen.append(percent(certification))
    assert seen == sorted(seen) and seen[0] == 0 and 0 < seen[-1] < 100

    at(sb, vclock, "vm-offer", SIGNOFF_AT - 1)
    body = status_json(sb, "vm-offer")
    assert body["status"] == "running"
    assert step(body, "displaypackage")["status"] == "InProgress"
    assert "processPercentage" in step(body, "displaypackage")
    assert body["previewLinks"] == []

    at(sb, vclock, "vm-offer", SIGNOFF_AT)
    body = status_json(sb, "vm-offer")
    assert body["status"] == "waitingForPublisherReview"
    signoff = step(body, "publisher-signoff")
    assert signoff["status"] == "WaitingForPublisherReview"
    assert "progressPercentage" not in signoff and "processPercentage" not in signoff
    assert [s["status"].lower() for s in body["steps"][:4]] == ["complete"] * 4
    assert step(body, "live")["status"] == "notStarted"
    (link,) = body["previewLinks"]
    assert link["uri"].startswith("https://azuremarketplace.microsoft.com/marketplace/apps/contoso.vm-offer?preview=")
    assert body["liveLinks"] == []

    vclock.advance(30 * DAY)
    assert status_json(sb, "vm-offer")["status"] == "waitingForPublisherReview"


def test_live_goes_live_after_signoff(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="live")
    at(sb, vclock, "vm-offer", SIGNOFF_AT)
    assert status_json(sb, "vm-offer")["status"] == "waitingForPublisherReview"

    at(sb, vclock, "vm-offer", GO_LIVE_AT)
    body = status_json(sb, "vm-offer")
    assert body["status"] == "running"
    assert step(body, "publisher-signoff")["status"] == "Complete"
    assert step(body, "live")["status"] == "inProgress"
    assert body["liveLinks"] == []

    at(sb, vclock, "vm-offer", LIVE_AT)
    body = status_json(sb, "vm-offer")
    assert body["status"] == "succeeded"
    assert step(body, "live")["status"] == "complete"
    assert all(s["status"].lower() == "complete" for s in body["steps"])
    assert body["liveLinks"][0]["uri"] == "https://azuremarketplace.microsoft.com/marketplace/apps/contoso.vm-offer"
    assert body["previewLinks"]


def test_succeeded_is_live_from_the_start(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="succeeded")
    body = status_json(sb, "vm-offer")
    assert body["status"] == "succeeded"
    assert [s["status"] for s in body["steps"]] == ["complete"] * 6
    assert body["liveLinks"] and body["previewLinks"]


def test_certification_failed(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="certification-failed")
    at(sb, vclock, "vm-offer", FAILED_AT - 1)
    body = status_json(sb, "vm-offer")
    assert body["status"] == "running"
    assert not [m for m in step(body, "displaycertify")["messages"] if m["level"] == "error"]

    at(sb, vclock, "vm-offer", FAILED_AT)
    body = status_json(sb, "vm-offer")
    assert body["status"] == "failed"
    certification = step(body, "displaycertify")
    assert certification["status"] == "rejected"
    assert 0 < percent(certification) < 50
    errors = [m["messageHtml"] for m in certification["messages"] if m["level"] == "error"]
    assert len(errors) >= 2
    assert any("<b>" in e for e in errors) and any("<a href=" in e for e in errors)
    assert [m for m in certification["messages"] if m["level"] == "information"]
    assert [m["level"] for m in body["messages"]] == ["error"]
    assert step(body, "displayprovision")["status"] == "notStarted"
    assert body["previewLinks"] == []

    vclock.advance(10 * DAY)
    assert status_json(sb, "vm-offer")["status"] == "failed"


def test_canceled(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="canceled")
    at(sb, vclock, "vm-offer", CANCELED_AT - 1)
    body = status_json(sb, "vm-offer")
    assert body["status"] == "running" and step(body, "displaycertify")["status"] == "InProgress"
    at(sb, vclock, "vm-offer", CANCELED_AT)
    body = status_json(sb, "vm-offer")
    assert body["status"] == "canceled"
    assert step(body, "displaycertify")["status"] == "Canceled"


def test_blocked_step_while_the_offer_keeps_running(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="blocked")
    at(sb, vclock, "vm-offer", BLOCKED_AT)
    body = status_json(sb, "vm-offer")
    certification = step(body, "displaycertify")
    assert certification["status"] == "Blocked"
    assert [m for m in certification["messages"] if m["level"] == "error"]
    assert body["status"] == "running"
    vclock.advance(30 * DAY)
    body = status_json(sb, "vm-offer")
    assert body["status"] == "running" and step(body, "displaycertify")["status"] == "Blocked"


def test_never_published(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="never-published")
    body = status_json(sb, "vm-offer")
    assert body["status"] == "neverPublished" and body["steps"] == []


def test_not_started(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="not-started")
    vclock.advance(5 * DAY)
    body = status_json(sb, "vm-offer")
    assert body["status"] == "notStarted"
    assert [s["status"] for s in body["steps"]] == ["notStarted"] * 6


def test_stuck_in_certification_with_the_older_words(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="stuck")
    for days in (1, 3, 60):
        at(sb, vclock, "vm-offer", days * DAY)
        body = status_json(sb, "vm-offer")
        assert body["status"] == "running"
        assert step(body, "displaydummycertify")["status"] == "completed"
        certification = step(body, "displaycertify")
        assert certification["status"] == "running"
        assert percent(certification) < 100


def test_flaky_answers_503_on_every_third_status_request(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="flaky")
    codes = [status(sb, "vm-offer").status_code for _ in range(7)]
    assert codes == [200, 200, 503, 200, 200, 503, 200]
    refused = status(sb, "vm-offer")
    refused = status(sb, "vm-offer")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "1"
    assert refused.json()["error"]["code"] == "ServiceUnavailable"
    at(sb, vclock, "vm-offer", SIGNOFF_AT)
    bodies = [status(sb, "vm-offer") for _ in range(3)]
    assert [b.json()["status"] for b in bodies if b.status_code == 200] == ["WaitingForPublisherReview"] * 2


def test_time_scale_compresses_the_timeline(vclock: VirtualClock) -> None:
    with Sandbox(clock=vclock.monotonic, time_scale=10000) as sb:
        sb.accept_static_token(STATIC)
        sb.add_offer("contoso", "vm-offer", scenario="signoff")
        vclock.advance(SIGNOFF_AT / 10000)
        assert status_json(sb, "vm-offer")["status"] == "waitingForPublisherReview"
        assert sb.time_scale == 10000


def test_offer_list(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer", scenario="signoff", display_text="Contoso VM")
    sb.add_offer("contoso", "app-offer", scenario="succeeded", offer_type="microsoft-azure-applications")
    vclock.advance(SIGNOFF_AT)
    response = requests.get(
        f"{sb.url}/api/publishers/contoso/offers",
        params=API_VERSION,
        headers={"Authorization": f"Bearer {STATIC}"},
        timeout=5,
    )
    assert response.status_code == 200
    entries = {entry["id"]: entry for entry in response.json()}
    assert set(entries) == {"vm-offer", "app-offer"}
    vm = entries["vm-offer"]
    assert vm["offerTypeId"] == "microsoft-azure-virtualmachines"
    assert vm["publisherId"] == "contoso"
    assert vm["status"] == "waitingForPublisherReview"
    assert vm["definition"] == {"displayText": "Contoso VM"}
    assert isinstance(vm["version"], int)
    assert TIMESTAMP.match(vm["changedTime"])
    assert entries["app-offer"]["status"] == "succeeded"
    assert entries["app-offer"]["offerTypeId"] == "microsoft-azure-applications"
    assert entries["app-offer"]["definition"] == {"displayText": "app-offer"}
    assert entries["app-offer"]["changedTime"] < vm["changedTime"]


def _samples(sb: Sandbox, vclock: VirtualClock, name: str) -> list[dict[str, Any]]:
    sb.add_offer("contoso", name, scenario=name)
    bodies = []
    hours = [h * 3600.0 for h in range(1, 100, 3)]
    for second in sorted([0, VALIDATED_AT, *hours, SIGNOFF_AT, GO_LIVE_AT, LIVE_AT, 9 * DAY]):
        at(sb, vclock, name, second)
        response = status(sb, name)
        if response.status_code == 503:  # flaky
            response = status(sb, name)
        assert response.status_code == 200
        bodies.append(response.json())
    return bodies


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_progress_never_goes_back_and_complete_steps_stay_complete(
    sb: Sandbox, vclock: VirtualClock, name: str
) -> None:
    bodies = _samples(sb, vclock, name)
    for index in range(len(bodies[0]["steps"])):
        course = [b["steps"][index] for b in bodies]
        values = [percent(s) for s in course if progress(s) is not None]
        assert values == sorted(values), (name, index, values)
        assert all(0 <= v <= 100 for v in values)
        done = [s["status"].lower() in ("complete", "completed") for s in course]
        assert done == sorted(done), (name, index)
        for s in course:
            assert all(TIMESTAMP.match(m["timestamp"]) for m in s.get("messages", []))


def test_casings_and_field_quirks_vary_across_scenarios(sb: Sandbox, vclock: VirtualClock) -> None:
    offer_statuses: set[str] = set()
    step_statuses: set[str] = set()
    keys: list[set[str]] = []
    for name in SCENARIOS:
        for body in _samples(sb, vclock, name):
            offer_statuses.add(body["status"])
            for s in body["steps"]:
                step_statuses.add(s["status"])
                keys.append(set(s))
    # camelCase (Microsoft's examples), PascalCase (its tables) and the older lower-case words
    assert {"inProgress", "complete", "notStarted", "rejected"} <= step_statuses
    assert {"InProgress", "Complete", "NotStarted", "WaitingForPublisherReview", "Blocked", "Canceled"} <= step_statuses
    assert {"running", "completed"} <= step_statuses
    assert {
        "running",
        "succeeded",
        "failed",
        "canceled",
        "neverPublished",
        "notStarted",
        "waitingForPublisherReview",
        "WaitingForPublisherReview",
        "Running",
    } <= offer_statuses
    # progressPercentage, its misspelling, and neither; messages and estimatedTimeFrame sometimes missing
    assert any("progressPercentage" in k for k in keys)
    assert any("processPercentage" in k for k in keys)
    assert any("progressPercentage" not in k and "processPercentage" not in k for k in keys)
    assert any("messages" not in k for k in keys)
    assert any("estimatedTimeFrame" not in k for k in keys)


def test_unknown_scenario_is_refused(sb: Sandbox) -> None:
    with pytest.raises(ValueError, match="unknown scenario 'nope'"):
        sb.add_offer("contoso", "vm-offer", scenario="nope")


def test_offer_ids_are_case_insensitive_and_re_adding_restarts(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "VM-Offer", scenario="signoff")
    vclock.advance(SIGNOFF_AT)
    assert status_json(sb, "vm-offer")["status"] == "waitingForPublisherReview"
    sb.add_offer("contoso", "VM-Offer", scenario="signoff")
    assert status_json(sb, "vm-offer")["status"] == "running"
