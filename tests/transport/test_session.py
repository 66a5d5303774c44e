"""Sessions over real loopback HTTP: credential headers on redirects, bodies never resent elsewhere, no .netrc."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from offergate.core.clock import VirtualClock
from offergate.core.errors import ApiError
from offergate.transport.send import send
from offergate.transport.session import CredentialSession, make_session
from tests.transport.conftest import SECRET, SERVICE, Loopback, Reply, all_text, get, session_for

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
