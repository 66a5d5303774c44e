"""Sending over real loopback HTTP: timeouts that follow the deadline, bodies bounded in size and time."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from offergate.core.clock import Deadline, VirtualClock
from offergate.core.errors import ApiError
from offergate.transport import send as send_module
from offergate.transport.failures import SlowBody
from offergate.transport.send import body_time_limit, iter_body, send
from tests.transport.conftest import SECRET, SERVICE, Loopback, Reply, all_text, get, session_for


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
