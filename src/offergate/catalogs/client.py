"""Content API client (catalog list and status) and the catalog watcher built on it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

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
from offergate.catalogs.report.download import ReportUrlExpired, download_report
from offergate.catalogs.report.files import CatalogReportFiles
from offergate.catalogs.report.folder import ReportFolderError
from offergate.catalogs.report.reader import ReportError
from offergate.catalogs.rules import CatalogObservation, CatalogRules, catalog_verdict
from offergate.catalogs.settings import CatalogSettings, ContentFormat
from offergate.core.clock import Clock, Deadline
from offergate.core.errors import ApiError
from offergate.core.verdict import Verdict
from offergate.core.wording import plural
from offergate.transport import http
from offergate.transport.addresses import is_loopback
from offergate.transport.authorized import authorized_get, json_document
from offergate.transport.tokens import TokenProvider

HINTS = {
    400: "the request was refused: check merchant-id and catalog-id",
    401: (
        "the credentials were refused: check developer-token and that the access token (or the "
        "refresh token's app) is for https://ads.microsoft.com/msads.manage"
    ),
    404: "unknown store or catalog, or no review status yet: check merchant-id and catalog-id",
}
REPORT_INTERVAL = 3600.0
MAX_LISTED = 20
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
        response = self._get(self._base, http.MAX_BODY)
        if self._xml:
            return parse_catalogs_xml(response.content, response.status_code, _content_type(response))
        return parse_catalogs_json(json_document(response, SERVICE), response.status_code)

    def status(self, catalog_id: str) -> CatalogStatus:
        response = self._get(f"{self._base}/{quote(catalog_id, safe='')}/status", STATUS_MAX_BODY)
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

    Checking first tells a mistyped id (an error listing the store's catalogs) from a catalog
    that has no review status yet (the status call answers 404 for both).
    """
    known = {c.id.lower(): c.id for c in client.list_catalogs()}
    if settings.catalog_ids is None:
        if not known:
            raise ApiError(SERVICE, f"store {settings.merchant_id} has no catalogs", hint="check merchant-id")
        return list(known.values())
    missing = [c for c in settings.catalog_ids if c.lower() not in known]
    if missing:
        listed = sorted(known.values())
        have = ", ".join(listed[:MAX_LISTED]) + (
            f" and {len(listed) - MAX_LISTED} more" if len(listed) > MAX_LISTED else ""
        )
        raise ApiError(
            SERVICE,
            f"store {settings.merchant_id} has no catalog {', '.join(repr(m) for m in missing)}",
            status=404,
            hint=f"the catalogs of this store: {have or 'none'}. Check catalog-id",
        )
    return [known[c.lower()] for c in settings.catalog_ids]


def report_secrets(url: str) -> list[str]:
    """The report URL and its query values (the `token=`), to mask before anything is printed."""
    return [url, *(value for _, value in parse_qsl(urlsplit(url).query) if len(value) >= 4)]


@dataclass
class CatalogWatcher:
    """Watches one catalog's review status and reads its rejection report when rejections appear."""

    client: CatalogClient
    download_session: requests.Session
    settings: CatalogSettings
    catalog_id: str
    clock: Clock
    deadline: Deadline
    report_dir: Path
    on_secret: Callable[[str], None]
    _report: tuple[int, float, CatalogObservation] | None = field(default=None, init=False)
    _had_status: bool = field(default=False, init=False)
    _folder_ready: bool = field(default=False, init=False)

    @property
    def key(self) -> str:
        return f"{self.settings.merchant_id}/{self.catalog_id}"

    @property
    def rules(self) -> CatalogRules:
        return CatalogRules(self.settings.max_rejections, self.settings.ignore_warnings, self.settings.expected_offers)

    def observe(self) -> CatalogObservation:
        """The catalog's status and, when it has rejections, its report.

        A 404 before any status is "no review status yet" (pending). A 404 after a status was
        seen is not retried: the catalog was deleted (or the store changed), so it is an error.
        """
        if not self._folder_ready:  # the report folder holds this run's files only, from the start
            self._folder_ready = True
            with suppress(ReportFolderError):  # met again, and told, when a report is saved
                self._report_files().start()
        try:
            status = self.client.status(self.catalog_id)
        except ApiError as error:
            if error.status != 404:
                raise
            if self._had_status:
                raise error.reworded(
                    hint=(
                        f"catalog '{self.catalog_id}' had a review status earlier in this wait and now has none: "
                        "it may have been deleted; check catalog-id and merchant-id"
                    )
                ) from None
            return CatalogObservation(CatalogStatus(self.catalog_id, 0, 0, None), no_status_yet=True)
        self._had_status = True
        if status.rejected == 0 or not status.report_url:
            return CatalogObservation(status)
        cached = self._report
        now = self.clock.monotonic()
        if cached and cached[0] == status.rejected and now - cached[1] < REPORT_INTERVAL:
            return CatalogObservation(status, cached[2].digest, cached[2].report_problem)
        observation = self._read_report(status)
        self._report = (status.rejected, now, observation)
        return observation

    def _read_report(self, status: CatalogStatus) -> CatalogObservation:
        try:
            files = self._report_files()
            try:
                try:
                    self._download(status, files)
                except ReportUrlExpired:
                    status = self.client.status(self.catalog_id)
                    if not status.report_url:
                        return CatalogObservation(status, None, "the report URL expired and no fresh one was given")
                    self._download(status, files)
            except ApiError as error:
                return CatalogObservation(status, None, f"the report could not be downloaded: {error.describe()}")
            digest = files.read(max_items=self.settings.max_table_rows, ignore_warnings=self.settings.ignore_warnings)
        except ReportError as error:
            return CatalogObservation(status, None, f"the report could not be read: {error}")
        except ReportFolderError as error:
            return CatalogObservation(status, None, f"the report files could not be written: {error}")
        return CatalogObservation(status, digest)

    def _report_files(self) -> CatalogReportFiles:
        return CatalogReportFiles(
            self.report_dir,
            self.settings.report_dir,
            self.catalog_id,
            copies=self.settings.report_copies,
            run=self.settings,
        )

    def _download(self, status: CatalogStatus, files: CatalogReportFiles) -> None:
        assert status.report_url
        for secret in report_secrets(status.report_url):
            self.on_secret(secret)
        local_api = is_loopback(urlsplit(self.settings.content_api_url).hostname or "")
        with files.download_target() as target:
            download_report(
                self.download_session, status.report_url, target, deadline=self.deadline, local_api=local_api
            )

    def judge(self, observation: Any) -> Verdict:
        assert isinstance(observation, CatalogObservation)
        return catalog_verdict(observation, self.rules)

    def state_line(self, observation: Any) -> str:
        assert isinstance(observation, CatalogObservation)
        if observation.no_status_yet:
            return "catalog has no review status yet (404)"
        status = observation.status
        line = f"catalog {status.published} published, {status.rejected} rejected"
        if observation.digest is not None:
            digest = observation.digest
            line += f" ({plural(digest.errors, 'error')}, {plural(digest.warnings, 'warning')} in the report)"
        if observation.report_problem:
            line += "; report unreadable"
        return line
