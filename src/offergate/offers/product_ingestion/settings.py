"""What the offer gate on the Product Ingestion API was asked to watch (built by `offergate.config`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from offergate.offers.settings import WaitUntil
from offergate.transport.credentials import AzureCredentials

DEFAULT_URL = "https://graph.microsoft.com/rp/product-ingestion"
JOB_POLL_MINIMUM = 60.0  # Microsoft asks for at most one poll a minute on a configure job


@dataclass(frozen=True)
class ProductIngestionSettings:
    """`submission_id` pins one submission (its number, as in `submission/<product>/<number>`);
    `submitted_after` (aware, UTC) keeps only the submissions created after it."""

    offer_ids: tuple[str, ...]
    wait_until: WaitUntil
    url: str
    credentials: AzureCredentials
    job_id: str | None = None
    submission_id: str | None = None
    submitted_after: datetime | None = None
