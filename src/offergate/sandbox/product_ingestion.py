"""The Product Ingestion API (Microsoft Graph): products by external id, their submissions, configure jobs.

Checks in the service's order: a bearer token for Microsoft Graph (401 in Graph's own error
shape, `InvalidAuthenticationToken` with `innerError`), `$version` (400), then the resource
(404). An app sees only the products of the Partner Center accounts it is associated with: for
it, any other product does not exist (`"value": []`). Submission lists come in pages with a
relative `@nextLink` that carries no `$version` (the client must keep it); some scenarios spell
keys and values as Microsoft's other samples do (externalID, jobID, PascalCase values).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from offergate.sandbox.ingestion_scenarios import (
    JobError,
    JobScenario,
    ProductScenario,
    job_scenario,
    phase_at,
    product_scenario,
)
from offergate.sandbox.offers import iso_timestamp
from offergate.sandbox.routing import Router
from offergate.sandbox.tokens import GRAPH, Credentials, Principal, Unauthorized
from offergate.sandbox.wire import RecordedRequest, Response, json_response

BASE_PATH = "/rp/product-ingestion"
PRODUCTS = BASE_PATH + "/product"
SUBMISSIONS = BASE_PATH + r"/submission/(?P<product>[^/]+)"
JOB_STATUS = BASE_PATH + r"/configure/(?P<job>[^/]+)/status"
PRODUCT_VERSION = "2022-03-01-preview3"
SUBMISSION_VERSION = "2022-03-01-preview2"
JOB_VERSION = "2022-03-01-preview2"
SCHEMA = "https://schema.mp.microsoft.com/schema"
NOT_DONE = "0001-01-01T00:00:00"
FIRST_SUBMISSION = 1152921505690000000  # submission numbers look like Partner Center's


@dataclass
class IngestedProduct:
    external_id: str
    account: str
    guid: str
    alias: str
    scenario: ProductScenario
    t0: float
    created: datetime
    page_size: int
    submission_requests: int = 0


@dataclass
class ConfigureJob:
    id: str
    scenario: JobScenario
    t0: float
    created: datetime


def _value(word: str, drift: bool) -> str:
    return word[:1].upper() + word[1:] if drift else word


def _query(request: RecordedRequest, name: str) -> str | None:
    """A query parameter, its name matched case-insensitively (as the service does)."""
    return next((v for k, v in request.query.items() if k.lower() == name.lower()), None)


def ingestion_error(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """The Product Ingestion API's error shape: {"error": {"code", "message", "details"}}."""
    return json_response(status, {"error": {"code": code, "message": message, "details": []}}, headers)


def graph_unauthorized(message: str) -> Response:
    """Microsoft Graph's answer to a missing, expired or wrong-audience token."""
    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    body = {
        "error": {
            "code": "InvalidAuthenticationToken",
            "message": message,
            "innerError": {
                "date": f"{now:%Y-%m-%dT%H:%M:%S}",
                "request-id": request_id,
                "client-request-id": str(uuid.uuid4()),
            },
        }
    }
    challenge = (
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
        'client_id="00000003-0000-0000-c000-000000000000"'
    )
    return json_response(401, body, {"WWW-Authenticate": challenge, "request-id": request_id})


