"""Hardening item 4: answers that are 2xx but unusable, for the offer status and the catalog status.

Each case runs the action end to end against the sandbox. The rule (see `offergate.core.gate`):

- an unusable answer (HTML, an empty body, truncated or invalid JSON, NaN, nesting over 200
  levels, a key given twice, the wrong shape, a count that is not a count) at the first poll is
  exit 4, with the HTTP status and what is wrong; nothing is retried, nothing hangs;
- the same answer mid-wait, after a good one, is tried again at the next poll (up to 3 in a row);
- lenient acceptance where the meaning is still clear: JSON under a wrong content type, counts
  as digit strings, null steps, a number for a status, unknown statuses (shown as they are and
  treated as in progress).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import STORE, Harness, Run

STATUS = r"/status$"
JSON_TYPE = "application/json; charset=utf-8"
OFFER_RUNNING = {
    "status": "running",
    "steps": [{"id": "displaycertify", "stepName": "Certification", "status": "inProgress"}],
}
OFFER_LIVE = {"status": "succeeded", "steps": []}


def offer_run(harness: Harness, **inputs: str) -> Run:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    return harness.run(
        harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "1h", "poll-interval": "10m", **inputs})
    )


def catalog_run(harness: Harness, content_format: str = "json", **inputs: str) -> Run:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    return harness.run(
        harness.catalog_inputs(
            **{
                "catalog-id": "4101",
                "timeout": "1h",
                "poll-interval": "10m",
                "content-format": content_format,
                **inputs,
            }
        )
    )


def answer(harness: Harness, body: bytes | str, content_type: str = JSON_TYPE, times: int | None = None) -> None:
    """Every (or the next `times`) status call answers 200 with `body`."""
    harness.sandbox.inject(method="GET", path=STATUS, status=200, body=body, content_type=content_type, times=times)


def passthrough(harness: Harness, times: int) -> None:
    """The next `times` status calls get the sandbox's real answer (a stall of no time, used up in order)."""
    harness.sandbox.inject(method="GET", path=STATUS, kind="stall", seconds=0.0, times=times)


def assert_clear_error(run: Run, *phrases: str) -> None:
    """Exit 4 at the first poll, the HTTP status and what was wrong in the log and the summary."""
    assert run.exit_code == 4, run.log
    assert run.outputs["result"] == "error"
    assert "Traceback" not in run.log + run.summary
    errors = "\n".join(line for line in run.log.splitlines() if line.startswith("::error"))
    assert "HTTP 200" in errors, run.log
    for phrase in phrases:
        assert phrase in errors, run.log
        assert phrase in run.summary_text, run.summary


DEEP = "[" * 5000 + "]" * 5000
BAD_JSON = {
    "html": (
        "<!DOCTYPE html><html><head><title>Gateway Login</title></head><body>x</body></html>",
        "text/html",
        "an HTML page titled 'Gateway Login'",
    ),
    "html-labelled-json": ("<html><body>Sign in</body></html>", JSON_TYPE, "an HTML page"),
    "empty": ("", JSON_TYPE, "an empty body"),
    "blank": (" \r\n ", JSON_TYPE, "an empty body"),
    "truncated": (
        '{"status": "running", "steps": [{"id": "displaycertify", "status": ',
        JSON_TYPE,
        "JSON that ends early",
    ),
    "invalid": ('{"status": running}', JSON_TYPE, "invalid JSON"),
    "xml-instead-of-json": ("<status>running</status>", "application/xml", "instead of JSON"),
    "deeply-nested": (DEEP, JSON_TYPE, "nested deeper than 200 levels"),
    "nan": (
        '{"status": "running", "steps": [], "publishedCount": NaN, "rejectedCount": NaN}',
        JSON_TYPE,
        "NaN or Infinity",
    ),
    "infinity": ('{"status": "running", "publishedCount": Infinity}', JSON_TYPE, "NaN or Infinity"),
    "duplicate-keys": (
        '{"status": "failed", "status": "succeeded", "publishedCount": 1, "rejectedCount": 9, "rejectedCount": 0}',
        JSON_TYPE,
        "twice",
    ),
    "not-an-object": ("[1, 2, 3]", JSON_TYPE, "wrong shape"),
    "not-utf8": (
        b'{"status": "\xff\xfe running"}'.decode("latin-1"),
        "application/json; charset=latin-1",
        "not valid UTF-8",
    ),
}


