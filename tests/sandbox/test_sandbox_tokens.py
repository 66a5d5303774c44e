"""The Entra token endpoint (client secret, federated GitHub OIDC, refresh token) and GitHub's OIDC endpoint."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests
from sandbox_helpers import CLIENT_ID, SCOPE, TENANT, secret_form, status, token_request

from offergate.core.clock import VirtualClock
from offergate.sandbox import Sandbox

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
EXCHANGE = "api://AzureADTokenExchange"
ADS_SCOPE = "https://ads.microsoft.com/msads.manage offline_access"


def oidc_token(sb: Sandbox, audience: str = EXCHANGE) -> str:
    response = requests.get(
        f"{sb.oidc_request_url}&audience={audience}",
        headers={"Authorization": f"bearer {sb.oidc_request_token}"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 1
    value = body["value"]
    assert isinstance(value, str)
    return value


def claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert isinstance(decoded, dict)
    return decoded


def assert_aad_error(response: requests.Response, status_code: int, error: str, code: int) -> None:
    assert response.status_code == status_code, response.text
    body = response.json()
    assert body["error"] == error
    assert body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert {"timestamp", "trace_id", "correlation_id"} <= set(body)


# ------------------------------------------------------------------ client secret


def test_client_secret_grant(sb: Sandbox) -> None:
    sb.token_lifetime = 3599
    sb.add_offer("contoso", "vm-offer")
    response = token_request(sb, **secret_form())
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3599 and body["ext_expires_in"] == 3599
    assert sb.tokens_issued == [body["access_token"]]
    assert status(sb, "vm-offer", token=body["access_token"]).status_code == 200
    second = token_request(sb, **secret_form()).json()["access_token"]
    assert sb.tokens_issued == [body["access_token"], second] and second != body["access_token"]


def test_tenant_and_client_ids_are_case_insensitive(sb: Sandbox) -> None:
    assert token_request(sb, TENANT.upper(), **secret_form(client_id=CLIENT_ID.upper())).status_code == 200


@pytest.mark.parametrize(
    ("tenant", "form", "status_code", "error", "code"),
    [
        ("no-such-tenant", secret_form(), 400, "invalid_request", 90002),
        (TENANT, secret_form(client_secret="wrong"), 401, "invalid_client", 7000215),
        (TENANT, secret_form(client_secret=""), 401, "invalid_client", 7000218),
        (TENANT, secret_form(client_id="stranger"), 400, "unauthorized_client", 700016),
        (TENANT, secret_form(scope="https://management.azure.com/.default"), 400, "invalid_scope", 70011),
        (TENANT, secret_form(scope=""), 400, "invalid_request", 900144),
        (TENANT, secret_form(grant_type=""), 400, "invalid_request", 900144),
        (TENANT, secret_form(grant_type="password"), 400, "unsupported_grant_type", 70003),
        (TENANT, secret_form(client_id=""), 400, "invalid_request", 900144),
    ],
)
def test_client_secret_errors(
    sb: Sandbox, tenant: str, form: dict[str, str], status_code: int, error: str, code: int
) -> None:
    assert_aad_error(token_request(sb, tenant, **form), status_code, error, code)
    assert sb.tokens_issued == []


def test_a_json_body_is_not_a_form(sb: Sandbox) -> None:
    response = requests.post(f"{sb.url}/{TENANT}/oauth2/v2.0/token", json=secret_form(), timeout=5)
    assert_aad_error(response, 400, "invalid_request", 900144)


def test_the_token_endpoint_takes_only_post(sb: Sandbox) -> None:
    assert requests.get(f"{sb.url}/{TENANT}/oauth2/v2.0/token", timeout=5).status_code == 405


def test_an_app_needs_a_secret_or_federation(sb: Sandbox) -> None:
    with pytest.raises(ValueError):
        sb.add_app(tenant="t", client_id="c")


# ------------------------------------------------------------------ GitHub OIDC and federation


def test_oidc_endpoint(sb: Sandbox) -> None:
    assert sb.oidc_request_url == f"{sb.url}/_github/oidc/token?api-version=2.0"
    token = oidc_token(sb)
    header, _payload, signature = token.split(".")
    assert header and signature
    found = claims(token)
    assert found["aud"] == EXCHANGE
    assert found["iss"] == "https://token.actions.githubusercontent.com"
    assert found["sub"] == "repo:octo/app:ref:refs/heads/main"
    assert found["exp"] > found["iat"]
    recorded = next(r for r in sb.requests if r.path == "/_github/oidc/token")
    assert recorded.query == {"api-version": "2.0", "audience": EXCHANGE}


@pytest.mark.parametrize("authorization", [None, "bearer wrong", "Basic x"])
def test_oidc_endpoint_refuses_a_wrong_request_token(sb: Sandbox, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.get(f"{sb.oidc_request_url}&audience={EXCHANGE}", headers=headers, timeout=5)
    assert response.status_code == 401


def federated_form(assertion: str, client_id: str = "app-oidc") -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "scope": SCOPE,
        "client_assertion_type": JWT_BEARER,
        "client_assertion": assertion,
    }


def test_federated_credential(sb: Sandbox) -> None:
    sb.add_app(tenant=TENANT, client_id="app-oidc", federated=True, publishers=["contoso"])
    sb.add_offer("contoso", "vm-offer")
    response = token_request(sb, **federated_form(oidc_token(sb)))
    assert response.status_code == 200, response.text
    assert status(sb, "vm-offer", token=response.json()["access_token"]).status_code == 200


def test_federated_credential_refusals(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_app(tenant=TENANT, client_id="app-oidc", federated=True, publishers=["contoso"])
    good = oidc_token(sb)
    # not federated: the secret-only app
    assert_aad_error(token_request(sb, **federated_form(good, CLIENT_ID)), 400, "invalid_request", 70021)
    # another audience
    assert_aad_error(token_request(sb, **federated_form(oidc_token(sb, "api://other"))), 400, "invalid_client", 700212)
    # forged: a token with its signature changed, and garbage
    forged = good.rsplit(".", 1)[0] + ".AAAA"
    assert_aad_error(token_request(sb, **federated_form(forged)), 400, "invalid_client", 50027)
    assert_aad_error(token_request(sb, **federated_form("not-a-jwt")), 400, "invalid_client", 50027)
    # a wrong assertion type
    form = federated_form(good)
    form["client_assertion_type"] = "urn:something-else"
    assert_aad_error(token_request(sb, **form), 400, "invalid_request", 900144)
    # a federated app given a secret
    secret = secret_form(client_id="app-oidc", client_secret="guess")
    assert_aad_error(token_request(sb, **secret), 401, "invalid_client", 7000215)
    # too old
    vclock.advance(301)
    assert_aad_error(token_request(sb, **federated_form(good)), 400, "invalid_client", 700024)
    assert sb.tokens_issued == []


def test_oidc_tokens_of_another_sandbox_are_refused(sb: Sandbox) -> None:
    sb.add_app(tenant=TENANT, client_id="app-oidc", federated=True)
    with Sandbox() as other:
        foreign = oidc_token(other)
    assert_aad_error(token_request(sb, **federated_form(foreign)), 400, "invalid_client", 50027)


# ------------------------------------------------------------------ refresh token (Microsoft Advertising)


def refresh_form(refresh_token: str, **extra: str) -> dict[str, str]:
    return {
        "grant_type": "refresh_token",
        "client_id": "ads-app",
        "refresh_token": refresh_token,
        "scope": ADS_SCOPE,
        **extra,
    }


def test_refresh_token_grant_rotates_the_refresh_token(sb: Sandbox) -> None:
    sb.add_ads_user(client_id="ads-app", refresh_token="rt-1")
    response = token_request(sb, "common", **refresh_form("rt-1"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["access_token"] in sb.tokens_issued
    assert "https://ads.microsoft.com/msads.manage" in body["scope"].split()
    new = body["refresh_token"]
    assert new and new != "rt-1"
    assert token_request(sb, "common", **refresh_form(new)).status_code == 200


def test_an_advertising_token_is_not_for_the_partner_api(sb: Sandbox) -> None:
    sb.add_ads_user(client_id="ads-app", refresh_token="rt-1")
    sb.add_offer("contoso", "vm-offer")
    token = token_request(sb, "common", **refresh_form("rt-1")).json()["access_token"]
    assert status(sb, "vm-offer", token=token).status_code == 401


def test_refresh_token_errors(sb: Sandbox) -> None:
    sb.add_ads_user(client_id="ads-app", refresh_token="rt-1")
    assert_aad_error(token_request(sb, "common", **refresh_form("rt-bad")), 400, "invalid_grant", 70000)
    unknown = {**refresh_form("rt-1"), "client_id": "nobody"}
    assert_aad_error(token_request(sb, "common", **unknown), 400, "unauthorized_client", 700016)
    wrong_scope = {**refresh_form("rt-1"), "scope": "openid"}
    assert_aad_error(token_request(sb, "common", **wrong_scope), 400, "invalid_scope", 70011)
    public_with_secret = refresh_form("rt-1", client_secret="x")
    assert_aad_error(token_request(sb, "common", **public_with_secret), 400, "invalid_client", 700025)
    assert sb.tokens_issued == []


def test_refresh_token_with_a_client_secret(sb: Sandbox) -> None:
    sb.add_ads_user(client_id="ads-app", refresh_token="rt-1", client_secret="ads-secret")
    assert_aad_error(token_request(sb, "common", **refresh_form("rt-1")), 401, "invalid_client", 7000218)
    wrong = refresh_form("rt-1", client_secret="nope")
    assert_aad_error(token_request(sb, "common", **wrong), 401, "invalid_client", 7000215)
    assert token_request(sb, "common", **refresh_form("rt-1", client_secret="ads-secret")).status_code == 200
