"""Parse and validate every input once into a typed, frozen Config.

Errors name the input and say what to do; secrets are kept out of repr.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlsplit

from offergate.config.inputs import with_defaults
from offergate.core.durations import parse_duration
from offergate.core.errors import InputError


class Secret:
    """A secret string whose repr and str never show the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class WaitUntil(str, Enum):
    PUBLISHER_SIGNOFF = "publisher-signoff"
    LIVE = "live"


class PollStrategy(str, Enum):
    FIXED = "fixed"
    ADAPTIVE = "adaptive"


class OnPending(str, Enum):
    FAIL = "fail"
    WARN = "warn"
    PASS = "pass"  # noqa: S105 - the verdict "pass", not a password


_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_API_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(-preview)?")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
MIN_POLL_INTERVAL = 1.0


@dataclass(frozen=True)
class AzureCredentials:
    """Which credential the offer gate uses; exactly one `kind`."""

    kind: str  # "access-token", "client-secret" or "github-oidc"
    authority_url: str
    tenant_id: str = ""
    client_id: str = ""
    access_token: Secret | None = None
    client_secret: Secret | None = None
    oidc_request_url: str = ""
    oidc_request_token: Secret | None = None


@dataclass(frozen=True)
class OfferSettings:
    publisher_id: str
    offer_ids: tuple[str, ...]
    wait_until: WaitUntil
    marketplace_url: str
    api_version: str
    credentials: AzureCredentials


class ContentFormat(str, Enum):
    JSON = "json"
    XML = "xml"


@dataclass(frozen=True)
class AdsCredentials:
    """How the catalog gate gets its `AuthenticationToken`."""

    kind: str  # "access-token" or "refresh-token"
    authority_url: str
    access_token: Secret | None = None
    client_id: str = ""
    client_secret: Secret | None = None
    refresh_token: Secret | None = None


@dataclass(frozen=True)
class CatalogSettings:
    merchant_id: str
    catalog_ids: tuple[str, ...] | None  # None: every catalog of the store (`catalog-id: all`)
    content_api_url: str
    content_format: ContentFormat
    developer_token: Secret
    credentials: AdsCredentials
    customer_id: str
    customer_account_id: str
    max_rejections: int
    ignore_warnings: bool
    expected_offers: int | None
    report_dir: str
    max_table_rows: int


@dataclass(frozen=True)
class Config:
    offers: OfferSettings | None
    catalogs: CatalogSettings | None
    timeout: float
    poll_interval: float
    on_pending: OnPending
    write_summary: bool
    notices: tuple[str, ...] = field(default=())
    poll_strategy: PollStrategy = PollStrategy.FIXED


def parse_bool(name: str, value: str) -> bool:
    """Booleans as GitHub's own toolkit reads them (YAML 1.2 core schema)."""
    text = value.strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(name, f"'{text}' is not a boolean: use true or false")


def parse_list(value: str) -> tuple[str, ...]:
    """Items separated by commas or new lines; blanks dropped, duplicates removed, order kept."""
    items: list[str] = []
    for line in value.replace(",", "\n").splitlines():
        item = line.strip()
        if item and item not in items:
            items.append(item)
    return tuple(items)


def parse_seconds(name: str, value: str, *, minimum: float = 0.0) -> float:
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise InputError(name, str(exc)) from None
    if seconds < minimum:
        raise InputError(name, f"must be at least {minimum:g}s, got '{value.strip()}'")
    return seconds


def parse_choice(name: str, value: str, choices: type[Enum]) -> Enum:
    text = value.strip().lower()
    for choice in choices:
        if choice.value == text:
            return choice
    allowed = ", ".join(str(c.value) for c in choices)
    raise InputError(name, f"'{value.strip()}' is not one of: {allowed}")


