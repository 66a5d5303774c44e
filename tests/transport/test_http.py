"""offergate.transport.http over real loopback HTTP, with a virtual clock for every sleep."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from urllib3.exceptions import ConnectTimeoutError, InvalidHeader
from urllib3.util.retry import Retry

from offergate.core.clock import Deadline, VirtualClock
from offergate.core.errors import ApiError
from offergate.transport import send as send_module
from offergate.transport.answers import error_from_response, json_from_response
from offergate.transport.failures import SlowBody
from offergate.transport.redaction import redact_url
from offergate.transport.retry import GaveUp, RetryPolicy, retry_after_seconds
from offergate.transport.send import body_time_limit, iter_body, send
from offergate.transport.session import CredentialSession, make_session
from tests.transport.conftest import Loopback, Reply

SERVICE = "test API"
SECRET = "s3cr3t-query-value"


def session_for(vclock: VirtualClock, deadline: Deadline | None = None, **kw: Any) -> requests.Session:
    return make_session(clock=vclock.as_clock(), deadline=deadline, user_agent="offergate/test", **kw)


def get(session: requests.Session, url: str, **kw: Any) -> requests.Response:
    return send(session, "GET", url, service=SERVICE, **kw)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def all_text(error: ApiError) -> str:
    return " ".join(str(x) for x in (error, error.summary, error.code, error.api_message, error.hint))


# --------------------------------------------------------------------------- retries and sleeps


def test_default_headers_and_success(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.queue(Reply(body=b'{"ok": true}'))
    response = get(session_for(vclock), loopback.url + "/x", params={"api-version": "1"})
    assert json_from_response(response, SERVICE) == {"ok": True}
    seen = loopback.seen[0]
    assert seen.headers["User-Agent"] == "offergate/test"
    assert seen.headers["Accept"] == "application/json"
    assert seen.query == {"api-version": "1"}
    assert vclock.sleeps == []


def test_503_retried_with_deterministic_exponential_backoff(
    loopback: Loopback, vclock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def real_sleep(seconds: float) -> None:
        raise AssertionError("time.sleep called")

    monkeypatch.setattr(time, "sleep", real_sleep)
    loopback.queue(Reply(503), Reply(502), Reply(500, headers={"Retry-After": "garbage"}), Reply(200, b"[]"))
    response = get(session_for(vclock), loopback.url)
    assert response.status_code == 200
    assert len(loopback.seen) == 4
    assert vclock.sleeps == [1.0, 2.0, 4.0]


def test_retries_exhausted_returns_last_answer_with_attempts(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.route = lambda seen: Reply(503, b'{"error":{"code":"ServiceUnavailable","message":"busy"}}')
    response = get(session_for(vclock, backoff_factor=0.5), loopback.url + "/status")
    assert response.status_code == 503
    assert len(loopback.seen) == 5
    assert vclock.sleeps == [0.5, 1.0, 2.0, 4.0]
    error = error_from_response(response, SERVICE)
    assert error.status == 503 and error.transient
    assert "after 5 attempts" in error.summary
    assert error.code == "ServiceUnavailable" and error.api_message == "busy"
    assert "retried" in (error.hint or "")


def test_4xx_not_retried(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.route = lambda seen: Reply(404, b"{}")
    assert get(session_for(vclock), loopback.url).status_code == 404
    assert len(loopback.seen) == 1 and vclock.sleeps == []


def test_post_not_retried_on_5xx(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.route = lambda seen: Reply(503, b"{}")
    response = send(session_for(vclock), "POST", loopback.url, service=SERVICE, data={"a": "b"})
    assert response.status_code == 503
    assert len(loopback.seen) == 1 and vclock.sleeps == []


def test_retry_after_seconds_honoured(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.queue(Reply(429, headers={"Retry-After": "7"}), Reply(200))
    assert get(session_for(vclock), loopback.url).status_code == 200
    assert vclock.sleeps == [7.0]


def test_retry_after_http_date_measured_from_the_answers_date(loopback: Loopback, vclock: VirtualClock) -> None:
    headers = {"Date": "Wed, 21 Oct 2015 07:28:00 GMT", "Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"}
    loopback.queue(Reply(503, headers=headers), Reply(200))
    assert get(session_for(vclock), loopback.url).status_code == 200
    assert vclock.sleeps == [30.0]


def test_retry_after_capped_at_300_seconds(loopback: Loopback, vclock: VirtualClock) -> None:
    deadline = Deadline(vclock.as_clock(), 7200)
    loopback.queue(Reply(429, headers={"Retry-After": "1000"}), Reply(200))
    assert get(session_for(vclock, deadline), loopback.url).status_code == 200
    assert vclock.sleeps == [300.0]


def test_retry_after_past_the_deadline_gives_up_at_once(loopback: Loopback, vclock: VirtualClock) -> None:
    deadline = Deadline(vclock.as_clock(), 60)
    loopback.route = lambda seen: Reply(429, headers={"Retry-After": "120"})
    response = get(session_for(vclock, deadline), loopback.url)
    assert response.status_code == 429
    assert len(loopback.seen) == 1 and vclock.sleeps == []


def test_call_deadline_also_bounds_retries(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.route = lambda seen: Reply(429, headers={"Retry-After": "120"})
    call_deadline = Deadline(vclock.as_clock(), 60)
    response = get(session_for(vclock, Deadline(vclock.as_clock(), 7200)), loopback.url, deadline=call_deadline)
    assert response.status_code == 429 and vclock.sleeps == []


def test_backoff_capped_by_the_time_left_then_gives_up(loopback: Loopback, vclock: VirtualClock) -> None:
    deadline = Deadline(vclock.as_clock(), 2.5)
    loopback.route = lambda seen: Reply(503)
    response = get(session_for(vclock, deadline), loopback.url)
    assert response.status_code == 503
    assert vclock.sleeps == [1.0, 1.5]
    assert len(loopback.seen) == 3


@pytest.mark.parametrize("value", ["-5", "١", "1.5", "garbage", "1e3", "9" * 5000, "999999999", "Tue 3"])
def test_invalid_retry_after_ignored_falls_back_to_backoff(
    loopback: Loopback, vclock: VirtualClock, value: str
) -> None:
    loopback.queue(Reply(503, headers={"Retry-After": value}), Reply(200))
    assert get(session_for(vclock), loopback.url).status_code == 200
    assert vclock.sleeps == [1.0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        (" 12 ", 12.0),
        ("0", 0.0),
        ("86400", 86400.0),
        ("86401", None),
        ("-5", None),
        ("1.5", None),
        ("١", None),
        ("٥", None),
        ("garbage", None),
        ("", None),
        ("9" * 5000, None),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wednesday, 21-Oct-15 07:28:30 GMT", 30.0),
        ("Wed Oct 21 07:28:30 2015", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("Wed, 21 Oct 2035 07:28:30 GMT", None),
    ],
)
def test_retry_after_parsing(value: str, expected: float | None) -> None:
    assert retry_after_seconds(value, "Wed, 21 Oct 2015 07:28:00 GMT") == expected


def test_what_urllib3_does_with_bad_retry_after_values() -> None:
    """Why `retry_after_seconds` parses Retry-After itself: urllib3 raises (the call would fail) or caps at 6 h."""
    plain = Retry()
    for value in ("-5", "١", "1.5", "garbage"):
        with pytest.raises(InvalidHeader):
            plain.parse_retry_after(value)
    with pytest.raises(ValueError):
        plain.parse_retry_after("9" * 5000)
    assert plain.parse_retry_after("9" * 20) == Retry.DEFAULT_RETRY_AFTER_MAX
    assert plain.get_backoff_time() == 0


def test_retry_policy_sleeps_on_its_clock_with_its_backoff(vclock: VirtualClock) -> None:
    clock = vclock.as_clock()
    policy = RetryPolicy(clock=clock, deadline=Deadline(clock, 100), retries=3, backoff_factor=2, retry_after_cap=10)
    assert [policy.backoff(n) for n in (0, 1, 2, 3)] == [0.0, 2.0, 4.0, 8.0]
    calls: list[int] = []

    def refused() -> requests.Response:
        calls.append(1)
        raise requests.ConnectionError(ConnectTimeoutError())

    with pytest.raises(GaveUp) as caught:
        policy.run("GET http://x/", refused, method="GET")
    assert caught.value.attempts == 4 and caught.value.reason is None
    assert len(calls) == 4 and vclock.sleeps == [2.0, 4.0, 8.0]


def test_connection_refused_retried_for_get_and_post(vclock: VirtualClock) -> None:
    url = f"http://127.0.0.1:{closed_port()}/token"
    for method in ("GET", "POST"):
        vclock.sleeps.clear()
        with pytest.raises(ApiError) as caught:
            send(session_for(vclock), method, url, service=SERVICE, data={"client_secret": SECRET})
        error = caught.value
        assert error.status is None and error.transient
        assert f"{method} http://127.0.0.1" in error.summary
        assert "after 5 attempts" in error.summary and "connection was refused" in error.summary
        assert vclock.sleeps == [1.0, 2.0, 4.0, 8.0]


def test_connection_errors_stop_at_the_deadline(vclock: VirtualClock) -> None:
    deadline = Deadline(vclock.as_clock(), 2)
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock, deadline), f"http://127.0.0.1:{closed_port()}/")
    assert vclock.sleeps == [1.0, 1.0]
    assert "after 3 attempts (the deadline has passed)" in caught.value.summary


def test_read_timeout_retried_for_get_not_for_post(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.route = lambda seen: Reply(delay=0.6)
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock, retries=1), loopback.url, timeout=0.2)
    assert "no answer within 0.2 s" in caught.value.summary and caught.value.transient
    assert "after 2 attempts" in caught.value.summary
    assert len(loopback.seen) == 2
    with pytest.raises(ApiError) as caught:
        send(session_for(vclock, retries=1), "POST", loopback.url, service=SERVICE, timeout=0.2, data={"a": "b"})
    assert len(loopback.seen) == 3
    assert "no answer within 0.2 s" in caught.value.summary


def test_untrusted_certificate_is_not_retried(tls_loopback: Loopback, vclock: VirtualClock) -> None:
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock), tls_loopback.url + f"/x?token={SECRET}")
    error = caught.value
    assert "TLS certificate was refused (self-signed certificate)" in error.summary
    assert not error.transient and "REQUESTS_CA_BUNDLE" in (error.hint or "")
    assert vclock.sleeps == [] and SECRET not in all_text(error)


def test_timeouts_follow_the_deadline(vclock: VirtualClock) -> None:
    captured: dict[str, Any] = {}

    class Capture(requests.Session):
        def request(self, *args: Any, **kwargs: Any) -> requests.Response:
            captured.update(kwargs)
            raise requests.ConnectionError("boom http://x/?token=" + SECRET)

    clock = vclock.as_clock()
    for remaining, expected in ((3600, (10.0, 30.0)), (5, (5.0, 5.0)), (0, (1.0, 1.0))):
        with pytest.raises(ApiError) as caught:
            send(Capture(), "GET", "http://x/", service=SERVICE, deadline=Deadline(clock, remaining))
        assert captured["timeout"] == expected
        assert SECRET not in all_text(caught.value)
    with pytest.raises(ApiError):
        send(Capture(), "GET", "http://x/", service=SERVICE, timeout=12)
    assert captured["timeout"] == (10.0, 12)


# --------------------------------------------------------------------------- no secrets in errors


def test_no_secret_in_transport_errors(vclock: VirtualClock) -> None:
    url = f"http://user:pw-{SECRET}@127.0.0.1:{closed_port()}/api?api-version=2017&token={SECRET}"
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock, retries=0), url, params={"sig": SECRET})
    text = all_text(caught.value)
    assert SECRET not in text and "pw-" not in text
    assert "api-version=2017" in text and "token=***" in text and "sig=***" in text


def test_no_secret_in_invalid_header_error(loopback: Loopback, vclock: VirtualClock) -> None:
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock), loopback.url, headers={"Authorization": f"Bearer {SECRET}\nX: y"})
    assert SECRET not in all_text(caught.value)
    assert "header" in caught.value.summary and not caught.value.transient


def test_no_secret_in_error_answers_that_echo_it(loopback: Loopback, vclock: VirtualClock) -> None:
    echo = f'{{"error":{{"code":"Forbidden","message":"token {SECRET} and key k-{SECRET[:6]}-bearer-abcdef"}}}}'
    loopback.queue(Reply(403, echo.encode()))
    response = get(session_for(vclock), loopback.url + f"/x?token={SECRET}", headers={"Authorization": "Bearer abcdef"})
    error = error_from_response(response, SERVICE)
    assert SECRET not in all_text(error) and "abcdef" not in all_text(error)
    assert "token=***" in error.summary and error.code == "Forbidden"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h/api?api-version=1&token=abc&alt=json", "https://h/api?api-version=1&token=***&alt=json"),
        ("https://u:p@h:8443/a/b?x=1#frag", "https://h:8443/a/b?x=***"),
        ("http://[::1]:80/p?Api-Version=2", "http://[::1]:80/p?Api-Version=2"),
        ("https://h/p?flag", "https://h/p?flag=***"),
        ("https://h/p", "https://h/p"),
        ("http://[::1/p", "(an invalid URL)"),
        ("https://h:99999/p", "(an invalid URL)"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


# --------------------------------------------------------------------------- redirects


CREDENTIALS = ("Authorization", "AuthenticationToken", "DeveloperToken")


def credential_headers() -> dict[str, str]:
    return {"Authorization": "Bearer a", "AuthenticationToken": "b", "DeveloperToken": "c", "X-Other": "d"}


def test_redirect_to_another_host_strips_every_credential_header(
    loopback: Loopback, other_loopback: Loopback, vclock: VirtualClock
) -> None:
    target = f"http://localhost:{other_loopback.port}/moved"
    loopback.queue(Reply(302, b"", headers={"Location": target}))
    session = session_for(vclock, credential_headers=CREDENTIALS)
    assert get(session, loopback.url + "/start", headers=credential_headers()).status_code == 200
    arrived = other_loopback.seen[0].headers
    assert arrived["X-Other"] == "d"
    assert not any(name in arrived for name in CREDENTIALS)


def test_redirect_to_another_port_strips_too(
    loopback: Loopback, other_loopback: Loopback, vclock: VirtualClock
) -> None:
    loopback.queue(Reply(307, b"", headers={"Location": other_loopback.url + "/moved"}))
    get(session_for(vclock, credential_headers=CREDENTIALS), loopback.url, headers=credential_headers())
    assert not any(name in other_loopback.seen[0].headers for name in CREDENTIALS)


def test_plain_requests_forwards_other_credential_headers(loopback: Loopback, other_loopback: Loopback) -> None:
    """Why the session subclass exists: requests strips Authorization only."""
    loopback.queue(Reply(302, b"", headers={"Location": f"http://localhost:{other_loopback.port}/"}))
    requests.get(loopback.url, headers=credential_headers(), timeout=5)
    arrived = other_loopback.seen[0].headers
    assert "Authorization" not in arrived and arrived["AuthenticationToken"] == "b"


def test_same_origin_redirect_keeps_credentials(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.queue(Reply(302, b"", headers={"Location": "/moved"}))
    get(session_for(vclock, credential_headers=CREDENTIALS), loopback.url, headers=credential_headers())
    assert all(loopback.seen[1].headers[name] for name in CREDENTIALS)


def test_redirect_with_a_body_to_another_origin_is_refused(
    loopback: Loopback, other_loopback: Loopback, vclock: VirtualClock
) -> None:
    loopback.queue(Reply(307, b"", headers={"Location": other_loopback.url + "/steal"}))
    with pytest.raises(ApiError) as caught:
        send(session_for(vclock), "POST", loopback.url, service=SERVICE, data={"client_secret": SECRET})
    assert "redirect" in caught.value.summary and SECRET not in all_text(caught.value)
    assert other_loopback.seen == []


@pytest.mark.parametrize(
    ("old", "new", "strip"),
    [
        ("https://a/x", "https://a/y", False),
        ("https://a/x", "https://a:443/y", False),
        ("http://a/x", "https://a/y", False),
        ("https://a/x", "http://a/y", True),
        ("https://a/x", "https://b/y", True),
        ("https://a/x", "https://a:8443/y", True),
        ("http://a:8080/x", "https://a/y", True),
    ],
)
def test_should_strip_auth(old: str, new: str, strip: bool) -> None:
    session = make_session(clock=VirtualClock().as_clock(), deadline=None, user_agent="t")
    assert isinstance(session, CredentialSession)
    assert session.should_strip_auth(old, new) is strip


def test_too_many_redirects(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.route = lambda seen: Reply(302, b"", headers={"Location": "/again"})
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock), loopback.url)
    assert "redirects" in caught.value.summary and not caught.value.transient


# --------------------------------------------------------------------------- error answers


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


# --------------------------------------------------------------------------- JSON answers


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


def test_body_over_max_body_refused_in_send(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.queue(Reply(body=b"z" * 5000))
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock), loopback.url, max_body=1000)
    assert "over 1000 bytes" in caught.value.summary


def test_answer_cut_short_is_a_transient_error(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.queue(Reply(body=b'{"a": 1', declared_length=100))
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock), loopback.url)
    assert "broke off" in caught.value.summary and caught.value.transient


def test_json_accepted_whatever_the_content_type(loopback: Loopback, vclock: VirtualClock) -> None:
    assert json_of(loopback, vclock, Reply(body=b'{"a": 1}', content_type="text/html")) == {"a": 1}
    assert json_of(loopback, vclock, Reply(body=b"[]", content_type=None)) == []


def test_xml_instead_of_json(loopback: Loopback, vclock: VirtualClock) -> None:
    with pytest.raises(ApiError) as caught:
        json_of(loopback, vclock, Reply(body=b"<?xml version='1.0'?><a/>", content_type="application/xml"))
    assert "application/xml starting with '<?xml" in caught.value.summary


def test_body_dripped_is_bounded_as_a_whole(
    loopback: Loopback, vclock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One byte every 20 ms never trips the 1 s per-read timeout; the whole body has 0.3 s."""
    monkeypatch.setattr(send_module, "BODY_TIME_LIMIT", 0.3)
    loopback.queue(Reply(body=b"[" + b"1," * 200 + b"1]", drip=0.02))
    started = time.monotonic()
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock), loopback.url + f"/x?token={SECRET}", timeout=1.0)
    assert time.monotonic() - started < 1.0
    error = caught.value
    assert "the answer did not arrive in full within 0.3 s" in error.summary and error.transient
    assert SECRET not in all_text(error) and vclock.sleeps == []
    # a quick body is not affected
    loopback.queue(Reply(body=b"[1]", drip=0.01))
    assert get(session_for(vclock), loopback.url).content == b"[1]"


