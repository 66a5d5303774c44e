"""The sandbox's Product Ingestion API: what it answers, quirks included (casing drift, drafts, paging,
Graph-shaped 401, fractional Retry-After, nested certification errors)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from sandbox_helpers import STATIC, secret_form, token_request

from offergate.core.clock import VirtualClock
from offergate.sandbox import Sandbox
from offergate.sandbox.ingestion_scenarios import JOB_DONE_AT, JOB_SCENARIO_NAMES, PREVIEW_AT, PRODUCT_SCENARIO_NAMES
from offergate.sandbox.product_ingestion import FIRST_SUBMISSION

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
PRODUCT = {"$version": "2022-03-01-preview3"}
SUBMISSION = {"$version": "2022-03-01-preview2"}


def graph_token(sb: Sandbox) -> str:
    response = token_request(sb, **secret_form(scope=GRAPH_SCOPE))
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert isinstance(token, str)
    return token


def get(sb: Sandbox, path: str, token: str | None, params: dict[str, str]) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{sb.product_ingestion_url}/{path}", params=params, headers=headers, timeout=5)


def ok(response: requests.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_a_product_by_external_id_with_microsofts_other_spelling(sb: Sandbox) -> None:
    guid = sb.add_product("vm-offer", "live", alias="Contoso VM")
    body = ok(get(sb, "product", graph_token(sb), {"externalId": "VM-OFFER", **PRODUCT}))
    (entry,) = body["value"]
    assert entry["id"] == f"product/{guid}"
    assert entry["identity"] == {"externalID": "vm-offer"}  # the live scenario drifts
    assert entry["alias"] == "Contoso VM"


def test_an_unknown_or_unassociated_product_is_an_empty_list(sb: Sandbox) -> None:
    sb.add_product("other-account-offer", account="fabrikam")
    token = graph_token(sb)
    for external in ("no-such-offer", "other-account-offer"):
        assert ok(get(sb, "product", token, {"externalId": external, **PRODUCT})) == {"value": []}


def test_submissions_over_time_with_a_draft_without_status(sb: Sandbox, vclock: VirtualClock) -> None:
    guid = sb.add_product("vm-offer", "preview", page_size=10)
    token = graph_token(sb)
    draft, preview = ok(get(sb, f"submission/{guid}", token, SUBMISSION))["value"]
    assert draft == {
        "$schema": draft["$schema"],
        "id": f"submission/{guid}/{FIRST_SUBMISSION}",
        "product": f"product/{guid}",
        "target": {"targetType": "draft"},
    }
    assert (preview["status"], preview["result"]) == ("running", "pending")
    assert preview["created"].endswith("Z")
    vclock.advance(PREVIEW_AT)
    preview = ok(get(sb, f"submission/{guid}", graph_token(sb), SUBMISSION))["value"][1]
    assert (preview["status"], preview["result"]) == ("completed", "succeeded")


def test_submission_lists_come_in_pages_with_relative_links_without_version(sb: Sandbox) -> None:
    guid = sb.add_product("vm-offer", "history", page_size=3)
    token = graph_token(sb)
    first = ok(get(sb, f"submission/{guid}", token, SUBMISSION))
    assert len(first["value"]) == 3
    assert first["@nextLink"] == f"submission/{guid}?$skipToken=3"
    last = ok(get(sb, f"submission/{guid}", token, {"$skipToken": "6", **SUBMISSION}))
    assert len(last["value"]) == 1 and "@nextLink" not in last


def test_graph_shaped_401(sb: Sandbox) -> None:
    guid = sb.add_product("vm-offer")
    cloud_partner_token = ok(token_request(sb, **secret_form()))["access_token"]
    for token in (None, "made-up", cloud_partner_token, STATIC):
        response = get(sb, f"submission/{guid}", token, SUBMISSION)
        assert response.status_code == 401
        error = response.json()["error"]
        assert error["code"] == "InvalidAuthenticationToken"
        assert error["message"].startswith("Access token validation failure.")
        assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("path", "version"), [("product", None), ("product", "2017-10-31")])
def test_a_missing_or_wrong_version_is_400(sb: Sandbox, path: str, version: str | None) -> None:
    params = {"externalId": "vm-offer"} | ({"$version": version} if version else {})
    response = get(sb, path, graph_token(sb), params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalidRequest"


def test_unknown_product_and_job_are_404(sb: Sandbox) -> None:
    token = graph_token(sb)
    assert get(sb, "submission/0f2b9c2e-1111-4a5b-9c7d-123456789abc", token, SUBMISSION).status_code == 404
    assert get(sb, "configure/nope/status", token, SUBMISSION).status_code == 404


def test_throttled_scenario_answers_429_with_a_fractional_retry_after(sb: Sandbox) -> None:
    guid = sb.add_product("vm-offer", "throttled")
    token = graph_token(sb)
    answers = [get(sb, f"submission/{guid}", token, SUBMISSION) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].headers["Retry-After"] == "1.5"


def test_a_job_that_fails_certification_with_nested_errors(sb: Sandbox, vclock: VirtualClock) -> None:
    job = sb.add_job("certification-failed")
    token = graph_token(sb)
    running = ok(get(sb, f"configure/{job}/status", token, SUBMISSION))
    assert running["jobID"] == job and running["jobStatus"] == "Running"
    assert running["jobEnd"].startswith("0001-01-01") and running["errors"] == []
    vclock.advance(JOB_DONE_AT)
    done = ok(get(sb, f"configure/{job}/status", token, SUBMISSION))
    assert (done["jobStatus"], done["jobResult"]) == ("Completed", "Failed")
    (error,) = done["errors"]
    codes = [d["code"] for d in error["details"]]
    assert codes == ["invalidState", "invalidState"]
    assert all("certification" in d["message"] for d in error["details"])
    assert error["details"][1]["details"][0]["code"] == "invalidResource"


def test_jobs_spell_job_id_as_documented_unless_they_drift(sb: Sandbox) -> None:
    token = graph_token(sb)
    assert "jobId" in ok(get(sb, f"configure/{sb.add_job('running')}/status", token, SUBMISSION))
    assert "jobID" in ok(get(sb, f"configure/{sb.add_job('succeeded')}/status", token, SUBMISSION))


def test_every_scenario_is_served(sb: Sandbox) -> None:
    token = graph_token(sb)
    for name in PRODUCT_SCENARIO_NAMES:
        guid = sb.add_product(f"{name}-offer", name, page_size=100)
        assert ok(get(sb, f"submission/{guid}", token, SUBMISSION))["value"]
    for name in JOB_SCENARIO_NAMES:
        assert ok(get(sb, f"configure/{sb.add_job(name)}/status", token, SUBMISSION))["jobStatus"]
    with pytest.raises(ValueError, match="unknown product scenario"):
        sb.add_product("x", "nope")
