"""Download a rejection report: no credentials, a public https host, bounded size and time.

The report URL carries its own `token=` and is a secret: callers mask it before calling, and
nothing here prints it; messages name the host only, never the path or the query.

Where the report may come from: https to a host all of whose addresses are public (no
private, loopback, link-local, multicast, reserved or unspecified address), checked on every
hop of a redirect. Only when the Content API itself is on this machine (the sandbox) may the
report come from a loopback address, over http too. The host's name is resolved through
`resolve` (injectable, so tests never touch the network).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions as u3

from offergate.core.clock import Deadline
from offergate.core.errors import ApiError
from offergate.transport.addresses import is_loopback
from offergate.transport.answers import default_hint, is_transient_status
from offergate.transport.failures import SlowBody
from offergate.transport.send import body_time_limit, iter_body, send

SERVICE = "rejection report download"
MAX_REPORT_BYTES = 512 * 1024 * 1024  # decoded bytes (a gzip Content-Encoding is undone first)
MAX_REDIRECTS = 5
CHUNK = 1024 * 1024
TIME_LIMIT = 15 * 60.0  # the whole download, no longer than the time left
ERROR_BODY_READ = 64 * 1024  # of an error answer, only this much is read (to say its length)

Resolver = Callable[[str, int], list[str]]


class ReportUrlExpired(ApiError):
    """The report URL answered 400: it expired; fetch the status again for a fresh one."""


def system_resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (getaddrinfo)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


def _shown_host(host: str) -> str:
    return repr(host[:100].encode("ascii", "backslashreplace").decode("ascii"))


def _refused(host: str, why: str, redirected: bool) -> ApiError:
    where = "a redirect to " if redirected else ""
    return ApiError(
        SERVICE,
        f"refused to download the report from {where}host {_shown_host(host)}: {why}",
        hint="the report URL must be https to a public host (plain http and loopback only for the sandbox)",
    )


def _unsafe(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not a public one, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for name in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return None if address.is_global else "non-global"


def check_report_url(url: str, *, redirected: bool, local_api: bool, resolve: Resolver) -> None:
    """Raise ApiError unless `url` may be fetched (see the module's docstring)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _refused("", "the URL cannot be parsed", redirected) from None
    if not host:
        raise _refused("", "the URL has no host", redirected)
    loopback_http = local_api and parts.scheme == "http" and is_loopback(host)
    if parts.scheme != "https" and not loopback_http:
        raise _refused(host, "only https is allowed", redirected)
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolve(host, port)]
        except (OSError, UnicodeError, ValueError):
            raise ApiError(
                SERVICE, f"the report host {_shown_host(host)} could not be resolved", transient=True
            ) from None
    if not addresses:
        raise ApiError(SERVICE, f"the report host {_shown_host(host)} could not be resolved", transient=True)
    for address in addresses:
        why = _unsafe(address)
        if why is None and not loopback_http:
            continue
        if local_api and address.is_loopback:
            continue
        reason = why or "non-loopback"
        article = "an" if reason[0] in "aeiou" else "a"
        raise _refused(host, f"it resolves to {article} {reason} address ({address})", redirected)


def _error_summary(response: requests.Response, time_limit: float) -> ApiError:
    """The host's error answer in a few words: status, length, content type; its body stays out."""
    status = response.status_code
    size = 0
    more = False
    try:
        for chunk in iter_body(response, 16 * 1024, min(time_limit, 30.0)):
            size += len(chunk)
            if size > ERROR_BODY_READ:
                more = True
                break
    except (requests.RequestException, u3.HTTPError):
        pass
    length = f"over {ERROR_BODY_READ} bytes" if more else f"{size} bytes"
    content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip()[:60]
    kind = repr(content_type.encode("ascii", "backslashreplace").decode("ascii")) if content_type else "no type"
    host = _shown_host(urlsplit(response.url).hostname or "")
    return ApiError(
        SERVICE,
        f"the report host {host} answered HTTP {status} ({length}, {kind})",
        status=status,
        hint=default_hint(status),
        transient=is_transient_status(status),
    )


def download_report(
    session: requests.Session,
    url: str,
    destination: BinaryIO,
    *,
    deadline: Deadline | None,
    max_bytes: int | None = None,
    local_api: bool = False,
    resolve: Resolver = system_resolve,
) -> int:
    """Fetch the report into `destination` (an open file; the caller removes it after an
    error); returns its size. Redirects are followed by hand, each checked by
    check_report_url, and the session carries no credential headers at all. At most
    `max_bytes` (MAX_REPORT_BYTES) decoded bytes are written, within TIME_LIMIT seconds (and
    the time left). `local_api`: the Content API is on this machine (the sandbox)."""
    max_bytes = MAX_REPORT_BYTES if max_bytes is None else max_bytes
    for hop in range(MAX_REDIRECTS + 1):
        check_report_url(url, redirected=hop > 0, local_api=local_api, resolve=resolve)
        response = send(
            session,
            "GET",
            url,
            service=SERVICE,
            deadline=deadline,
            headers={"Accept": "application/x-zip-compressed"},
            stream=True,
            allow_redirects=False,
        )
        if response.is_redirect and response.headers.get("Location"):
            url = urljoin(url, response.headers["Location"])
            response.close()
            continue
        break
    else:
        raise ApiError(SERVICE, f"more than {MAX_REDIRECTS} redirects")
    with response:
        if response.status_code == 400:
            raise ReportUrlExpired(
                SERVICE,
                "the report URL answered HTTP 400: it has expired",
                status=400,
                hint="the catalog status is fetched again for a fresh URL",
            )
        time_limit = body_time_limit(deadline, TIME_LIMIT)
        if response.status_code >= 400:
            raise _error_summary(response, time_limit)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise ApiError(SERVICE, f"the report is {int(declared)} bytes, over the {max_bytes}-byte limit")
        return _stream_to_file(response, destination, max_bytes, time_limit)


def _stream_to_file(response: requests.Response, destination: BinaryIO, max_bytes: int, time_limit: float) -> int:
    """Write the decoded body to `destination`, counting decoded bytes against `max_bytes`
    (a gzip bomb stops at the cap, never inflated in full)."""
    size = 0
    try:
        for chunk in iter_body(response, CHUNK, time_limit):
            size += len(chunk)
            if size > max_bytes:
                raise ApiError(SERVICE, f"the report is over the {max_bytes}-byte limit")
            destination.write(chunk)
        destination.flush()
    except SlowBody:
        raise ApiError(
            SERVICE, f"the download did not finish within {time_limit:g} s ({size} bytes arrived)", transient=True
        ) from None
    except (requests.RequestException, u3.HTTPError) as exc:
        what = (
            "could not be decompressed"
            if isinstance(exc, (requests.exceptions.ContentDecodingError, u3.DecodeError))
            else "broke off"
        )
        raise ApiError(
            SERVICE, f"the download {what} after {size} bytes ({type(exc).__name__})", transient=True
        ) from None
    except OSError as exc:
        raise ApiError(SERVICE, f"the report could not be saved: {exc.strerror or type(exc).__name__}") from None
    finally:
        response.close()
    return size