def parse_identifier(name: str, value: str) -> str:
    text = value.strip()
    if not _ID.fullmatch(text):
        raise InputError(
            name,
            f"'{text}' is not a valid id: use letters, digits, '.', '_' and '-' (at most 128)",
        )
    return text


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_base_url(name: str, value: str) -> str:
    """An https URL (http only for localhost, where the sandbox runs); no query or credentials."""
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(name, f"'{text}' is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InputError(
            name,
            f"'{text}' uses plain http, which would send credentials unencrypted: use https "
            "(http is accepted only for localhost, where the sandbox runs)",
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InputError(name, "must not carry credentials, a query or a fragment")
    return text.rstrip("/")


def parse_config(given: Mapping[str, str], env: Mapping[str, str]) -> Config:
    """Build the Config from inputs (missing ones take their defaults) and the environment."""
    raw = with_defaults(given)
    timeout = parse_seconds("timeout", raw["timeout"])
    poll_interval = parse_seconds("poll-interval", raw["poll-interval"], minimum=MIN_POLL_INTERVAL)
    poll_strategy = parse_choice("poll-strategy", raw["poll-strategy"], PollStrategy)
    on_pending = parse_choice("on-pending", raw["on-pending"], OnPending)
    write_summary = parse_bool("summary", raw["summary"])
    notices: list[str] = []
    offers = _offer_settings(raw, env, notices)
    catalogs = _catalog_settings(raw, notices)
    if offers is None and catalogs is None:
        raise InputError(
            None,
            "nothing to gate: give publisher-id and offer-id (the offer gate), or merchant-id, "
            "catalog-id and developer-token (the catalog gate), or both",
        )
    assert isinstance(on_pending, OnPending)
    assert isinstance(poll_strategy, PollStrategy)
    return Config(
        offers=offers,
        catalogs=catalogs,
        timeout=timeout,
        poll_interval=poll_interval,
        on_pending=on_pending,
        write_summary=write_summary,
        notices=tuple(notices),
        poll_strategy=poll_strategy,
    )


def _offer_settings(raw: Mapping[str, str], env: Mapping[str, str], notices: list[str]) -> OfferSettings | None:
    publisher = raw["publisher-id"].strip()
    offer_list = parse_list(raw["offer-id"])
    if not publisher and not offer_list:
        return None
    if not publisher:
        raise InputError("publisher-id", "is required with offer-id: give the publisher namespace, e.g. contoso")
    if not offer_list:
        raise InputError("offer-id", "is required with publisher-id: give one or more offer ids")
    wait_until = parse_choice("wait-until", raw["wait-until"], WaitUntil)
    assert isinstance(wait_until, WaitUntil)
    api_version = raw["marketplace-api-version"].strip()
    if not _API_VERSION.fullmatch(api_version):
        raise InputError("marketplace-api-version", f"'{api_version}' is not an API version such as 2017-10-31")
    return OfferSettings(
        publisher_id=parse_identifier("publisher-id", publisher),
        offer_ids=tuple(parse_identifier("offer-id", o) for o in offer_list),
        wait_until=wait_until,
        marketplace_url=parse_base_url("marketplace-url", raw["marketplace-url"]),
        api_version=api_version,
        credentials=_azure_credentials(raw, env, notices),
    )


def _azure_credentials(raw: Mapping[str, str], env: Mapping[str, str], notices: list[str]) -> AzureCredentials:
    token = raw["azure-access-token"].strip()
    tenant = raw["azure-tenant-id"].strip()
    client = raw["azure-client-id"].strip()
    secret = raw["azure-client-secret"].strip()
    authority = parse_base_url("authority-url", raw["authority-url"])
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
            return AzureCredentials(
                kind="client-secret",
                authority_url=authority,
                tenant_id=parse_identifier("azure-tenant-id", tenant),
                client_id=parse_identifier("azure-client-id", client),
                client_secret=Secret(secret),
            )
        request_url = env.get("ACTIONS_ID_TOKEN_REQUEST_URL", "").strip()
        request_token = env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "").strip()
        if request_url and request_token:
            return AzureCredentials(
                kind="github-oidc",
                authority_url=authority,
                tenant_id=parse_identifier("azure-tenant-id", tenant),
                client_id=parse_identifier("azure-client-id", client),
                oidc_request_url=request_url,
                oidc_request_token=Secret(request_token),
            )
        raise InputError(
            "azure-client-secret",
            "no usable credential for the app: give azure-client-secret, or use a federated "
            "credential by granting the job `permissions: id-token: write` (GitHub then provides "
            "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN)",
        )
    if token:
        return AzureCredentials(kind="access-token", authority_url=authority, access_token=Secret(token))
    raise InputError(
        "azure-access-token",
        "no credentials for the Cloud Partner Portal API: give azure-tenant-id and azure-client-id "
        "(with azure-client-secret, or with `permissions: id-token: write` for a federated "
        "credential), or azure-access-token",
    )


