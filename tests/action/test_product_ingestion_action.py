"""The offer gate on the Product Ingestion API end to end: the entrypoint, the runner's environment, the sandbox."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from offergate.core.clock import VirtualClock
from offergate.demo import run_demo
from offergate.sandbox.ingestion_scenarios import JOB_DONE_AT, PREVIEW_AT
from offergate.sandbox.product_ingestion import FIRST_SUBMISSION
from tests.conftest import APP, Harness, Run

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


def ingestion_inputs(harness: Harness, **inputs: str) -> dict[str, str]:
    """The offer gate on the sandbox's Product Ingestion API with the harness's app (client secret)."""
    base = {
        "offer-api": "product-ingestion",
        "product-ingestion-url": harness.sandbox.product_ingestion_url,
        "azure-tenant-id": APP["tenant"],
        "azure-client-id": APP["client_id"],
        "azure-client-secret": APP["client_secret"],
        "authority-url": harness.sandbox.url,
    }
    base.update(inputs)
    return base


def requests_to(harness: Harness, part: str) -> list[str]:
    return [r.path for r in harness.sandbox.requests if f"/rp/product-ingestion/{part}" in r.path]


def annotations(run: Run, level: str) -> list[str]:
    return [line for line in run.log.splitlines() if line.startswith(f"::{level}")]


# Every row of the verdict table, for both wait-until values: scenario, wait-until, exit code, step.
VERDICTS = [
    ("preview-failed", "publisher-signoff", 1, "preview"),
    ("preview-failed", "live", 1, "preview"),
    ("live-failed", "live", 1, "live"),
    ("preview-running", "publisher-signoff", 3, "preview"),
    ("preview-running", "live", 3, "preview"),
    ("preview", "publisher-signoff", 0, "publisher-signoff"),
    ("preview", "live", 3, "publisher-signoff"),
    ("going-live", "publisher-signoff", 0, "live"),
    ("going-live", "live", 3, "live"),
    ("live", "live", 0, ""),
    ("succeeded", "publisher-signoff", 0, ""),
    ("succeeded", "live", 0, ""),
    ("draft-only", "publisher-signoff", 3, "preview"),
    ("draft-only", "live", 3, "preview"),
    ("unknown-status", "publisher-signoff", 3, "preview"),
    ("unknown-status", "live", 3, "preview"),
]
RESULT_OF_EXIT = {0: "passed", 1: "failed", 3: "pending"}


@pytest.mark.parametrize(("scenario", "wait_until", "exit_code", "step"), VERDICTS)
def test_verdict_table(harness: Harness, scenario: str, wait_until: str, exit_code: int, step: str) -> None:
    guid = harness.sandbox.add_product("vm-offer", scenario, alias="Contoso VM")
    run = harness.run(
        ingestion_inputs(
            harness, **{"offer-id": "vm-offer", "wait-until": wait_until, "timeout": "4d", "poll-interval": "30m"}
        )
    )
    assert run.exit_code == exit_code, run.log
    assert run.outputs["result"] == RESULT_OF_EXIT[exit_code]
    assert run.outputs["offer-step"] == step
    rows = json.loads(run.outputs["offers"])
    assert [(r["id"], r["result"], r["step"]) for r in rows] == [("vm-offer", run.outputs["result"], step)]
    assert rows[0]["submission-id"] == run.outputs["submission-id"]
    # the summary: the step table, the Partner Center link; no estimates, no progress
    assert "| Step | Status | Submission or job |" in run.summary
    text = run.summary_text
    order = [text.index(name) for name in ("Preview (validation", "Publisher sign-off", "| Live |")]
    assert order == sorted(order)
    assert f"https://partner.microsoft.com/dashboard/commercial-marketplace/offers/{guid}/overview" in run.summary
    assert "Estimated time" not in run.summary and "Progress" not in run.summary
    assert "Contoso VM" in text
    # the Product Ingestion API is asked with its own versions; no maintenance-mode notice
    products = [r for r in harness.sandbox.requests if r.path.endswith("/rp/product-ingestion/product")]
    assert products and products[0].query == {"externalId": "vm-offer", "$version": "2022-03-01-preview3"}
    assert all(
        r.query.get("$version") == "2022-03-01-preview2" for r in harness.sandbox.requests if "/submission/" in r.path
    )
    assert not any("maintenance mode" in line for line in annotations(run, "notice"))


def test_signoff_passes_when_the_preview_is_ready(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "preview")
    started = harness.clock.monotonic()
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "timeout": "4d", "poll-interval": "20m"}))
    assert run.exit_code == 0
    assert PREVIEW_AT <= harness.clock.monotonic() - started <= PREVIEW_AT + 20 * 60
    assert run.outputs["offer-status"].lower() == "preview succeeded"
    assert run.outputs["submission-id"].endswith(f"/{FIRST_SUBMISSION + 1}")
    assert "1 offer reached publisher sign-off" in run.summary_text
    assert "waiting for publisher sign-off" in run.summary_text


def test_failed_submission_is_an_error_annotation(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "preview-failed")
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "timeout": "1d", "poll-interval": "1h"}))
    assert run.exit_code == 1
    (error,) = annotations(run, "error")
    assert "offer vm-offer failed" in error and "(preview) failed" in error.lower()
    assert "failed: vm-offer" in run.summary.splitlines()[0].replace("\\", "")


def test_unknown_value_is_pending_with_a_warning(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "unknown-status")
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 3
    warnings = [line for line in annotations(run, "warning") if "unknown value" in line]
    assert len(warnings) == 1 and "'suspended'" in warnings[0]


# ------------------------------------------------------------------ the configure job


@pytest.mark.parametrize(
    ("job", "exit_code", "expected"),
    [
        ("running", 3, "waiting for the configure job"),
        ("succeeded", 0, "was signed off and is going live"),
        ("failed", 1, "[invalidRequest] The plan 'standard' has no price. (price-and-availability-offer/1)"),
        ("certification-failed", 1, "failed: a certification failure"),
        ("cancelled", 1, "was cancelled"),
    ],
)
def test_job_id(harness: Harness, job: str, exit_code: int, expected: str) -> None:
    harness.sandbox.add_product("vm-offer", "going-live")
    job_id = harness.sandbox.add_job(job)
    run = harness.run(
        ingestion_inputs(harness, **{"offer-id": "vm-offer", "job-id": job_id, "timeout": "2h", "poll-interval": "10m"})
    )
    assert run.exit_code == exit_code, run.log
    assert expected in run.summary_text
    assert "| Configure job |" in run.summary
    if job == "running":
        assert run.outputs["offer-step"] == "configure-job"
    if job == "succeeded":
        assert JOB_DONE_AT <= sum(harness.clock.sleeps) <= JOB_DONE_AT + 600
    if exit_code == 1:
        (error,) = annotations(run, "error")
        assert job_id in error
    status_calls = [r for r in harness.sandbox.requests if r.path.endswith(f"/configure/{job_id}/status")]
    assert status_calls and all(r.query == {"$version": "2022-03-01-preview2"} for r in status_calls)


def test_certification_failure_quotes_every_nested_error(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "going-live")
    job_id = harness.sandbox.add_job("certification-failed")
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "job-id": job_id, "timeout": "1h"}))
    assert run.exit_code == 1
    (error,) = annotations(run, "error")
    for quoted in (
        "[businessValidationError] The submission could not be published.",
        "[invalidState] The offer failed certification: the listing has no privacy policy link",
        "[invalidState] The offer failed certification: the VM image allows root login over SSH.",
        "[invalidResource] Image version 1.0.0 of plan 'standard'.",
    ):
        assert quoted in run.summary_text
        assert quoted.replace(",", "%2C").replace(":", "%3A") in error or quoted in error
    assert "certification failure" in error


def test_the_job_is_asked_at_most_once_a_minute(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "preview-running")
    harness.sandbox.add_product("app-offer", "preview-running")
    job_id = harness.sandbox.add_job("running")
    run = harness.run(
        ingestion_inputs(
            harness, **{"offer-id": "vm-offer, app-offer", "job-id": job_id, "timeout": "10m", "poll-interval": "10s"}
        )
    )
    assert run.exit_code == 3
    notices = annotations(run, "notice")
    assert any("at most once a minute" in line for line in notices)
    asked = [r.at for r in harness.sandbox.requests if r.path.endswith("/status")]
    assert 5 <= len(asked) <= 11
    assert all(later - earlier >= 60 for earlier, later in pairwise(asked))
    assert len(requests_to(harness, "submission/")) > 2 * len(asked)  # the submissions every poll-interval


# ------------------------------------------------------------------ finding offers, errors


def test_unknown_offer_is_a_clear_error(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "preview")
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-ofer"}))
    assert run.exit_code == 4
    assert run.outputs["result"] == "error"
    assert "no product has the external id (offer id) 'vm-ofer'" in run.log
    assert "associated with the Partner Center account" in run.summary_text
    assert not requests_to(harness, "submission/")


def test_an_app_not_associated_with_the_account_sees_no_offer(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "preview", account="fabrikam")
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer"}))
    assert run.exit_code == 4
    assert "no product has the external id (offer id) 'vm-offer'" in run.log


def test_a_refused_token_shows_graphs_error(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "preview")
    inputs = ingestion_inputs(harness, **{"offer-id": "vm-offer", "azure-access-token": "not-a-graph-token"})
    for name in ("azure-tenant-id", "azure-client-id", "azure-client-secret"):
        del inputs[name]
    run = harness.run(inputs)
    assert run.exit_code == 4
    assert "HTTP 401" in run.log and "[InvalidAuthenticationToken] Access token validation failure" in run.log
    assert "azure-access-token was refused" in run.summary_text
    assert "not-a-graph-token" not in run.log.replace("::add-mask::not-a-graph-token", "")


def test_hostile_job_errors_stay_one_line_and_bounded(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "going-live")
    job_id = harness.sandbox.add_job("running")
    hostile = "bad\n::notice::passed\r\n[link](javascript:alert(1)) " + "x" * 5000
    body = {
        "jobId": job_id,
        "jobStatus": "completed",
        "jobResult": "failed",
        "errors": [{"code": "c\n", "message": hostile}],
    }
    harness.sandbox.inject(
        method="GET", path="/status$", status=200, body=json.dumps(body), content_type="application/json", times=None
    )
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "job-id": job_id, "timeout": "0"}))
    assert run.exit_code == 1
    assert not any(line.startswith("::notice::passed") for line in run.log.splitlines())
    (error,) = annotations(run, "error")
    assert "bad ::notice::passed" in error.replace("%3A", ":") and len(error) < 1000
    assert "](javascript:" not in run.summary


def test_a_product_deleted_during_the_wait_ends_it(harness: Harness) -> None:
    guid = harness.sandbox.add_product("vm-offer", "preview-running")
    harness.sandbox.inject(
        method="GET",
        path=f"/submission/{guid}$",
        status=404,
        body=json.dumps({"error": {"code": "resourceNotFound", "message": "Not found.", "details": []}}),
        content_type="application/json",
        times=None,
    )
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "timeout": "1h"}))
    assert run.exit_code == 4
    assert "[resourceNotFound] Not found." in run.log
    assert "was found when the wait began" in run.summary_text
    assert len(requests_to(harness, "submission/")) == 1  # not retried


def test_a_static_token_for_graph_is_used_as_is(harness: Harness) -> None:
    harness.sandbox.accept_static_token("graph-token-value", publishers=["contoso"], graph=True)
    harness.sandbox.add_product("vm-offer", "succeeded")
    inputs = ingestion_inputs(harness, **{"offer-id": "vm-offer", "azure-access-token": "graph-token-value"})
    for name in ("azure-tenant-id", "azure-client-id", "azure-client-secret"):
        del inputs[name]
    run = harness.run({**inputs, "timeout": "0"})
    assert run.exit_code == 0, run.log
    assert not [r for r in harness.sandbox.requests if r.path.endswith("/oauth2/v2.0/token")]
    assert all(r.headers["Authorization"] == "Bearer graph-token-value" for r in harness.sandbox.requests)


def test_a_list_that_never_ends_is_a_bad_answer(harness: Harness) -> None:
    guid = harness.sandbox.add_product("vm-offer", "preview")
    harness.sandbox.inject(
        method="GET",
        path=f"/submission/{guid}$",
        status=200,
        body=json.dumps({"value": [], "@nextLink": f"submission/{guid}?$skipToken=0"}),
        content_type="application/json",
        times=None,
    )
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 4
    assert "the list goes on for more than 20 pages" in run.log
    assert len(requests_to(harness, "submission/")) == 20


def test_throttling_with_a_fractional_retry_after_is_waited_out(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "throttled")
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "timeout": "3d", "poll-interval": "6h"}))
    assert run.exit_code == 0, run.log
    polls = len([s for s in harness.clock.sleeps if s == 6 * 3600])
    submissions = requests_to(harness, "submission/")
    assert len(submissions) > polls + 1  # the 429s were tried again within the poll
    assert 1.5 in harness.clock.sleeps  # the fractional Retry-After is honoured as sent


def test_paging_follows_relative_next_links_and_keeps_the_version(harness: Harness) -> None:
    guid = harness.sandbox.add_product("vm-offer", "history", page_size=2)
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 0, run.log
    pages = [r for r in harness.sandbox.requests if "/submission/" in r.path]
    assert [r.query.get("$skipToken") for r in pages] == [None, "2", "4", "6"]
    assert all(r.path == f"/rp/product-ingestion/submission/{guid}" for r in pages)
    assert all(r.query["$version"] == "2022-03-01-preview2" for r in pages)
    assert run.outputs["submission-id"] == f"submission/{guid}/{FIRST_SUBMISSION + 6}"


def test_a_next_link_away_from_the_base_is_refused(harness: Harness) -> None:
    guid = harness.sandbox.add_product("vm-offer", "preview")
    harness.sandbox.inject(
        method="GET",
        path=f"/submission/{guid}$",
        status=200,
        body=json.dumps({"value": [], "@nextLink": "https://attacker.example/collect"}),
        content_type="application/json",
        times=None,
    )
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 4
    assert "'@nextLink' leads away from product-ingestion-url" in run.log


# ------------------------------------------------------------------ which submission counts


def test_submitted_after_excludes_an_old_live_submission(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "old-live")
    inputs = ingestion_inputs(harness, **{"offer-id": "vm-offer", "wait-until": "live", "timeout": "0"})
    old = harness.run(inputs)
    assert old.exit_code == 0  # without submitted-after, the old live submission passes a new release
    assert old.outputs["submission-id"].endswith(f"/{FIRST_SUBMISSION + 1}")
    after = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    new = harness.run({**inputs, "submitted-after": after, "timeout": "1h", "poll-interval": "5m"})
    assert new.exit_code == 3, new.log
    assert new.outputs["submission-id"].endswith(f"/{FIRST_SUBMISSION + 2}")
    assert "waiting for the offer going live" in new.summary_text
    assert f"submissions created after {after}" in new.summary_text
    lines = [
        line
        for line in new.log.splitlines()
        if line.startswith("[") and "vm-offer:" in line and "still waiting" not in line  # change lines only
    ]
    assert "no submission that counts" in lines[0] and "preview running" in lines[-1].lower()


def test_submission_id_pins_one_submission(harness: Harness) -> None:
    guid = harness.sandbox.add_product("vm-offer", "history")
    inputs = ingestion_inputs(harness, **{"offer-id": "vm-offer", "wait-until": "live", "timeout": "0"})
    newest = harness.run(inputs)
    assert newest.exit_code == 3  # the newest is a preview
    pinned = harness.run({**inputs, "submission-id": str(FIRST_SUBMISSION + 3)})
    assert pinned.exit_code == 0
    assert pinned.outputs["submission-id"] == f"submission/{guid}/{FIRST_SUBMISSION + 3}"
    again = harness.run({**inputs, "submission-id": pinned.outputs["submission-id"]})
    assert again.exit_code == 0
    missing = harness.run({**inputs, "submission-id": "42"})
    assert missing.exit_code == 3
    assert "waiting for submission 42" in missing.summary_text


# ------------------------------------------------------------------ credentials, several offers


def test_client_secret_token_is_for_the_graph_scope(harness: Harness) -> None:
    harness.sandbox.add_product("vm-offer", "succeeded")
    run = harness.run(ingestion_inputs(harness, **{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 0
    (token_request,) = [r for r in harness.sandbox.requests if r.path.endswith("/oauth2/v2.0/token")]
    assert token_request.form()["scope"] == GRAPH_SCOPE
    assert token_request.form()["client_secret"] == APP["client_secret"]


def test_github_oidc_token_is_for_the_graph_scope(harness: Harness) -> None:
    harness.sandbox.add_app(tenant=APP["tenant"], client_id="fed-app", federated=True, publishers=["contoso"])
    harness.sandbox.add_product("vm-offer", "succeeded")
    inputs = ingestion_inputs(harness, **{"offer-id": "vm-offer", "timeout": "0", "azure-client-id": "fed-app"})
    del inputs["azure-client-secret"]
    env = {
        "ACTIONS_ID_TOKEN_REQUEST_URL": harness.sandbox.oidc_request_url,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": harness.sandbox.oidc_request_token,
    }
    run = harness.run(inputs, extra_env=env)
    assert run.exit_code == 0, run.log
    (token_request,) = [r for r in harness.sandbox.requests if r.path.endswith("/oauth2/v2.0/token")]
    form = token_request.form()
    assert form["scope"] == GRAPH_SCOPE and form["client_assertion"] and "client_secret" not in form


def test_several_offers_in_one_step(harness: Harness) -> None:
    vm = harness.sandbox.add_product("vm-offer", "preview")
    app = harness.sandbox.add_product("app-offer", "going-live")
    run = harness.run(
        ingestion_inputs(harness, **{"offer-id": "vm-offer\napp-offer", "timeout": "4d", "poll-interval": "1h"})
    )
    assert run.exit_code == 0, run.log
    rows = json.loads(run.outputs["offers"])
    assert [(r["id"], r["result"], r["step"]) for r in rows] == [
        ("vm-offer", "passed", "publisher-signoff"),
        ("app-offer", "passed", "live"),
    ]
    assert run.outputs["submission-id"].startswith(f"submission/{vm}/")
    assert rows[1]["submission-id"].startswith(f"submission/{app}/")
    assert "2 offers reached publisher sign-off" in run.summary_text
    assert run.summary_text.index("vm-offer") < run.summary_text.index("app-offer")


# ------------------------------------------------------------------ inputs, the other API


def test_cloud_partner_portal_runs_get_one_maintenance_notice(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 0
    notices = [line for line in annotations(run, "notice") if "maintenance mode" in line]
    assert len(notices) == 1 and "offer-api: product-ingestion" in notices[0]
    assert "submission-id" not in run.outputs  # only the Product Ingestion backend sets it


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"offer-api": "graph"}, "input 'offer-api': 'graph' is not one of: cloud-partner-portal, product-ingestion"),
        ({"job-id": "x"}, "input 'job-id': works only with `offer-api: product-ingestion`"),
        ({"offer-api": "product-ingestion", "submission-id": "latest"}, "input 'submission-id': 'latest' is not"),
        ({"offer-api": "product-ingestion", "submitted-after": "yesterday"}, "not an ISO 8601 time"),
        ({"offer-api": "product-ingestion", "job-id": "a/b"}, "input 'job-id': 'a/b' is not a valid id"),
    ],
)
def test_bad_inputs_exit_2(harness: Harness, inputs: dict[str, str], message: str) -> None:
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", **inputs}))
    assert run.exit_code == 2
    assert message in run.log


def test_the_demo_shows_a_product_ingestion_offer_beside_the_others() -> None:
    out = io.StringIO()
    assert run_demo([], out, clock=VirtualClock().as_clock()) == 0, out.getvalue()
    text = out.getvalue()
    for section in ("contoso/contoso-vm", "contoso-saas (Contoso SaaS): passed", "catalog 123456/1001"):
        assert section in text
    assert re.search(r"^ *Configure job  ", text, re.MULTILINE), text  # a row of the plain-text step table
    assert "Offer gate on the Product Ingestion API" in " ".join(text.split())  # paragraphs wrap on a terminal
    assert "maintenance mode" in text  # the Cloud Partner Portal offers get the notice
