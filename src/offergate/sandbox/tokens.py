"""Who may call: apps, Microsoft Advertising users, and the access tokens handed out.

Token lifetimes are measured on the sandbox clock, never scaled by the time scale.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

CLOUD_PARTNER = "https://cloudpartner.azure.com"
GRAPH = "https://graph.microsoft.com"  # the Product Ingestion API
ADVERTISING = "https://ads.microsoft.com"
DEFAULT_LIFETIME = 3599.0


def _publisher_set(publishers: Iterable[str] | None) -> frozenset[str] | None:
    return None if publishers is None else frozenset(p.lower() for p in publishers)


@dataclass(frozen=True)
class Principal:
    """The caller behind a token. `publishers` None means every publisher."""

    name: str
    audience: str
    publishers: frozenset[str] | None = None

    def may_access(self, publisher: str) -> bool:
        return self.publishers is None or publisher.lower() in self.publishers


@dataclass(frozen=True)
class App:
    tenant: str
    client_id: str
    client_secret: str | None
    federated: bool
    publishers: frozenset[str] | None

    def principal(self, audience: str = CLOUD_PARTNER) -> Principal:
        return Principal(f"'{self.client_id}' of tenant '{self.tenant}'", audience, self.publishers)


@dataclass
class AdsUser:
    client_id: str
    client_secret: str | None
    refresh_tokens: set[str] = field(default_factory=set)

    def principal(self) -> Principal:
        return Principal(f"user of app '{self.client_id}'", ADVERTISING)


@dataclass
class AccessToken:
    value: str
    principal: Principal
    expires_at: float | None  # None: never (static tokens)
    static: bool = False
    revoked: bool = False


class Unauthorized(Exception):
    """A token that is missing, unknown, expired or for another API. The text says which."""


class Credentials:
    """Thread-safe registry of apps, users and tokens."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._apps: dict[tuple[str, str], App] = {}
        self._ads_users: dict[str, AdsUser] = {}
        self._tokens: dict[str, AccessToken] = {}
        self._issued: list[str] = []
        self.token_lifetime = DEFAULT_LIFETIME

    # ---------------------------------------------------------------- registration

    def add_app(
        self,
        tenant: str,
        client_id: str,
        client_secret: str | None,
        federated: bool,
        publishers: Iterable[str] | None,
    ) -> App:
        app = App(tenant, client_id, client_secret, federated, _publisher_set(publishers))
        with self._lock:
            self._apps[(tenant.lower(), client_id.lower())] = app
        return app

    def add_ads_user(self, client_id: str, refresh_token: str, client_secret: str | None) -> None:
        with self._lock:
            user = self._ads_users.setdefault(client_id.lower(), AdsUser(client_id, client_secret))
            user.client_secret = client_secret
            user.refresh_tokens.add(refresh_token)

    def accept_static_token(self, value: str, publishers: Iterable[str] | None, audience: str = CLOUD_PARTNER) -> None:
        principal = Principal("the static token", audience, _publisher_set(publishers))
        with self._lock:
            self._tokens[value] = AccessToken(value, principal, None, static=True)

    # ---------------------------------------------------------------- lookup

    def has_tenant(self, tenant: str) -> bool:
        with self._lock:
            return any(key[0] == tenant.lower() for key in self._apps)

    def find_app(self, tenant: str, client_id: str) -> App | None:
        with self._lock:
            return self._apps.get((tenant.lower(), client_id.lower()))

    def find_ads_user(self, client_id: str) -> AdsUser | None:
        with self._lock:
            return self._ads_users.get(client_id.lower())

    def redeem_refresh_token(self, user: AdsUser, refresh_token: str) -> str | None:
        """A new refresh token for a valid one (the old one stays valid), else None."""
        with self._lock:
            if refresh_token not in user.refresh_tokens:
                return None
            new = secrets.token_urlsafe(32)
            user.refresh_tokens.add(new)
            return new

    # ---------------------------------------------------------------- access tokens

    def issue(self, principal: Principal) -> str:
        value = secrets.token_urlsafe(48)
        with self._lock:
            self._tokens[value] = AccessToken(value, principal, self._clock() + self.token_lifetime)
            self._issued.append(value)
        return value

    def authenticate(self, value: str | None, audience: str) -> Principal:
        """The principal of a valid token for `audience`; Unauthorized otherwise."""
        if not value:
            raise Unauthorized("The request has no bearer token in its Authorization header.")
        with self._lock:
            token = self._tokens.get(value)
            if token is None:
                raise Unauthorized("The access token is invalid.")
            if token.revoked or (token.expires_at is not None and self._clock() >= token.expires_at):
                raise Unauthorized("The access token has expired.")
            if token.principal.audience != audience:
                raise Unauthorized(f"The access token is not valid for the audience '{audience}'.")
            return token.principal

    def expire_tokens(self, include_static: bool = False) -> None:
        with self._lock:
            for token in self._tokens.values():
                if include_static or not token.static:
                    token.revoked = True

    @property
    def issued(self) -> list[str]:
        with self._lock:
            return list(self._issued)
