"""The Microsoft identity platform v2.0 token endpoint: POST /{tenant}/oauth2/v2.0/token.

Grants: client_credentials (client secret, or a GitHub OIDC token as client assertion) and
refresh_token (Microsoft Advertising). Errors have Entra's shape and AADSTS codes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from offergate.sandbox.oidc import EXCHANGE_AUDIENCE, GitHubOidc, RefusedAssertion
from offergate.sandbox.tokens import CLOUD_PARTNER, GRAPH, AdsUser, App, Credentials, Principal
from offergate.sandbox.wire import RecordedRequest, Response, json_response

PATH = r"/(?P<tenant>[^/]+)/oauth2/v2\.0/token"
CLOUD_PARTNER_SCOPE = "https://cloudpartner.azure.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
APP_AUDIENCES = {CLOUD_PARTNER_SCOPE: CLOUD_PARTNER, GRAPH_SCOPE: GRAPH}  # what an app may ask a token for
ADS_SCOPE = "https://ads.microsoft.com/msads.manage"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
COMMON_TENANTS = frozenset({"common", "organizations", "consumers"})


class Refused(Exception):
    """A token request Entra would refuse."""

    def __init__(self, status: int, error: str, code: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.code = code
        self.description = description

    def response(self) -> Response:
        trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
        now = datetime.now(UTC)
        stamp = f"{now:%Y-%m-%d %H:%M:%S}Z"
        body = {
            "error": self.error,
            "error_description": (
                f"AADSTS{self.code}: {self.description} Trace ID: {trace} Correlation ID: {correlation} "
                f"Timestamp: {stamp}"
            ),
            "error_codes": [self.code],
            "timestamp": stamp,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": f"https://login.microsoftonline.com/error?code={self.code}",
        }
        return json_response(self.status, body, {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"})


def _missing(name: str) -> Refused:
    return Refused(400, "invalid_request", 900144, f"The request body must contain the following parameter: '{name}'.")


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name, "")
    if not value:
        raise _missing(name)
    return value


def _unknown_app(client_id: str, tenant: str) -> Refused:
    return Refused(
        400,
        "unauthorized_client",
        700016,
        f"Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen "
        "if the application has not been installed by the administrator of the tenant or consented to by any "
        "user in the tenant. You may have sent your authentication request to the wrong tenant.",
    )


def _bad_secret(client_id: str) -> Refused:
    return Refused(
        401,
        "invalid_client",
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
        f"value, not the client secret ID, for a secret added to app '{client_id}'.",
    )


def _no_credential() -> Refused:
    return Refused(
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    )


def _bad_scope(scope: str) -> Refused:
    return Refused(
        400,
        "invalid_scope",
        70011,
        f"The provided request must include a 'scope' input parameter. The provided value for the input "
        f"parameter 'scope' is not valid. The scope {scope} is not valid.",
    )


class TokenEndpoint:
    """Handles the token requests against the registered apps and users."""

    def __init__(self, credentials: Credentials, oidc: GitHubOidc) -> None:
        self._credentials = credentials
        self._oidc = oidc

    def handle(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        try:
            return self._grant(params["tenant"], self._form(request))
        except Refused as refused:
            return refused.response()

    @staticmethod
    def _form(request: RecordedRequest) -> dict[str, str]:
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return request.form() if content_type == "application/x-www-form-urlencoded" else {}

    def _grant(self, tenant: str, form: dict[str, str]) -> Response:
        if tenant.lower() not in COMMON_TENANTS and not self._credentials.has_tenant(tenant):
            raise Refused(
                400,
                "invalid_request",
                90002,
                f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are "
                "signing into the correct cloud.",
            )
        grant = _required(form, "grant_type")
        if grant == "client_credentials":
            return self._client_credentials(tenant, form)
        if grant == "refresh_token":
            return self._refresh(tenant, form)
        raise Refused(400, "unsupported_grant_type", 70003, f"The app requested an unsupported grant type '{grant}'.")

    # ---------------------------------------------------------------- client credentials

    def _client_credentials(self, tenant: str, form: dict[str, str]) -> Response:
        client_id = _required(form, "client_id")
        app = self._credentials.find_app(tenant, client_id)
        if app is None:
            raise _unknown_app(client_id, tenant)
        scope = _required(form, "scope")
        if scope not in APP_AUDIENCES:
            raise _bad_scope(scope)
        if form.get("client_assertion") or form.get("client_assertion_type"):
            self._check_assertion(app, form)
        elif form.get("client_secret"):
            if app.client_secret is None or form["client_secret"] != app.client_secret:
                raise _bad_secret(app.client_id)
        else:
            raise _no_credential()
        return self._success(app.principal(APP_AUDIENCES[scope]))

    def _check_assertion(self, app: App, form: dict[str, str]) -> None:
        if form.get("client_assertion_type") != JWT_BEARER:
            raise Refused(
                400,
                "invalid_request",
                900144,
                f"The request body must contain the following parameter: 'client_assertion_type' ('{JWT_BEARER}').",
            )
        assertion = _required(form, "client_assertion")
        try:
            claims = self._oidc.verify(assertion)
        except RefusedAssertion as refused:
            raise Refused(400, "invalid_client", refused.code, str(refused)) from None
        if not app.federated:
            raise Refused(
                400,
                "invalid_request",
                70021,
                f"No matching federated identity record found for presented assertion. Assertion Issuer: "
                f"'{claims.issuer}'. Assertion Subject: '{claims.subject}'. Assertion Audience: '{claims.audience}'.",
            )
        if claims.audience != EXCHANGE_AUDIENCE:
            raise Refused(
                400,
                "invalid_client",
                700212,
                f"No matching federated identity record found for presented assertion audience '{claims.audience}'.",
            )

    # ---------------------------------------------------------------- refresh token

    def _refresh(self, tenant: str, form: dict[str, str]) -> Response:
        client_id = _required(form, "client_id")
        user = self._credentials.find_ads_user(client_id)
        if user is None:
            raise _unknown_app(client_id, tenant)
        refresh_token = _required(form, "refresh_token")
        self._check_user_secret(user, form.get("client_secret", ""))
        scope = form.get("scope", ADS_SCOPE)
        if ADS_SCOPE not in scope.split():
            raise _bad_scope(scope)
        new = self._credentials.redeem_refresh_token(user, refresh_token)
        if new is None:
            raise Refused(
                400,
                "invalid_grant",
                70000,
                "The provided value for the input parameter 'refresh_token' is not valid: the grant is invalid, "
                "expired or revoked.",
            )
        return self._success(user.principal(), refresh_token=new)

    @staticmethod
    def _check_user_secret(user: AdsUser, given: str) -> None:
        if user.client_secret is None:
            if given:
                raise Refused(
                    400,
                    "invalid_client",
                    700025,
                    "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
                )
            return
        if not given:
            raise _no_credential()
        if given != user.client_secret:
            raise _bad_secret(user.client_id)

    # ---------------------------------------------------------------- success

    def _success(self, principal: Principal, refresh_token: str | None = None) -> Response:
        lifetime = int(self._credentials.token_lifetime)
        body: dict[str, Any] = {"token_type": "Bearer"}
        if refresh_token is not None:
            body["scope"] = f"{ADS_SCOPE} offline_access"
        body.update(
            {"expires_in": lifetime, "ext_expires_in": lifetime, "access_token": self._credentials.issue(principal)}
        )
        if refresh_token is not None:
            body["refresh_token"] = refresh_token
        return json_response(200, body, {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"})
