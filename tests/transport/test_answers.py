"""Answers read over real loopback HTTP: API errors in every shape, JSON documents checked."""

from __future__ import annotations

from typing import Any

import pytest

from offergate.core.clock import Deadline, VirtualClock
from offergate.core.errors import ApiError
from offergate.transport.answers import error_from_response, json_from_response
from offergate.transport.send import send
from tests.transport.conftest import SECRET, SERVICE, Loopback, Reply, all_text, get, session_for


def test_no_secret_in_error_answers_that_echo_it(loopback: Loopback, vclock: VirtualClock) -> None:
    echo = f'{{"error":{{"code":"Forbidden","message":"token {SECRET} and key k-{SECRET[:6]}-bearer-abcdef"}}}}'
    loopback.queue(Reply(403, echo.encode()))
    response = get(session_for(vclock), loopback.url + f"/x?token={SECRET}", headers={"Authorization": "Bearer abcdef"})
    error = error_from_response(response, SERVICE)
    assert SECRET not in all_text(error) and "abcdef" not in all_text(error)
    assert "token=***" in error.summary and error.code == "Forbidden"


def error_for(loopback: Loopback, vclock: VirtualClock, reply: Reply, hint: str | None = None) -> ApiError:
    loopback.queue(reply)
    response = get(session_for(vclock, retries=0), loopback.url + "/api/publishers/contoso/offers/x/status")
    return error_from_response(response, SERVICE, hint)


def test_azure_json_error(loopback: Loopback, vclock: VirtualClock) -> None:
    body = b'{"error":{"code":"Forbidden","message":"The principal is not allowed."}}'
    error = error_for(loopback, vclock, Reply(403, body, headers={"x-ms-request-id": "req-1"}))
    assert error.summary == (f"GET {loopback.url}/api/publishers/contoso/offers/x/status answered HTTP 403 Forbidden")
    assert (error.status, error.code, error.api_message) == (403, "Forbidden", "The principal is not allowed.")
    assert error.activity_id == "req-1" and not error.transient
    assert error.hint and "not allowed" in error.hint


def test_content_api_json_error_with_numeric_code(loopback: Loopback, vclock: VirtualClock) -> None:
    body = (
        b'{"error":{"code":400,"message":"Invalid catalog.","errors":[{"reason":"invalid",'
        b'"message":"Catalog 9 not found","domain":"global"}]}}'
    )
    error = error_for(loopback, vclock, Reply(400, body, headers={"WebRequestActivityId": "act-9"}), "check ids")
    assert error.code == "invalid"
    assert error.api_message == "Invalid catalog.; Catalog 9 not found"
    assert error.activity_id == "act-9" and error.hint == "check ids"


def test_microsoft_error_with_nested_details(loopback: Loopback, vclock: VirtualClock) -> None:
    body = (
        b'{"error":{"code":"badRequest","message":"The request is invalid.","details":['
        b'{"code":"invalidState","message":"The offer failed certification."},{"message":"Plan 2 has no price."}]}}'
    )
    error = error_for(loopback, vclock, Reply(400, body))
    assert error.code == "badRequest"
    assert error.api_message == (
        "The request is invalid.; invalidState: The offer failed certification.; Plan 2 has no price."
    )


def test_oauth_error(loopback: Loopback, vclock: VirtualClock) -> None:
    body = (
        b'{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.'
        b'\\r\\nTrace ID: t\\r\\nCorrelation ID: c","error_codes":[7000215]}'
    )
    error = error_for(loopback, vclock, Reply(401, body))
    assert error.code == "AADSTS7000215"
    assert error.api_message == "Invalid client secret provided."
    assert error.hint and error.hint.startswith("the credentials were refused")


def test_gdata_xml_error(loopback: Loopback, vclock: VirtualClock) -> None:
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?><errors xmlns="http://schemas.google.com/g/2005">'
        b"<error><domain>GData</domain><reason>invalidCustomerId</reason>"
        b"<internalReason>Customer 12 is not valid</internalReason></error><code>400</code></errors>"
    )
    error = error_for(loopback, vclock, Reply(400, body, content_type="application/xml"))
    assert (error.code, error.api_message) == ("invalidCustomerId", "Customer 12 is not valid")


def test_xml_with_dtd_is_not_parsed(loopback: Loopback, vclock: VirtualClock) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<errors><error><reason>&lol2;</reason></error></errors>"
    )
    error = error_for(loopback, vclock, Reply(400, body, content_type="application/xml"))
    assert "DTD" in error.summary and error.code is None and "lol" not in str(error)


