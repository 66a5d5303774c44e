"""Which credential a backend authenticates with: one tagged class per way of getting a token.

`kind` is the tag (the same word the messages use); a `match` on the class narrows the type, so
no field is optional. `azure_token_provider` and `ads_token_provider` turn a credential into the
token provider that `authorized_get` uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import requests

from offergate.core.clock import Clock
from offergate.core.secret import Secret
from offergate.transport.tokens import (
    ClientSecretCredential,
    GitHubOidcCredential,
    RefreshTokenCredential,
    StaticBearer,
    TokenProvider,
)


@dataclass(frozen=True)
class AzureAccessToken:
    """A Microsoft Entra token given as `azure-access-token` (not refreshable)."""

    authority_url: str
    access_token: Secret
    kind: Literal["access-token"] = field(default="access-token", init=False)


@dataclass(frozen=True)
class AzureClientSecret:
    """An Entra app with a client secret (`azure-tenant-id`, `azure-client-id`, `azure-client-secret`)."""

    authority_url: str
    tenant_id: str
    client_id: str
    client_secret: Secret
    kind: Literal["client-secret"] = field(default="client-secret", init=False)


@dataclass(frozen=True)
class AzureGitHubOidc:
    """An Entra app with a federated credential: GitHub's OIDC token is exchanged for an Entra token."""

    authority_url: str
    tenant_id: str
    client_id: str
    request_url: str
    request_token: Secret
    kind: Literal["github-oidc"] = field(default="github-oidc", init=False)


AzureCredentials = AzureAccessToken | AzureClientSecret | AzureGitHubOidc


@dataclass(frozen=True)
class AdsAccessToken:
    """A Microsoft Advertising token given as `ads-access-token` (not refreshable)."""

    authority_url: str
    access_token: Secret
    kind: Literal["access-token"] = field(default="access-token", init=False)


@dataclass(frozen=True)
class AdsRefreshToken:
    """An app's refresh token (`ads-client-id`, `ads-refresh-token`, optionally `ads-client-secret`)."""

    authority_url: str
    client_id: str
    refresh_token: Secret
    client_secret: Secret | None = None
    kind: Literal["refresh-token"] = field(default="refresh-token", init=False)


AdsCredentials = AdsAccessToken | AdsRefreshToken


def azure_token_provider(
    creds: AzureCredentials,
    *,
    scope: str,
    session: Callable[[], requests.Session],
    clock: Clock,
    on_token: Callable[[str], None],
) -> TokenProvider:
    """The provider for an Entra credential and scope; `session` makes the token endpoint's session."""
    match creds:
        case AzureAccessToken():
            return StaticBearer(creds.access_token.reveal(), "azure-access-token")
        case AzureClientSecret():
            return ClientSecretCredential(
                session=session(),
                clock=clock,
                authority_url=creds.authority_url,
                tenant_id=creds.tenant_id,
                client_id=creds.client_id,
                client_secret=creds.client_secret.reveal(),
                scope=scope,
                on_token=on_token,
            )
        case AzureGitHubOidc():
            return GitHubOidcCredential(
                session=session(),
                clock=clock,
                authority_url=creds.authority_url,
                tenant_id=creds.tenant_id,
                client_id=creds.client_id,
                scope=scope,
                request_url=creds.request_url,
                request_token=creds.request_token.reveal(),
                on_token=on_token,
            )


def ads_token_provider(
    creds: AdsCredentials,
    *,
    scope: str,
    session: Callable[[], requests.Session],
    clock: Clock,
    on_token: Callable[[str], None],
) -> TokenProvider:
    """The provider of the Content API's `AuthenticationToken` header."""
    match creds:
        case AdsAccessToken():
            return StaticBearer(
                creds.access_token.reveal(), "ads-access-token", header_name="AuthenticationToken", bearer_prefix=False
            )
        case AdsRefreshToken():
            return RefreshTokenCredential(
                session=session(),
                clock=clock,
                authority_url=creds.authority_url,
                client_id=creds.client_id,
                client_secret=creds.client_secret.reveal() if creds.client_secret else None,
                refresh_token=creds.refresh_token.reveal(),
                scope=scope,
                on_token=on_token,
            )
