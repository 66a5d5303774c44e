"""The offer watcher on the Product Ingestion API: one offer's submissions (and the configure job)."""

from __future__ import annotations

from dataclasses import dataclass

from offergate.core.errors import ApiError
from offergate.core.schedule import StepPhase
from offergate.core.verdict import Verdict
from offergate.offers.product_ingestion.client import IngestionClient, JobMonitor
from offergate.offers.product_ingestion.model import IngestionStatus, Product
from offergate.offers.product_ingestion.rules import Criteria, chosen_submission, ingestion_verdict


@dataclass
class IngestionWatcher:
    """Watches one offer, known by its product; the job monitor is shared by the step's offers."""

    client: IngestionClient
    offer_id: str
    product: Product
    criteria: Criteria
    job: JobMonitor | None = None

    @property
    def key(self) -> str:
        return self.offer_id

    def observe(self) -> IngestionStatus:
        """The job first (it decides while it runs), then the submissions. A 404 is not retried:
        the product was found when the wait began, so it was deleted or access changed."""
        job = self.job.current() if self.job is not None else None
        try:
            submissions = self.client.submissions(self.product)
        except ApiError as error:
            if error.status != 404:
                raise
            raise error.reworded(
                hint=(
                    f"product {self.product.guid} (offer '{self.offer_id}') was found when the wait began: it may "
                    "have been deleted, or the app's access to the Partner Center account changed"
                )
            ) from None
        return IngestionStatus(self.offer_id, self.product, submissions, job)

    def judge(self, observation: IngestionStatus) -> Verdict:
        return ingestion_verdict(observation, self.criteria)

    def phase(self, observation: IngestionStatus) -> StepPhase | None:  # noqa: ARG002 - the protocol's signature
        return None  # the API gives no time estimates: every poll is `poll-interval` apart

    def state_line(self, observation: IngestionStatus) -> str:
        parts = []
        job = observation.job
        if job is not None:
            parts.append(f"job {job.status}" + (f"/{job.result}" if job.result else ""))
        chosen = chosen_submission(observation, self.criteria)
        if chosen is None:
            submissions = observation.submissions
            if any(not s.is_draft for s in submissions):
                parts.append("no submission that counts")
            else:
                parts.append("only a draft" if submissions else "no submission")
        else:
            parts.append(f"submission {chosen.number} {chosen.target} {chosen.state()}")
        return "; ".join(parts)
