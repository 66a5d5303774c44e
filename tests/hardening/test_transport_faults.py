"""Hardening items 1, 2 and 3: the action run as the GitHub runner does, against the sandbox over
loopback, with broken Retry-After values, 5xx and 429 storms, and broken connections.

Every verdict is clear: no hang, no traceback, exit 4 with the last error shown when the API
cannot be used, and each kind of failure (refused, DNS, TLS, timeouts, a dead proxy) says what
to check. Sleeps are on the virtual clock; the few real waits (timeouts) are made small.

Cases covered at the unit level in tests/transport/ (test_retry.py, test_send.py, test_session.py,
test_failures.py; not repeated here):
  1. Retry-After parsing of every form: test_retry_after_parsing (0, 1.5, -5, Arabic-Indic
     digits, garbage, 5000 digits, over a day, the three HTTP date forms, a past date);
     test_invalid_retry_after_ignored_falls_back_to_backoff; test_retry_after_capped_at_300_seconds;
     test_retry_after_past_the_deadline_gives_up_at_once; test_call_deadline_also_bounds_retries;
     test_what_urllib3_does_with_bad_retry_after_values (why offergate parses Retry-After itself).
  2. test_503_retried_with_deterministic_exponential_backoff;
     test_retries_exhausted_returns_last_answer_with_attempts; test_backoff_capped_by_the_time_left_then_gives_up.
  3. test_connection_refused_retried_for_get_and_post; test_connection_errors_stop_at_the_deadline;
     test_read_timeout_retried_for_get_not_for_post; test_untrusted_certificate_is_not_retried;
     test_answer_cut_short_is_a_transient_error; test_body_dripped_is_bounded_as_a_whole,
     test_streamed_body_bounded_with_iter_body, test_body_time_limit_follows_the_deadline (the
     per-read and whole-body limits of send); test_netrc_credentials_are_never_sent.
"""

from __future__ import annotations

import email.utils
import socket
import time
from collections.abc import Iterator

import pytest

from offergate.transport import send as send_module
from tests.conftest import Harness, Run

STATUS = r"/status$"


def status_calls(harness: Harness) -> int:
    return len([r for r in harness.sandbox.requests if r.path.endswith("/status")])


def offer_run(harness: Harness, **inputs: str) -> Run:
    """The offer gate on an offer that has already succeeded: it passes as soon as a status comes."""
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", **inputs}))
    assert "Traceback" not in run.log
    return run


def retried_later(run: Run, words: str) -> bool:
    """The error was logged with `words` and the watch went on."""
    return any(words in line and "will try again at the next poll" in line for line in run.log.splitlines())


def api_error_shown(run: Run, *words: str) -> None:
    """Exit 4, result `error`, the last error in an error annotation and in the summary."""
    assert run.exit_code == 4, run.log
    assert run.outputs["result"] == "error"
    errors = "\n".join(line for line in run.log.splitlines() if line.startswith("::error"))
    for word in words:
        assert word in errors, run.log
        assert word in run.summary_text, run.summary


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def blackhole() -> Iterator[int]:
    """A port whose listen queue is full: connections to it are never accepted (SYNs dropped)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port: int = server.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=1)
    yield port
    filler.close()
    server.close()


@pytest.fixture
def quick_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real-time limits small enough for tests: connect 0.1 s, each read 0.15 s, a whole body 0.4 s."""
    monkeypatch.setattr(send_module, "CONNECT_TIMEOUT", 0.1)
    monkeypatch.setattr(send_module, "READ_TIMEOUT", 0.15)
    monkeypatch.setattr(send_module, "BODY_TIME_LIMIT", 0.4)


# --------------------------------------------------------------------------- 1. Retry-After


