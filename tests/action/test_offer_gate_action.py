"""The offer gate end to end: the entrypoint command, the runner's environment, the sandbox."""

from __future__ import annotations

import json

from offergate.sandbox.scenarios import SIGNOFF_AT
from tests.conftest import APP, Harness

FOUR_DAYS = "4d"


def test_reaches_publisher_signoff(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff", display_text="Contoso VM")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": FOUR_DAYS, "poll-interval": "30m"}))
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed"
    assert run.outputs["offer-status"].lower() == "waitingforpublisherreview"
    assert run.outputs["offer-step"] == "publisher-signoff"
    assert json.loads(run.outputs["offers"]) == [
        {"id": "vm-offer", "status": run.outputs["offer-status"], "step": "publisher-signoff", "result": "passed"}
    ]
    # the summary: a verdict line, the step table in order, preview links
    assert "passed" in run.summary.splitlines()[0]
    assert "| Step | Status | Progress | Estimated time | Latest message |" in run.summary
    order = [run.summary.index(name) for name in ("Certification", "Provisioning", "Packaging", "Publisher signoff")]
    assert order == sorted(order)
    assert "Preview" in run.summary and "https://" in run.summary
    # one log line per change, not per poll; polls were spread over days of virtual time
    status_calls = [r for r in harness.sandbox.requests if r.path.endswith("/status")]
    assert len(status_calls) > 100
    change_lines = [line for line in run.log.splitlines() if "contoso/vm-offer: offer" in line]
    assert 3 < len(change_lines) < len(status_calls)
    assert "::group::" in run.log and "::endgroup::" in run.log


def test_signoff_noticed_within_one_poll_interval(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff")
    started = harness.clock.monotonic()
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": FOUR_DAYS, "poll-interval": "20m"}))
    assert run.exit_code == 0
    waited = harness.clock.monotonic() - started
    assert SIGNOFF_AT <= waited <= SIGNOFF_AT + 20 * 60
    assert max(harness.clock.sleeps) <= 20 * 60


def test_already_succeeded(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "wait-until": "live"}))
    assert run.exit_code == 0
    assert run.outputs["result"] == "passed"
    assert run.outputs["offer-status"].lower() == "succeeded"
    assert run.outputs["offer-step"] == ""


def test_wait_until_live(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="live")
    run = harness.run(
        harness.app_inputs(**{"offer-id": "vm-offer", "wait-until": "live", "timeout": "10d", "poll-interval": "30m"})
    )
    assert run.exit_code == 0, run.log
    assert run.outputs["offer-status"].lower() == "succeeded"


def test_failed_certification(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="certification-failed")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": FOUR_DAYS}))
    assert run.exit_code == 1
    assert run.outputs["result"] == "failed"
    assert run.outputs["offer-status"].lower() == "failed"
    errors = [line for line in run.log.splitlines() if line.startswith("::error")]
    assert errors and "Certification" in errors[0]
    assert "<b>" not in errors[0]  # HTML stripped from the quoted messages
    assert "failed" in run.summary.splitlines()[0]
    assert "❌" in run.summary


def test_canceled(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="canceled")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": FOUR_DAYS, "poll-interval": "10m"}))
    assert run.exit_code == 1
    assert run.outputs["result"] == "failed"
    assert run.outputs["offer-status"].lower() == "canceled"


def test_blocked_step(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="blocked")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": FOUR_DAYS}))
    assert run.exit_code == 1
    assert run.outputs["result"] == "failed"
    assert any("Blocked" in line for line in run.log.splitlines() if line.startswith("::error"))


def test_pending_at_the_deadline_fails_with_exit_3(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "2h", "poll-interval": "10m"}))
    assert run.exit_code == 3
    assert run.outputs["result"] == "pending"
    assert sum(harness.clock.sleeps) == 7200
    assert "no verdict within 2h" in run.summary


def test_pending_with_on_pending_warn_passes_with_a_warning(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0", "on-pending": "warn"}))
    assert run.exit_code == 0
    assert run.outputs["result"] == "pending"
    assert any(line.startswith("::warning") for line in run.log.splitlines())
    assert harness.clock.sleeps == []


def test_never_published_is_nothing_to_wait_for(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="never-published")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 1
    assert "nothing to wait for" in run.summary


def test_unknown_offer_lists_the_known_ones(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff")
    harness.sandbox.add_offer("contoso", "other-offer", scenario="signoff")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-ofer"}))
    assert run.exit_code == 4
    assert run.outputs["result"] == "error"
    assert "'vm-ofer'" in run.log and "'other-offer', 'vm-offer'" in run.log
    assert "'other-offer', 'vm-offer'" in run.summary_text


def test_offer_that_disappears_is_a_404_error(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    harness.sandbox.inject(
        method="GET",
        path=r"/status$",
        status=404,
        body=b'{"error":{"code":"NotFound","message":"Offer vm-offer was not found."}}',
        content_type="application/json",
        times=100,
    )
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "1h"}))
    assert run.exit_code == 4
    assert "404" in run.log and "NotFound" in run.log and "Offer vm-offer was not found" in run.log
    assert harness.clock.sleeps == []


def test_forbidden_publisher(harness: Harness) -> None:
    harness.sandbox.add_publisher("fabrikam")
    harness.sandbox.add_offer("fabrikam", "vm-offer", scenario="signoff")
    run = harness.run(harness.app_inputs(**{"publisher-id": "fabrikam", "offer-id": "vm-offer"}))
    assert run.exit_code == 4
    assert run.outputs["result"] == "error"
    assert "403" in run.log and "Forbidden" in run.log
    assert "publisher account" in run.log  # what to do


