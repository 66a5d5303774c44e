from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offergate.core.errors import ApiError
from offergate.core.verdict import Result
from offergate.offers.cloud_partner_portal.model import parse_status, strip_html
from offergate.offers.cloud_partner_portal.rules import offer_verdict
from offergate.offers.present import status_word
from offergate.offers.settings import WaitUntil

STEPS = ["displaydummycertify", "displaycertify", "displayprovision", "displaypackage", "publisher-signoff", "live"]


def status(offer: str, steps: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "status": offer,
        "steps": [{"id": s, "stepName": s, "status": steps.get(s, "notStarted"), **extra.get(s, {})} for s in STEPS],
    }


def verdict(body: dict[str, Any], wait_until: WaitUntil = WaitUntil.PUBLISHER_SIGNOFF) -> Any:
    return offer_verdict(parse_status("vm", body), wait_until)


@pytest.mark.parametrize(
    "spelling", ["WaitingForPublisherReview", "waitingForPublisherReview", "WAITINGFORPUBLISHERREVIEW"]
)
def test_offer_waiting_for_review_passes_in_any_casing(spelling: str) -> None:
    assert verdict(status(spelling, {})).result is Result.PASSED


@pytest.mark.parametrize("step_status", ["WaitingForPublisherReview", "complete", "Completed"])
def test_signoff_step_passes(step_status: str) -> None:
    body = status("running", {"publisher-signoff": step_status})
    assert verdict(body).result is Result.PASSED


def test_signoff_step_matched_by_name_ignoring_case_spaces_and_hyphens() -> None:
    body = {
        "status": "Running",
        "steps": [{"id": "x9", "stepName": "Publisher Sign-off", "status": "waitingForPublisherReview"}],
    }
    assert verdict(body).result is Result.PASSED


def test_live_waits_past_signoff_until_succeeded() -> None:
    body = status("waitingForPublisherReview", {"publisher-signoff": "WaitingForPublisherReview"})
    assert verdict(body, WaitUntil.LIVE).result is Result.PENDING
    assert verdict(status("succeeded", {}), WaitUntil.LIVE).result is Result.PASSED


@pytest.mark.parametrize("offer", ["Failed", "canceled"])
def test_failed_or_canceled_offer_fails(offer: str) -> None:
    assert verdict(status(offer, {})).result is Result.FAILED


@pytest.mark.parametrize("step_status", ["Rejected", "blocked", "Canceled", "failed"])
def test_bad_step_fails_and_quotes_error_messages_without_html(step_status: str) -> None:
    messages = {
        "displaycertify": {
            "messages": [
                {"messageHtml": "Started.", "level": "information"},
                {"messageHtml": "<b>VHD</b> is &lt;missing&gt; <a href='x'>docs</a>", "level": "Error"},
            ]
        }
    }
    result = verdict(status("running", {"displaydummycertify": "complete", "displaycertify": step_status}, **messages))
    assert result.result is Result.FAILED
    assert "displaycertify" in result.reason
    assert result.details == ("VHD is <missing> docs",)


def test_never_published_is_idle_pending() -> None:
    result = verdict({"status": "neverPublished", "steps": []})
    assert result.result is Result.PENDING and result.idle


def test_unknown_status_is_pending_and_shown_as_is() -> None:
    result = verdict(status("Reticulating", {"displaydummycertify": "Splining"}))
    assert result.result is Result.PENDING
    assert "Reticulating" in result.reason and "Splining" in result.reason


def test_progress_either_spelling_or_missing() -> None:
    body = {
        "status": "running",
        "steps": [
            {"id": "a", "status": "complete", "progressPercentage": 100},
            {"id": "b", "status": "inProgress", "processPercentage": 40},
            {"id": "c", "status": "notStarted"},
        ],
    }
    parsed = parse_status("vm", body)
    assert [s.progress for s in parsed.steps] == [100, 40, None]
    assert parsed.current_step() is not None and parsed.current_step().id == "b"  # type: ignore[union-attr]


def test_null_steps_tolerated_wrong_shape_refused() -> None:
    assert parse_status("vm", {"status": "running", "steps": None}).steps == ()
    with pytest.raises(ApiError):
        parse_status("vm", {"status": "running", "steps": "many"})
    with pytest.raises(ApiError):
        parse_status("vm", ["not", "an", "object"])


