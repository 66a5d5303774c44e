"""Token providers: the auth headers for one API call, fetching and refreshing tokens as needed.

Every token is handed to `on_token` (the runner masks it) before it is used or anything is
logged. Errors name the credential that failed and what to check, never a secret.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any, ClassVar, Protocol
from urllib.parse import quote

import requests

from offergate.core.clock import Clock
from offergate.core.errors import ApiError
from offergate.transport.answers import error_from_response, json_from_response
from offergate.transport.send import send

ENTRA = "Microsoft Entra ID"
GITHUB_OIDC = "GitHub OIDC token"
REFRESH_MARGIN = 300.0  # refresh this long before expiry
DEFAULT_LIFETIME = 3600.0  # when the answer has no (usable) expires_in
MAX_LIFETIME = 86400.0
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")  # printable ASCII without spaces: safe in a header

ID_TOKEN_HINT = "grant `permissions: id-token: write` to the job (or workflow) so that GitHub issues an OIDC token"  # noqa: S105 - a hint, not a token
REFRESH_HINT = (
    "the refresh token was refused (expired, revoked or for another app): sign in again to get a "
    "new one for ads-refresh-token, and check ads-client-id"
)
FEDERATION_HINT = (
    "add a federated credential for this repository/branch (or environment) in the app "
    "registration: its subject must match the workflow's, e.g. repo:OWNER/REPO:ref:refs/heads/main"
)
AZURE_HINTS = {
    "AADSTS7000215": "check azure-client-secret (give the secret's value, not its id)",
    "AADSTS7000222": "azure-client-secret has expired: create a new secret in the app registration",
    "AADSTS700016": "check azure-client-id and azure-tenant-id: the app is not known in that tenant",
    "AADSTS90002": "check azure-tenant-id: no such tenant",
    "AADSTS900023": "check azure-tenant-id: it is not a valid tenant id or domain",
    "AADSTS500011": "the API is not available in this tenant: check azure-tenant-id",
    "AADSTS70021": FEDERATION_HINT,
    "AADSTS700213": FEDERATION_HINT,
    "AADSTS700211": FEDERATION_HINT,
    "AADSTS700024": "the GitHub OIDC token has expired or is not yet valid: run the job again",
}
ADS_HINTS = {
    "AADSTS70000": REFRESH_HINT,
    "AADSTS70008": REFRESH_HINT,
    "AADSTS700082": REFRESH_HINT,
    "AADSTS50173": REFRESH_HINT,
    "AADSTS7000215": "check ads-client-secret",
    "AADSTS7000222": "ads-client-secret has expired: create a new secret in the app registration",
    "AADSTS7000218": "the app is a confidential client: give ads-client-secret",
    "AADSTS700016": "check ads-client-id: no such app",
    "AADSTS65001": "the user has not consented to the app's access to Microsoft Advertising: sign in again",
}


class TokenProvider(Protocol):
    """The auth headers for API calls; `description` names the credential (no secret)."""

    description: str

    def headers(self) -> dict[str, str]: ...

    def invalidate(self) -> None: ...

    @property
    def can_refresh(self) -> bool: ...


def token_endpoint(authority_url: str, tenant: str) -> str:
    """The Microsoft identity platform v2.0 token endpoint of `tenant`."""
    return f"{authority_url.rstrip('/')}/{quote(tenant, safe='')}/oauth2/v2.0/token"


def _auth_header(header_name: str, bearer_prefix: bool, token: str) -> dict[str, str]:
    return {header_name: f"Bearer {token}" if bearer_prefix else token}


class StaticBearer:
    """A token given as an input: used as is, and refused for good after a 401."""

    def __init__(
        self,
        token: str,
        input_name: str,
        *,
        header_name: str = "Authorization",
        bearer_prefix: bool = True,
    ) -> None:
        self._token = token
        self.input_name = input_name
        self.description = f"the token given in {input_name}"
        self._header_name = header_name
        self._bearer_prefix = bearer_prefix
        self._refused = False

    @property
    def can_refresh(self) -> bool:
        return False

    def headers(self) -> dict[str, str]:
        if self._refused:
            raise ApiError(
                "authentication",
                f"{self.description} was refused (HTTP 401)",
                status=401,
                hint=(
                    f"the token given in {self.input_name} was refused: it may have expired or be for "
                    "another API; acquire a new one (or use a credential that can be refreshed)"
                ),
            )
        return _auth_header(self._header_name, self._bearer_prefix, self._token)

    def invalidate(self) -> None:
        self._refused = True


class _OAuthCredential:
    """Shared part of the OAuth credentials: token cache, expiry, the token endpoint call."""

    description: str = "OAuth credential"
    hints: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        *,
        session: requests.Session,
        clock: Clock,
        endpoint: str,
        on_token: Callable[[str], None],
        header_name: str = "Authorization",
        bearer_prefix: bool = True,
    ) -> None:
        self._session = session
        self._clock = clock
        self._endpoint = endpoint
        self._on_token = on_token
        self._header_name = header_name
        self._bearer_prefix = bearer_prefix
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = threading.Lock()

    @property
    def can_refresh(self) -> bool:
        return True

    def headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None or self._clock.monotonic() >= self._refresh_at:
                self._fetch()
            assert self._token is not None
            return _auth_header(self._header_name, self._bearer_prefix, self._token)

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _form(self) -> dict[str, str]:
        raise NotImplementedError

    def _fetch(self) -> None:
        started = self._clock.monotonic()
        answer = self._post(self._form())
        token = _token_field(answer, "access_token", self.description)
        self._on_token(token)
        self._remember(answer)
        lifetime = _lifetime(answer.get("expires_in"))
        self._token = token
        self._refresh_at = started + lifetime - min(REFRESH_MARGIN, lifetime / 2)

    def _remember(self, answer: dict[str, Any]) -> None:
        """Hook for what else the answer carries (a new refresh token)."""

    def _post(self, form: dict[str, str]) -> dict[str, Any]:
        try:
            response = send(self._session, "POST", self._endpoint, service=ENTRA, data=form)
            if response.status_code >= 400:
                raise error_from_response(response, ENTRA)
            answer = json_from_response(response, ENTRA)
        except ApiError as error:
            hint = self.hints.get(error.code or "") or error.hint
            raise error.reworded(prefix=f"could not get a token with the {self.description}", hint=hint) from None
        if not isinstance(answer, dict):
            raise ApiError(ENTRA, f"the token endpoint's answer for the {self.description} is not a JSON object")
        return answer


def _token_field(answer: dict[str, Any], name: str, description: str, service: str = ENTRA) -> str:
    value = answer.get(name)
    if not isinstance(value, str) or not value:
        raise ApiError(service, f"the answer for the {description} has no {name}")
    if not TOKEN_CHARS.fullmatch(value):
        raise ApiError(service, f"the answer for the {description} has a malformed {name}")
    return value


def _lifetime(expires_in: Any) -> float:
    """Seconds the token lives: `expires_in` as a number or a digit string, else one hour."""
    seconds: float | None = None
    if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
        seconds = float(expires_in)
    elif isinstance(expires_in, str) and re.fullmatch(r"[0-9]{1,9}", expires_in.strip(), re.ASCII):
        seconds = float(expires_in.strip())
    if seconds is None or not 0 < seconds < float("inf"):
        return DEFAULT_LIFETIME
    return min(seconds, MAX_LIFETIME)


class ClientSecretCredential(_OAuthCredential):
    """Client credentials grant with an app's client secret."""

    hints = AZURE_HINTS

    def __init__(
        self,
        *,
        session: requests.Session,
        clock: Clock,
        authority_url: str,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        scope: str,
        on_token: Callable[[str], None],
    ) -> None:
        super().__init__(
            session=session, clock=clock, endpoint=token_endpoint(authority_url, tenant_id), on_token=on_token
        )
        self.description = f"client secret for app '{client_id}' in tenant '{tenant_id}'"
        self._client_id = client_id
        self._client_secret = client_secret
        self._scope = scope

    def _form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "scope": self._scope,
        }


