"""The credential inputs of each API, read into one tagged credential (`offergate.transport.credentials`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from offergate.config.values import parse_base_url, parse_identifier, parse_secret, url_path_segments
from offergate.core.errors import InputError
from offergate.core.secret import Secret
from offergate.transport.credentials import (
    AdsAccessToken,
    AdsCredentials,
    AdsRefreshToken,
    AzureAccessToken,
    AzureClientSecret,
    AzureCredentials,
    AzureGitHubOidc,
)

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TENANT_WORDS = ("common", "organizations", "consumers")


def parse_authority_url(value: str, tenant: str) -> str:
    """authority-url, refused when it already holds the tenant or token path the gate appends to it."""
    url = parse_base_url("authority-url", value)
    segments = url_path_segments(url)
    tenant_like = bool(segments) and (
        segments[-1] in _TENANT_WORDS
        or segments[-1] == tenant.lower()
        or segments[-1].endswith(".onmicrosoft.com")
        or _GUID.fullmatch(segments[-1]) is not None
    )
    if tenant_like or any(s in ("oauth2", "token", "v2.0") for s in segments):
        raise InputError(
            "authority-url",
            "already holds part of the path the gate appends to it ({tenant}/oauth2/v2.0/token): give only "
            "the address of the sign-in service, such as https://login.microsoftonline.com (the tenant goes "
            "in azure-tenant-id)",
        )
    return url


def azure_credentials(raw: Mapping[str, str], env: Mapping[str, str], notices: list[str]) -> AzureCredentials:
    token = parse_secret("azure-access-token", raw["azure-access-token"])
    tenant = raw["azure-tenant-id"].strip()
    client = raw["azure-client-id"].strip()
    secret = parse_secret("azure-client-secret", raw["azure-client-secret"])
    authority = parse_authority_url(raw["authority-url"], tenant)
    if tenant and not client:
        raise InputError("azure-client-id", "is required with azure-tenant-id: give the app's (client) id")
    if client and not tenant:
        raise InputError("azure-tenant-id", "is required with azure-client-id: give the Microsoft Entra tenant id")
    if secret and not client:
        raise InputError("azure-client-id", "azure-client-secret was given without azure-tenant-id and azure-client-id")
    if client:
        if token:
            notices.append(
                "both azure-access-token and an app (azure-tenant-id, azure-client-id) were given: "
                "the app is used, because its tokens can be refreshed"
            )
        if secret:
            return AzureClientSecret(
                authority_url=authority,
                tenant_id=parse_identifier("azure-tenant-id", tenant),
                client_id=parse_identifier("azure-client-id", client),
                client_secret=Secret(secret),
            )
        request_url = env.get("ACTIONS_ID_TOKEN_REQUEST_URL", "").strip()
        request_token = env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "").strip()
        if request_url and request_token:
            return AzureGitHubOidc(
                authority_url=authority,
                tenant_id=parse_identifier("azure-tenant-id", tenant),
                client_id=parse_identifier("azure-client-id", client),
                request_url=request_url,
                request_token=Secret(request_token),
            )
        raise InputError(
            "azure-client-secret",
            "no usable credential for the app: give azure-client-secret, or use a federated "
            "credential by granting the job `permissions: id-token: write` (GitHub then provides "
            "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN)",
        )
    if token:
        return AzureAccessToken(authority_url=authority, access_token=Secret(token))
    raise InputError(
        "azure-access-token",
        "no credentials for the Cloud Partner Portal API: give azure-tenant-id and azure-client-id "
        "(with azure-client-secret, or with `permissions: id-token: write` for a federated "
        "credential), or azure-access-token",
    )


def ads_credentials(raw: Mapping[str, str], notices: list[str]) -> AdsCredentials:
    token = parse_secret("ads-access-token", raw["ads-access-token"])
    client = raw["ads-client-id"].strip()
    secret = parse_secret("ads-client-secret", raw["ads-client-secret"])
    refresh = parse_secret("ads-refresh-token", raw["ads-refresh-token"])
    authority = parse_authority_url(raw["authority-url"], "")
    if refresh:
        if not client:
            raise InputError("ads-client-id", "is required with ads-refresh-token: give the app's (client) id")
        if token:
            notices.append(
                "both ads-access-token and ads-refresh-token were given: the refresh token is used, "
                "because the tokens it mints can be renewed"
            )
        return AdsRefreshToken(
            authority_url=authority,
            client_id=parse_identifier("ads-client-id", client),
            client_secret=Secret(secret) if secret else None,
            refresh_token=Secret(refresh),
        )
    if token:
        return AdsAccessToken(authority_url=authority, access_token=Secret(token))
    raise InputError(
        "ads-refresh-token",
        "no credentials for the Content API: give ads-client-id with ads-refresh-token "
        "(and ads-client-secret for a confidential app), or ads-access-token",
    )
