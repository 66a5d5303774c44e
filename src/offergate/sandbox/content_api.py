"""The Microsoft Merchant Center Content API v9.1 (Bing Shopping): catalog list and catalog status.

Served under the real base path, so a client's base URL is `{sandbox}/shopping/v9.1/bmc/`:

  GET /shopping/v9.1/bmc/{merchantId}/catalogs
      JSON {"catalogs": [{"id", "name", "market", "isDefault", "isPublishingEnabled"}, ...]}
      XML  <catalogs><catalog><id/><name/><market/><isDefault/><isPublishingEnabled/></catalog>...</catalogs>
           (booleans as true/false)
  GET /shopping/v9.1/bmc/{merchantId}/catalogs/{catalogId}/status
      JSON {"catalogId", "publishedCount", "rejectedCount", "rejectionReportUrl"}
      XML  <catalogStatus><catalog_id/><published_count/><rejected_count/><rejection_report_url/></catalogStatus>
      The report URL is present only when rejectedCount > 0; each call issues a fresh one.
      The XML element's name is a knob (`ContentApi.xml_report_url_element`), for testing a
      client's leniency towards the name the reference page uses.

Ids that are canonical decimal numbers (as real store and catalog ids are) go out as JSON
numbers, others as strings. `alt=json` (the default) or `alt=xml` picks the format.

Every answer carries a WebRequestActivityId header. Checks, in order: alt (400), CustomerId
and CustomerAccountId sent together (400), AuthenticationToken - the raw access token, not
"Bearer ..." - (401), DeveloperToken present (401), the store (404), DeveloperToken is the
store's (401), the token may access the store (401), a store managed for a customer gets
that customer's CustomerId and CustomerAccountId (401; other stores ignore the two headers),
the catalog (404), its status exists yet (404). Errors:
  JSON {"error": {"errors": [{"reason", "message", "domain"}], "code": 401, "message"}}
  XML  <errors xmlns="http://schemas.google.com/g/2005"><error><reason/><internalReason/></error>
       <code>401</code></errors>, content type application/xml
"""

from __future__ import annotations

import re
import threading
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from offergate.sandbox.catalogs import Catalog, CatalogBook, Store
from offergate.sandbox.report_links import ReportLinks
from offergate.sandbox.routing import Router
from offergate.sandbox.tokens import ADVERTISING, Credentials, Unauthorized
from offergate.sandbox.wire import RecordedRequest, Response, json_response

BASE_PATH = "/shopping/v9.1/bmc/"
CATALOGS = r"/shopping/v9\.1/bmc/(?P<merchant>[^/]+)/catalogs"
STATUS = CATALOGS + r"/(?P<catalog>[^/]+)/status"
ERRORS_NAMESPACE = "http://schemas.google.com/g/2005"
XML_CONTENT_TYPE = "application/xml; charset=utf-8"
REPORT_URL_ELEMENT = "rejection_report_url"
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_REASONS = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound", 500: "InternalServerError"}


class Refusal(Exception):
    """A check failed: answer this error instead."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _xml(root: ET.Element) -> bytes:
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _child(parent: ET.Element, name: str, text: object) -> None:
    ET.SubElement(parent, name).text = str(text)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def wire_id(value: str) -> int | str:
    """A canonical decimal id as a number (ulong on the wire), anything else as given."""
    return int(value) if value.isdigit() and str(int(value)) == value else value


def content_error(status: int, message: str, xml: bool = False, reason: str | None = None) -> Response:
    """The Content API's error answer, JSON or XML (usable as a canned body for `inject`)."""
    why = reason or _REASONS.get(status, "Error")
    headers = {"WebRequestActivityId": str(uuid.uuid4())}
    if xml:
        root = ET.Element("errors", xmlns=ERRORS_NAMESPACE)
        error = ET.SubElement(root, "error")
        _child(error, "reason", why)
        _child(error, "internalReason", message)
        _child(root, "code", status)
        return Response(status, _xml(root), "application/xml", headers)
    payload = {
        "error": {
            "errors": [{"reason": why, "message": message, "domain": "global"}],
            "code": status,
            "message": message,
        }
    }
    return json_response(status, payload, headers)


class StaticAdsTokens:
    """AuthenticationToken values accepted without the token endpoint; `merchants` None: every store."""

    def __init__(self) -> None:
        self._tokens: dict[str, frozenset[str] | None] = {}
        self._revoked: set[str] = set()
        self._lock = threading.Lock()

    def accept(self, token: str, merchants: Iterable[str] | None) -> None:
        with self._lock:
            self._tokens[token] = None if merchants is None else frozenset(merchants)
            self._revoked.discard(token)

    def expire_all(self) -> None:
        with self._lock:
            self._revoked.update(self._tokens)

    def lookup(self, token: str) -> tuple[bool, frozenset[str] | None]:
        """(known and valid, the stores it may access); raises Unauthorized when revoked."""
        with self._lock:
            if token not in self._tokens:
                return False, None
            if token in self._revoked:
                raise Unauthorized("The access token has expired.")
            return True, self._tokens[token]