@pytest.mark.parametrize(
    ("value", "sleeps"),
    [
        pytest.param("7", [7.0], id="seconds-honoured"),
        pytest.param("0", [1.0], id="zero-backs-off-1s"),
        pytest.param("1.5", [1.5], id="fractional-honoured"),
        pytest.param("1.2345", [1.0], id="four-decimals-ignored"),
        pytest.param("-1", [1.0], id="negative-ignored"),
        pytest.param("٣", [1.0], id="arabic-indic-digit-ignored"),
        pytest.param("Wed, 21 Oct 2015 07:28:00 GMT", [1.0], id="past-http-date-backs-off"),
        pytest.param("999999999", [1.0], id="over-a-day-ignored"),
        pytest.param("9" * 5000, [1.0], id="5000-digits-ignored"),
        pytest.param("soon, please", [1.0], id="garbage-ignored"),
        pytest.param("1000", [300.0], id="long-capped-at-300s"),
    ],
)
def test_retry_after_values(harness: Harness, value: str, sleeps: list[float]) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, status=503, headers={"Retry-After": value}, times=1)
    run = offer_run(harness, timeout="2h")
    assert run.exit_code == 0, run.log
    assert harness.clock.sleeps == sleeps
    assert status_calls(harness) == 2


def test_retry_after_future_http_date_honoured(harness: Harness) -> None:
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    harness.sandbox.inject(method="GET", path=STATUS, status=503, headers={"Retry-After": when}, times=1)
    run = offer_run(harness, timeout="1h")
    assert run.exit_code == 0, run.log
    (slept,) = harness.clock.sleeps
    assert 117 <= slept <= 121  # measured from the answer's Date header (whole seconds)


def test_retry_after_past_the_time_left_is_not_slept_and_ends_at_the_deadline(harness: Harness) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, status=503, headers={"Retry-After": "3600"}, times=None)
    started = harness.clock.monotonic()
    run = offer_run(harness, timeout="10m", **{"poll-interval": "4m"})
    api_error_shown(run, "HTTP 503")
    assert "asking to retry after 3600 s" in run.log
    # never slept what the server asked; only the poll interval, capped by the time left
    assert harness.clock.sleeps == [240.0, 240.0, 120.0]
    assert harness.clock.monotonic() - started == 600


def test_retry_after_within_the_time_left_of_a_single_check(harness: Harness) -> None:
    """timeout 0: one check, whose retries may last a minute: 30 s is waited, 120 s is not."""
    harness.sandbox.inject(method="GET", path=STATUS, status=429, headers={"Retry-After": "30"}, times=1)
    assert offer_run(harness, timeout="0").exit_code == 0
    assert harness.clock.sleeps == [30.0]
    harness.clock.sleeps.clear()
    harness.sandbox.inject(method="GET", path=STATUS, status=429, headers={"Retry-After": "120"}, times=None)
    run = offer_run(harness, timeout="0")
    api_error_shown(run, "HTTP 429")
    assert harness.clock.sleeps == []


# --------------------------------------------------------------------------- 2. 5xx and 429 storms


def test_5xx_burst_recovers_with_backoff(harness: Harness) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, status=500, times=2)
    harness.sandbox.inject(
        method="GET", path=STATUS, status=502, body="<html>bad gateway</html>", content_type="text/html", times=1
    )
    harness.sandbox.inject(method="GET", path=STATUS, status=504, times=1)
    run = offer_run(harness, timeout="1h")
    assert run.exit_code == 0, run.log
    assert harness.clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert status_calls(harness) == 5


def test_5xx_burst_longer_than_one_call_recovers_at_the_next_poll(harness: Harness) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, status=503, times=7)
    run = offer_run(harness, timeout="1h", **{"poll-interval": "5m"})
    assert run.exit_code == 0, run.log
    assert retried_later(run, "HTTP 503 Service Unavailable after 5 attempts"), run.log
    assert harness.clock.sleeps == [1.0, 2.0, 4.0, 8.0, 300.0, 1.0, 2.0]


