"""Only unambiguous answers decide (containment item 3).

An XML element given twice is refused as a JSON key given twice is; a catalog status without a
rejected count (`{}`, `<catalogStatus/>`, an error object served with HTTP 200) and an offer
status without a recognisable `status` are bad answers: exit 4 at the first poll, tried again
mid-wait (as every unusable 2xx answer is), never a pass.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Harness
from tests.hardening.test_hostile_answers import (
    XML_TYPE,
    answer,
    assert_clear_error,
    catalog_run,
    offer_run,
    passthrough,
)

DUPLICATE_XML = {
    "same-element": "<rejected_count>6</rejected_count><rejected_count>0</rejected_count>",
    "two-spellings": "<rejected_count>6</rejected_count><rejectedCount>0</rejectedCount>",
    "published-twice": "<published_count>1</published_count><published_count>9</published_count>"
    "<rejected_count>0</rejected_count>",
    "url-twice": "<rejected_count>0</rejected_count><rejection_report_url>a</rejection_report_url>"
    "<rejectionReportUrl>b</rejectionReportUrl>",
}


@pytest.mark.parametrize("case", list(DUPLICATE_XML))
def test_duplicate_xml_elements_are_refused(harness: Harness, case: str) -> None:
    answer(harness, f"<catalogStatus>{DUPLICATE_XML[case]}</catalogStatus>", XML_TYPE)
    run = catalog_run(harness, "xml")
    assert_clear_error(run, "twice, so its meaning is ambiguous")
    assert harness.clock.sleeps == []


def test_duplicate_element_in_the_xml_catalog_list_is_refused(harness: Harness) -> None:
    body = "<catalogs><catalog><id>1</id><id>2</id><name>main</name></catalog></catalogs>"
    harness.sandbox.inject(method="GET", path=r"/catalogs$", status=200, body=body, content_type=XML_TYPE, times=None)
    run = catalog_run(harness, "xml", **{"catalog-id": "all"})
    assert_clear_error(run, "twice, so its meaning is ambiguous")


NO_REJECTED_COUNT = {
    "empty-object": ("{}", "application/json", "no 'rejectedCount'"),
    "published-only": ('{"publishedCount": 12}', "application/json", "no 'rejectedCount'"),
    "null": ('{"publishedCount": 12, "rejectedCount": null}', "application/json", "no 'rejectedCount'"),
    "blank": ('{"publishedCount": 12, "rejectedCount": " "}', "application/json", "no 'rejectedCount'"),
    "empty-element": ("<catalogStatus/>", XML_TYPE, "no 'rejected_count'"),
    "empty-count": (
        "<catalogStatus><published_count>5</published_count><rejected_count/></catalogStatus>",
        XML_TYPE,
        "no 'rejected_count'",
    ),
    "count-holding-elements": (
        "<catalogStatus><rejected_count><value>6</value></rejected_count></catalogStatus>",
        XML_TYPE,
        "holds elements",
    ),
}


@pytest.mark.parametrize("case", list(NO_REJECTED_COUNT))
def test_a_catalog_status_without_a_rejected_count_is_a_bad_answer(harness: Harness, case: str) -> None:
    body, content_type, phrase = NO_REJECTED_COUNT[case]
    answer(harness, body, content_type)
    run = catalog_run(harness, "xml" if content_type == XML_TYPE else "json", timeout="0")
    assert_clear_error(run, phrase)
    assert run.outputs["rejected-count"] == "0"  # no status was read: the count is empty, not a pass
    assert json.loads(run.outputs["catalogs"])[0]["rejected"] is None


ERROR_UNDER_200 = {
    "json-error-object": (
        '{"error": {"code": "InternalError", "message": "Try again later"}}',
        "application/json",
        "[InternalError] Try again later",
    ),
    "json-errors-list": (
        '{"errors": [{"code": "CatalogNotReady", "message": "Not ready"}]}',
        "application/json",
        "[CatalogNotReady] Not ready",
    ),
    "xml-errors": (
        "<errors><error><reason>backendError</reason><internalReason>Busy</internalReason></error></errors>",
        XML_TYPE,
        "[backendError] Busy",
    ),
    "xml-error": (
        "<Error><Code>Throttled</Code><Message>Slow down</Message></Error>",
        XML_TYPE,
        "[Throttled] Slow down",
    ),
}


@pytest.mark.parametrize("case", list(ERROR_UNDER_200))
def test_a_catalog_error_object_under_http_200_is_a_bad_answer_naming_the_apis_code(
    harness: Harness, case: str
) -> None:
    body, content_type, said = ERROR_UNDER_200[case]
    answer(harness, body, content_type)
    run = catalog_run(harness, "xml" if content_type == XML_TYPE else "json", timeout="0")
    assert_clear_error(run, "is an error, not a catalog status", said)


def test_a_catalog_status_without_counts_mid_wait_is_tried_again(harness: Harness) -> None:
    passthrough(harness, 1)
    answer(harness, "{}", times=2)
    run = catalog_run(harness, timeout="50m")
    assert run.exit_code == 0, run.log  # the real answers before and after decide
    assert "no 'rejectedCount'" in run.log and "will try again at the next poll" in run.log


def test_a_catalog_status_without_counts_four_times_in_a_row_mid_wait_is_exit_4(harness: Harness) -> None:
    passthrough(harness, 1)
    answer(harness, "{}")
    run = catalog_run(harness, timeout="1d")
    assert run.exit_code == 4, run.log
    assert run.outputs["result"] == "error"
    assert "giving up" in run.log


SIGNED_OFF_STEPS = [{"id": "publishersignoff", "stepName": "Publisher signoff", "status": "complete"}]
NO_STATUS = {
    "missing": ({"steps": SIGNED_OFF_STEPS}, "no 'status'"),
    "null": ({"status": None, "steps": SIGNED_OFF_STEPS}, "no 'status'"),
    "empty": ({"status": "", "steps": SIGNED_OFF_STEPS}, "a 'status' that is no status word ('')"),
    "number": ({"status": 42, "steps": SIGNED_OFF_STEPS}, "a 'status' that is no status word (the int 42)"),
    "object": ({"status": {"value": "Succeeded"}, "steps": SIGNED_OFF_STEPS}, "(a JSON object)"),
    "list": ({"status": ["succeeded"]}, "(a JSON array)"),
    "punctuation": ({"status": " - ", "steps": SIGNED_OFF_STEPS}, "no status word"),
}


@pytest.mark.parametrize("case", list(NO_STATUS))
def test_an_offer_status_without_a_recognisable_status_is_a_bad_answer(harness: Harness, case: str) -> None:
    """A sign-off step that is complete passed such an answer before; now it decides nothing."""
    body, phrase = NO_STATUS[case]
    answer(harness, json.dumps(body))
    run = offer_run(harness)
    assert_clear_error(run, "wrong shape", phrase)
    assert run.outputs["offer-status"] == ""


def test_an_offer_error_object_under_http_200_is_a_bad_answer_naming_the_apis_code(harness: Harness) -> None:
    answer(harness, json.dumps({"error": {"code": "ServiceUnavailable", "message": "Try later"}}))
    run = offer_run(harness)
    assert_clear_error(run, "is an error, not an offer status", "[ServiceUnavailable] Try later")


def test_an_offer_status_without_a_status_mid_wait_is_tried_again(harness: Harness) -> None:
    answer(harness, json.dumps({"status": "running", "steps": []}), times=1)
    answer(harness, json.dumps({"steps": SIGNED_OFF_STEPS}), times=2)
    answer(harness, json.dumps({"status": "succeeded", "steps": []}))
    run = offer_run(harness, **{"wait-until": "live"})
    assert run.exit_code == 0, run.log
    assert "no 'status'" in run.log and "will try again at the next poll" in run.log
    assert harness.clock.sleeps == [600, 600, 600]


XML_LIST_ERROR = (
    "<errors><error><reason>StoreLocked</reason><internalReason>Locked for review</internalReason></error></errors>"
)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"error": {"code": "StoreLocked", "message": "Locked for review"}}', "application/json"),
        (XML_LIST_ERROR, XML_TYPE),
    ],
    ids=["json", "xml"],
)
def test_a_catalog_list_error_under_http_200_is_named_not_an_empty_store(
    harness: Harness, body: str, content_type: str
) -> None:
    harness.sandbox.inject(method="GET", path=r"/catalogs$", status=200, body=body, content_type=content_type)
    run = catalog_run(harness, "xml" if content_type == XML_TYPE else "json", **{"catalog-id": "all"})
    assert_clear_error(run, "is an error, not a catalog list", "[StoreLocked] Locked for review")
    assert "has no catalogs" not in run.log
