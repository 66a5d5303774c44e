"""offergate.transport.tokens against a small token-endpoint emulator on loopback."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from offergate.core.clock import VirtualClock
from offergate.core.errors import ApiError
from offergate.transport.session import make_session
from offergate.transport.tokens import (
    ClientSecretCredential,
    GitHubOidcCredential,
    RefreshTokenCredential,
    StaticBearer,
    TokenProvider,
    token_endpoint,
)
from tests.transport.conftest import Loopback, Reply, Seen

SECRET = "app-secret-value-1"
SCOPE = "https://cloudpartner.azure.com/.default"


def oauth_error(status: int, error: str, code: int, text: str) -> Reply:
    body = {"error": error, "error_description": f"AADSTS{code}: {text}\r\nTrace ID: t-1", "error_codes": [code]}
    return Reply(status, json.dumps(body).encode(), headers={"x-ms-request-id": "req-42"})


@dataclass
class Entra:
    """Issues numbered tokens; `answer` overrides the next answers; `expires_in` goes in each one."""

    expires_in: Any = 3599
    answers: list[Reply] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    rotate: bool = False

    def __call__(self, seen: Seen) -> Reply:
        if seen.path.startswith("/_github/oidc"):
            return Reply(body=json.dumps({"value": f"oidc-{len(self.issued)}"}).encode())
        if self.answers:
            return self.answers.pop(0)
        token = f"token-{len(self.issued) + 1}"
        self.issued.append(token)
        body: dict[str, Any] = {"token_type": "Bearer", "access_token": token}
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        if self.rotate:
            body["refresh_token"] = f"rt-{len(self.issued) + 1}"
        return Reply(body=json.dumps(body).encode())


@pytest.fixture
def entra(loopback: Loopback) -> Entra:
    emulator = Entra()
    loopback.route = emulator
    return emulator


def session(vclock: VirtualClock) -> requests.Session:
    return make_session(clock=vclock.as_clock(), deadline=None, user_agent="offergate/test")


def secret_credential(loopback: Loopback, vclock: VirtualClock, masked: list[str]) -> ClientSecretCredential:
    return ClientSecretCredential(
        session=session(vclock),
        clock=vclock.as_clock(),
        authority_url=loopback.url + "/",
        tenant_id="tenant-1",
        client_id="app-1",
        client_secret=SECRET,
        scope=SCOPE,
        on_token=masked.append,
    )


def token_calls(loopback: Loopback) -> list[Seen]:
    return [s for s in loopback.seen if s.path.endswith("/oauth2/v2.0/token")]


def test_token_endpoint() -> None:
    assert token_endpoint("https://login.microsoftonline.com/", "t-1") == (
        "https://login.microsoftonline.com/t-1/oauth2/v2.0/token"
    )


def test_client_secret_token_fetched_masked_and_cached(loopback: Loopback, entra: Entra, vclock: VirtualClock) -> None:
    masked: list[str] = []
    credential: TokenProvider = secret_credential(loopback, vclock, masked)
    assert credential.can_refresh
    assert credential.description == "client secret for app 'app-1' in tenant 'tenant-1'"
    assert credential.headers() == {"Authorization": "Bearer token-1"}
    assert credential.headers() == {"Authorization": "Bearer token-1"}
    assert masked == ["token-1"]
    (call,) = token_calls(loopback)
    assert call.method == "POST" and call.path == "/tenant-1/oauth2/v2.0/token"
    assert call.form() == {
        "grant_type": "client_credentials",
        "client_id": "app-1",
        "client_secret": SECRET,
        "scope": SCOPE,
    }


@pytest.mark.parametrize("expires_in", [3599, "3599", None, "soon", -5])
def test_refreshed_within_five_minutes_of_expiry(
    loopback: Loopback, entra: Entra, vclock: VirtualClock, expires_in: Any
) -> None:
    entra.expires_in = expires_in
    lifetime = 3599 if expires_in in (3599, "3599") else 3600
    credential = secret_credential(loopback, vclock, [])
    credential.headers()
    vclock.advance(lifetime - 300 - 1)
    assert credential.headers() == {"Authorization": "Bearer token-1"}
    vclock.advance(2)
    assert credential.headers() == {"Authorization": "Bearer token-2"}
    assert len(token_calls(loopback)) == 2


def test_short_lived_token_refreshed_at_half_life(loopback: Loopback, entra: Entra, vclock: VirtualClock) -> None:
    entra.expires_in = 120
    credential = secret_credential(loopback, vclock, [])
    credential.headers()
    vclock.advance(59)
    assert credential.headers()["Authorization"] == "Bearer token-1"
    vclock.advance(1)
    assert credential.headers()["Authorization"] == "Bearer token-2"


def test_invalidate_fetches_a_new_token(loopback: Loopback, entra: Entra, vclock: VirtualClock) -> None:
    masked: list[str] = []
    credential = secret_credential(loopback, vclock, masked)
    credential.headers()
    credential.invalidate()
    assert credential.headers() == {"Authorization": "Bearer token-2"}
    assert masked == ["token-1", "token-2"]


@pytest.mark.parametrize(
    ("code", "error", "hint_words"),
    [
        (7000215, "invalid_client", "check azure-client-secret"),
        (700016, "unauthorized_client", "check azure-client-id and azure-tenant-id"),
        (90002, "invalid_request", "check azure-tenant-id"),
        (70021, "invalid_request", "add a federated credential for this repository/branch"),
        (700213, "invalid_client", "add a federated credential"),
    ],
)
def test_token_errors_name_the_credential_and_what_to_check(
    loopback: Loopback, entra: Entra, vclock: VirtualClock, code: int, error: str, hint_words: str
) -> None:
    entra.answers.append(oauth_error(401, error, code, "Something is wrong with the client."))
    with pytest.raises(ApiError) as caught:
        secret_credential(loopback, vclock, []).headers()
    failure = caught.value
    text = str(failure)
    assert "client secret for app 'app-1' in tenant 'tenant-1'" in failure.summary
    assert failure.code == f"AADSTS{code}" and failure.api_message == "Something is wrong with the client."
    assert hint_words in (failure.hint or "")
    assert failure.status == 401 and failure.activity_id == "req-42" and not failure.transient
    assert SECRET not in text


def test_token_post_not_retried_on_5xx(loopback: Loopback, entra: Entra, vclock: VirtualClock) -> None:
    entra.answers.append(Reply(503, b"{}"))
    with pytest.raises(ApiError) as caught:
        secret_credential(loopback, vclock, []).headers()
    assert caught.value.status == 503 and caught.value.transient
    assert len(token_calls(loopback)) == 1 and vclock.sleeps == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"token_type":"Bearer"}', "has no access_token"),
        (b'{"access_token":"abc\\ndef"}', "malformed access_token"),
        (b'["x"]', "not a JSON object"),
        (b"<html><title>Sign in</title></html>", "HTML page"),
    ],
)
def test_unusable_token_answers(
    loopback: Loopback, entra: Entra, vclock: VirtualClock, body: bytes, words: str
) -> None:
    masked: list[str] = []
    entra.answers.append(Reply(200, body))
    with pytest.raises(ApiError) as caught:
        secret_credential(loopback, vclock, masked).headers()
    assert words in str(caught.value) and "abc" not in str(caught.value)
    assert masked == []


def oidc_credential(
    loopback: Loopback, vclock: VirtualClock, masked: list[str], request_url: str
) -> GitHubOidcCredential:
    return GitHubOidcCredential(
        session=session(vclock),
        clock=vclock.as_clock(),
        authority_url=loopback.url,
        tenant_id="tenant-1",
        client_id="fed-app",
        scope=SCOPE,
        request_url=request_url,
        request_token="gh-request-token",
        on_token=masked.append,
    )


@pytest.mark.parametrize("query", ["?api-version=2.0", ""])
def test_github_oidc_federated_token(loopback: Loopback, entra: Entra, vclock: VirtualClock, query: str) -> None:
    masked: list[str] = []
    credential = oidc_credential(loopback, vclock, masked, f"{loopback.url}/_github/oidc{query}")
    assert credential.headers() == {"Authorization": "Bearer token-1"}
    oidc, token = loopback.seen
    assert oidc.method == "GET" and oidc.headers["Authorization"] == "bearer gh-request-token"
    assert oidc.query == ({"api-version": "2.0"} if query else {}) | {"audience": "api://AzureADTokenExchange"}
    assert token.form() == {
        "grant_type": "client_credentials",
        "client_id": "fed-app",
        "scope": SCOPE,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": "oidc-0",
    }
    assert masked == ["oidc-0", "token-1"]
    assert "federated" in credential.description and "fed-app" in credential.description


def test_github_oidc_refused(loopback: Loopback, vclock: VirtualClock) -> None:
    loopback.route = lambda seen: Reply(403, b'{"message":"no id-token permission"}')
    with pytest.raises(ApiError) as caught:
        oidc_credential(loopback, vclock, [], f"{loopback.url}/_github/oidc?sig=xyz-secret").headers()
    error = caught.value
    assert "GitHub OIDC" in str(error) and "permissions: id-token: write" in (error.hint or "")
    assert "xyz-secret" not in str(error) and "gh-request-token" not in str(error)
    assert len(loopback.seen) == 1


def ads_credential(loopback: Loopback, vclock: VirtualClock, masked: list[str], **kw: Any) -> RefreshTokenCredential:
    return RefreshTokenCredential(
        session=session(vclock),
        clock=vclock.as_clock(),
        authority_url=loopback.url,
        client_id="ads-app",
        refresh_token="rt-1",
        scope="https://ads.microsoft.com/msads.manage offline_access",
        on_token=masked.append,
        **kw,
    )


def test_refresh_token_rotates(loopback: Loopback, entra: Entra, vclock: VirtualClock) -> None:
    entra.rotate = True
    masked: list[str] = []
    credential = ads_credential(loopback, vclock, masked)
    assert credential.headers() == {"AuthenticationToken": "token-1"}
    credential.invalidate()
    assert credential.headers() == {"AuthenticationToken": "token-2"}
    first, second = token_calls(loopback)
    assert first.path == "/common/oauth2/v2.0/token"
    assert first.form()["grant_type"] == "refresh_token" and first.form()["refresh_token"] == "rt-1"
    assert second.form()["refresh_token"] == "rt-2" and "client_secret" not in second.form()
    assert masked == ["token-1", "rt-2", "token-2", "rt-3"]


def test_refresh_token_with_client_secret_and_bearer_header(
    loopback: Loopback, entra: Entra, vclock: VirtualClock
) -> None:
    credential = ads_credential(
        loopback, vclock, [], client_secret="ads-secret", header_name="Authorization", bearer_prefix=True, tenant="t-9"
    )
    assert credential.headers() == {"Authorization": "Bearer token-1"}
    (call,) = token_calls(loopback)
    assert call.path == "/t-9/oauth2/v2.0/token" and call.form()["client_secret"] == "ads-secret"


def test_refused_refresh_token(loopback: Loopback, entra: Entra, vclock: VirtualClock) -> None:
    entra.answers.append(oauth_error(400, "invalid_grant", 70000, "The provided grant is expired."))
    with pytest.raises(ApiError) as caught:
        ads_credential(loopback, vclock, []).headers()
    error = caught.value
    assert error.code == "AADSTS70000" and "refresh token for app 'ads-app'" in error.summary
    assert "ads-refresh-token" in (error.hint or "") and "rt-1" not in str(error)


def test_static_bearer() -> None:
    credential: TokenProvider = StaticBearer("static-abc", "azure-access-token")
    assert not credential.can_refresh
    assert credential.headers() == {"Authorization": "Bearer static-abc"}
    credential.invalidate()
    with pytest.raises(ApiError) as caught:
        credential.headers()
    error = caught.value
    assert error.status == 401 and "azure-access-token" in str(error)
    assert "acquire a new one" in (error.hint or "") and "static-abc" not in str(error)


def test_static_token_in_another_header() -> None:
    credential = StaticBearer("t", "ads-access-token", header_name="AuthenticationToken", bearer_prefix=False)
    assert credential.headers() == {"AuthenticationToken": "t"}