def test_500_forever_ends_at_the_deadline_with_the_last_error(harness: Harness) -> None:
    harness.sandbox.inject(
        method="GET",
        path=STATUS,
        status=500,
        body=b'{"error":{"code":"InternalError","message":"database on fire"}}',
        content_type="application/json",
        times=None,
    )
    started = harness.clock.monotonic()
    run = offer_run(harness, timeout="10m", **{"poll-interval": "5m"})
    api_error_shown(run, "HTTP 500", "database on fire")
    assert "still failing when the wait ended" in run.log
    assert harness.clock.monotonic() - started == 600  # ended at the deadline, not after
    assert sum(harness.clock.sleeps) == 600


def test_429_storm_never_ends_exit_4(harness: Harness) -> None:
    harness.sandbox.inject(
        method="GET",
        path=STATUS,
        status=429,
        headers={"Retry-After": "30"},
        body=b'{"error":{"code":"TooManyRequests","message":"slow down"}}',
        content_type="application/json",
        times=None,
    )
    started = harness.clock.monotonic()
    run = offer_run(harness, timeout="10m", **{"poll-interval": "5m"})
    api_error_shown(run, "HTTP 429", "slow down")
    assert harness.clock.monotonic() - started == 600
    assert 30.0 in harness.clock.sleeps and max(harness.clock.sleeps) <= 300


def test_429_storm_that_passes(harness: Harness) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, status=429, headers={"Retry-After": "2"}, times=7)
    run = offer_run(harness, timeout="1h", **{"poll-interval": "5m"})
    assert run.exit_code == 0, run.log
    assert harness.clock.sleeps == [2.0, 2.0, 2.0, 2.0, 300.0, 2.0, 2.0]


# --------------------------------------------------------------------------- 3. broken connections


def test_connection_refused(harness: Harness) -> None:
    run = offer_run(harness, timeout="1h", **{"marketplace-url": f"http://127.0.0.1:{closed_port()}"})
    api_error_shown(run, "the connection was refused", "after 5 attempts")
    assert harness.clock.sleeps == [1.0, 2.0, 4.0, 8.0]


def test_dns_failure(harness: Harness) -> None:
    run = offer_run(harness, timeout="1h", **{"marketplace-url": "https://marketplace.offergate-test.invalid"})
    api_error_shown(run, "could not be resolved")
    assert "marketplace.offergate-test.invalid" in run.log


def test_tls_to_a_plain_http_server(harness: Harness) -> None:
    tls_url = harness.sandbox.url.replace("http://", "https://")
    run = offer_run(harness, timeout="1h", **{"marketplace-url": tls_url})
    api_error_shown(run, "TLS handshake failed")
    assert harness.clock.sleeps == []  # not retried by the transport


def test_connect_timeout(harness: Harness, blackhole: int, quick_timeouts: None) -> None:
    started = time.monotonic()
    run = offer_run(harness, timeout="1h", **{"marketplace-url": f"http://127.0.0.1:{blackhole}"})
    api_error_shown(run, "no connection within 0.1 s", "after 5 attempts")
    assert time.monotonic() - started < 3


def test_stall_before_headers_recovers(harness: Harness, quick_timeouts: None) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, kind="stall", seconds=0.5, times=2)
    run = offer_run(harness, timeout="1h")
    assert run.exit_code == 0, run.log
    assert harness.clock.sleeps == [1.0, 2.0]


def test_stall_before_headers_forever(harness: Harness, quick_timeouts: None) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, kind="stall", seconds=0.5, times=None)
    started = time.monotonic()
    run = offer_run(harness, timeout="0")
    api_error_shown(run, "no answer within 0.15 s", "after 5 attempts")
    assert time.monotonic() - started < 3


def test_body_one_byte_at_a_time_hits_the_whole_body_limit(harness: Harness, quick_timeouts: None) -> None:
    """Each byte comes well within the per-read timeout (0.15 s): the whole-body limit (0.4 s) ends it."""
    harness.sandbox.inject(method="GET", path=STATUS, kind="drip", seconds=0.02, times=None)
    started = time.monotonic()
    run = offer_run(harness, timeout="0")
    api_error_shown(run, "did not arrive in full within 0.4 s")
    assert time.monotonic() - started < 2


