"""Sending one request: bounded in time and size, retried by the session's policy, failures named.

`send` gives back a `requests.Response`. Without `stream` its body has been read here (at most
`max_body` bytes, within the whole-body time limit) and `response.content` holds it; with
`stream` the caller reads it through `iter_body`, which keeps the same time limit.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator, Mapping

import requests
import urllib3.exceptions as u3
from urllib3.response import BaseHTTPResponse

from offergate.core.clock import Deadline
from offergate.core.errors import ApiError
from offergate.transport.failures import TRANSPORT_ERRORS, SlowBody, transport_error, what_failed
from offergate.transport.redaction import display_url, host_of
from offergate.transport.retry import ONE_ATTEMPT, GaveUp
from offergate.transport.session import CredentialSession

MAX_BODY = 16 * 1024 * 1024  # what `send` reads into memory at most
CHUNK = 64 * 1024
# Timeouts, read at call time (tests make them small): per socket read, to connect, and for the
# whole body of one answer (a server sending one byte at a time never trips the per-read timeout).
READ_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0
BODY_TIME_LIMIT = 120.0


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
    here, at most `max_body` bytes, within `body_time_limit(deadline)` seconds in all. A
    `CredentialSession` retries as its policy says (and never past `deadline` either); any
    other session makes one attempt."""
    timeout = READ_TIMEOUT if timeout is None else timeout
    connect_timeout = CONNECT_TIMEOUT if connect_timeout is None else connect_timeout
    read = timeout if deadline is None else min(timeout, max(1.0, deadline.remaining()))
    connect = min(connect_timeout, read)
    call = f"{method} {display_url(url, params)}"
    policy = session.retry if isinstance(session, CredentialSession) and session.retry else ONE_ATTEMPT

    def attempt() -> requests.Response:
        return session.request(
            method,
            url,
            params=dict(params) if params else None,
            headers=dict(headers) if headers else None,
            data=dict(data) if data else None,
            timeout=(connect, read),
            stream=True,
            allow_redirects=allow_redirects,
        )

    def describe(exc: BaseException) -> str:
        return what_failed(exc, connect, read, proxy_for(session, url))[0]

    try:
        response = policy.run(call, attempt, method=method, deadline=deadline, describe=describe)
        if not stream:
            _read_whole_body(response, max_body, service, call, body_time_limit(deadline))
    except GaveUp as stop:
        raise transport_error(
            stop.error,
            service,
            call,
            connect=connect,
            read=read,
            attempts=stop.attempts,
            gave_up=stop.reason,
            proxy=proxy_for(session, url),
        ) from None
    except TRANSPORT_ERRORS as exc:
        raise transport_error(exc, service, call, connect=connect, read=read, proxy=proxy_for(session, url)) from None
    return response


def proxy_for(session: requests.Session, url: str) -> str | None:
    """host[:port] of the proxy requests would use for `url` (its environment and the
    session's settings), without its credentials; None when there is none."""
    try:
        settings = session.merge_environment_settings(url, {}, None, None, None)
        chosen = requests.utils.select_proxy(url, settings.get("proxies") or {})
    except (ValueError, requests.RequestException):
        return None
    return host_of(chosen) if chosen else None


def _read_whole_body(response: requests.Response, max_body: int, service: str, call: str, time_limit: float) -> None:
    """Read the whole body (bounded in size and time); `response.content` then gives it."""
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
    raw = response.raw
    if isinstance(raw, BaseHTTPResponse):
        raw.release_conn()
    response.raw = io.BytesIO(b"".join(chunks))


def body_time_limit(deadline: Deadline | None, limit: float | None = None) -> float:
    """Seconds one answer's whole body may take: `limit` (BODY_TIME_LIMIT), no longer than the
    time left (at least 1 s, as for the per-read timeout)."""
    limit = BODY_TIME_LIMIT if limit is None else limit
    return limit if deadline is None else min(limit, max(1.0, deadline.remaining()))


def iter_body(response: requests.Response, chunk_size: int, time_limit: float) -> Iterator[bytes]:
    """The (decoded) body in chunks, all of it within `time_limit` real seconds, else SlowBody.

    Each read takes what has arrived (`read1`), so the time is checked between reads however
    slowly the bytes come; a body that stops altogether ends at the per-read timeout. The limit
    is on the wall clock (the network's time), not on the injected clock. Read errors are
    those of `response.iter_content`."""
    raw = response.raw
    if not isinstance(raw, BaseHTTPResponse):  # read by `send` already
        body = response.content
        for start in range(0, len(body), chunk_size):
            yield body[start : start + chunk_size]
        return
    started = time.monotonic()
    while True:
        chunk = _read1(raw, chunk_size)
        if time.monotonic() - started > time_limit:
            response.close()
            raise SlowBody(time_limit)
        if not chunk:
            return
        yield chunk


def _read1(raw: BaseHTTPResponse, size: int) -> bytes:
    """What has arrived of the body, decoded, up to `size` bytes (b"" at its end), with
    urllib3's errors turned into requests' ones as `iter_content` does."""
    try:
        return raw.read1(size, decode_content=True)
    except u3.ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    except u3.DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from exc
    except u3.ReadTimeoutError as exc:
        raise requests.ConnectionError(exc) from exc
    except u3.SSLError as exc:
        raise requests.exceptions.SSLError(exc) from exc
