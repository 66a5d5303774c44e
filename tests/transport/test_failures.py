"""Transport failures named over loopback: what failed, what to check, and no secret in the text."""

from __future__ import annotations

import pytest

from offergate.core.clock import VirtualClock
from offergate.core.errors import ApiError
from tests.transport.conftest import SECRET, Loopback, Reply, all_text, closed_port, get, session_for


def test_untrusted_certificate_is_not_retried(tls_loopback: Loopback, vclock: VirtualClock) -> None:
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock), tls_loopback.url + f"/x?token={SECRET}")
    error = caught.value
    assert "TLS certificate was refused (self-signed certificate)" in error.summary
    assert not error.transient and "REQUESTS_CA_BUNDLE" in (error.hint or "")
    assert vclock.sleeps == [] and SECRET not in all_text(error)


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


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_dead_proxy_named_without_its_credentials(
    loopback: Loopback, vclock: VirtualClock, no_proxy_settings: pytest.MonkeyPatch, scheme: str
) -> None:
    dead = closed_port()
    no_proxy_settings.setenv(f"{scheme.upper()}_PROXY", f"http://proxy-user:pw-{SECRET}@127.0.0.1:{dead}")
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock, retries=0), f"{scheme}://127.0.0.1:{loopback.port}/x")
    error = caught.value
    assert f"the proxy 127.0.0.1:{dead} could not be used (the connection was refused)" in error.summary
    assert (
        error.hint
        == f"check the proxy setting (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and that the proxy at 127.0.0.1:{dead} is up"
    )
    assert SECRET not in all_text(error) and "proxy-user" not in all_text(error)
    assert loopback.seen == []


def test_proxy_not_named_when_no_proxy_is_set(vclock: VirtualClock, no_proxy_settings: pytest.MonkeyPatch) -> None:
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock, retries=0), f"http://127.0.0.1:{closed_port()}/x")
    assert "proxy" not in all_text(caught.value)


def test_connection_refused_says_to_check_the_host_and_port(vclock: VirtualClock) -> None:
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock, retries=0), f"http://127.0.0.1:{closed_port()}/x")
    assert caught.value.summary.endswith("failed: the connection was refused")
    assert caught.value.hint == "check the URL's host and port, and that the service is up"


def test_dns_failure_says_to_check_the_host_name(vclock: VirtualClock, no_proxy_settings: pytest.MonkeyPatch) -> None:
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock, retries=0), "https://api.offergate-test.invalid/x")
    assert caught.value.summary.endswith("failed: the host name could not be resolved")
    assert caught.value.hint == "check the host name in the URL, and the runner's DNS"


def test_tls_to_a_plain_http_port_says_to_check_the_scheme_and_port(loopback: Loopback, vclock: VirtualClock) -> None:
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock), f"https://127.0.0.1:{loopback.port}/x")
    assert "the TLS handshake failed" in caught.value.summary and vclock.sleeps == []
    assert caught.value.hint == "check the URL's scheme and port: https to a port that speaks plain http fails this way"


def test_read_timeout_says_what_to_check(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.route = lambda seen: Reply(delay=0.5)
    with pytest.raises(ApiError) as caught:
        get(session_for(vclock, retries=0), loopback.url, timeout=0.1)
    assert caught.value.summary.endswith("failed: no answer within 0.1 s")
    assert (
        caught.value.hint
        == "check the URL and the runner's network; if they are right, the service is slow: try again later"
    )