def test_html_error_page(loopback: Loopback, vclock: VirtualClock) -> None:
    body = b"<!DOCTYPE html><html><head><title>502 Bad Gateway &amp; co</title></head><body>x</body></html>"
    error = error_for(loopback, vclock, Reply(502, body, content_type="text/html"))
    assert error.summary.endswith("answered HTTP 502 Bad Gateway with an HTML page titled '502 Bad Gateway & co'")
    assert error.transient and error.api_message is None


def test_plain_text_error_is_one_bounded_line(loopback: Loopback, vclock: VirtualClock) -> None:
    body = b"Service\r\nUnavailable\x1b[31m " + b"x" * 1000
    error = error_for(loopback, vclock, Reply(418, body, content_type="text/plain"))
    assert error.api_message is not None
    assert error.api_message.startswith("Service Unavailable [31m x")
    assert len(error.api_message) == 200 and "\n" not in error.api_message


def test_error_body_read_is_bounded(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.queue(Reply(500, b"y" * (1024 * 1024), content_type="text/plain"))
    response = send(session_for(vclock, retries=0), "GET", loopback.url, service=SERVICE, stream=True)
    error = error_from_response(response, SERVICE)
    assert error.api_message == "y" * 199 + "…"


@pytest.mark.parametrize(
    ("status", "words"),
    [(401, "check the token"), (403, "permissions"), (404, "check the ids"), (429, "busy"), (504, "busy")],
)
def test_default_hints(loopback: Loopback, vclock: VirtualClock, status: int, words: str) -> None:
    error = error_for(loopback, vclock, Reply(status, b""))
    assert words in (error.hint or "")
    assert error.transient is (status >= 429)


def json_of(loopback: Loopback, vclock: VirtualClock, reply: Reply, **kw: Any) -> Any:
    loopback.queue(reply)
    return json_from_response(get(session_for(vclock), loopback.url + "/doc"), SERVICE, **kw)


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply(body=b"<html><title>Sign in</title></html>", content_type="text/html"), "an HTML page titled 'Sign in'"),
        (Reply(body=b""), "an empty body"),
        (Reply(body=b'{"a": NaN}'), "NaN or Infinity"),
        (Reply(body=b'{"a": -Infinity}'), "NaN or Infinity"),
        (Reply(body=b'{"a": [1, 2'), "ends early"),
        (Reply(body=b'{"a": x}'), "invalid JSON (line 1 column 7)"),
        (Reply(body=b"[" * 201 + b"]" * 201), "deeper than 200"),
        (Reply(body=b"[" * 100000 + b"]" * 100000), "deeper than 200"),
        (Reply(body=b"\xff\xfe\xfa"), "not valid UTF-8"),
    ],
)
def test_bad_json_answers(loopback: Loopback, vclock: VirtualClock, reply: Reply, words: str) -> None:
    with pytest.raises(ApiError) as caught:
        json_of(loopback, vclock, reply)
    assert words in caught.value.summary
    assert caught.value.status == 200 and not caught.value.transient


def test_json_nesting_at_the_limit_and_bom(loopback: Loopback, vclock: VirtualClock) -> None:
    assert json_of(loopback, vclock, Reply(body=b"[" * 200 + b"]" * 200)) is not None
    assert json_of(loopback, vclock, Reply(body=b'\xef\xbb\xbf{"a": 1}')) == {"a": 1}


def test_json_over_max_bytes(loopback: Loopback, vclock: VirtualClock) -> None:
    with pytest.raises(ApiError) as caught:
        json_of(loopback, vclock, Reply(body=b'["' + b"z" * 2000 + b'"]'), max_bytes=1000)
    assert "over 1000 bytes" in caught.value.summary


def test_json_accepted_whatever_the_content_type(loopback: Loopback, vclock: VirtualClock) -> None:
    assert json_of(loopback, vclock, Reply(body=b'{"a": 1}', content_type="text/html")) == {"a": 1}
    assert json_of(loopback, vclock, Reply(body=b"[]", content_type=None)) == []


def test_xml_instead_of_json(loopback: Loopback, vclock: VirtualClock) -> None:
    with pytest.raises(ApiError) as caught:
        json_of(loopback, vclock, Reply(body=b"<?xml version='1.0'?><a/>", content_type="application/xml"))
    assert "application/xml starting with '<?xml" in caught.value.summary


def test_retry_after_shown_in_the_error(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.route = lambda seen: Reply(429, headers={"Retry-After": "120"})
    response = get(session_for(vclock, Deadline(vclock.as_clock(), 60)), loopback.url)
    assert "asking to retry after 120 s" in error_from_response(response, SERVICE).summary
