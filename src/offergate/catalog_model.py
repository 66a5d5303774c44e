"""A catalog's review status as the Content API reports it, in JSON or XML (parsed leniently).

XML goes through defusedxml only, with DTDs forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from offergate.errors import ApiError

SERVICE = "Content API"


@dataclass(frozen=True)
class CatalogStatus:
    catalog_id: str
    published: int
    rejected: int
    report_url: str | None


@dataclass(frozen=True)
class CatalogInfo:
    """One entry of the store's catalog list."""

    id: str
    name: str
    market: str
    is_default: bool
    publishing_enabled: bool


def _wrong_shape(what: str, status: int) -> ApiError:
    return ApiError(
        SERVICE,
        f"the answer has the wrong shape: {what}",
        status=status,
        hint="check content-api-url and content-format; if they are right, the API changed",
    )


def _count(value: Any, name: str, status: int) -> int:
    """A count: an integer, or a string of ASCII digits; missing means 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise _wrong_shape(f"'{name}' is a boolean", status)
    if isinstance(value, int):
        if value < 0:
            raise _wrong_shape(f"'{name}' is negative", status)
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    raise _wrong_shape(f"'{name}' is not a count: {str(value)[:40]!r}", status)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def parse_status_json(catalog_id: str, body: Any, http_status: int = 200) -> CatalogStatus:
    if not isinstance(body, dict):
        raise _wrong_shape(f"expected a JSON object, got {type(body).__name__}", http_status)
    url = _text(body.get("rejectionReportUrl")).strip() or None
    return CatalogStatus(
        catalog_id=_text(body.get("catalogId")) or catalog_id,
        published=_count(body.get("publishedCount"), "publishedCount", http_status),
        rejected=_count(body.get("rejectedCount"), "rejectedCount", http_status),
        report_url=url,
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].replace("_", "").lower()


def parse_xml(data: bytes, http_status: int) -> Element:
    """Parse untrusted XML: no DTD, no entities, no external references."""
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ApiError(
            SERVICE,
            f"the XML answer was refused: {type(exc).__name__} (DTDs and entities are not accepted)",
            status=http_status,
        ) from None
    except SafeET.ParseError as exc:
        raise ApiError(SERVICE, f"the answer is not well-formed XML ({exc})", status=http_status) from None
    return root


def parse_status_xml(catalog_id: str, data: bytes, http_status: int = 200) -> CatalogStatus:
    """`<catalogStatus>` with `<catalog_id>`, `<published_count>`, `<rejected_count>` and the report URL.

    The reference page misnames the URL element, so any child whose name without underscores is
    `rejectionreporturl` (any case) is accepted.
    """
    root = parse_xml(data, http_status)
    if _local(root.tag) != "catalogstatus":
        raise _wrong_shape(f"the XML root is <{root.tag}>, not <catalogStatus>", http_status)
    fields = {_local(child.tag): (child.text or "").strip() for child in root}
    return CatalogStatus(
        catalog_id=fields.get("catalogid") or catalog_id,
        published=_count(fields.get("publishedcount"), "published_count", http_status),
        rejected=_count(fields.get("rejectedcount"), "rejected_count", http_status),
        report_url=fields.get("rejectionreporturl") or None,
    )


def parse_catalogs_json(body: Any, http_status: int = 200) -> list[CatalogInfo]:
    items = body.get("catalogs") if isinstance(body, dict) else None
    if items is None and isinstance(body, dict):
        items = []
    if not isinstance(items, list):
        raise _wrong_shape("expected an object with a 'catalogs' array", http_status)
    return [
        CatalogInfo(
            id=_text(item.get("id")),
            name=_text(item.get("name")),
            market=_text(item.get("market")),
            is_default=item.get("isDefault") is True,
            publishing_enabled=item.get("isPublishingEnabled") is not False,
        )
        for item in items
        if isinstance(item, dict) and _text(item.get("id"))
    ]


def parse_catalogs_xml(data: bytes, http_status: int = 200) -> list[CatalogInfo]:
    root = parse_xml(data, http_status)
    catalogs = []
    for element in root.iter():
        if _local(element.tag) != "catalog":
            continue
        fields = {_local(child.tag): (child.text or "").strip() for child in element}
        if fields.get("id"):
            catalogs.append(
                CatalogInfo(
                    id=fields["id"],
                    name=fields.get("name", ""),
                    market=fields.get("market", ""),
                    is_default=fields.get("isdefault", "").lower() == "true",
                    publishing_enabled=fields.get("ispublishingenabled", "true").lower() != "false",
                )
            )
    return catalogs


