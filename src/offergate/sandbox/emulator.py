"""The Sandbox: the emulated APIs on one loopback server, and the knobs tests turn."""

from __future__ import annotations

import math
import threading
import time
from types import TracebackType
from typing import Callable, Iterable, Mapping

from offergate.sandbox import entra, oidc
from offergate.sandbox.faults import Fault, Faults
from offergate.sandbox.offers import VM_OFFER, OfferBook
from offergate.sandbox.partner_api import PartnerApi
from offergate.sandbox.routing import Handler, Router
from offergate.sandbox.server import RESET, LoopbackServer, Reset
from offergate.sandbox.tokens import Credentials
from offergate.sandbox.wire import RecordedRequest, Response, api_error


class Sandbox:
    """An in-process emulator of the Cloud Partner Portal API, Entra's token endpoint and
    GitHub's OIDC token endpoint, over real HTTP on 127.0.0.1.

    `clock` gives monotonic seconds; scenario time = (clock() - offer added) * time_scale.
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
        self._faults = Faults()
        self._requests: list[RecordedRequest] = []
        self._errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: LoopbackServer | None = None
        self.router = Router()
        PartnerApi(self._book, self._credentials).register(self.router)
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

    def __enter__(self) -> Sandbox:
        return self.start()

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

    def accept_static_token(self, token: str, publishers: Iterable[str] | None = None) -> None:
        """A bearer token acquired elsewhere; it never expires unless expire_tokens(include_static=True)."""
        self._credentials.accept_static_token(token, publishers)

    def expire_tokens(self, include_static: bool = False) -> None:
        """Every access token issued so far now gets 401."""
        self._credentials.expire_tokens(include_static)

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
        `times` None: every matching request.
        """
        return self._faults.add(kind=kind, method=method, path=path, status=status, headers=headers, body=body,
                                content_type=content_type, times=times, seconds=seconds)

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
        if fault is not None:
            if fault.kind == "reset":
                return RESET
            if fault.kind == "stall":
                self._stopping.wait(fault.seconds)
            canned = fault.response()
            if canned is not None:
                return canned
        try:
            return self.router.dispatch(request)
        except Exception as error:
            with self._lock:
                self._errors.append(error)
            return api_error(500, "InternalServerError", f"sandbox error: {type(error).__name__}: {error}")
