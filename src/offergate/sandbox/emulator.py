"""The Sandbox: the emulated APIs on one loopback server, and the knobs tests turn."""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Self

from offergate.sandbox import entra, oidc, report_links
from offergate.sandbox.catalogs import DEFAULT_DEVELOPER_TOKEN, CatalogBook
from offergate.sandbox.content_api import BASE_PATH, ContentApi, StaticAdsTokens
from offergate.sandbox.faults import Fault, Faults
from offergate.sandbox.offers import VM_OFFER, OfferBook
from offergate.sandbox.partner_api import PartnerApi
from offergate.sandbox.product_ingestion import BASE_PATH as INGESTION_PATH
from offergate.sandbox.product_ingestion import IngestionBook, ProductIngestionApi
from offergate.sandbox.report_files import ReportRow
from offergate.sandbox.report_links import ReportLinks
from offergate.sandbox.routing import Handler, Router
from offergate.sandbox.server import RESET, LoopbackServer, Reset
from offergate.sandbox.tokens import CLOUD_PARTNER, GRAPH, Credentials
from offergate.sandbox.wire import RecordedRequest, Response, api_error


class Sandbox:
    """An in-process emulator of the Cloud Partner Portal API, the Product Ingestion API, the
    Merchant Center Content API (catalog status), Entra's token endpoint and GitHub's OIDC token
    endpoint, over real HTTP on 127.0.0.1.

    `clock` gives monotonic seconds; scenario time = (clock() - offer or catalog added) * time_scale.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        time_scale: float = 1.0,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if not (math.isfinite(time_scale) and time_scale > 0):
            raise ValueError("time_scale must be a positive number")
        self._clock = clock
        self._host = host
        self._port = port
        self._book = OfferBook(clock, time_scale)
        self._credentials = Credentials(clock)
        self._oidc = oidc.GitHubOidc(clock)
        self._catalogs = CatalogBook(clock, time_scale)
        self._ingestion = IngestionBook(clock, time_scale)
        self._report_links = ReportLinks(clock, lambda: self.url)
        self._ads_tokens = StaticAdsTokens()
        self._content_api = ContentApi(self._catalogs, self._credentials, self._report_links, self._ads_tokens)
        self._faults = Faults()
        self._requests: list[RecordedRequest] = []
        self._errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: LoopbackServer | None = None
        self.router = Router()
        PartnerApi(self._book, self._credentials).register(self.router)
        ProductIngestionApi(self._ingestion, self._credentials).register(self.router)
        self._content_api.register(self.router)
        self.router.add("GET", report_links.PATH, self._report_links.handle)
        self.router.add("POST", entra.PATH, entra.TokenEndpoint(self._credentials, self._oidc).handle)
        self.router.add("GET", oidc.PATH, self._oidc.handle)

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> Sandbox:
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        self._stopping.clear()
        self._server = LoopbackServer(self._handle, self._clock, self._host, self._port)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            self._stopping.set()  # ends stalls at once
            server.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running: use `with Sandbox() as sb` or sb.start()")
        return self._server.url

    @property
    def time_scale(self) -> float:
        return self._book.time_scale

    # ---------------------------------------------------------------- offers

    def add_publisher(self, publisher: str) -> None:
        """A publisher account (apps added without `publishers` may access every one)."""
        self._book.add_publisher(publisher)

    def add_offer(
        self,
        publisher: str,
        offer_id: str,
        scenario: str = "signoff",
        offer_type: str = VM_OFFER,
        display_text: str | None = None,
    ) -> None:
        """An offer following `scenario` from now on (adds the publisher if needed; replaces a same-id offer)."""
        text = offer_id if display_text is None else display_text
        self._book.add_offer(publisher, offer_id, scenario, offer_type, text)

    def scenario_time(self, publisher: str, offer_id: str) -> float:
        """Scenario seconds the offer is into its timeline."""
        offer = self._book.find(publisher, offer_id)
        if offer is None:
            raise KeyError(f"{publisher}/{offer_id}")
        return self._book.scenario_time(offer)

    # ---------------------------------------------------------------- Product Ingestion API

    @property
    def product_ingestion_url(self) -> str:
        """The Product Ingestion API base URL to give a client: {url}/rp/product-ingestion."""
        return f"{self.url}{INGESTION_PATH}"

    def add_product(
        self,
        external_id: str,
        scenario: str = "preview",
        *,
        account: str = "contoso",
        alias: str | None = None,
        page_size: int = 3,
    ) -> str:
        """A product of Partner Center account `account` (apps see the accounts of their `publishers`)
        whose submissions follow product `scenario` from now on; returns its guid. Submission lists
        come `page_size` entries a page."""
        return self._ingestion.add_product(external_id, scenario, account, alias or external_id, page_size)

    def add_job(self, scenario: str = "succeeded", job_id: str | None = None) -> str:
        """A configure job following job `scenario` from now on; returns its id (a new GUID by default)."""
        return self._ingestion.add_job(job_id or str(uuid.uuid4()), scenario)

    # ---------------------------------------------------------------- Merchant Center catalogs

    @property
    def content_api_url(self) -> str:
        """The Content API base URL to give a client: {url}/shopping/v9.1/bmc/."""
        return f"{self.url}{BASE_PATH}"

    def add_store(
        self,
        merchant_id: str,
        *,
        developer_token: str = DEFAULT_DEVELOPER_TOKEN,
        customer: tuple[str, str] | None = None,
    ) -> None:
        """A Merchant Center store; `customer` (CustomerId, CustomerAccountId) when managed for a customer.

        Calls must send the store's DeveloperToken and, for a managed store, both customer headers.
        Adding a known store again changes its credentials and keeps its catalogs.
        """
        self._catalogs.add_store(merchant_id, developer_token, customer)

    def add_catalog(
        self,
        merchant_id: str,
        catalog_id: str,
        *,
        scenario: str = "clean",
        name: str | None = None,
        market: str = "en-US",
        is_default: bool = False,
        report_rows: list[ReportRow] | None = None,
    ) -> None:
        """A catalog following catalog `scenario` from now on (see CATALOG_SCENARIOS).

        Adds the store with the default developer token if it is unknown; replaces a same-id
        catalog. `report_rows` replace the scenario's report: rejectedCount then follows the
        scenario's curve scaled to end at len(report_rows) (all of them from the first status
        for a scenario without rejections).
        """
        self._catalogs.add_catalog(merchant_id, catalog_id, scenario, name, market, is_default, report_rows)

    def catalog_time(self, merchant_id: str, catalog_id: str) -> float:
        """Scenario seconds the catalog is into its timeline."""
        return self._catalogs.scenario_time(self._catalogs.get(merchant_id, catalog_id))

    def set_report_bytes(self, merchant_id: str, catalog_id: str, data: bytes, *, rejected: int | None = None) -> None:
        """Report URLs of this catalog serve `data` from now on; rejectedCount becomes `rejected` if given."""
        catalog = self._catalogs.get(merchant_id, catalog_id)
        self._catalogs.override_report(catalog, bytes(data), None, rejected)

    def set_report_file(
        self, merchant_id: str, catalog_id: str, path: str | Path, *, rejected: int | None = None
    ) -> None:
        """Report URLs of this catalog stream the file at `path` (read at each download; for huge reports)."""
        catalog = self._catalogs.get(merchant_id, catalog_id)
        self._catalogs.override_report(catalog, None, Path(path), rejected)

    def accept_ads_access_token(self, token: str, merchants: Iterable[str] | None = None) -> None:
        """An AuthenticationToken acquired elsewhere, for the stores `merchants` (None: every store).

        It never expires unless expire_tokens(include_static=True).
        """
        self._ads_tokens.accept(token, merchants)

    def expire_report_urls(self) -> None:
        """Every report URL issued so far now answers 400; the next status call issues a fresh one."""
        self._report_links.expire_all()

    @property
    def report_url_lifetime(self) -> float:
        """Seconds (on the clock, not scaled) a report URL works; default 3600."""
        return self._report_links.lifetime

    @report_url_lifetime.setter
    def report_url_lifetime(self, seconds: float) -> None:
        self._report_links.lifetime = float(seconds)

    @property
    def report_urls_issued(self) -> list[str]:
        return self._report_links.issued

    @property
    def xml_report_url_element(self) -> str:
        """The report URL's element name in alt=xml status answers (default rejection_report_url)."""
        return self._content_api.xml_report_url_element

    @xml_report_url_element.setter
    def xml_report_url_element(self, name: str) -> None:
        self._content_api.xml_report_url_element = name

    # ---------------------------------------------------------------- credentials

    def add_app(
        self,
        tenant: str,
        client_id: str,
        client_secret: str | None = None,
        *,
        federated: bool = False,
        publishers: Iterable[str] | None = None,
    ) -> None:
        """A service principal; `publishers` None means every publisher."""
        if client_secret is None and not federated:
            raise ValueError("an app needs a client_secret or federated=True")
        self._credentials.add_app(tenant, client_id, client_secret, federated, publishers)

    def add_ads_user(self, client_id: str, refresh_token: str, client_secret: str | None = None) -> None:
        """A Microsoft Advertising user's consent: `refresh_token` works for app `client_id` on any tenant."""
        self._credentials.add_ads_user(client_id, refresh_token, client_secret)

    def accept_static_token(self, token: str, publishers: Iterable[str] | None = None, *, graph: bool = False) -> None:
        """A bearer token acquired elsewhere, for the Cloud Partner Portal API (or Microsoft Graph, the
        Product Ingestion API, with `graph`); it never expires unless expire_tokens(include_static=True)."""
        self._credentials.accept_static_token(token, publishers, GRAPH if graph else CLOUD_PARTNER)

    def expire_tokens(self, include_static: bool = False) -> None:
        """Every access token issued so far now gets 401 (static ones too with include_static)."""
        self._credentials.expire_tokens(include_static)
        if include_static:
            self._ads_tokens.expire_all()

    @property
    def token_lifetime(self) -> float:
        """Seconds (on the clock, not scaled) an issued token lives; the answer's expires_in."""
        return self._credentials.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, seconds: float) -> None:
        self._credentials.token_lifetime = float(seconds)

    @property
    def tokens_issued(self) -> list[str]:
        return self._credentials.issued

    @property
    def oidc_request_token(self) -> str:
        return self._oidc.request_token

    @property
    def oidc_request_url(self) -> str:
        return f"{self.url}{oidc.PATH}?api-version=2.0"

    # ---------------------------------------------------------------- faults and recording

    def inject(
        self,
        method: str | None = None,
        path: str = "",
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = None,
        content_type: str | None = None,
        times: int | None = 1,
        *,
        kind: str = "status",
        seconds: float = 0.0,
    ) -> Fault:
        """The next `times` requests matching `method` (None: any) and `path` (regex, searched) get a fault.

        kind: "status" (a canned answer, default 503), "html" (200 HTML page), "not-json"
        (200 broken JSON), "reset" (connection reset, no answer), "stall" (wait `seconds`
        real seconds, then the real answer, or the canned one when `status` is given).
        Delivery faults, on the real answer (or the canned one when `status` is given):
        "drip" (one body byte every `seconds` real seconds, default 0.05), "short-body"
        (Content-Length larger than the body, then the connection closes), "long-body"
        (Content-Length smaller than the body), "reset-mid-body" (half the body, then a reset),
        "gzip" (`Content-Encoding: gzip`; the body compressed, or a canned `body` sent as given).
        "echo": a canned answer (default 200) whose `{bearer-token}` becomes the request's token.
        `times` None: every matching request.
        """
        return self._faults.add(
            kind=kind,
            method=method,
            path=path,
            status=status,
            headers=headers,
            body=body,
            content_type=content_type,
            times=times,
            seconds=seconds,
        )

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised while handling requests (sandbox bugs; answered with 500)."""
        with self._lock:
            return list(self._errors)

    def add_route(self, method: str, pattern: str, handler: Handler) -> None:
        """Another emulated endpoint: `pattern` must fully match the path; named groups are params."""
        self.router.add(method, pattern, handler)

    def _handle(self, request: RecordedRequest) -> Response | Reset:
        with self._lock:
            self._requests.append(request)
        fault = self._faults.take(request.method, request.path)
        if fault is None:
            return self._dispatch(request)
        if fault.kind == "reset":
            return RESET
        if fault.kind == "stall":
            self._stopping.wait(fault.seconds)
        if fault.kind == "echo":
            return fault.echo(request.headers.get("Authorization") or request.headers.get("AuthenticationToken") or "")
        answer = fault.response() or self._dispatch(request)
        return fault.shape(answer) if isinstance(answer, Response) else answer

    def _dispatch(self, request: RecordedRequest) -> Response | Reset:
        try:
            return self.router.dispatch(request)
        except Exception as error:  # noqa: BLE001 - a bug in a handler is recorded for the test and answered with 500
            with self._lock:
                self._errors.append(error)
            return api_error(500, "InternalServerError", f"sandbox error: {type(error).__name__}: {error}")
