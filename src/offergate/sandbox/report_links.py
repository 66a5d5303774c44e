"""Rejection report URLs: signed, expiring links to MerchantCatalogReport.zip, and their downloads.

Each status call with rejections issues a fresh URL
`{sandbox}/reports/{id}/MerchantCatalogReport.zip?token={token}`: like a storage SAS URL it
needs no credentials, only its own `token`. It serves the report as it was when issued
(override bytes or files set later are served as they are at download time).

Answers, in the style of a storage service (XML error bodies, application/xml):
  200  the ZIP, Content-Type application/x-zip-compressed
  404  BlobNotFound: no report has this id
  403  AuthenticationFailed: the token is missing or wrong (checked before expiry, as a
       signature is)
  400  ReportUrlExpired: the URL is older than the lifetime (sandbox clock, not scaled) or
       was expired by expire_all(); get the catalog status again for a fresh URL
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from offergate.sandbox.catalogs import Catalog, CatalogStatus
from offergate.sandbox.report_files import ZIP_CONTENT_TYPE, ZIP_NAME, build_report_zip, not_a_zip
from offergate.sandbox.wire import RecordedRequest, Response

PATH = r"/reports/(?P<report>[^/]+)/MerchantCatalogReport\.zip"
DEFAULT_LIFETIME = 3600.0


@dataclass
class ReportLink:
    id: str
    token: str
    catalog: Catalog
    status: CatalogStatus
    expires_at: float
    expired: bool = False


def storage_error(status: int, code: str, message: str) -> Response:
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><Error><Code>{escape(code)}</Code>'
        f"<Message>{escape(message)}\nRequestId:{uuid.uuid4()}</Message></Error>"
    ).encode()
    return Response(status, body, "application/xml", {"x-ms-request-id": str(uuid.uuid4())})


class ReportLinks:
    """The issued report URLs (thread-safe) and the handler that serves them."""

    def __init__(self, clock: Callable[[], float], base_url: Callable[[], str]) -> None:
        self._clock = clock
        self._base_url = base_url
        self._links: dict[str, ReportLink] = {}
        self._issued: list[str] = []
        self._lock = threading.Lock()
        self.lifetime = DEFAULT_LIFETIME

    def issue(self, catalog: Catalog, status: CatalogStatus) -> str:
        link = ReportLink(
            secrets.token_hex(16), secrets.token_urlsafe(24), catalog, status, self._clock() + self.lifetime
        )
        url = f"{self._base_url()}/reports/{link.id}/{ZIP_NAME}?token={link.token}"
        with self._lock:
            self._links[link.id] = link
            self._issued.append(url)
        return url

    def expire_all(self) -> None:
        with self._lock:
            for link in self._links.values():
                link.expired = True

    @property
    def issued(self) -> list[str]:
        with self._lock:
            return list(self._issued)

    def handle(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        with self._lock:
            link = self._links.get(params["report"])
        if link is None:
            return storage_error(404, "BlobNotFound", "The specified blob does not exist.")
        if not secrets.compare_digest(request.query.get("token", "").encode(), link.token.encode()):
            return storage_error(
                403,
                "AuthenticationFailed",
                "Server failed to authenticate the request. Make sure the value of the token "
                "query parameter is formed correctly.",
            )
        if link.expired or self._clock() >= link.expires_at:
            return storage_error(
                400, "ReportUrlExpired", "The report URL has expired. Get the catalog status again for a new URL."
            )
        return self._report(link)

    @staticmethod
    def _report(link: ReportLink) -> Response:
        catalog = link.catalog
        headers = {"x-ms-request-id": str(uuid.uuid4()), "Content-Disposition": f'attachment; filename="{ZIP_NAME}"'}
        if catalog.report_file is not None:
            return Response(200, b"", ZIP_CONTENT_TYPE, headers, file=catalog.report_file)
        if catalog.report_bytes is not None:
            return Response(200, catalog.report_bytes, ZIP_CONTENT_TYPE, headers)
        data = build_report_zip(
            link.status.rows,
            catalog_name=catalog.name,
            catalog_id=catalog.id,
            store_id=catalog.merchant_id,
            upload_time=catalog.uploaded,
        )
        if catalog.scenario.unreadable:
            data = not_a_zip(data)
        return Response(200, data, ZIP_CONTENT_TYPE, headers)