def parse_count(name: str, value: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    text = value.strip()
    if not (text.isascii() and text.isdigit()):
        raise InputError(name, f"'{text}' is not a whole number")
    number = int(text)
    if number < minimum or (maximum is not None and number > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise InputError(name, f"must be at least {minimum}{upper}, got {number}")
    return number


def parse_report_dir(value: str) -> str:
    """A folder inside the workspace, given relative to it (so upload-artifact can use it as is)."""
    text = value.strip().replace("\\", "/")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if not parts or text.startswith("/") or ".." in parts:
        raise InputError("report-dir", f"'{value.strip()}' must be a folder inside the workspace, given relative to it")
    return "/".join(parts)


def _catalog_settings(raw: Mapping[str, str], notices: list[str]) -> CatalogSettings | None:
    merchant = raw["merchant-id"].strip()
    catalog_list = parse_list(raw["catalog-id"])
    developer_token = raw["developer-token"].strip()
    if not merchant and not catalog_list:
        return None
    if not merchant:
        raise InputError("merchant-id", "is required with catalog-id: give the Merchant Center store id")
    if not catalog_list:
        raise InputError("catalog-id", "is required with merchant-id: give one or more catalog ids, or all")
    if not developer_token:
        raise InputError(
            "developer-token", "is required for the catalog gate: give your Microsoft Advertising developer token"
        )
    if any(c.lower() == "all" for c in catalog_list):
        if len(catalog_list) > 1:
            raise InputError("catalog-id", "'all' cannot be combined with catalog ids")
        catalog_ids: tuple[str, ...] | None = None
    else:
        catalog_ids = tuple(parse_identifier("catalog-id", c) for c in catalog_list)
    customer = raw["customer-id"].strip()
    account = raw["customer-account-id"].strip()
    if bool(customer) != bool(account):
        missing = "customer-account-id" if customer else "customer-id"
        raise InputError(missing, "customer-id and customer-account-id go together: give both or neither")
    content_format = parse_choice("content-format", raw["content-format"], ContentFormat)
    assert isinstance(content_format, ContentFormat)
    expected = raw["expected-offers"].strip()
    url = parse_base_url("content-api-url", raw["content-api-url"])
    return CatalogSettings(
        merchant_id=parse_identifier("merchant-id", merchant),
        catalog_ids=catalog_ids,
        content_api_url=url + "/",
        content_format=content_format,
        developer_token=Secret(developer_token),
        credentials=_ads_credentials(raw, notices),
        customer_id=parse_identifier("customer-id", customer) if customer else "",
        customer_account_id=parse_identifier("customer-account-id", account) if account else "",
        max_rejections=parse_count("max-rejections", raw["max-rejections"]),
        ignore_warnings=parse_bool("ignore-warnings", raw["ignore-warnings"]),
        expected_offers=parse_count("expected-offers", expected, minimum=1) if expected else None,
        report_dir=parse_report_dir(raw["report-dir"]),
        max_table_rows=parse_count("max-table-rows", raw["max-table-rows"], maximum=1000),
    )


def _ads_credentials(raw: Mapping[str, str], notices: list[str]) -> AdsCredentials:
    token = raw["ads-access-token"].strip()
    client = raw["ads-client-id"].strip()
    secret = raw["ads-client-secret"].strip()
    refresh = raw["ads-refresh-token"].strip()
    authority = parse_base_url("authority-url", raw["authority-url"])
    if refresh:
        if not client:
            raise InputError("ads-client-id", "is required with ads-refresh-token: give the app's (client) id")
        if token:
            notices.append(
                "both ads-access-token and ads-refresh-token were given: the refresh token is used, "
                "because the tokens it mints can be renewed"
            )
        return AdsCredentials(
            kind="refresh-token",
            authority_url=authority,
            client_id=parse_identifier("ads-client-id", client),
            client_secret=Secret(secret) if secret else None,
            refresh_token=Secret(refresh),
        )
    if token:
        return AdsCredentials(kind="access-token", authority_url=authority, access_token=Secret(token))
    raise InputError(
        "ads-refresh-token",
        "no credentials for the Content API: give ads-client-id with ads-refresh-token "
        "(and ads-client-secret for a confidential app), or ads-access-token",
    )
