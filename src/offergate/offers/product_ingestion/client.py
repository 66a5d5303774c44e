"""The Product Ingestion API calls: a product by external id, its submissions, a configure job's status.

Lists are followed through `@nextLink` (a relative link is resolved against the base URL, `$version`
is kept, and a link that leads away from the base URL is refused, since the token goes with it),
at most MAX_PAGES pages. The configure job is asked at most once a minute, however many offers
and however short the poll interval: Microsoft asks for no more.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import requests

from offergate.core.clock import Clock, Deadline
from offergate.core.errors import ApiError
from offergate.core.wording import norm
from offergate.offers.product_ingestion.model import (
    COMPLETED,
    SERVICE,
    Job,
    Product,
    Submission,
    bad_answer,
    clip,
    find_product,
    page,
    parse_job,
    parse_submissions,
)
from offergate.offers.product_ingestion.settings import JOB_POLL_MINIMUM, ProductIngestionSettings
from offergate.transport.authorized import authorized_get, json_document
from offergate.transport.tokens import TokenProvider

PRODUCT_VERSION = "2022-03-01-preview3"
SUBMISSION_VERSION = "2022-03-01-preview2"
JOB_VERSION = "2022-03-01-preview2"
MAX_PAGES = 20
MAX_LINK = 2000

HINTS = {
    401: (
        "the token was refused: check the credentials and that the token is for Microsoft Graph "
        "(scope https://graph.microsoft.com/.default)"
    ),
    403: (
        "the app may not read this account's products: associate the Microsoft Entra app with the Partner "
        "Center account (Account settings, User management, Microsoft Entra applications)"
    ),
    404: "check product-ingestion-url, offer-id and job-id",
}


class IngestionClient:
    """GET calls to the Product Ingestion API, with one token refresh on a 401."""

    def __init__(
        self,
        session: requests.Session,
        auth: TokenProvider,
        settings: ProductIngestionSettings,
        deadline: Deadline,
    ) -> None:
        self._session = session
        self._auth = auth
        self._base = settings.url
        self._deadline = deadline

    def product(self, offer_id: str) -> Product:
        """The product whose external id is `offer_id`; an unknown one is an error (exit 4)."""
        items = self._list(f"{self._base}/product", {"externalId": offer_id}, PRODUCT_VERSION)
        product = find_product(items, offer_id)
        if product is None:
            raise ApiError(
                SERVICE,
                f"no product has the external id (offer id) '{offer_id}'",
                hint=(
                    "check offer-id (the offer id you chose in Partner Center) and that the Microsoft Entra app "
                    "is associated with the Partner Center account that owns the offer"
                ),
            )
        return product

    def submissions(self, product: Product) -> tuple[Submission, ...]:
        url = f"{self._base}/submission/{quote(product.guid, safe='')}"
        return parse_submissions(self._list(url, {}, SUBMISSION_VERSION), product.guid)

    def job(self, job_id: str) -> Job:
        response = self._get(f"{self._base}/configure/{quote(job_id, safe='')}/status", {"$version": JOB_VERSION})
        return parse_job(json_document(response, SERVICE), job_id)

    def _list(self, url: str, params: dict[str, str], version: str) -> list[Any]:
        query = {**params, "$version": version}
        items: list[Any] = []
        for _ in range(MAX_PAGES):
            found, link = page(json_document(self._get(url, query), SERVICE))
            items.extend(found)
            if link is None:
                return items
            url, query = next_page(self._base, link, version)
        raise bad_answer(f"the list goes on for more than {MAX_PAGES} pages")

    def _get(self, url: str, params: dict[str, str]) -> requests.Response:
        """GET with the query written as Microsoft documents it: `$version`, not `%24version`."""
        return authorized_get(
            self._session,
            self._auth,
            f"{url}?{urlencode(params, safe='$', quote_via=quote)}",
            service=SERVICE,
            deadline=self._deadline,
            params={},
            headers=self._auth.headers,
            hints=HINTS,
        )


def next_page(base_url: str, link: str, version: str) -> tuple[str, dict[str, str]]:
    """The URL and query of `@nextLink`, which must stay under `base_url`; `$version` is kept."""
    if len(link) > MAX_LINK or clip(link, MAX_LINK) != link or " " in link:
        raise bad_answer("'@nextLink' is not a plain URL")
    parts = urlsplit(urljoin(base_url + "/", link))
    base = urlsplit(base_url)
    under = parts.path == base.path or parts.path.startswith(base.path.rstrip("/") + "/")
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not under or parts.fragment:
        raise bad_answer(f"'@nextLink' leads away from product-ingestion-url: {clip(link, 80)!r}")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if not any(key.lower() == "$version" for key in query):
        query["$version"] = version
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), query


class JobMonitor:
    """The configure job's status, shared by every offer of a step: asked at most once a minute,
    and never again once the job has completed. An error is given again until the minute is over."""

    def __init__(self, client: IngestionClient, job_id: str, clock: Clock) -> None:
        self._client = client
        self.job_id = job_id
        self._clock = clock
        self._last: Job | ApiError | None = None
        self._asked = 0.0

    def current(self) -> Job:
        last = self._last
        fresh = last is not None and self._clock.monotonic() - self._asked < JOB_POLL_MINIMUM
        if isinstance(last, Job) and (fresh or norm(last.status) == COMPLETED):
            return last
        if isinstance(last, ApiError) and fresh:
            raise last
        self._asked = self._clock.monotonic()
        try:
            job = self._client.job(self.job_id)
        except ApiError as error:
            self._last = error
            raise
        self._last = job
        return job