@pytest.mark.parametrize("case", list(BAD_JSON))
def test_offer_status_unusable_at_the_start_is_exit_4(harness: Harness, case: str) -> None:
    body, content_type, phrase = BAD_JSON[case]
    answer(harness, body.encode("latin-1") if case == "not-utf8" else body, content_type)
    run = offer_run(harness)
    assert_clear_error(run, phrase)
    assert harness.clock.sleeps == []  # not retried: the first answer decides


@pytest.mark.parametrize("case", list(BAD_JSON))
def test_catalog_status_unusable_at_the_start_is_exit_4(harness: Harness, case: str) -> None:
    body, content_type, phrase = BAD_JSON[case]
    answer(harness, body.encode("latin-1") if case == "not-utf8" else body, content_type)
    run = catalog_run(harness)
    assert_clear_error(run, phrase)
    assert harness.clock.sleeps == []


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ({"status": "running", "steps": {"id": "displaycertify"}}, "'steps' is a dict, not a list"),
        ({"status": "running", "steps": "Certification"}, "'steps' is a str, not a list"),
        ({"status": "running", "steps": [3]}, "a step is not a JSON object"),
    ],
    ids=["steps-object", "steps-string", "step-number"],
)
def test_offer_steps_of_the_wrong_type_are_exit_4(harness: Harness, body: object, phrase: str) -> None:
    answer(harness, json.dumps(body))
    assert_clear_error(offer_run(harness), "wrong shape", phrase)


def test_offer_wrong_types_that_are_harmless_are_accepted_leniently(harness: Harness) -> None:
    """Lenient: null steps, a null step status, a string for a progress: shown as they are, pending.
    (A number for the offer's own status is a bad answer: test_ambiguous_answers.py.)"""
    answer(harness, json.dumps({"status": "Running42", "steps": None}), times=1)
    answer(
        harness,
        json.dumps(
            {
                "status": "running",
                "steps": [
                    {"id": "displaycertify", "stepName": "Certification", "status": None, "progressPercentage": "40"}
                ],
            }
        ),
    )
    run = offer_run(harness, timeout="30m")
    assert run.exit_code == 3, run.log
    assert "offer Running42" in run.log
    assert "step 'Certification' Unknown 40%" in run.log


def test_offer_unknown_statuses_are_shown_as_they_are_and_treated_as_in_progress(harness: Harness) -> None:
    answer(
        harness,
        json.dumps(
            {
                "status": "Frobnicating",
                "steps": [{"id": "displaycertify", "stepName": "Certification", "status": "Recalibrating"}],
            }
        ),
    )
    run = offer_run(harness, timeout="30m")
    assert run.exit_code == 3, run.log
    assert run.outputs["result"] == "pending"
    assert run.outputs["offer-status"] == "Frobnicating"
    assert "step 'Certification' Recalibrating" in run.log
    assert "Frobnicating" in run.summary_text and "Recalibrating" in run.summary_text


def test_offer_json_under_a_wrong_content_type_is_accepted(harness: Harness) -> None:
    """Lenient: the body is what counts; a JSON object labelled text/plain is read as JSON."""
    answer(harness, json.dumps(OFFER_LIVE), content_type="text/plain")
    run = offer_run(harness, **{"wait-until": "live"})
    assert run.exit_code == 0, run.log


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ({"publishedCount": "twelve", "rejectedCount": 0}, "'publishedCount' is not a count: 'twelve'"),
        ({"publishedCount": 12, "rejectedCount": -1}, "'rejectedCount' is negative"),
        ({"publishedCount": 12, "rejectedCount": True}, "'rejectedCount' is a boolean"),
        ({"publishedCount": 12, "rejectedCount": 2.5}, "'rejectedCount' is not a count"),
        ({"publishedCount": 12, "rejectedCount": [1]}, "'rejectedCount' is not a count"),
    ],
    ids=["word", "negative", "boolean", "fraction", "list"],
)
def test_catalog_counts_of_the_wrong_type_are_exit_4(harness: Harness, body: object, phrase: str) -> None:
    answer(harness, json.dumps(body))
    assert_clear_error(catalog_run(harness), "wrong shape", phrase)


