"""A catalog's review status as the Content API reports it, in JSON or XML (parsed leniently).

XML goes through defusedxml only, with DTDs forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from offergate.core.errors import ApiError

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


class RefusedXml(ApiError):
    """An XML answer refused as hostile (a DTD, entities, external references): never retried."""

    hostile = True


def _wrong_shape(what: str, status: int) -> ApiError:
    return ApiError(
        SERVICE,
        f"the answer (HTTP {status}) has the wrong shape: {what}",
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
    raw_url = body.get("rejectionReportUrl")
    url = raw_url.strip() or None if isinstance(raw_url, str) else None
    return CatalogStatus(
        catalog_id=_text(body.get("catalogId")) or catalog_id,
        published=_count(body.get("publishedCount"), "publishedCount", http_status),
        rejected=_count(body.get("rejectedCount"), "rejectedCount", http_status),
        report_url=url,
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].replace("_", "").lower()


def _looks_like_html(data: bytes, content_type: str) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].lower()
    return "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def parse_xml(data: bytes, http_status: int, content_type: str = "") -> Element:
    """Parse untrusted XML: no DTD, no entities, no external references.

    Any DOCTYPE is refused before its content is read, so entity expansions (billion laughs,
    quadratic blow-up) and external references (local files, remote DTDs) never happen.
    """
    if not data.strip():
        raise ApiError(SERVICE, f"the answer (HTTP {http_status}) is an empty body instead of XML", status=http_status)
    if _looks_like_html(data, content_type):
        raise ApiError(
            SERVICE,
            f"the answer (HTTP {http_status}) is an HTML page instead of XML",
            status=http_status,
            hint="a proxy or a login page may have answered: check content-api-url",
        )
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise RefusedXml(
            SERVICE,
            f"the XML answer (HTTP {http_status}) was refused: it has {_what_refused(exc)}; "
            "DOCTYPEs, entities and external references are never accepted",
            status=http_status,
        ) from None
    except (SafeET.ParseError, ValueError, LookupError) as exc:
        raise ApiError(
            SERVICE,
            f"the answer (HTTP {http_status}) is not well-formed XML ({one_line(str(exc))})",
            status=http_status,
        ) from None
    return root


def _what_refused(exc: DefusedXmlException) -> str:
    if isinstance(exc, DTDForbidden):
        return "a DOCTYPE"
    if isinstance(exc, EntitiesForbidden):
        return "an entity declaration"
    if isinstance(exc, ExternalReferenceForbidden):
        return "an external reference"
    return f"something refused ({type(exc).__name__})"


def one_line(text: str, limit: int = 120) -> str:
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in text[: limit * 4]).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def parse_status_xml(catalog_id: str, data: bytes, http_status: int = 200, content_type: str = "") -> CatalogStatus:
    """`<catalogStatus>` with `<catalog_id>`, `<published_count>`, `<rejected_count>` and the report URL.

    The reference page misnames the URL element, so any child whose name without underscores is
    `rejectionreporturl` (any case) is accepted.
    """
    root = parse_xml(data, http_status, content_type)
    if _local(root.tag) != "catalogstatus":
        raise _wrong_shape(f"the XML root is <{one_line(root.tag, 60)}>, not <catalogStatus>", http_status)
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


def parse_catalogs_xml(data: bytes, http_status: int = 200, content_type: str = "") -> list[CatalogInfo]:
    root = parse_xml(data, http_status, content_type)
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
    if not catalogs and _local(root.tag) != "catalogs":
        raise _wrong_shape(f"the XML root is <{one_line(root.tag, 60)}>, not <catalogs>", http_status)
    return catalogs
