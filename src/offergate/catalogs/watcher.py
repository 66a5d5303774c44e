"""The catalog watcher: one catalog's review status, and its rejection report when there are rejections."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests

from offergate.catalogs.client import CatalogClient
from offergate.catalogs.model import CatalogStatus
from offergate.catalogs.report.download import ReportUrlExpired, download_report
from offergate.catalogs.report.reader import ReportError, read_report
from offergate.catalogs.rules import CatalogObservation, CatalogRules, catalog_verdict, what_the_api_said
from offergate.catalogs.settings import CatalogSettings
from offergate.core.clock import Clock, Deadline
from offergate.core.errors import ApiError
from offergate.core.schedule import StepPhase
from offergate.core.verdict import Verdict
from offergate.core.wording import plural

REPORT_INTERVAL = 3600.0


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
            try:
                path = self._download(status)
            except ReportUrlExpired:
                status = self.client.status(self.catalog_id)
                if not status.report_url:
                    return CatalogObservation(status, None, "the report URL expired and no fresh one was given")
                path = self._download(status)
        except ApiError as error:
            return CatalogObservation(status, None, f"the report could not be downloaded: {error.describe()}")
        try:
            self.report_dir.mkdir(parents=True, exist_ok=True)
            digest = read_report(
                path,
                max_items=self.settings.max_table_rows,
                ignore_warnings=self.settings.ignore_warnings,
                csv_out=self.report_dir / f"{self.catalog_id}.csv",
                json_out=self.report_dir / f"{self.catalog_id}.json",
            )
        except ReportError as error:
            return CatalogObservation(status, None, f"the report could not be read: {error}")
        except OSError as error:
            return CatalogObservation(status, None, f"the report files could not be written: {error.strerror}")
        finally:
            path.unlink(missing_ok=True)
        return CatalogObservation(status, digest)

    def _download(self, status: CatalogStatus) -> Path:
        url = status.report_url or ""
        for secret in report_secrets(url):
            self.on_secret(secret)
        handle, name = tempfile.mkstemp(prefix="offergate-report-", suffix=".zip")
        os.close(handle)
        path = Path(name)
        try:
            download_report(self.download_session, url, path, deadline=self.deadline)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

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
