"""Parsing the Product Ingestion API's answers: case drift read, hostile or ambiguous answers refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from offergate.core.errors import ApiError
from offergate.offers.product_ingestion.model import clip, find_product, member, page, parse_job, parse_submissions

GUID = "0f2b9c2e-1111-4a5b-9c7d-123456789abc"
OTHER = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"


def product(
    identity_key: str = "externalId", external: str = "vm-offer", pid: str = f"product/{GUID}"
) -> dict[str, Any]:
    return {"id": pid, "identity": {identity_key: external}, "type": "azureVirtualMachine", "alias": "Contoso VM"}


def submission(number: str = "1", target: str = "preview", **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": f"submission/{GUID}/{number}", "target": {"targetType": target}}
    entry.update({"status": "running", "result": "pending", "created": "2026-03-03T18:46:40.1958367Z", **fields})
    return entry


@pytest.mark.parametrize("key", ["externalId", "externalID", "EXTERNALID"])
def test_product_found_whatever_the_spelling_of_external_id(key: str) -> None:
    found = find_product([product(key, "VM-Offer", f"product/{GUID.upper()}")], "vm-offer")
    assert found is not None
    assert (found.guid, found.external_id, found.alias) == (GUID, "VM-Offer", "Contoso VM")


def test_no_product_is_none() -> None:
    assert find_product([], "vm-offer") is None


@pytest.mark.parametrize(
    ("items", "said"),
    [
        ([product(pid="product/../../me")], "not product/<guid>"),
        ([product(pid=f"product/{GUID}/submission")], "not product/<guid>"),
        ([product(pid=GUID)], "not product/<guid>"),
        ([product(external="other-offer")], "has the external id 'other-offer', not 'vm-offer'"),
        ([{"id": f"product/{GUID}"}], "has the external id '', not 'vm-offer'"),
        ([product(), product(pid=f"product/{OTHER}")], "2 products have the external id 'vm-offer'"),
        (["product"], "a product is not a JSON object"),
        ([{**product(), "ID": f"product/{OTHER}"}], "differ only in case"),
    ],
)
def test_hostile_or_ambiguous_products_are_bad_answers(items: list[Any], said: str) -> None:
    with pytest.raises(ApiError) as raised:
        find_product(items, "vm-offer")
    assert said in raised.value.describe()
    assert raised.value.status == 200 and not raised.value.transient  # retried as an unusable answer, then exit 4


@pytest.mark.parametrize(
    ("body", "items", "link"),
    [
        ({"value": [1]}, [1], None),
        ({"Value": [], "@nextLink": "submission/x?$skipToken=2"}, [], "submission/x?$skipToken=2"),
        ({"value": [], "@odata.nextLink": "ignored", "@NEXTLINK": ""}, [], None),
    ],
)
def test_pages(body: Any, items: list[Any], link: str | None) -> None:
    assert page(body) == (items, link)


@pytest.mark.parametrize("body", [[], {"value": {}}, {"value": [], "@nextLink": 3}, {"value": [], "VALUE": []}])
def test_pages_of_the_wrong_shape(body: Any) -> None:
    with pytest.raises(ApiError):
        page(body)


def test_submissions_with_a_draft_without_status_or_time() -> None:
    parsed = parse_submissions([{"id": f"submission/{GUID}/0", "target": {"targetType": "draft"}}, submission()], GUID)
    draft, preview = parsed
    assert draft.is_draft and draft.created is None and draft.state() == "no status"
    assert preview.number == "1" and preview.position == 1
    assert preview.created == datetime(2026, 3, 3, 18, 46, 40, 195836, tzinfo=UTC)


def test_submission_values_keep_the_apis_spelling() -> None:
    (entry,) = parse_submissions([submission(target="Live", status="Completed", result="Succeeded")], GUID)
    assert (entry.target, entry.state()) == ("Live", "Succeeded")


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ({**submission(), "id": f"submission/{OTHER}/1"}, f"not submission/{GUID}/<number>"),
        ({**submission(), "id": f"submission/{GUID}/1/../../x"}, "not submission/"),
        ({**submission(), "id": f"submission/{GUID}/abc"}, "not submission/"),
        (submission(created=None), "no creation time"),
        (submission(created="last tuesday"), "no creation time"),
        ({**submission(), "target": "preview"}, "has no target type"),
    ],
)
def test_bad_submissions(entry: dict[str, Any], said: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_submissions([entry], GUID)
    assert said in raised.value.describe()


def test_job_read_whatever_the_spelling() -> None:
    body = {
        "jobID": "JOB-1",
        "JobStatus": "Completed",
        "jobResult": "Failed",
        "jobStart": "2026-03-03T18:00:00Z",
        "jobEnd": "0001-01-01T00:00:00",
        "errors": [
            {
                "code": "businessValidationError",
                "message": "Could not publish.",
                "details": [
                    {"code": "InvalidState", "message": "The offer failed Certification.", "resourceId": "plan/1"}
                ],
            }
        ],
    }
    job = parse_job(body, "job-1")
    assert (job.status, job.result, job.end) == ("Completed", "Failed", "")
    assert job.error_lines() == (
        "[businessValidationError] Could not publish.",
        "  [InvalidState] The offer failed Certification. (plan/1)",
    )
    assert job.certification_failure()


def test_an_invalid_state_without_certification_is_no_certification_failure() -> None:
    body = {"jobId": "j", "jobStatus": "completed", "errors": [{"code": "invalidState", "message": "Locked."}]}
    assert not parse_job(body, "j").certification_failure()


def test_job_errors_are_bounded() -> None:
    deep: dict[str, Any] = {"code": "c", "message": "m"}
    for _ in range(20):
        deep = {"code": "c", "message": "m", "details": [deep]}
    many = [{"code": str(n), "message": "x" * 5000} for n in range(200)]
    job = parse_job({"jobId": "j", "jobStatus": "completed", "errors": [deep, *many]}, "j")
    lines = job.error_lines()
    assert len(lines) <= 50 and all(len(line) < 600 for line in lines)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"jobId": "other", "jobStatus": "running"}, "is for job 'other', not 'j'"),
        ({"jobId": "j"}, "has no jobStatus"),
        ({"jobId": "j", "JOBID": "j", "jobStatus": "running"}, "differ only in case"),
        ([], "expected a JSON object"),
    ],
)
def test_bad_job_answers(body: Any, said: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_job(body, "j")
    assert said in raised.value.describe()


def test_member_and_clip() -> None:
    assert member({"JobId": 1}, "jobID") == 1
    assert member({}, "x") is None
    assert clip("a\nb\r\n\x1b[31mc\u2028d  e") == "a b [31mc d e"
    assert clip("x" * 500, 10) == "x" * 9 + "…"
    assert clip(3) == ""