class GitHubOidcCredential(_OAuthCredential):
    """Client credentials grant with a GitHub OIDC token as the client assertion (federated)."""

    hints = AZURE_HINTS

    def __init__(
        self,
        *,
        session: requests.Session,
        clock: Clock,
        authority_url: str,
        tenant_id: str,
        client_id: str,
        scope: str,
        request_url: str,
        request_token: str,
        on_token: Callable[[str], None],
        audience: str = "api://AzureADTokenExchange",
    ) -> None:
        super().__init__(
            session=session, clock=clock, endpoint=token_endpoint(authority_url, tenant_id), on_token=on_token
        )
        self.description = f"federated credential (GitHub OIDC) for app '{client_id}' in tenant '{tenant_id}'"
        self._client_id = client_id
        self._scope = scope
        separator = "&" if "?" in request_url else "?"
        self._oidc_url = f"{request_url}{separator}audience={quote(audience, safe='')}"
        self._request_token = request_token

    def _form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "scope": self._scope,
            "client_assertion_type": JWT_BEARER,
            "client_assertion": self._github_token(),
        }

    def _github_token(self) -> str:
        """A fresh GitHub OIDC token (they live minutes: one per Entra token request)."""
        try:
            response = send(
                self._session,
                "GET",
                self._oidc_url,
                service=GITHUB_OIDC,
                headers={"Authorization": f"bearer {self._request_token}"},
            )
            if response.status_code >= 400:
                raise error_from_response(response, GITHUB_OIDC, ID_TOKEN_HINT)
            answer = json_from_response(response, GITHUB_OIDC)
            if not isinstance(answer, dict):
                raise ApiError(GITHUB_OIDC, "the answer is not a JSON object", hint=ID_TOKEN_HINT)
            token = _token_field(answer, "value", "ID token request", GITHUB_OIDC)
        except ApiError as error:
            hint = error.hint if error.status is None and error.transient else ID_TOKEN_HINT
            raise error.reworded(prefix="could not get the GitHub OIDC token", hint=hint) from None
        self._on_token(token)
        return token


class RefreshTokenCredential(_OAuthCredential):
    """Refresh token grant (Microsoft Advertising): the answer may rotate the refresh token."""

    hints = ADS_HINTS

    def __init__(
        self,
        *,
        session: requests.Session,
        clock: Clock,
        authority_url: str,
        client_id: str,
        refresh_token: str,
        scope: str,
        on_token: Callable[[str], None],
        client_secret: str | None = None,
        tenant: str = "common",
        header_name: str = "AuthenticationToken",
        bearer_prefix: bool = False,
    ) -> None:
        super().__init__(
            session=session,
            clock=clock,
            endpoint=token_endpoint(authority_url, tenant),
            on_token=on_token,
            header_name=header_name,
            bearer_prefix=bearer_prefix,
        )
        self.description = f"refresh token for app '{client_id}'"
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._scope = scope

    def _form(self) -> dict[str, str]:
        form = {
            "grant_type": "refresh_token",
            "client_id": self._client_id,
            "refresh_token": self._refresh_token,
            "scope": self._scope,
        }
        if self._client_secret:
            form["client_secret"] = self._client_secret
        return form

    def _remember(self, answer: dict[str, Any]) -> None:
        if "refresh_token" in answer:
            new = _token_field(answer, "refresh_token", self.description)
            self._on_token(new)
            self._refresh_token = new
