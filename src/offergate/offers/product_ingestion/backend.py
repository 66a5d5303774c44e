"""The offer gate on the Product Ingestion API (Microsoft Graph), as a backend of the gate."""

from __future__ import annotations

from collections.abc import Sequence

from offergate.core.backend import Ending, Presentation, verdict_annotations
from offergate.core.clock import Clock
from offergate.core.watch import Watch, WatchState
from offergate.core.wording import plural
from offergate.offers.present import offer_outputs, reached
from offergate.offers.product_ingestion.client import IngestionClient, JobMonitor
from offergate.offers.product_ingestion.model import IngestionStatus
from offergate.offers.product_ingestion.present import offer_section, output_row, unknown_value_warnings
from offergate.offers.product_ingestion.rules import Criteria
from offergate.offers.product_ingestion.settings import ProductIngestionSettings
from offergate.offers.product_ingestion.watcher import IngestionWatcher


class ProductIngestionOffers:
    """One watch per offer, after finding each offer's product by its external id."""

    def __init__(self, client: IngestionClient, settings: ProductIngestionSettings, clock: Clock) -> None:
        self._client = client
        self._settings = settings
        self._clock = clock
        self._criteria = Criteria(settings.wait_until, settings.submission_id, settings.submitted_after)
        self._states: list[WatchState[IngestionStatus]] = []

    @property
    def watched(self) -> str:
        settings = self._settings
        job = f", configure job {settings.job_id}" if settings.job_id else ""
        return (
            f"{plural(len(settings.offer_ids), 'offer')} on the Product Ingestion API{job} "
            f"(until {settings.wait_until.value})"
        )

    @property
    def adaptive(self) -> bool:
        return False  # the API gives no time estimates to adapt to

    def notices(self, timeout: float) -> Sequence[str]:  # noqa: ARG002 - the protocol's signature
        return ()

    def start(self) -> Sequence[Watch]:
        settings = self._settings
        job = JobMonitor(self._client, settings.job_id, self._clock) if settings.job_id else None
        for offer_id in settings.offer_ids:
            product = self._client.product(offer_id)
            watcher = IngestionWatcher(self._client, offer_id, product, self._criteria, job)
            self._states.append(WatchState(watcher))
        return list(self._states)

    def present(self, ending: Ending) -> Presentation:
        criteria = self._criteria
        annotations = [a for state in self._states for a in verdict_annotations(state, "offer", ending)]
        annotations += [a for state in self._states for a in unknown_value_warnings(state, criteria)]
        rows = [output_row(state, criteria) for state in self._states]
        return Presentation(
            passed=reached(len(self._states), self._settings.wait_until),
            settings=self._settings_sentence(),
            sections=tuple(offer_section(state, criteria) for state in self._states),
            outputs=(*offer_outputs(rows), ("submission-id", rows[0]["submission-id"] if rows else "")),
            annotations=tuple(annotations),
        )

    def _settings_sentence(self) -> str:
        settings = self._settings
        said = [f"wait until {settings.wait_until.value}"]
        if settings.job_id:
            said.append(f"configure job {settings.job_id}")
        if settings.submission_id:
            said.append(f"submission {settings.submission_id} only")
        if settings.submitted_after:
            said.append(f"submissions created after {settings.submitted_after:%Y-%m-%dT%H:%M:%SZ}")
        return f"Offer gate on the Product Ingestion API: {', '.join(said)}."
