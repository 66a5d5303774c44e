"""The catalog gate on the Content API, as a backend of the gate."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path

import requests

from offergate.catalogs.client import CatalogClient, resolve_catalogs
from offergate.catalogs.present import catalog_section, output_row, rejection_annotations, start_notices
from offergate.catalogs.report.folder import ReportFolder, ReportFolderError
from offergate.catalogs.rules import CatalogObservation
from offergate.catalogs.settings import CatalogSettings
from offergate.catalogs.watcher import CatalogWatcher
from offergate.core.backend import Ending, Presentation, verdict_annotations
from offergate.core.clock import Clock, Deadline
from offergate.core.verdict import Result
from offergate.core.watch import Watch, WatchState
from offergate.core.wording import plural


class ContentApiCatalogs:
    """One watch per catalog (every catalog of the store for `catalog-id: all`)."""

    def __init__(
        self,
        client: CatalogClient,
        settings: CatalogSettings,
        *,
        download_session: requests.Session,
        clock: Clock,
        deadline: Deadline,
        workspace: Path,
        on_secret: Callable[[str], None],
    ) -> None:
        self._client = client
        self._settings = settings
        self._download_session = download_session
        self._clock = clock
        self._deadline = deadline
        self._workspace = workspace
        self._on_secret = on_secret
        self._watched: list[tuple[CatalogWatcher, WatchState[CatalogObservation]]] = []

    @property
    def watched(self) -> str:
        ids = self._settings.catalog_ids
        what = "every catalog" if ids is None else plural(len(ids), "catalog")
        return f"{what} of store {self._settings.merchant_id}"

    @property
    def adaptive(self) -> bool:
        return False

    def notices(self, timeout: float) -> Sequence[str]:
        settings = self._settings
        return start_notices(settings.expected_offers, timeout, settings.max_rejections)

    def start(self) -> Sequence[Watch]:
        settings = self._settings
        for catalog_id in resolve_catalogs(self._client, settings):
            watcher = CatalogWatcher(
                client=self._client,
                download_session=self._download_session,
                settings=settings,
                catalog_id=catalog_id,
                clock=self._clock,
                deadline=self._deadline,
                report_dir=self._workspace / settings.report_dir,
                on_secret=self._on_secret,
            )
            self._watched.append((watcher, WatchState(watcher)))
        # The report folder holds this run's files only, from the start; what stands in its way
        # is met again, and told in the summary, when a report is saved.
        with suppress(ReportFolderError):
            ReportFolder.at(self._workspace / settings.report_dir, settings.report_dir).prepare()
        return [state for _, state in self._watched]

    def present(self, ending: Ending) -> Presentation:
        settings = self._settings
        annotations = []
        for _, state in self._watched:
            # the rejection messages are annotated one by one, not repeated under the verdict
            annotations += verdict_annotations(state, "catalog", ending, details=False)
            annotations += rejection_annotations(
                state.key,
                state.observation,
                failed=state.result is Result.FAILED,
                max_rejections=settings.max_rejections,
            )
        rows = [output_row(state, watcher) for watcher, state in self._watched]
        return Presentation(
            passed=f"{plural(len(rows), 'catalog')} within the rejection threshold",
            settings=(
                f"Catalog gate for store {settings.merchant_id}: max-rejections {settings.max_rejections}"
                + (", counting errors only" if settings.ignore_warnings else "")
                + (f", expecting {settings.expected_offers} offers" if settings.expected_offers else "")
                + "."
            ),
            sections=tuple(
                catalog_section(state, settings.report_dir, settings.max_table_rows) for _, state in self._watched
            ),
            outputs=(
                ("published-count", str(sum(c["published"] or 0 for c in rows))),
                ("rejected-count", str(sum(c["rejected"] or 0 for c in rows))),
                ("catalogs", json.dumps(rows, ensure_ascii=False)),
                ("report-path", settings.report_dir),
            ),
            annotations=tuple(annotations),
        )
