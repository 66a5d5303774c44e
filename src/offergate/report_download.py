"""Download a rejection report: no credentials, https only, bounded size, streamed to a file.

The report URL carries its own `token=` and is a secret: callers mask it before calling, and
nothing here prints it (errors show the redacted form).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from offergate import http
from offergate.clock import Deadline
from offergate.config import is_loopback
from offergate.errors import ApiError

SERVICE = "rejection report download"
MAX_REPORT_BYTES = 512 * 1024 * 1024
MAX_REDIRECTS = 5
CHUNK = 1024 * 1024


class ReportUrlExpired(ApiError):
    """The report URL answered 400: it expired; fetch the status again for a fresh one."""


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or "")):
        return
    raise ApiError(
        SERVICE,
        f"refused to download the report from {http.redact_url(url)}: only https is allowed",
    )


def download_report(
    session: requests.Session,
    url: str,
    destination: Path,
    *,
    deadline: Deadline | None,
    max_bytes: int = MAX_REPORT_BYTES,
) -> int:
    """Fetch the report into `destination`; returns its size. Redirects are followed by hand,
    https only, and the session carries no credential headers at all."""
    for _ in range(MAX_REDIRECTS + 1):
        _check_scheme(url)
        response = http.send(
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
            raise http.error_from_response(response, SERVICE)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise ApiError(SERVICE, f"the report is {int(declared)} bytes, over the {max_bytes}-byte limit")
        return _stream_to_file(response, destination, max_bytes)


def _stream_to_file(response: requests.Response, destination: Path, max_bytes: int) -> int:
    size = 0
    try:
        with destination.open("wb") as target:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise ApiError(SERVICE, f"the report is over the {max_bytes}-byte limit")
                target.write(chunk)
    except requests.RequestException as exc:
        destination.unlink(missing_ok=True)
        raise ApiError(
            SERVICE, f"the download broke off after {size} bytes ({type(exc).__name__})", transient=True
        ) from None
    except ApiError:
        destination.unlink(missing_ok=True)
        raise
    return size