def test_catalog_counts_as_digit_strings_and_null_are_accepted(harness: Harness) -> None:
    """Lenient: "12" is 12, "0" is 0; a report URL that is not a string is ignored. (A null
    published count is 0; a missing or null rejected count is a bad answer: test_ambiguous_answers.py.)"""
    answer(
        harness,
        json.dumps(
            {"catalogId": 77, "publishedCount": "12", "rejectedCount": "0", "rejectionReportUrl": {"href": "x"}}
        ),
        content_type="text/plain",
    )
    run = catalog_run(harness, timeout="0")
    assert run.exit_code == 0, run.log
    assert (run.outputs["published-count"], run.outputs["rejected-count"]) == ("12", "0")


XML_TYPE = "application/xml; charset=utf-8"
BAD_XML = {
    "html": ("<!DOCTYPE html><html><body>Sign in</body></html>", "text/html", "an HTML page instead of XML"),
    "empty": ("", XML_TYPE, "an empty body instead of XML"),
    "truncated": ("<catalogStatus><catalog_id>4101</catalog_id><published_count>1", XML_TYPE, "not well-formed XML"),
    "json-instead-of-xml": ('{"publishedCount": 1}', JSON_TYPE, "not well-formed XML"),
    "wrong-root": ("<errorPage><message>down</message></errorPage>", XML_TYPE, "not <catalogStatus>"),
    "word-count": (
        "<catalogStatus><published_count>many</published_count></catalogStatus>",
        XML_TYPE,
        "'published_count' is not a count: 'many'",
    ),
    "bad-encoding": (
        '<?xml version="1.0" encoding="no-such-encoding"?><catalogStatus/>',
        XML_TYPE,
        "not well-formed XML",
    ),
}


@pytest.mark.parametrize("case", list(BAD_XML))
def test_catalog_xml_status_unusable_at_the_start_is_exit_4(harness: Harness, case: str) -> None:
    body, content_type, phrase = BAD_XML[case]
    answer(harness, body, content_type)
    run = catalog_run(harness, "xml")
    assert_clear_error(run, phrase)
    assert harness.clock.sleeps == []


def test_catalog_xml_under_a_wrong_content_type_is_accepted(harness: Harness) -> None:
    """Lenient: well-formed XML with the right root is read whatever its label."""
    answer(
        harness,
        "<catalogStatus><published_count>5</published_count><rejected_count>0</rejected_count></catalogStatus>",
        content_type="text/plain",
    )
    run = catalog_run(harness, "xml", timeout="0")
    assert run.exit_code == 0, run.log
    assert run.outputs["published-count"] == "5"


@pytest.mark.parametrize("case", ["html", "truncated", "empty"])
def test_offer_unusable_answer_mid_wait_is_tried_again_at_the_next_poll(harness: Harness, case: str) -> None:
    """A blip (a proxy's HTML page, a cut-off body) after a good answer: logged, then the next poll decides."""
    body, content_type, phrase = BAD_JSON[case]
    answer(harness, json.dumps(OFFER_RUNNING), times=1)
    answer(harness, body, content_type, times=2)
    answer(harness, json.dumps(OFFER_LIVE))
    run = offer_run(harness, **{"wait-until": "live"})
    assert run.exit_code == 0, run.log
    assert "will try again at the next poll" in run.log and phrase in run.log
    assert harness.clock.sleeps == [600, 600, 600]


def test_offer_unusable_answers_mid_wait_end_the_wait_after_three_in_a_row(harness: Harness) -> None:
    answer(harness, json.dumps(OFFER_RUNNING), times=1)
    answer(harness, BAD_JSON["html"][0], "text/html")
    run = offer_run(harness, timeout="1d")
    assert_clear_error(run, "an HTML page titled 'Gateway Login'")
    assert len(harness.clock.sleeps) == 4  # the good answer, three tried again, the fourth ends it


@pytest.mark.parametrize("content_format", ["json", "xml"])
def test_catalog_unusable_answer_mid_wait_is_tried_again(harness: Harness, content_format: str) -> None:
    passthrough(harness, 1)
    answer(harness, "", JSON_TYPE if content_format == "json" else XML_TYPE, times=1)
    run = catalog_run(harness, content_format, timeout="30m")
    assert run.exit_code == 0, run.log  # pending at the deadline with rejections within the limit: passed
    assert "an empty body" in run.log and "will try again at the next poll" in run.log