def test_strip_html() -> None:
    assert strip_html("<p>a&amp;b</p>\n<br/>c") == "a&b c"
    assert strip_html("Review it with the <a href='x'>preview links</a>, then select <b>Go live</b>.") == (
        "Review it with the preview links, then select Go live."
    )
    assert strip_html("one<br>two</p>; three <i>(four)</i>") == "one two; three (four)"


@pytest.mark.parametrize(
    ("offer_status", "shown"),
    [("Frobnicating", "Frobnicating"), ("Stage5", "Stage5"), ("inProgress", "InProgress")],
)
def test_unknown_statuses_are_shown_as_they_are_and_pending(offer_status: str, shown: str) -> None:
    body = status(offer_status, {"displaycertify": "Recalibrating"})
    result = verdict(body)
    assert result.result is Result.PENDING
    assert shown in result.reason  # a known status in the documentation's spelling, any other as it is
    assert "Recalibrating" in result.reason or "NotStarted" in result.reason


@pytest.mark.parametrize("offer_status", [None, "", "  ", "5", 5, True, ["Succeeded"], {"name": "Succeeded"}])
def test_a_status_that_is_no_status_word_is_a_bad_answer(offer_status: object) -> None:
    body = {"steps": [{"id": "publishersignoff", "status": "complete"}]}
    if offer_status is not None:
        body["status"] = offer_status
    with pytest.raises(ApiError, match=r"HTTP 200\) has the wrong shape: it has (no 'status'|a 'status' that is no)"):
        parse_status("vm", body)


def test_wrong_types_are_lenient_where_harmless() -> None:
    parsed = parse_status("vm", {"status": "running", "steps": None, "messages": "x", "previewLinks": {"a": 1}})
    assert (parsed.status, parsed.steps, parsed.messages, parsed.preview_links) == ("running", (), (), ())
    body = {"status": "running", "steps": [{"id": 1, "status": None, "progressPercentage": "lots"}]}
    step = parse_status("vm", body).steps[0]
    assert (step.id, step.status, step.progress) == ("1", "Unknown", None)


@pytest.mark.parametrize("body", [{"steps": {"id": "x"}}, {"steps": "x"}, {"steps": [1]}, [], "x", 3])
def test_wrong_shapes_are_errors_naming_the_http_status(body: Any) -> None:
    with pytest.raises(ApiError, match=r"HTTP 200\) has the wrong shape"):
        parse_status("vm", body)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "status",
                    "steps",
                    "id",
                    "stepName",
                    "messages",
                    "level",
                    "messageHtml",
                    "progressPercentage",
                    "previewLinks",
                    "uri",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=15,
)


@settings(max_examples=300, deadline=None)
@given(_JSON, st.sampled_from(list(WaitUntil)))
def test_any_json_gives_a_verdict_or_an_api_error(body: Any, wait_until: WaitUntil) -> None:
    try:
        parsed = parse_status("vm", body)
    except ApiError:
        return
    result = offer_verdict(parsed, wait_until)
    if result.result is Result.PASSED:  # a pass needs a status or a step that says so
        words = {parsed.status.lower(), *(s.status.lower() for s in parsed.steps)}
        assert words & {"succeeded", "waitingforpublisherreview", "complete", "completed"}


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("complete", "Complete"),
        ("completed", "Complete"),
        ("inProgress", "InProgress"),
        ("waitingforpublisherreview", "WaitingForPublisherReview"),
        ("notStarted", "NotStarted"),
        ("succeeded", "Succeeded"),
        ("cancelled", "Canceled"),
        ("Recalibrating", "Recalibrating"),
    ],
)
def test_status_words_in_the_documentations_spelling(raw: str, shown: str) -> None:
    assert status_word(raw) == shown


def test_live_at_signoff_says_a_person_must_select_go_live() -> None:
    body = status(
        "waitingForPublisherReview",
        dict.fromkeys(STEPS[:4], "complete") | {"publisher-signoff": "waitingForPublisherReview"},
        live={"estimatedTimeFrame": "~2-5 days"},
    )
    result = verdict(body, WaitUntil.LIVE)
    assert result.result is Result.PENDING
    assert "a person selects Go live in Partner Center" in result.reason
    assert result.reason.endswith("usually takes a few days (the API's estimate for step 'live': ~2-5 days)")
    # still on the way to sign-off: no such sentence
    assert "Go live" not in verdict(status("running", {"displaycertify": "inProgress"}), WaitUntil.LIVE).reason