def test_body_one_byte_at_a_time_once_then_the_next_poll_passes(harness: Harness, quick_timeouts: None) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, kind="drip", seconds=0.02, times=1)
    run = offer_run(harness, timeout="1h", **{"poll-interval": "10m"})
    assert run.exit_code == 0, run.log
    assert retried_later(run, "did not arrive in full within 0.4 s"), run.log


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        pytest.param("reset-mid-body", "the connection was reset", id="reset-mid-body"),
        pytest.param("short-body", "the connection broke off", id="body-shorter-than-content-length"),
    ],
)
def test_broken_body_once_then_the_next_poll_passes(harness: Harness, kind: str, words: str) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, kind=kind, times=1)
    run = offer_run(harness, timeout="1h", **{"poll-interval": "10m"})
    assert run.exit_code == 0, run.log
    assert retried_later(run, words), run.log


@pytest.mark.parametrize("kind", ["reset-mid-body", "short-body"])
def test_broken_body_forever(harness: Harness, kind: str) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, kind=kind, times=None)
    run = offer_run(harness, timeout="30m", **{"poll-interval": "10m"})
    api_error_shown(run, "GET http://127.0.0.1")
    assert "still failing when the wait ended" in run.log


# --------------------------------------------------------------------------- 3. each failure says what to check


def hint_shown(run: Run, failure: str, hint: str) -> None:
    """The error annotation names the failure and then what to check."""
    api_error_shown(run, failure, hint)
    assert f"{failure}. {hint}" in run.log, run.log


def test_connection_refused_says_to_check_the_host_and_port(harness: Harness) -> None:
    run = offer_run(harness, timeout="0", **{"marketplace-url": f"http://127.0.0.1:{closed_port()}"})
    hint_shown(run, "the connection was refused", "check the URL's host and port, and that the service is up")


def test_dns_failure_says_to_check_the_host_name(harness: Harness) -> None:
    run = offer_run(harness, timeout="0", **{"marketplace-url": "https://marketplace.offergate-test.invalid"})
    hint_shown(run, "the host name could not be resolved", "check the host name in the URL, and the runner's DNS")


def test_tls_failure_says_to_check_the_scheme_and_port(harness: Harness) -> None:
    run = offer_run(harness, timeout="0", **{"marketplace-url": harness.sandbox.url.replace("http://", "https://")})
    hint_shown(
        run,
        "the TLS handshake failed",
        "check the URL's scheme and port: https to a port that speaks plain http fails this way",
    )


def test_connect_timeout_says_to_check_the_network(harness: Harness, blackhole: int, quick_timeouts: None) -> None:
    run = offer_run(harness, timeout="0", **{"marketplace-url": f"http://127.0.0.1:{blackhole}"})
    hint_shown(
        run,
        "no connection within 0.1 s",
        "check the URL's host and port, and that the runner's network or firewall lets the connection through",
    )


def test_read_timeout_says_to_check_the_url_and_network(harness: Harness, quick_timeouts: None) -> None:
    harness.sandbox.inject(method="GET", path=STATUS, kind="stall", seconds=0.5, times=None)
    run = offer_run(harness, timeout="0")
    hint_shown(
        run,
        "no answer within 0.15 s",
        "check the URL and the runner's network; if they are right, the service is slow: try again later",
    )


def test_dead_proxy_is_named_without_its_credentials(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY points at a loopback port nobody listens on: the proxy is named (host and port,
    never its user or password) and the proxy setting is what to check, not the API's URL."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    dead = closed_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://proxy-user:proxy-pw-9f3k@127.0.0.1:{dead}")
    run = offer_run(harness, timeout="0")
    hint_shown(
        run,
        f"the proxy 127.0.0.1:{dead} could not be used (the connection was refused)",
        f"check the proxy setting (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and that the proxy at 127.0.0.1:{dead} is up",
    )
    assert "check the URL" not in run.log
    assert not any(word in run.log + run.summary for word in ("proxy-user", "proxy-pw-9f3k"))
    assert harness.sandbox.requests == []