class ContentApi:
    """The handlers over the catalog book, the credentials and the report links."""

    def __init__(
        self, book: CatalogBook, credentials: Credentials, links: ReportLinks, static_tokens: StaticAdsTokens
    ) -> None:
        self._book = book
        self._credentials = credentials
        self._links = links
        self._static = static_tokens
        self._element = REPORT_URL_ELEMENT

    @property
    def xml_report_url_element(self) -> str:
        return self._element

    @xml_report_url_element.setter
    def xml_report_url_element(self, name: str) -> None:
        if not _XML_NAME.fullmatch(name) or name.lower().startswith("xml"):
            raise ValueError(f"not an XML element name: {name!r}")
        self._element = name

    def register(self, router: Router) -> None:
        router.add("GET", CATALOGS, self.list_catalogs)
        router.add("GET", STATUS, self.status)

    # ---------------------------------------------------------------- handlers

    def list_catalogs(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        xml = request.query.get("alt") == "xml"
        try:
            store = self._store(request, params)
        except Refusal as refusal:
            return content_error(refusal.status, refusal.message, xml)
        catalogs = self._book.catalogs(store.merchant_id)
        if xml:
            root = ET.Element("catalogs")
            for catalog in catalogs:
                element = ET.SubElement(root, "catalog")
                for name, value in self._catalog_entry(catalog).items():
                    _child(element, name, _flag(value) if isinstance(value, bool) else value)
            return self._xml_answer(root)
        return self._json_answer({"catalogs": [self._catalog_entry(c) for c in catalogs]})

    def status(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        xml = request.query.get("alt") == "xml"
        try:
            catalog = self._catalog(request, params)
            status = self._book.status(catalog)
            if status is None:
                raise Refusal(404, f"Catalog '{catalog.id}' has no status yet: its offers are still in review.")
        except Refusal as refusal:
            return content_error(refusal.status, refusal.message, xml)
        url = self._links.issue(catalog, status) if status.rejected > 0 else None
        if xml:
            root = ET.Element("catalogStatus")
            _child(root, "catalog_id", catalog.id)
            _child(root, "published_count", status.published)
            _child(root, "rejected_count", status.rejected)
            if url is not None:
                _child(root, self._element, url)
            return self._xml_answer(root)
        body: dict[str, Any] = {
            "catalogId": wire_id(catalog.id),
            "publishedCount": status.published,
            "rejectedCount": status.rejected,
        }
        if url is not None:
            body["rejectionReportUrl"] = url
        return self._json_answer(body)

    @staticmethod
    def _catalog_entry(catalog: Catalog) -> dict[str, Any]:
        return {
            "id": wire_id(catalog.id),
            "name": catalog.name,
            "market": catalog.market,
            "isDefault": catalog.is_default,
            "isPublishingEnabled": catalog.is_publishing_enabled,
        }

    @staticmethod
    def _xml_answer(root: ET.Element) -> Response:
        return Response(200, _xml(root), XML_CONTENT_TYPE, {"WebRequestActivityId": str(uuid.uuid4())})

    @staticmethod
    def _json_answer(payload: dict[str, Any]) -> Response:
        return json_response(200, payload, {"WebRequestActivityId": str(uuid.uuid4())})

    # ---------------------------------------------------------------- checks

    def _store(self, request: RecordedRequest, params: dict[str, str]) -> Store:
        alt = request.query.get("alt", "json")
        if alt not in ("json", "xml"):
            raise Refusal(400, f"Invalid value '{alt}' for query parameter 'alt': use json or xml.")
        headers = request.headers
        customer_id = headers.get("CustomerId", "").strip()
        account_id = headers.get("CustomerAccountId", "").strip()
        if bool(customer_id) != bool(account_id):
            raise Refusal(400, "The CustomerId and CustomerAccountId headers must be set together.")
        merchants = self._authenticate(headers.get("AuthenticationToken", "").strip())
        developer_token = headers.get("DeveloperToken", "").strip()
        if not developer_token:
            raise Refusal(401, "The request has no DeveloperToken header.")
        merchant_id = params["merchant"]
        store = self._book.find_store(merchant_id)
        if store is None:
            raise Refusal(404, f"Store '{merchant_id}' was not found.")
        if developer_token != store.developer_token:
            raise Refusal(401, "The developer token is invalid.")
        if merchants is not None and merchant_id not in merchants:
            raise Refusal(401, f"The user is not authorized to access store '{merchant_id}'.")
        if store.customer is not None and (customer_id, account_id) != store.customer:
            raise Refusal(
                401,
                f"The user is not authorized to access store '{merchant_id}': it is managed for a customer; set "
                "the CustomerId and CustomerAccountId headers to the customer's ids.",
            )
        return store

    def _catalog(self, request: RecordedRequest, params: dict[str, str]) -> Catalog:
        store = self._store(request, params)
        catalog = self._book.find(store.merchant_id, params["catalog"])
        if catalog is None:
            raise Refusal(404, f"Catalog '{params['catalog']}' was not found in store '{store.merchant_id}'.")
        return catalog

    def _authenticate(self, token: str) -> frozenset[str] | None:
        """The stores the token may access (None: every one); Refusal 401 for a bad token."""
        if not token:
            raise Refusal(401, "The request has no AuthenticationToken header.")
        if token.lower().startswith("bearer "):
            raise Refusal(401, "The AuthenticationToken header must hold the access token itself, without 'Bearer'.")
        try:
            known, merchants = self._static.lookup(token)
            if known:
                return merchants
            self._credentials.authenticate(token, ADVERTISING)
        except Unauthorized as refused:
            raise Refusal(401, f"Invalid AuthenticationToken: {refused}") from None
        return None
