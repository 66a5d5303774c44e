"""The retry loop over real loopback HTTP: statuses, Retry-After, backoff, deadlines, debug lines.

Every sleep is on a virtual clock."""

from __future__ import annotations

import time

import pytest
import requests
from urllib3.exceptions import ConnectTimeoutError, InvalidHeader
from urllib3.util.retry import Retry

from offergate.core.clock import Deadline, VirtualClock
from offergate.core.errors import ApiError
from offergate.transport.answers import error_from_response, json_from_response
from offergate.transport.retry import GaveUp, RetryPolicy, retry_after_seconds
from offergate.transport.send import send
from tests.transport.conftest import SECRET, SERVICE, Loopback, Reply, closed_port, get, session_for


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


@pytest.mark.parametrize("value", ["-5", "١", "1.2345", "garbage", "1e3", "9" * 5000, "999999999", "Tue 3"])
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
        ("1.5", 1.5),  # Microsoft Graph's throttling sends fractional seconds
        ("0.25", 0.25),
        ("1.2345", None),
        ("1.", None),
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


# --------------------------------------------------------------------------- debug lines


def test_debug_line_per_attempt_and_per_retry_with_the_url_redacted(loopback: Loopback, vclock: VirtualClock) -> None:
    lines: list[str] = []
    loopback.queue(Reply(503), Reply(429, headers={"Retry-After": "7"}), Reply(200, b"[]"))
    url = f"http://user:pw-{SECRET}@127.0.0.1:{loopback.port}/status"
    session = session_for(vclock, debug=lines.append)
    get(session, url, params={"api-version": "1", "token": SECRET})
    shown = f"GET {loopback.url}/status?api-version=1&token=***"
    assert lines == [
        f"{shown}: attempt 1: HTTP 503",
        f"{shown}: waiting 1 s before attempt 2",
        f"{shown}: attempt 2: HTTP 429",
        f"{shown}: waiting 7 s before attempt 3",
        f"{shown}: attempt 3: HTTP 200",
    ]
    assert not any(SECRET in line or "pw-" in line for line in lines)


def test_debug_lines_name_the_transport_error(vclock: VirtualClock) -> None:
    lines: list[str] = []
    url = f"http://127.0.0.1:{closed_port()}/token"
    with pytest.raises(ApiError):
        send(session_for(vclock, retries=1, debug=lines.append), "POST", url, service=SERVICE, data={"a": "b"})
    assert lines == [
        f"POST {url}: attempt 1: the connection was refused",
        f"POST {url}: waiting 1 s before attempt 2",
        f"POST {url}: attempt 2: the connection was refused",
    ]


def test_debug_line_says_why_a_busy_answer_is_not_retried(loopback: Loopback, vclock: VirtualClock) -> None:
    lines: list[str] = []
    loopback.route = lambda seen: Reply(429, headers={"Retry-After": "120"})
    session = session_for(vclock, Deadline(vclock.as_clock(), 60), debug=lines.append)
    assert get(session, loopback.url + "/x").status_code == 429
    assert lines == [
        f"GET {loopback.url}/x: attempt 1: HTTP 429",
        f"GET {loopback.url}/x: not retried: the server asked to wait 120 s, past the deadline (60 s left)",
    ]


def test_debug_line_says_why_a_failed_connection_is_not_retried(vclock: VirtualClock) -> None:
    lines: list[str] = []
    url = f"http://127.0.0.1:{closed_port()}/"
    with pytest.raises(ApiError):
        get(session_for(vclock, Deadline(vclock.as_clock(), 1), debug=lines.append), url)
    assert lines == [
        f"GET {url}: attempt 1: the connection was refused",
        f"GET {url}: waiting 1 s before attempt 2",
        f"GET {url}: attempt 2: the connection was refused",
        f"GET {url}: not retried: the deadline has passed",
    ]


def test_no_debug_sink_no_lines(loopback: Loopback, vclock: VirtualClock, capsys: pytest.CaptureFixture[str]) -> None:
    loopback.queue(Reply(503), Reply(200))
    assert get(session_for(vclock), loopback.url).status_code == 200
    assert capsys.readouterr() == ("", "")