def test_503_with_retry_after_then_success(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    harness.sandbox.inject(
        method="GET",
        path=r"/status$",
        status=503,
        headers={"Retry-After": "7"},
        body=b"busy",
        content_type="text/plain",
        times=2,
    )
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "1h"}))
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed"
    assert len([r for r in harness.sandbox.requests if r.path.endswith("/status")]) == 3
    assert harness.clock.sleeps[:2] == [7, 7]


def test_several_offers_one_fails(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "good", scenario="signoff")
    harness.sandbox.add_offer("contoso", "bad", scenario="certification-failed")
    run = harness.run(harness.app_inputs(**{"offer-id": "good\nbad", "timeout": FOUR_DAYS}))
    assert run.exit_code == 1
    offers = {o["id"]: o for o in json.loads(run.outputs["offers"])}
    assert offers["bad"]["result"] == "failed"
    assert offers["good"]["result"] in ("pending", "passed")
    assert "contoso/good" in run.summary and "contoso/bad" in run.summary


def test_static_token_and_token_refresh_after_401(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff")
    run1 = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run1.exit_code == 3
    issued = len(harness.sandbox.tokens_issued)
    harness.sandbox.expire_tokens()
    run2 = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run2.exit_code == 3
    assert len(harness.sandbox.tokens_issued) == issued + 1


def test_token_refreshed_once_on_401_then_the_wait_goes_on(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="certification-failed")  # fails after ~6 h
    harness.sandbox.token_lifetime = 30 * 86400  # so that only the 401 causes a new token
    harness.sandbox.inject(
        method="GET",
        path=r"/status$",
        status=401,
        body=b'{"error":{"code":"Unauthorized","message":"expired"}}',
        content_type="application/json",
        times=1,
    )
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "1d", "poll-interval": "10m"}))
    assert run.exit_code == 1, run.log  # the wait went on to the verdict
    assert len(harness.sandbox.tokens_issued) == 2
    status_calls = [r for r in harness.sandbox.requests if r.path.endswith("/status")]
    tokens = [r.headers["Authorization"] for r in status_calls]
    assert tokens[0] != tokens[1]  # the refused call was retried at once with a new token
    assert set(tokens[1:]) == {tokens[1]} and len(tokens) > 3  # which served the rest of the wait


def test_refused_static_token_is_an_auth_error(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff")
    inputs = {
        "publisher-id": "contoso",
        "offer-id": "vm-offer",
        "azure-access-token": "not-a-valid-token",
        "marketplace-url": harness.sandbox.url,
    }
    run = harness.run(inputs)
    assert run.exit_code == 4
    assert "401" in run.log and "azure-access-token" in run.log
    shown = [line for line in run.log.splitlines() if not line.startswith("::add-mask::")]
    assert "not-a-valid-token" not in "\n".join(shown) + run.summary + run.files.output.read_text()


def test_accepted_static_token(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    harness.sandbox.accept_static_token("static-token-abcdef", publishers=["contoso"])
    inputs = {
        "publisher-id": "contoso",
        "offer-id": "vm-offer",
        "azure-access-token": "static-token-abcdef",
        "marketplace-url": harness.sandbox.url,
    }
    run = harness.run(inputs)
    assert run.exit_code == 0
    assert run.log.startswith("::add-mask::static-token-abcdef")
    status_call = next(r for r in harness.sandbox.requests if r.path.endswith("/status"))
    assert status_call.headers["Authorization"] == "Bearer static-token-abcdef"
    assert status_call.query["api-version"] == "2017-10-31"


def test_federated_credential_with_github_oidc(harness: Harness) -> None:
    harness.sandbox.add_app(tenant="tenant-1", client_id="fed-app", federated=True, publishers=["contoso"])
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    inputs = harness.app_inputs(**{"offer-id": "vm-offer", "azure-client-id": "fed-app", "azure-client-secret": ""})
    env = {
        "ACTIONS_ID_TOKEN_REQUEST_URL": harness.sandbox.oidc_request_url,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": harness.sandbox.oidc_request_token,
    }
    run = harness.run(inputs, extra_env=env)
    assert run.exit_code == 0, run.log
    oidc = [r for r in harness.sandbox.requests if r.path.startswith("/_github/oidc")]
    assert oidc and oidc[0].query["audience"] == "api://AzureADTokenExchange"
    token_call = next(r for r in harness.sandbox.requests if r.path.endswith("/oauth2/v2.0/token"))
    assert b"client_assertion=" in token_call.body and b"client_secret" not in token_call.body


def test_secrets_masked_first_and_never_printed(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="certification-failed")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": FOUR_DAYS}))
    lines = run.log.splitlines()
    assert lines[0] == f"::add-mask::{APP['client_secret']}"
    masked = [line for line in lines if line.startswith("::add-mask::")]
    for token in harness.sandbox.tokens_issued:
        assert f"::add-mask::{token}" in masked
    everything = run.log.replace(lines[0], "") + run.summary + run.files.output.read_text()
    for secret in [APP["client_secret"], *harness.sandbox.tokens_issued]:
        assert secret not in everything.replace(f"::add-mask::{secret}", "")


def test_summary_false_writes_no_summary(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "summary": "false"}))
    assert run.exit_code == 0
    assert run.summary == ""


def test_bad_input_exit_2_without_traceback(harness: Harness) -> None:
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "forever"}))
    assert run.exit_code == 2
    assert "::error" in run.log and "timeout" in run.log
    assert "Traceback" not in run.log
    assert run.outputs["result"] == "error"
    assert harness.sandbox.requests == []