class Refusal(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


class IngestionBook:
    """Thread-safe store of products (by external id and by guid) and configure jobs."""

    def __init__(self, clock: Callable[[], float], time_scale: float) -> None:
        self._clock = clock
        self._time_scale = time_scale
        self._products: dict[str, IngestedProduct] = {}
        self._jobs: dict[str, ConfigureJob] = {}
        self._lock = threading.Lock()

    def add_product(self, external_id: str, scenario: str, account: str, alias: str, page_size: int) -> str:
        product = IngestedProduct(
            external_id=external_id,
            account=account,
            guid=str(uuid.uuid4()),
            alias=alias,
            scenario=product_scenario(scenario),
            t0=self._clock(),
            created=datetime.now(UTC),
            page_size=max(1, page_size),
        )
        with self._lock:
            self._products[external_id.lower()] = product
        return product.guid

    def add_job(self, job_id: str, scenario: str) -> str:
        job = ConfigureJob(job_id, job_scenario(scenario), self._clock(), datetime.now(UTC))
        with self._lock:
            self._jobs[job_id.lower()] = job
        return job_id

    def by_external_id(self, external_id: str) -> IngestedProduct | None:
        with self._lock:
            return self._products.get(external_id.lower())

    def by_guid(self, guid: str) -> IngestedProduct | None:
        with self._lock:
            return next((p for p in self._products.values() if p.guid == guid.lower()), None)

    def job(self, job_id: str) -> ConfigureJob | None:
        with self._lock:
            return self._jobs.get(job_id.lower())

    def count_submission_request(self, product: IngestedProduct) -> int:
        with self._lock:
            product.submission_requests += 1
            return product.submission_requests

    def time_of(self, t0: float) -> float:
        return (self._clock() - t0) * self._time_scale

    # ---------------------------------------------------------------- bodies

    def product_entry(self, product: IngestedProduct) -> dict[str, Any]:
        key = "externalID" if product.scenario.drift else "externalId"
        return {
            "$schema": f"{SCHEMA}/product/{PRODUCT_VERSION}",
            "id": f"product/{product.guid}",
            "identity": {key: product.external_id},
            "type": "azureVirtualMachine",
            "alias": product.alias,
        }

    def submissions(self, product: IngestedProduct) -> list[dict[str, Any]]:
        t = self.time_of(product.t0)
        drift = product.scenario.drift
        entries = []
        for plan in product.scenario.entries:
            if plan.shown_at > t:
                continue
            entry: dict[str, Any] = {
                "$schema": f"{SCHEMA}/submission/{SUBMISSION_VERSION}",
                "id": f"submission/{product.guid}/{FIRST_SUBMISSION + plan.number}",
                "product": f"product/{product.guid}",
                "target": {"targetType": _value(plan.target, drift)},
            }
            state = phase_at(plan.phases, t)
            if state is not None:
                entry["status"], entry["result"] = _value(state[0], drift), _value(state[1], drift)
            if plan.created_at is not None:
                entry["created"] = iso_timestamp(product.created + timedelta(seconds=plan.created_at))
            entries.append(entry)
        return entries

    def job_status(self, job: ConfigureJob) -> dict[str, Any]:
        t = self.time_of(job.t0)
        plan = job.scenario
        status, result = phase_at(plan.phases, t) or ("notStarted", "pending")
        done = status == "completed"
        end = next((since for since, s, _ in plan.phases if s == "completed"), 0.0)
        return {
            "$schema": f"{SCHEMA}/configure-status/{JOB_VERSION}",
            "jobID" if plan.drift else "jobId": job.id,
            "jobStatus": _value(status, plan.drift),
            "jobResult": _value(result, plan.drift),
            "jobStart": iso_timestamp(job.created),
            "jobEnd": iso_timestamp(job.created + timedelta(seconds=end)) if done else NOT_DONE,
            "errors": [_error(e) for e in plan.errors] if done else [],
        }


def _error(error: JobError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.resource_id:
        body["resourceId"] = error.resource_id
    body["details"] = [_error(d) for d in error.details]
    return body


class ProductIngestionApi:
    """The API's handlers over the book and the credentials."""

    def __init__(self, book: IngestionBook, credentials: Credentials) -> None:
        self._book = book
        self._credentials = credentials

    def register(self, router: Router) -> None:
        router.add("GET", PRODUCTS, self.products)
        router.add("GET", SUBMISSIONS, self.submissions)
        router.add("GET", JOB_STATUS, self.job_status)

    def products(self, request: RecordedRequest, params: dict[str, str]) -> Response:  # noqa: ARG002 - Handler
        try:
            principal = self._checked(request, PRODUCT_VERSION)
        except Refusal as refusal:
            return refusal.response
        external = _query(request, "externalId")
        if not external:
            return ingestion_error(400, "invalidRequest", "The query has no externalId.")
        product = self._book.by_external_id(external)
        found = [product] if product is not None and principal.may_access(product.account) else []
        return json_response(200, {"value": [self._book.product_entry(p) for p in found]})

    def submissions(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        try:
            principal = self._checked(request, SUBMISSION_VERSION)
        except Refusal as refusal:
            return refusal.response
        product = self._book.by_guid(params["product"])
        if product is None or not principal.may_access(product.account):
            return ingestion_error(404, "resourceNotFound", f"Product '{params['product']}' was not found.")
        every = product.scenario.throttle_every
        if every and self._book.count_submission_request(product) % every == 0:
            return ingestion_error(429, "tooManyRequests", "Too many requests; retry later.", {"Retry-After": "1.5"})
        entries = self._book.submissions(product)
        skip = _query(request, "$skipToken") or "0"
        offset = int(skip) if skip.isascii() and skip.isdigit() else 0
        body: dict[str, Any] = {"value": entries[offset : offset + product.page_size]}
        if offset + product.page_size < len(entries):
            body["@nextLink"] = f"submission/{product.guid}?$skipToken={offset + product.page_size}"
        return json_response(200, body)

    def job_status(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        try:
            self._checked(request, JOB_VERSION)
        except Refusal as refusal:
            return refusal.response
        job = self._book.job(params["job"])
        if job is None:
            return ingestion_error(404, "resourceNotFound", f"Configure job '{params['job']}' was not found.")
        return json_response(200, self._book.job_status(job))

    def _checked(self, request: RecordedRequest, version: str) -> Principal:
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        try:
            principal = self._credentials.authenticate(token.strip() if scheme.lower() == "bearer" else None, GRAPH)
        except Unauthorized as refused:
            raise Refusal(graph_unauthorized(f"Access token validation failure. {refused}")) from None
        given = _query(request, "$version")
        if given != version:
            said = "no $version" if given is None else f"$version '{given}'"
            raise Refusal(
                ingestion_error(400, "invalidRequest", f"The request has {said}; this resource supports '{version}'.")
            )
        return principal