def test_streamed_body_bounded_with_iter_body(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.queue(Reply(body=b"z" * 500, drip=0.01))
    response = get(session_for(vclock), loopback.url, stream=True)
    started = time.monotonic()
    with pytest.raises(SlowBody):
        b"".join(iter_body(response, 1024, 0.2))
    assert time.monotonic() - started < 1.0


def test_body_time_limit_follows_the_deadline(vclock: VirtualClock) -> None:
    clock = vclock.as_clock()
    assert body_time_limit(None) == send_module.BODY_TIME_LIMIT
    assert body_time_limit(Deadline(clock, 3600)) == send_module.BODY_TIME_LIMIT
    assert body_time_limit(Deadline(clock, 30)) == 30.0
    assert body_time_limit(Deadline(clock, 0)) == 1.0
    assert body_time_limit(Deadline(clock, 3600), 900.0) == 900.0


def test_retry_after_shown_in_the_error(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.route = lambda seen: Reply(429, headers={"Retry-After": "120"})
    response = get(session_for(vclock, Deadline(vclock.as_clock(), 60)), loopback.url)
    assert "asking to retry after 120 s" in error_from_response(response, SERVICE).summary


def test_netrc_credentials_are_never_sent(
    loopback: Loopback, vclock: VirtualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """requests would add ~/.netrc's login for the host (the report's host included): not here."""
    netrc = tmp_path / ".netrc"
    netrc.write_text(f"machine 127.0.0.1\nlogin user\npassword {SECRET}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert requests.utils.get_netrc_auth(loopback.url) == ("user", SECRET)  # what requests would use
    get(session_for(vclock), loopback.url)
    get(session_for(vclock), loopback.url, headers={"Authorization": "Bearer given"})
    assert [seen.headers.get("Authorization") for seen in loopback.seen] == [None, "Bearer given"]
