"""HTTP transport: sessions with deadline-aware retries, safe redirects, and secret-free errors.

Every call goes through `send`, which turns each requests/urllib3 failure into an `ApiError`
whose text carries no secret (URLs are redacted, exception texts are never copied because
urllib3 puts the full URL with its query in them). Answers are read with a size bound.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from http import HTTPStatus
from itertools import takewhile
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qsl, quote, urlsplit

import requests
import urllib3.exceptions as u3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from offergate.core.clock import SYSTEM_CLOCK, Clock, Deadline
from offergate.core.errors import ApiError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from urllib3.connectionpool import ConnectionPool
    from urllib3.response import BaseHTTPResponse

SAFE_QUERY_KEYS = frozenset({"api-version", "alt"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_CAP = 300.0  # longest Retry-After we sleep at once
RETRY_AFTER_SANE_MAX = 86400  # a Retry-After over a day is treated as garbage
BACKOFF_MAX = 60.0
MAX_REDIRECTS = 10
MAX_BODY = 16 * 1024 * 1024  # what `send` reads into memory at most
ERROR_BODY_LIMIT = 64 * 1024
MAX_JSON_DEPTH = 200
CHUNK = 64 * 1024
# Timeouts, read at call time (tests make them small): per socket read, to connect, and for the
# whole body of one answer (a server sending one byte at a time never trips the per-read timeout).
READ_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0
BODY_TIME_LIMIT = 120.0
ACTIVITY_HEADERS = (
    "WebRequestActivityId",
    "x-ms-request-id",
    "x-ms-correlation-id",
    "request-id",
    "client-request-id",
)
SECRET_HEADER = re.compile(r"auth|token|secret|key|cookie|password|signature", re.IGNORECASE)
SECRET_FORM_KEYS = frozenset(
    {"client_secret", "client_assertion", "refresh_token", "assertion", "code", "password", "access_token"}
)

# A deadline given to one `send` call also bounds that call's retries (thread/context local).
_CALL_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "offergate_call_deadline", default=None
)


# --------------------------------------------------------------------------- retries


class RetriesExhausted(u3.MaxRetryError):
    """A MaxRetryError that knows how many attempts were made and why we stopped."""

    def __init__(
        self,
        pool: ConnectionPool | None,
        url: str | None,
        reason: Exception | None = None,
        *,
        attempts: int = 0,
        gave_up: str | None = None,
    ) -> None:
        super().__init__(pool, url, reason)  # type: ignore[arg-type]
        self.attempts = attempts
        self.gave_up = gave_up


def retry_after_seconds(value: str, date: str | None = None) -> float | None:
    """A Retry-After value in seconds, or None when it is not sane.

    Accepted: 0..86400 ASCII digits, or an HTTP date (measured from the answer's `Date`
    header when it has a valid one, else from the wall clock; a past date gives 0).
    Rejected (None): negative, decimals ('1.5'), non-ASCII digits ('١'), garbage, huge values.
    """
    text = value.strip(" \t")
    if re.fullmatch(r"[0-9]{1,9}", text, re.ASCII):
        seconds = int(text)
        return float(seconds) if seconds <= RETRY_AFTER_SANE_MAX else None
    when = _http_date(text)
    if when is None:
        return None
    reference = _http_date(date.strip()) if date else None
    delay = when - (reference if reference is not None else time.time())
    return max(0.0, delay) if delay <= RETRY_AFTER_SANE_MAX else None


def _http_date(text: str) -> float | None:
    """Seconds since the epoch for an HTTP date (all three forms start with a day name)."""
    if not text.isascii() or not re.match(r"[A-Za-z]{3}", text):
        return None
    import email.utils  # lazily: only a Retry-After date needs it

    parsed = email.utils.parsedate_tz(text)
    if parsed is None:
        return None
    try:
        return float(email.utils.mktime_tz(parsed))
    except (OverflowError, ValueError):
        return None


class DeadlineRetry(Retry):
    """A urllib3 Retry that sleeps with an injected clock and never outlives a deadline.

    - Sleeps go to `clock.sleep`, never `time.sleep`.
    - Backoff is deterministic: `backoff_factor * 2 ** (n - 1)` for the n-th consecutive
      failure (1, 2, 4, 8 s with factor 1), capped at `backoff_max` and the time left.
      (urllib3's own formula does not wait before the first retry.)
    - A sane Retry-After (see `retry_after_seconds`) replaces the backoff, capped at
      `retry_after_cap`; an invalid one is ignored (backoff), where urllib3 would raise
      InvalidHeader (or ValueError for a value over 4300 digits). Retry-After 0 or a past
      date also falls back to the backoff, as in urllib3.
    - No retry when the deadline has passed or the server asks to wait past it: the last
      answer comes back (raise_on_status=False) or the last error is raised.
    - Only `status_forcelist` statuses are retried: urllib3's implicit retry of 413/429/503
      with a Retry-After header is switched off.
    """

    RETRY_AFTER_STATUS_CODES: frozenset[int] = frozenset()

    def __init__(
        self,
        *args: Any,
        clock: Clock = SYSTEM_CLOCK,
        deadline: Deadline | None = None,
        retry_after_cap: float = RETRY_AFTER_CAP,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock
        self.deadline = deadline
        self.retry_after_cap = retry_after_cap

    def new(self, **kw: Any) -> Self:
        kw.setdefault("clock", self.clock)
        kw.setdefault("deadline", self.deadline)
        kw.setdefault("retry_after_cap", self.retry_after_cap)
        return super().new(**kw)

    def remaining(self) -> float | None:
        """Seconds left before the nearest deadline (session's or call's); None: no deadline."""
        left = [d.remaining() for d in (self.deadline, _CALL_DEADLINE.get()) if d is not None]
        return min(left) if left else None

    def get_backoff_time(self) -> float:
        failures = len(list(takewhile(lambda h: h.redirect_location is None, reversed(self.history))))
        if failures == 0 or self.backoff_factor <= 0:
            return 0.0
        return float(min(self.backoff_max, self.backoff_factor * 2 ** min(failures - 1, 62)))

    def parse_retry_after(self, retry_after: str) -> float:
        seconds = retry_after_seconds(retry_after)
        if seconds is None:
            raise u3.InvalidHeader("invalid Retry-After header")
        return seconds

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        value = response.headers.get("Retry-After")
        if value is None:
            return None
        return retry_after_seconds(value, response.headers.get("Date"))

    def plan(self, response: BaseHTTPResponse | None = None) -> tuple[float, str | None]:
        """(seconds to wait before the next attempt, reason to give up instead or None)."""
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            return 0.0, "the deadline has passed"
        asked = None
        if response is not None and self.respect_retry_after_header:
            asked = self.get_retry_after(response)
        if asked:
            if remaining is not None and asked > remaining:
                return 0.0, f"the server asked to wait {asked:.0f} s, past the deadline ({remaining:.0f} s left)"
            wait = min(asked, self.retry_after_cap)
        else:
            wait = self.get_backoff_time()
        return (wait if remaining is None else min(wait, remaining)), None

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        wait, stop = self.plan(response)
        if stop is None and wait > 0:
            self.clock.sleep(wait)

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        if not self.get_retry_after(response):
            return False
        self.sleep(response)
        return True

    def _sleep_backoff(self) -> None:
        self.sleep(None)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        try:
            new = super().increment(method, url, response, error, _pool, _stacktrace)
        except RetriesExhausted:
            raise
        except u3.MaxRetryError as exc:
            raise RetriesExhausted(_pool, url, exc.reason, attempts=len(self.history) + 1) from exc.reason
        _, stop = new.plan(response)
        if stop is not None:
            reason = error or u3.ResponseError(f"gave up after HTTP {response.status if response else '?'}")
            raise RetriesExhausted(_pool, url, reason, attempts=len(new.history), gave_up=stop) from error
        return new


# --------------------------------------------------------------------------- session


class UnsafeRedirect(requests.RequestException):
    """A redirect would carry a request body (which may hold a secret) to another origin."""


class CredentialSession(requests.Session):
    """A Session that strips every credential header on a redirect to another origin.

    requests strips only `Authorization` (and re-adds .netrc credentials): here every header in
    `credential_headers` goes when the host, port or scheme changes (https to http included),
    .netrc is not consulted, and a 307/308 that would resend a body there is refused.
    """

    def __init__(self, credential_headers: Sequence[str] = ("Authorization",)) -> None:
        super().__init__()
        self.credential_headers = tuple(dict.fromkeys(("Authorization", *credential_headers)))
        # A session-wide auth that adds nothing: requests then never reads ~/.netrc (it would
        # send the machine's credentials to the API's or the report's host otherwise).
        self.auth = _no_auth

    def should_strip_auth(self, old_url: str, new_url: str) -> bool:
        """True unless the origin stays the same (or is upgraded from http to https on the
        default ports, which requests also allows)."""
        old, new = _origin(old_url), _origin(new_url)
        if old == new:
            return False
        return not (old[0] == "http" and new[0] == "https" and old[1:] == (new[1], 80) and new[2] == 443)

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        if not self.should_strip_auth(response.request.url or "", prepared_request.url or ""):
            return
        if prepared_request.body is not None:
            raise UnsafeRedirect("refused to resend a request body to another origin")
        for name in self.credential_headers:
            prepared_request.headers.pop(name, None)


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port with the scheme's default filled in)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ("", url, None)
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port if port is not None else default


def make_session(
    *,
    clock: Clock,
    deadline: Deadline | None,
    user_agent: str,
    retries: int = 4,
    backoff_factor: float = 1.0,
    credential_headers: Sequence[str] = ("Authorization",),
) -> requests.Session:
    """One Session per service: GET retried on 429/5xx and broken connections, any method
    retried on connect failures (nothing was sent), never past `deadline`."""
    session = CredentialSession(credential_headers)
    session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
    session.max_redirects = MAX_REDIRECTS
    retry = DeadlineRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,  # TLS and proxy failures: not retried here (the next poll may try again)
        allowed_methods=frozenset({"GET"}),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff_factor,
        backoff_max=BACKOFF_MAX,
        backoff_jitter=0.0,
        raise_on_status=False,
        raise_on_redirect=False,
        respect_retry_after_header=True,
        retry_after_max=int(RETRY_AFTER_CAP),
        clock=clock,
        deadline=deadline,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# --------------------------------------------------------------------------- send


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    service: str,
    deadline: Deadline | None = None,
    timeout: float | None = None,
    connect_timeout: float | None = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    stream: bool = False,
    allow_redirects: bool = True,
    max_body: int = MAX_BODY,
) -> requests.Response:
    """One HTTP call; every failure to get an answer becomes a secret-free ApiError.

    `timeout` bounds each socket read (READ_TIMEOUT by default), `connect_timeout` the connection
    (CONNECT_TIMEOUT), both no longer than the time left. Without `stream` the body is read
    here, at most `max_body` bytes, within `body_time_limit(deadline)` seconds in all."""
    timeout = READ_TIMEOUT if timeout is None else timeout
    connect_timeout = CONNECT_TIMEOUT if connect_timeout is None else connect_timeout
    read = timeout if deadline is None else min(timeout, max(1.0, deadline.remaining()))
    connect = min(connect_timeout, read)
    shown = _display_url(url, params)
    token = _CALL_DEADLINE.set(deadline)
    try:
        response = session.request(
            method,
            url,
            params=dict(params) if params else None,
            headers=dict(headers) if headers else None,
            data=dict(data) if data else None,
            timeout=(connect, read),
            stream=True,
            allow_redirects=allow_redirects,
        )
        if not stream:
            _preload(response, max_body, service, f"{method} {shown}", body_time_limit(deadline))
    except (requests.RequestException, u3.HTTPError, OSError) as exc:
        raise _transport_error(exc, service, f"{method} {shown}", connect, read) from None
    else:
        return response
    finally:
        _CALL_DEADLINE.reset(token)


def _preload(response: requests.Response, max_body: int, service: str, call: str, time_limit: float) -> None:
    """Read the whole body (bounded in size and time) so that `response.content` works as without stream."""
    chunks: list[bytes] = []
    size = 0
    for chunk in iter_body(response, CHUNK, time_limit):
        size += len(chunk)
        if size > max_body:
            response.close()
            raise ApiError(
                service,
                f"{call} answered HTTP {response.status_code} with a body over {max_body} bytes",
                status=response.status_code,
            )
        chunks.append(chunk)
    response._content = b"".join(chunks)
    response._content_consumed = True  # type: ignore[attr-defined]


def body_time_limit(deadline: Deadline | None, limit: float | None = None) -> float:
    """Seconds one answer's whole body may take: `limit` (BODY_TIME_LIMIT), no longer than the
    time left (at least 1 s, as for the per-read timeout)."""
    limit = BODY_TIME_LIMIT if limit is None else limit
    return limit if deadline is None else min(limit, max(1.0, deadline.remaining()))


class SlowBody(requests.exceptions.ReadTimeout):
    """The body did not arrive in full within its time limit (each read may have been quick)."""

    def __init__(self, limit: float) -> None:
        super().__init__(f"the body did not arrive within {limit:g} s")
        self.limit = limit


class _Watchdog:
    """Shuts the answer's socket down when its time is up: a read blocked on a server that
    sends one byte at a time (or stalls mid-body) then ends at once, whatever its timeout."""

    def __init__(self, response: requests.Response, seconds: float) -> None:
        self.fired = False
        self._response = response
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Self:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        sock = _socket_of(self._response)
        if sock is not None:
            # the plain socket's shutdown, also for TLS: SSLSocket.shutdown would drop its
            # TLS state under the reading thread's feet
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _socket_of(response: requests.Response) -> socket.socket | None:
    """The socket an answer's body is read from: the connection's, or (when the connection has
    handed it to the answer, as http.client does for `Connection: close`) the answer's file's."""
    raw = response.raw
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if isinstance(sock, socket.socket):
        return sock
    reader = getattr(getattr(raw, "_fp", None), "fp", None)
    sock = getattr(getattr(reader, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def iter_body(response: requests.Response, chunk_size: int, time_limit: float) -> Iterator[bytes]:
    """The (decoded) body in chunks, all of it within `time_limit` real seconds, else SlowBody.

    The limit is on the wall clock (the network's time), not on the injected clock."""
    if getattr(response, "_content_consumed", False):
        yield from response.iter_content(chunk_size)
        return
    started = time.monotonic()
    with _Watchdog(response, time_limit) as watchdog:
        try:
            for chunk in response.iter_content(chunk_size):
                if watchdog.fired or time.monotonic() - started > time_limit:
                    break
                yield chunk
        except Exception:  # whatever the read raised once its socket was shut down under it
            if not watchdog.fired:
                raise
        if watchdog.fired or time.monotonic() - started > time_limit:
            response.close()
            raise SlowBody(time_limit)


def _display_url(url: str, params: Mapping[str, str] | None) -> str:
    if not params:
        return redact_url(url)
    try:
        prepared = requests.PreparedRequest()
        prepared.prepare_url(url, dict(params))
        return redact_url(prepared.url or url)
    except (requests.RequestException, ValueError):
        return redact_url(url)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (args, .reason) and its causes/contexts, breadth first."""
    seen: set[int] = set()
    queue: list[BaseException] = [exc]
    while queue and len(seen) < 32:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [*current.args, getattr(current, "reason", None), current.__cause__, current.__context__]
        queue.extend(x for x in linked if isinstance(x, BaseException))


def _first(chain: list[BaseException], *types: type[BaseException]) -> BaseException | None:
    return next((e for e in chain if isinstance(e, types)), None)


def _what_failed(chain: list[BaseException], connect: float, read: float) -> tuple[str, bool, str]:
    """(what happened, transient, hint) from the exception chain; never its text."""
    network = "check the URL and the runner's network"
    slow = _first(chain, SlowBody)
    if isinstance(slow, SlowBody):
        return f"the answer did not arrive in full within {slow.limit:g} s", True, network
    cert = _first(chain, ssl.SSLCertVerificationError)
    if cert is not None:
        detail = getattr(cert, "verify_message", "") or "not trusted"
        return (
            f"the server's TLS certificate was refused ({detail})",
            False,
            "check the URL; behind a TLS-inspecting proxy set REQUESTS_CA_BUNDLE to its CA file",
        )
    tls = _first(chain, ssl.SSLError, u3.SSLError)
    if tls is not None:
        reason = getattr(tls, "reason", None)
        return f"the TLS handshake failed{f' ({reason})' if isinstance(reason, str) else ''}", True, network
    if _first(chain, u3.NameResolutionError) is not None:
        return "the host name could not be resolved", True, network
    if _first(chain, ConnectionRefusedError) is not None or _errno(chain, errno.ECONNREFUSED):
        return "the connection was refused", True, network
    if _first(chain, u3.ProxyError, requests.exceptions.ProxyError) is not None:
        return "the proxy failed", True, "check HTTPS_PROXY/HTTP_PROXY and the proxy"
    if _first(chain, requests.ConnectTimeout) is not None or any(
        isinstance(e, u3.ConnectTimeoutError) and not isinstance(e, u3.NewConnectionError) for e in chain
    ):
        return f"no connection within {connect:g} s", True, network
    if _first(chain, requests.ReadTimeout, u3.ReadTimeoutError, TimeoutError) is not None:
        return f"no answer within {read:g} s", True, network
    if _first(chain, ConnectionResetError) is not None:
        return "the connection was reset", True, network
    if _first(chain, requests.exceptions.ContentDecodingError, u3.DecodeError) is not None:
        return "the answer could not be decompressed", True, network
    if _first(chain, requests.exceptions.ChunkedEncodingError, u3.ProtocolError, ConnectionError) is not None:
        return "the connection broke off", True, network
    if _first(chain, u3.NewConnectionError) is not None:
        return "the connection could not be made", True, network
    return f"the request failed ({type(chain[0]).__name__})", True, network


def _errno(chain: list[BaseException], number: int) -> bool:
    return any(isinstance(e, OSError) and e.errno == number for e in chain)


def _transport_error(exc: BaseException, service: str, call: str, connect: float, read: float) -> ApiError:
    """An ApiError for an exception from requests/urllib3, built without the exception's text."""
    if isinstance(exc, UnsafeRedirect):
        return ApiError(
            service,
            f"{call}: refused to follow a redirect to another host with the request body",
            hint="the body may carry a secret; check the URL",
        )
    if isinstance(exc, requests.TooManyRedirects):
        return ApiError(service, f"{call}: more than {MAX_REDIRECTS} redirects", hint="check the URL")
    if isinstance(
        exc,
        (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
            requests.exceptions.URLRequired,
            u3.LocationValueError,
        ),
    ):
        return ApiError(service, f"{call}: the URL is not valid", hint="check the URL settings")
    if isinstance(exc, (requests.exceptions.InvalidHeader, u3.InvalidHeader)):
        return ApiError(
            service,
            f"{call}: a request header is not valid",
            hint="a token or id contains a line break or another character not allowed in a header",
        )
    chain = list(_causes(exc))
    what, transient, hint = _what_failed(chain, connect, read)
    exhausted = _first(chain, u3.MaxRetryError)
    if isinstance(exhausted, RetriesExhausted) and exhausted.attempts > 1:
        stop = f" ({exhausted.gave_up})" if exhausted.gave_up else ""
        summary = f"{call} failed after {exhausted.attempts} attempts{stop}; last error: {what}"
    elif isinstance(exhausted, RetriesExhausted) and exhausted.gave_up:
        summary = f"{call} failed ({exhausted.gave_up}): {what}"
    elif exhausted is not None and not isinstance(exhausted, RetriesExhausted):
        summary = f"{call} failed, retries exhausted; last error: {what}"
    else:
        summary = f"{call} failed: {what}"
    return ApiError(service, summary, transient=transient, hint=hint)


# --------------------------------------------------------------------------- URLs and text


def redact_url(url: str) -> str:
    """scheme://host[:port]/path?safe=value&other=*** : no userinfo, no fragment, no secrets."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "(an invalid URL)"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    query = "&".join(
        f"{quote(key, safe='-_.')}={quote(value, safe='-_.') if key.lower() in SAFE_QUERY_KEYS else '***'}"
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    base = f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else f"{netloc}{parts.path}"
    return f"{base}?{query}" if query else base


def one_line(text: str, limit: int = 200) -> str:
    """Printable, whitespace collapsed, at most `limit` characters."""
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in text[: limit * 4]).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _request_secrets(request: requests.PreparedRequest | None) -> list[str]:
    """Values of the request that must not appear in an error: query, credential headers, form secrets."""
    if request is None:
        return []
    found: list[str] = []
    try:
        query = urlsplit(request.url or "").query
    except ValueError:
        query = ""
    found += [v for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() not in SAFE_QUERY_KEYS]
    for name, value in request.headers.items():
        if SECRET_HEADER.search(name):
            found += [value, *(word for word in value.split() if word.lower() not in ("bearer", "basic"))]
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and "=" in body:
        found += [v for k, v in parse_qsl(body, keep_blank_values=True) if k in SECRET_FORM_KEYS]
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def _scrub(text: str | None, secrets: list[str]) -> str | None:
    if text is None:
        return None
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _read_bounded(response: requests.Response, limit: int) -> tuple[bytes, str | None]:
    """At most `limit` bytes of the body, and None, "over" (there was more) or "broken"."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in iter_body(response, CHUNK, BODY_TIME_LIMIT):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                response.close()
                return b"".join(chunks)[:limit], "over"
    except (requests.RequestException, u3.HTTPError, OSError, RuntimeError):
        return b"".join(chunks)[:limit], "broken"
    return b"".join(chunks), None


def _status_text(response: requests.Response) -> str:
    try:
        return f"HTTP {response.status_code} {HTTPStatus(response.status_code).phrase}"
    except ValueError:
        reason = one_line(str(response.reason or ""), 60)
        return f"HTTP {response.status_code} {reason}".rstrip()


def _call_of(response: requests.Response) -> str:
    request = response.request
    method = request.method if request is not None and request.method else "GET"
    url = (request.url if request is not None else None) or response.url or ""
    return f"{method} {redact_url(url)}"


def _looks_like_html(body: bytes, content_type: str) -> bool:
    head = body.lstrip()[:64].lower()
    return "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def _html_title(body: bytes) -> str | None:
    match = re.search(rb"<title[^>]*>(.*?)</title", body, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    import html  # lazily: only an HTML error page needs it

    title = one_line(html.unescape(match.group(1).decode("utf-8", "replace")), 100)
    return title or None


def _describe_body(body: bytes, content_type: str) -> str:
    """What came back, in a few words: 'an HTML page titled …', 'text/plain starting with …'."""
    if not body.strip():
        return "an empty body"
    if _looks_like_html(body, content_type):
        title = _html_title(body)
        return f"an HTML page titled '{title}'" if title else "an HTML page"
    kind = one_line(content_type, 60) or "no content type"
    return f"{kind} starting with '{one_line(body[:400].decode('utf-8', 'replace'), 60)}'"


# --------------------------------------------------------------------------- error answers


def error_from_response(response: requests.Response, service: str, hint: str | None = None) -> ApiError:
    """An ApiError for a non-2xx answer, with the API's own error code and message when it gave them."""
    status = response.status_code
    body, _ = _read_bounded(response, ERROR_BODY_LIMIT)
    secrets = _request_secrets(response.request)
    code, message, extra = _parse_error_body(body, response.headers.get("Content-Type", ""))
    summary = f"{_call_of(response)} answered {_status_text(response)}"
    attempts = _attempts(response)
    if attempts > 1:
        summary += f" after {attempts} attempts"
    retry_after = response.headers.get("Retry-After")
    asked = retry_after_seconds(retry_after, response.headers.get("Date")) if retry_after else None
    if asked and is_transient_status(status):
        summary += f" asking to retry after {asked:.0f} s"
    if extra:
        summary += f" with {extra}"
    return ApiError(
        service,
        _scrub(summary, secrets) or summary,
        status=status,
        code=_scrub(code, secrets),
        api_message=_scrub(message, secrets),
        hint=hint or default_hint(status, attempts),
        transient=is_transient_status(status),
        activity_id=_activity_id(response),
    )


def is_transient_status(status: int) -> bool:
    return status in (408, 429) or 500 <= status <= 599


def default_hint(status: int, attempts: int = 1) -> str | None:
    """What to do about an HTTP error status, when the caller has nothing more specific."""
    if status == 401:
        return "the credentials were refused: check the token or the app's secret and that it is for this API"
    if status == 403:
        return "the credentials were accepted but are not allowed to do this: check the permissions or roles granted"
    if status == 404:
        return "not found: check the ids and the URL"
    if status in {408, 429} or 500 <= status <= 599:
        retried = (
            f"; it was retried ({attempts} attempts) until the retries or the time ran out" if attempts > 1 else ""
        )
        return f"the service is busy or failing{retried}; try again later"
    return None


def _attempts(response: requests.Response) -> int:
    retries = getattr(response.raw, "retries", None)
    return len(retries.history) + 1 if isinstance(retries, Retry) else 1


def _activity_id(response: requests.Response) -> str | None:
    for name in ACTIVITY_HEADERS:
        value = response.headers.get(name)
        if value and value.strip():
            return one_line(value, 100)
    return None


def _parse_error_body(body: bytes, content_type: str) -> tuple[str | None, str | None, str | None]:
    """(code, message, description for the summary) from a JSON, XML, HTML or text body."""
    text = body.decode("utf-8-sig", "replace").strip()
    if not text:
        return None, None, None
    if text.startswith(("{", "[")):
        try:
            parsed = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            parsed = None
        if parsed is not None:
            code, message = _json_error(parsed)
            if code or message:
                return code, message, None
    if _looks_like_html(body, content_type):
        return None, None, _describe_body(body, content_type)
    if text.startswith("<"):
        return _xml_error(body.lstrip(b"\xef\xbb\xbf \t\r\n"))
    return None, one_line(text, 200), None


def _text(value: Any, limit: int = 500) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        return one_line(str(value), limit) or None
    return None


def _json_error(parsed: Any) -> tuple[str | None, str | None]:
    """Azure/CPP and Content API `{"error":{...}}`, OAuth `{"error":"...","error_description"}`,
    or a top-level `{"code","message"}`."""
    if not isinstance(parsed, dict):
        return None, None
    error = parsed.get("error")
    if isinstance(error, dict):
        return _json_error_object(error)
    if isinstance(error, str):
        return _oauth_error(parsed, error)
    return _text(parsed.get("code"), 100), _text(parsed.get("message"))


def _json_error_object(error: dict[str, Any]) -> tuple[str | None, str | None]:
    code = error.get("code")
    listed = error.get("errors")
    details = [d for d in listed if isinstance(d, dict)] if isinstance(listed, list) else []
    reason = _text(details[0].get("reason"), 100) if details else None
    named = isinstance(code, str) and code.strip() != "" and not code.strip().isdigit()
    shown_code = _text(code, 100) if named else reason or _text(code, 100)
    message = _text(error.get("message"))
    more = [m for d in details if (m := _text(d.get("message"))) and m != message]
    if more:
        message = one_line("; ".join([message, *more] if message else more), 500)
    return shown_code, message


def _oauth_error(parsed: dict[str, Any], error: str) -> tuple[str | None, str | None]:
    description = parsed.get("error_description")
    first_line = description.strip().splitlines()[0] if isinstance(description, str) and description.strip() else ""
    match = re.match(r"(AADSTS\d+):\s*(.*)", first_line)
    codes = parsed.get("error_codes")
    if match:
        return match.group(1), _text(match.group(2)) or _text(error, 100)
    if isinstance(codes, list) and codes and isinstance(codes[0], int) and not isinstance(codes[0], bool):
        return f"AADSTS{codes[0]}", _text(first_line) or _text(error, 100)
    return _text(error, 100), _text(first_line)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml_child_text(element: Element, *names: str) -> str | None:
    for name in names:
        for child in element.iter():
            if _local(child.tag) == name and child.text and child.text.strip():
                return one_line(child.text, 500)
    return None


def _xml_error(body: bytes) -> tuple[str | None, str | None, str | None]:
    """GData `<errors><error><reason/><internalReason/></error><code/></errors>` or Azure
    `<Error><Code/><Message/></Error>`, parsed with defusedxml (no DTD, no entities)."""
    # Lazily: only an XML error answer needs the parser (off the path to the first request).
    from defusedxml import DefusedXmlException
    from defusedxml import ElementTree as SafeET

    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        return None, None, "an XML body with a DTD or entities (not parsed)"
    except (SafeET.ParseError, ValueError):
        return None, one_line(body[:1000].decode("utf-8", "replace"), 200), None
    error = next((e for e in root.iter() if _local(e.tag) == "error"), root)
    code = _xml_child_text(error, "reason", "Code", "code") or _xml_child_text(root, "code", "Code")
    message = _xml_child_text(error, "internalReason", "Message", "message") or _xml_child_text(
        root, "message", "Message"
    )
    return code, message, None


# --------------------------------------------------------------------------- JSON answers


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_from_response(response: requests.Response, service: str, max_bytes: int = 8 * 1024 * 1024) -> Any:
    """The JSON document of a 2xx answer; anything else is an ApiError saying what came back."""
    body, problem = _read_bounded(response, max_bytes)
    content_type = response.headers.get("Content-Type", "")

    def refuse(what: str) -> ApiError:
        return ApiError(
            service,
            f"{_call_of(response)} answered {_status_text(response)} with {what}",
            status=response.status_code,
            hint="check the URL settings; if they are right, the service answered something unexpected",
            activity_id=_activity_id(response),
        )

    if problem == "over":
        raise refuse(f"a body over {max_bytes} bytes instead of the expected JSON")
    if problem == "broken":
        raise refuse(f"a body that broke off after {len(body)} bytes")
    if not body.strip() or body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise refuse(f"{_describe_body(body, content_type)} instead of JSON")
    try:
        text = body.decode(json.detect_encoding(body)).lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError):
        raise refuse(f"a body that is not valid UTF-8 ({_describe_body(body, content_type)})") from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise refuse(_json_problem(exc, text, body, content_type)) from None
    except RecursionError:
        raise refuse(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError:
        raise refuse("JSON with NaN or Infinity, or a number too long to read") from None
    if _depth_over(document, MAX_JSON_DEPTH):
        raise refuse(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return document


def _json_problem(exc: json.JSONDecodeError, text: str, body: bytes, content_type: str) -> str:
    if exc.pos >= len(text.rstrip()):
        return f"JSON that ends early (truncated after {len(body)} bytes)"
    return f"invalid JSON (line {exc.lineno} column {exc.colno}): {_describe_body(body, content_type)}"


def _depth_over(document: Any, limit: int) -> bool:
    """Whether lists/objects nest deeper than `limit` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
