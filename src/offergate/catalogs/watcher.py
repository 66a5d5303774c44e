"""The catalog watcher: one catalog's review status, and its rejection report when there are rejections."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests

from offergate.catalogs.client import CatalogClient
from offergate.catalogs.model import CatalogStatus
from offergate.catalogs.report.download import ReportUrlExpired, download_report
from offergate.catalogs.report.files import CatalogReportFiles
from offergate.catalogs.report.folder import ReportFolderError
from offergate.catalogs.report.reader import ReportError
from offergate.catalogs.rules import CatalogObservation, CatalogRules, catalog_verdict, what_the_api_said
from offergate.catalogs.settings import CatalogSettings
from offergate.core.clock import Clock, Deadline
from offergate.core.errors import ApiError
from offergate.core.schedule import StepPhase
from offergate.core.verdict import Verdict
from offergate.core.wording import plural
from offergate.transport.addresses import is_loopback

REPORT_INTERVAL = 3600.0

#: Query parameters of a report URL whose values are masked: the signatures and tokens of signed
#: links (the Content API's `token`, storage SAS `sig`, S3 `X-Amz-Signature` / `-Credential` /
#: `-Security-Token`, GCS `X-Goog-Signature` / `-Credential`, CloudFront `Signature` / `Policy` /
#: `Key-Pair-Id`, and the usual `key`, `code`, `access_token`, `password`, `secret`). Compared
#: without case. Nothing else of the URL is masked on its own: the API chooses the other values,
#: and a mask on `failed` or `| --- |` would hide the gate's own verdict and Markdown.
SIGNATURE_PARAMETERS = frozenset(
    {
        "token",
        "access_token",
        "sig",
        "signature",
        "sas",
        "key",
        "api_key",
        "apikey",
        "code",
        "password",
        "secret",
        "policy",
        "key-pair-id",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "x-goog-signature",
        "x-goog-credential",
    }
)
#: A signature value shorter than this, or with spaces in it, is no signature but API text: not masked.
MIN_SIGNATURE = 16

_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>()]*")


def report_secrets(url: str) -> list[str]:
    """What to mask for a report URL before anything is printed: the URL as a whole, when it is a
    web URL, and the values of its `SIGNATURE_PARAMETERS` that look like signatures (16 characters
    or more, no spaces). The API chooses the URL, so nothing else of it becomes a mask."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return []
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return []
    signatures = [
        value
        for name, value in query
        if name.lower() in SIGNATURE_PARAMETERS and len(value) >= MIN_SIGNATURE and not any(c.isspace() for c in value)
    ]
    return [url, *signatures]


def host_of(url: str) -> str:
    """`https://host[:port]`: how a report URL (or a redirect's) is ever printed; never its path or query."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "(a URL)"
    if not host:
        return "(a URL)"
    shown = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{shown}" + (f":{port}" if port is not None else "")


def hosts_only(text: str) -> str:
    """`text` with every URL in it cut to its host: a report URL's path may hold a token too."""
    return _URL.sub(lambda match: host_of(match.group()), text)


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
            said = what_the_api_said(error.code, error.api_message, error.activity_id)
            return CatalogObservation(CatalogStatus(self.catalog_id, 0, 0, None), no_status_yet=True, api_said=said)
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
                problem = f"the report could not be downloaded: {hosts_only(error.describe())}"
                return CatalogObservation(status, None, problem)
            digest = files.read(max_items=self.settings.max_table_rows, ignore_warnings=self.settings.ignore_warnings)
        except ReportError as error:
            return CatalogObservation(status, None, f"the report could not be read: {hosts_only(str(error))}")
        except ReportFolderError as error:
            return CatalogObservation(status, None, f"the report files could not be written: {error}")
        return CatalogObservation(status, digest)

    def _report_files(self) -> CatalogReportFiles:
        return CatalogReportFiles(
            self.report_dir,
            self.settings.report_dir,
            self.catalog_id,
            copies=self.settings.report_copies,
        )

    def _download(self, status: CatalogStatus, files: CatalogReportFiles) -> None:
        url = status.report_url or ""
        for secret in report_secrets(url):
            self.on_secret(secret)
        local_api = is_loopback(urlsplit(self.settings.content_api_url).hostname or "")
        with files.download_target() as target:
            download_report(self.download_session, url, target, deadline=self.deadline, local_api=local_api)

    def judge(self, observation: CatalogObservation) -> Verdict:
        return catalog_verdict(observation, self.rules)

    def phase(self, observation: CatalogObservation) -> StepPhase | None:  # noqa: ARG002 - the protocol's signature
        return None  # a catalog has no steps: it is checked every poll-interval

    def state_line(self, observation: CatalogObservation) -> str:
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
