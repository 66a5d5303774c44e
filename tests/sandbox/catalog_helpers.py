"""Helpers for the catalog tests: Content API calls, report downloads and report parsing."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from typing import Any
from xml.etree.ElementTree import Element

import requests
from defusedxml import ElementTree as SafeET

from offergate.core.clock import VirtualClock
from offergate.sandbox import Sandbox

MERCHANT = "123456"
DEV_TOKEN = "dev-token-1"
ADS_TOKEN = "ads-static-token"
ZIP_TYPE = "application/x-zip-compressed"
GDATA = "{http://schemas.google.com/g/2005}"
SESSION = requests.Session()


def content_headers(token: str | None = ADS_TOKEN, developer: str | None = DEV_TOKEN, **extra: str) -> dict[str, str]:
    headers = dict(extra)
    if token is not None:
        headers["AuthenticationToken"] = token
    if developer is not None:
        headers["DeveloperToken"] = developer
    return headers


def get_status(
    sb: Sandbox, catalog: str, merchant: str = MERCHANT, alt: str | None = None, headers: dict[str, str] | None = None
) -> requests.Response:
    params = {} if alt is None else {"alt": alt}
    return SESSION.get(
        f"{sb.content_api_url}{merchant}/catalogs/{catalog}/status",
        params=params,
        headers=content_headers() if headers is None else headers,
        timeout=5,
    )


def get_catalogs(
    sb: Sandbox, merchant: str = MERCHANT, alt: str | None = None, headers: dict[str, str] | None = None
) -> requests.Response:
    params = {} if alt is None else {"alt": alt}
    return SESSION.get(
        f"{sb.content_api_url}{merchant}/catalogs",
        params=params,
        headers=content_headers() if headers is None else headers,
        timeout=5,
    )


def status_json(sb: Sandbox, catalog: str, merchant: str = MERCHANT) -> dict[str, Any]:
    response = get_status(sb, catalog, merchant)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict)
    return body


def xml(response: requests.Response) -> Element:
    root = SafeET.fromstring(response.content)
    assert isinstance(root, Element)
    return root


def activity_id(response: requests.Response) -> uuid.UUID:
    return uuid.UUID(response.headers["WebRequestActivityId"])


def at(sb: Sandbox, vclock: VirtualClock, catalog: str, second: float, merchant: str = MERCHANT) -> None:
    """Move the virtual clock so that `catalog` is `second` scenario seconds into its timeline."""
    vclock.advance((second - sb.catalog_time(merchant, catalog)) / sb.time_scale)


def download(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers={"Accept": ZIP_TYPE, **headers}, timeout=5)


def read_report(data: bytes) -> tuple[str, list[list[str]]]:
    """(the CSV text as decoded, its records) of a report archive."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["MerchantCatalogReport.csv"]
        raw = archive.read("MerchantCatalogReport.csv")
    text = raw.decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def report_records(sb: Sandbox, catalog: str) -> list[list[str]]:
    """The item records (rows 5 on) of the report the catalog's status points to now."""
    url = status_json(sb, catalog)["rejectionReportUrl"]
    response = download(url)
    assert response.status_code == 200, response.text
    return read_report(response.content)[1][4:]
