"""Transport failures named: what went wrong on the way to an answer, and what to check.

An exception from requests/urllib3 becomes an `ApiError` built from the exception's type and
cause chain only, never from its text (urllib3 puts the full URL, query included, in it).
"""

from __future__ import annotations

import errno
import ssl
from collections.abc import Iterator
from typing import Literal

import requests
import urllib3.exceptions as u3

from offergate.core.errors import ApiError

MAX_REDIRECTS = 10  # what a session follows at most

#: the exceptions a request may end with instead of an answer
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (requests.RequestException, u3.HTTPError, OSError)

NETWORK = "check the URL and the runner's network"
REFUSED = "check the URL's host and port, and that the service is up"
UNRESOLVED = "check the host name in the URL, and the runner's DNS"
TLS = "check the URL's scheme and port: https to a port that speaks plain http fails this way"
CONNECT_SLOW = "check the URL's host and port, and that the runner's network or firewall lets the connection through"
ANSWER_SLOW = "check the URL and the runner's network; if they are right, the service is slow: try again later"
PROXY = "check the proxy setting (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and that the proxy{at} is up"


class UnsafeRedirect(requests.RequestException):
    """A redirect would carry a request body (which may hold a secret) to another origin."""


class SlowBody(requests.exceptions.ReadTimeout):
    """The body did not arrive in full within its time limit (each read may have been quick)."""

    def __init__(self, limit: float) -> None:
        super().__init__(f"the body did not arrive within {limit:g} s")
        self.limit = limit


def causes(exc: BaseException) -> Iterator[BaseException]:
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


def retry_kind(exc: BaseException) -> Literal["connect", "read", "other"]:
    """'connect': no connection was made, so nothing was sent (any method may be retried);
    'read': the request went out but no answer came (only a GET is retried); 'other': TLS and
    the like, not retried here (the next poll may try again)."""
    chain = list(causes(exc))
    if _first(chain, u3.ConnectTimeoutError, requests.ConnectTimeout) is not None:  # refused and DNS included
        return "connect"
    if _first(chain, u3.ReadTimeoutError, u3.ProtocolError) is not None:
        return "read"
    return "other"


def what_failed(exc: BaseException, connect: float, read: float, proxy: str | None = None) -> tuple[str, bool, str]:
    """(what happened, transient, what to check) from the exception chain; never its text.

    `proxy` is the host[:port] of the proxy the request went through, if any."""
    chain = list(causes(exc))
    if proxy is not None and _first(chain, u3.ProxyError, requests.exceptions.ProxyError) is not None:
        inner, _, _ = _what_failed(chain, connect, read)
        return f"the proxy {proxy} could not be used ({inner})", True, PROXY.format(at=f" at {proxy}")
    return _what_failed(chain, connect, read)


def _what_failed(chain: list[BaseException], connect: float, read: float) -> tuple[str, bool, str]:
    slow = _first(chain, SlowBody)
    if isinstance(slow, SlowBody):
        return f"the answer did not arrive in full within {slow.limit:g} s", True, ANSWER_SLOW
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
        return f"the TLS handshake failed{f' ({reason})' if isinstance(reason, str) else ''}", True, TLS
    if _first(chain, u3.NameResolutionError) is not None:
        return "the host name could not be resolved", True, UNRESOLVED
    if _first(chain, ConnectionRefusedError) is not None or _errno(chain, errno.ECONNREFUSED):
        return "the connection was refused", True, REFUSED
    if _first(chain, u3.ProxyError, requests.exceptions.ProxyError) is not None:
        return "the proxy failed", True, PROXY.format(at="")
    if _first(chain, requests.ConnectTimeout) is not None or any(
        isinstance(e, u3.ConnectTimeoutError) and not isinstance(e, u3.NewConnectionError) for e in chain
    ):
        return f"no connection within {connect:g} s", True, CONNECT_SLOW
    if _first(chain, requests.ReadTimeout, u3.ReadTimeoutError, TimeoutError) is not None:
        return f"no answer within {read:g} s", True, ANSWER_SLOW
    if _first(chain, ConnectionResetError) is not None:
        return "the connection was reset", True, NETWORK
    if _first(chain, requests.exceptions.ContentDecodingError, u3.DecodeError) is not None:
        return "the answer could not be decompressed", True, NETWORK
    if _first(chain, requests.exceptions.ChunkedEncodingError, u3.ProtocolError, ConnectionError) is not None:
        return "the connection broke off", True, NETWORK
    if _first(chain, u3.NewConnectionError) is not None:
        return "the connection could not be made", True, NETWORK
    return f"the request failed ({type(chain[0]).__name__})", True, NETWORK


def _errno(chain: list[BaseException], number: int) -> bool:
    return any(isinstance(e, OSError) and e.errno == number for e in chain)


def transport_error(
    exc: BaseException,
    service: str,
    call: str,
    *,
    connect: float,
    read: float,
    attempts: int = 1,
    gave_up: str | None = None,
    proxy: str | None = None,
) -> ApiError:
    """An ApiError for the exception that ended `call` after `attempts` attempts (`gave_up`:
    why no further attempt was made, when the retries were not used up)."""
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
    what, transient, hint = what_failed(exc, connect, read, proxy)
    if attempts > 1:
        stop = f" ({gave_up})" if gave_up else ""
        summary = f"{call} failed after {attempts} attempts{stop}; last error: {what}"
    elif gave_up:
        summary = f"{call} failed ({gave_up}): {what}"
    else:
        summary = f"{call} failed: {what}"
    return ApiError(service, summary, transient=transient, hint=hint)
