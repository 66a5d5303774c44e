"""Helpers for the sandbox tests: requests against a running sandbox."""

from __future__ import annotations

from typing import Any

import requests

from offergate.sandbox import Sandbox

TENANT = "tenant-1"
CLIENT_ID = "app-1"
SECRET = "s3cret"
STATIC = "static-token-value"
SCOPE = "https://cloudpartner.azure.com/.default"
API_VERSION = {"api-version": "2017-10-31"}
SESSION = requests.Session()  # keep-alive: many status calls per test stay fast


def status(sb: Sandbox, offer: str, token: str = STATIC, publisher: str = "contoso") -> requests.Response:
    return SESSION.get(
        f"{sb.url}/api/publishers/{publisher}/offers/{offer}/status",
        params=API_VERSION,
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


def status_json(sb: Sandbox, offer: str) -> dict[str, Any]:
    response = status(sb, offer)
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


def token_request(sb: Sandbox, tenant: str = TENANT, **form: str) -> requests.Response:
    return requests.post(f"{sb.url}/{tenant}/oauth2/v2.0/token", data=form, timeout=5)


def secret_form(**overrides: str) -> dict[str, str]:
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET, "scope": SCOPE}
    form.update(overrides)
    return {k: v for k, v in form.items() if v != ""}
