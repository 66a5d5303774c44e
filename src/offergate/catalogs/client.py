"""The Content API calls: a store's catalog list and a catalog's review status."""

from __future__ import annotations

from urllib.parse import quote

import requests

from offergate.catalogs.model import (
    SERVICE,
    CatalogInfo,
    CatalogStatus,
    RefusedXml,
    parse_catalogs_json,
    parse_catalogs_xml,
    parse_status_json,
    parse_status_xml,
)
from offergate.catalogs.settings import CatalogSettings, ContentFormat
from offergate.core.clock import Deadline
from offergate.core.errors import ApiError
from offergate.core.wording import listing, unknown_ids_hint
from offergate.transport.authorized import authorized_get, json_document
from offergate.transport.send import MAX_BODY
from offergate.transport.tokens import TokenProvider

HINTS = {
    400: "the request was refused: check merchant-id and catalog-id",
    401: (
        "the credentials were refused: check developer-token and that the access token (or the "
        "refresh token's app) is for https://ads.microsoft.com/msads.manage"
    ),
    404: "unknown store or catalog, or no review status yet: check merchant-id and catalog-id",
}
STATUS_MAX_BODY = 1024 * 1024  # a status answer is a few hundred bytes; anything this big is refused unread


class CatalogClient:
    """GET calls to the Content API with one token refresh on a 401."""

    def __init__(
        self, session: requests.Session, auth: TokenProvider, settings: CatalogSettings, deadline: Deadline
    ) -> None:
        self._session = session
        self._auth = auth
        self._settings = settings
        self._deadline = deadline
        self._base = f"{settings.content_api_url}{quote(settings.merchant_id, safe='')}/catalogs"
        self._xml = settings.content_format is ContentFormat.XML

    def list_catalogs(self) -> list[CatalogInfo]:
        response = self._get(self._base, MAX_BODY)
        if self._xml:
            return parse_catalogs_xml(response.content, response.status_code, _content_type(response))
        return parse_catalogs_json(json_document(response, SERVICE), response.status_code)

    def status(self, catalog_id: str) -> CatalogStatus:
        response = self._get(
            f"{self._base}/{quote(catalog_id, safe='', errors='backslashreplace')}/status", STATUS_MAX_BODY
        )
        if self._xml:
            return parse_status_xml(catalog_id, response.content, response.status_code, _content_type(response))
        return parse_status_json(catalog_id, json_document(response, SERVICE), response.status_code)

    def _headers(self) -> dict[str, str]:
        headers = {"DeveloperToken": self._settings.developer_token.reveal(), **self._auth.headers()}
        if self._settings.customer_id:
            headers["CustomerId"] = self._settings.customer_id
            headers["CustomerAccountId"] = self._settings.customer_account_id
        headers["Accept"] = "application/xml" if self._xml else "application/json"
        return headers

    def _get(self, url: str, max_body: int) -> requests.Response:
        try:
            return authorized_get(
                self._session,
                self._auth,
                url,
                service=SERVICE,
                deadline=self._deadline,
                params={"alt": self._settings.content_format.value},
                headers=self._headers,
                hints=HINTS,
                max_body=max_body,
            )
        except ApiError as error:
            if not (self._xml and error.status is not None and 200 <= error.status < 300):
                raise
            # the only 2xx error before parsing: a body over `max_body`, refused unread
            raise RefusedXml(
                SERVICE, f"the XML answer was refused unread: {error.summary}", status=error.status
            ) from None


def _content_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "")


def resolve_catalogs(client: CatalogClient, settings: CatalogSettings) -> list[str]:
    """The catalog ids to gate, checked against the store's catalog list (all of them for `all`).

    Checking first tells a mistyped id (an error listing the store's catalogs: sorted, escaped,
    at most `MAX_LISTED` and how many more) from a catalog that has no review status yet (the
    status call answers 404 for both).
    """
    catalogs = client.list_catalogs()
    known = {c.id.lower(): c.id for c in catalogs}
    if settings.catalog_ids is None:
        if not known:
            raise ApiError(SERVICE, f"store {settings.merchant_id} has no catalogs", hint="check merchant-id")
        return list(known.values())
    missing = [c for c in settings.catalog_ids if c.lower() not in known]
    if missing:
        raise ApiError(
            SERVICE,
            f"store {settings.merchant_id} has no catalog {listing(missing)}",
            status=404,
            hint=unknown_ids_hint(
                missing,
                list(known.values()),
                {c.name: c.id for c in catalogs},
                what="catalog",
                listed_as="the catalogs of this store",
                input_name="catalog-id",
            ),
        )
    return [known[c.lower()] for c in settings.catalog_ids]
