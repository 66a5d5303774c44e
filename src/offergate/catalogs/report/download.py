"""Download a rejection report: no credentials, https only, bounded size, streamed to a file.

The report URL carries its own `token=` and is a secret: callers mask it before calling, and
nothing here prints it (errors show the redacted form).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions as u3

from offergate.core.clock import Deadline
from offergate.core.errors import ApiError
from offergate.transport.addresses import is_loopback
from offergate.transport.answers import error_from_response
from offergate.transport.failures import SlowBody
from offergate.transport.redaction import redact_url
from offergate.transport.send import body_time_limit, iter_body, send

SERVICE = "rejection report download"
MAX_REPORT_BYTES = 512 * 1024 * 1024  # decoded bytes (a gzip Content-Encoding is undone first)
MAX_REDIRECTS = 5
CHUNK = 1024 * 1024
TIME_LIMIT = 15 * 60.0  # the whole download, no longer than the time left


class ReportUrlExpired(ApiError):
    """The report URL answered 400: it expired; fetch the status again for a fresh one."""


def _check_scheme(url: str, redirected: bool) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        parts, host = urlsplit(""), ""
    if (parts.scheme == "https" and host) or (parts.scheme == "http" and is_loopback(host)):
        return
    where = "a redirect to " if redirected else ""
    raise ApiError(
        SERVICE,
        f"refused to download the report from {where}{redact_url(url)}: only https is allowed",
        hint="the report URL must be https (plain http only on this machine, for the sandbox)",
    )


def download_report(
    session: requests.Session,
    url: str,
    destination: Path,
    *,
    deadline: Deadline | None,
    max_bytes: int | None = None,
) -> int:
    """Fetch the report into `destination`; returns its size. Redirects are followed by hand,
    https only, and the session carries no credential headers at all. At most `max_bytes`
    (MAX_REPORT_BYTES) decoded bytes are written, within TIME_LIMIT seconds (and the time left)."""
    max_bytes = MAX_REPORT_BYTES if max_bytes is None else max_bytes
    for hop in range(MAX_REDIRECTS + 1):
        _check_scheme(url, redirected=hop > 0)
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
        if response.status_code >= 400:
            raise error_from_response(response, SERVICE)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise ApiError(SERVICE, f"the report is {int(declared)} bytes, over the {max_bytes}-byte limit")
        time_limit = body_time_limit(deadline, TIME_LIMIT)
        return _stream_to_file(response, destination, max_bytes, time_limit)


def _stream_to_file(response: requests.Response, destination: Path, max_bytes: int, time_limit: float) -> int:
    """Write the decoded body to `destination`, counting decoded bytes against `max_bytes`
    (a gzip bomb stops at the cap, never inflated in full)."""
    size = 0
    try:
        with destination.open("wb") as target:
            for chunk in iter_body(response, CHUNK, time_limit):
                size += len(chunk)
                if size > max_bytes:
                    raise ApiError(SERVICE, f"the report is over the {max_bytes}-byte limit")
                target.write(chunk)
    except SlowBody:
        destination.unlink(missing_ok=True)
        raise ApiError(
            SERVICE, f"the download did not finish within {time_limit:g} s ({size} bytes arrived)", transient=True
        ) from None
    except (requests.RequestException, u3.HTTPError) as exc:
        destination.unlink(missing_ok=True)
        what = (
            "could not be decompressed"
            if isinstance(exc, (requests.exceptions.ContentDecodingError, u3.DecodeError))
            else "broke off"
        )
        raise ApiError(
            SERVICE, f"the download {what} after {size} bytes ({type(exc).__name__})", transient=True
        ) from None
    except ApiError:
        destination.unlink(missing_ok=True)
        raise
    except OSError as exc:
        destination.unlink(missing_ok=True)
        raise ApiError(SERVICE, f"the report could not be saved: {exc.strerror or type(exc).__name__}") from None
    finally:
        response.close()
    return size
