"""The Cloud Partner Portal API's refusals: 401, 403, 404, 400, 405."""

from __future__ import annotations

import requests
from sandbox_helpers import API_VERSION, STATIC, secret_form, status, token_request

from offergate.core.clock import VirtualClock
from offergate.sandbox import Sandbox


def get(
    sb: Sandbox, path: str, headers: dict[str, str] | None = None, params: dict[str, str] | None = None
) -> requests.Response:
    return requests.get(f"{sb.url}{path}", params=params or {}, headers=headers or {}, timeout=5)


def test_no_token_is_401_with_a_bearer_challenge(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    response = get(sb, "/api/publishers/contoso/offers/vm-offer/status", params=API_VERSION)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "Unauthorized"
    assert response.json()["error"]["message"]


def test_unknown_token_and_wrong_scheme_are_401(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    assert status(sb, "vm-offer", token="made-up").status_code == 401
    basic = get(sb, "/api/publishers/contoso/offers", {"Authorization": f"Basic {STATIC}"}, params=API_VERSION)
    assert basic.status_code == 401


def test_the_auth_scheme_is_case_insensitive(sb: Sandbox) -> None:
    response = get(sb, "/api/publishers/contoso/offers", {"Authorization": f"bearer {STATIC}"}, params=API_VERSION)
    assert response.status_code == 200 and response.json() == []


def test_a_principal_without_access_to_the_publisher_is_403(sb: Sandbox) -> None:
    sb.add_publisher("fabrikam")
    sb.add_offer("fabrikam", "vm-offer")
    response = status(sb, "vm-offer", publisher="fabrikam")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "Forbidden"
    assert "not authorized for publisher 'fabrikam'" in error["message"]
    token = token_request(sb, **secret_form()).json()["access_token"]
    assert status(sb, "vm-offer", token=token, publisher="fabrikam").status_code == 403
    assert status(sb, "vm-offer", token=token, publisher="nobody").status_code == 403


def test_an_app_without_a_publisher_list_may_access_every_publisher(sb: Sandbox) -> None:
    sb.add_app(tenant="tenant-1", client_id="admin", client_secret="pw")
    sb.add_offer("fabrikam", "vm-offer")
    form = secret_form(client_id="admin", client_secret="pw")
    token = token_request(sb, **form).json()["access_token"]
    assert status(sb, "vm-offer", token=token, publisher="fabrikam").status_code == 200
    missing = status(sb, "vm-offer", token=token, publisher="nobody")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NotFound"


def test_unknown_offer_is_404(sb: Sandbox) -> None:
    response = status(sb, "no-such-offer")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "NotFound"
    assert "Offer 'no-such-offer' was not found" in error["message"]


def test_api_version_missing_or_wrong_is_400(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer")
    auth = {"Authorization": f"Bearer {STATIC}"}
    for params in ({}, {"api-version": "2016-01-01"}):
        response = get(sb, "/api/publishers/contoso/offers/vm-offer/status", auth, params=params)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "InvalidApiVersion"
        assert "2017-10-31" in response.json()["error"]["message"]


def test_auth_is_checked_before_the_api_version(sb: Sandbox) -> None:
    assert get(sb, "/api/publishers/contoso/offers").status_code == 401


def test_unknown_path_is_404_and_wrong_method_405(sb: Sandbox) -> None:
    response = get(sb, "/api/nothing-here", {"Authorization": f"Bearer {STATIC}"}, params=API_VERSION)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NotFound"
    post = requests.post(f"{sb.url}/api/publishers/contoso/offers", params=API_VERSION, timeout=5)
    assert post.status_code == 405


def test_single_offer(sb: Sandbox) -> None:
    sb.add_offer("contoso", "vm-offer", display_text="Contoso VM")
    response = get(
        sb, "/api/publishers/contoso/offers/vm-offer", {"Authorization": f"Bearer {STATIC}"}, params=API_VERSION
    )
    assert response.status_code == 200
    assert response.json()["definition"] == {"displayText": "Contoso VM"}


def test_expired_and_expire_tokens(sb: Sandbox, vclock: VirtualClock) -> None:
    sb.add_offer("contoso", "vm-offer")
    sb.token_lifetime = 600
    answer = token_request(sb, **secret_form()).json()
    assert answer["expires_in"] == 600
    token = answer["access_token"]
    assert status(sb, "vm-offer", token=token).status_code == 200
    vclock.advance(599)
    assert status(sb, "vm-offer", token=token).status_code == 200
    vclock.advance(1)
    expired = status(sb, "vm-offer", token=token)
    assert expired.status_code == 401 and "expired" in expired.json()["error"]["message"]

    fresh = token_request(sb, **secret_form()).json()["access_token"]
    assert status(sb, "vm-offer", token=fresh).status_code == 200
    sb.expire_tokens()
    assert status(sb, "vm-offer", token=fresh).status_code == 401
    assert status(sb, "vm-offer", token=STATIC).status_code == 200  # a static token is not issued here
    newer = token_request(sb, **secret_form()).json()["access_token"]
    assert status(sb, "vm-offer", token=newer).status_code == 200
    sb.expire_tokens(include_static=True)
    assert status(sb, "vm-offer", token=STATIC).status_code == 401


def test_token_lifetime_is_not_scaled(vclock: VirtualClock) -> None:
    with Sandbox(clock=vclock.monotonic, time_scale=10000) as sb:
        sb.add_app("t", "a", "pw")
        sb.add_offer("contoso", "vm-offer")
        token = token_request(sb, "t", **secret_form(client_id="a", client_secret="pw")).json()["access_token"]
        vclock.advance(3000)
        assert status(sb, "vm-offer", token=token).status_code == 200
        vclock.advance(600)
        assert status(sb, "vm-offer", token=token).status_code == 401


def test_responses_carry_a_request_id(sb: Sandbox) -> None:
    response = get(sb, "/api/publishers/contoso/offers", {"Authorization": f"Bearer {STATIC}"}, params=API_VERSION)
    assert response.headers["x-ms-request-id"]
    assert response.headers["Content-Type"].startswith("application/json")
