"""A catalog's review status as the Content API reports it, in JSON or XML (parsed leniently).

XML goes through defusedxml only, with DTDs forbidden.

Only an unambiguous answer decides: a status without a rejected count (`{}`, `<catalogStatus/>`,
an error object served with HTTP 200) and an XML element given twice (as a JSON key given twice
is refused by `offergate.transport.authorized.json_document`) are bad answers, never "0
rejected". The published count may be missing (0): it can only keep `expected-offers` from
being reached. Every string taken from an answer is cut to a bounded length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from offergate.core.errors import ApiError
from offergate.core.wording import cut, quoted

SERVICE = "Content API"
#: A count above this is not a count of offers in a catalog but a broken answer.
MAX_COUNT = 10**12
#: The longest id, name or market kept from an answer; a report URL longer than MAX_URL is dropped.
MAX_FIELD = 200
MAX_URL = 8192
STATUS_FIELDS = frozenset({"catalogid", "publishedcount", "rejectedcount", "rejectionreporturl"})
CATALOG_FIELDS = frozenset({"id", "name", "market", "isdefault", "ispublishingenabled"})


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


def _count(value: Any, name: str, status: int, *, required: bool = False) -> int:
    """A count: an integer, or a string of ASCII digits. Missing means 0, unless `required`
    (the rejected count decides the verdict, so an answer without it is a bad answer)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _wrong_shape(f"it has no '{name}', so it says nothing about rejections", status)
        return 0
    if isinstance(value, bool):
        raise _wrong_shape(f"'{name}' is a boolean", status)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        digits = value.strip().lstrip("0") or "0"
        value = int(digits) if len(digits) <= len(str(MAX_COUNT)) else MAX_COUNT + 1
    if isinstance(value, int):
        if value < 0:
            raise _wrong_shape(f"'{name}' is negative", status)
        if value > MAX_COUNT:
            raise _wrong_shape(f"'{name}' is over {MAX_COUNT}, not a count of offers", status)
        return value
    raise _wrong_shape(f"'{name}' is not a count: {quoted(_shown(value), 40)}", status)


def _shown(value: Any) -> str:
    """A short text of any JSON value for a message (never the whole of a huge one)."""
    if isinstance(value, (dict, list)):
        return f"a JSON {'object' if isinstance(value, dict) else 'array'}"
    if isinstance(value, float):
        return repr(value)
    return str(value)[:200] if isinstance(value, str) else type(value).__name__


def _text(value: Any, limit: int = MAX_FIELD) -> str:
    """A string field, cut; a number as its digits; anything else (objects, lists, booleans) is no text."""
    if isinstance(value, str):
        return cut(value, limit)
    if isinstance(value, int) and not isinstance(value, bool):
        return cut(str(value) if abs(value) < 10**100 else "(a huge number)", limit)
    return ""


def _error_under_2xx(body: dict[str, Any], status: int, what: str = "a catalog status") -> ApiError | None:
    """An error object (`{"error": {...}}` or `{"errors": [...]}`) served as a 2xx answer."""
    error = body.get("error")
    listed = body.get("errors")
    if isinstance(listed, list) and listed and isinstance(listed[0], dict) and not isinstance(error, dict):
        error = listed[0]
    if not isinstance(error, (dict, str)):
        return None
    code = _text(error.get("code") or error.get("reason"), 100) if isinstance(error, dict) else _text(error, 100)
    message = _text(error.get("message"), 300) if isinstance(error, dict) else ""
    return _error_answer(code, message, status, what)


def _error_answer(code: str, message: str, status: int, what: str = "a catalog status") -> ApiError:
    return ApiError(
        SERVICE,
        f"the answer (HTTP {status}) is an error, not {what}",
        status=status,
        code=" ".join(code.split()) or None,
        api_message=" ".join(message.split()) or None,
        hint="check merchant-id, catalog-id and the credentials; if it persists, the service is failing",
    )


def parse_status_json(catalog_id: str, body: Any, http_status: int = 200) -> CatalogStatus:
    if not isinstance(body, dict):
        raise _wrong_shape(f"expected a JSON object, got {type(body).__name__}", http_status)
    if body.get("rejectedCount") is None:
        error = _error_under_2xx(body, http_status)
        if error is not None:
            raise error
    return CatalogStatus(
        catalog_id=_text(body.get("catalogId")) or catalog_id,
        published=_count(body.get("publishedCount"), "publishedCount", http_status),
        rejected=_count(body.get("rejectedCount"), "rejectedCount", http_status, required=True),
        report_url=_report_url(body.get("rejectionReportUrl")),
    )


def _report_url(value: Any) -> str | None:
    """The report URL when it is a string of a sane length; anything else is no URL."""
    if not isinstance(value, str) or len(value) > MAX_URL:
        return None
    return value.strip() or None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].replace("_", "").lower() if isinstance(tag, str) else ""


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
    if _local(root.tag) in ("error", "errors"):
        raise _xml_error_answer(root, http_status)
    if _local(root.tag) != "catalogstatus":
        raise _wrong_shape(f"the XML root is <{one_line(root.tag, 60)}>, not <catalogStatus>", http_status)
    fields = _xml_fields(root, http_status, STATUS_FIELDS)
    return CatalogStatus(
        catalog_id=cut(fields.get("catalogid", ""), MAX_FIELD) or catalog_id,
        published=_count(fields.get("publishedcount"), "published_count", http_status),
        rejected=_count(fields.get("rejectedcount"), "rejected_count", http_status, required=True),
        report_url=_report_url(fields.get("rejectionreporturl")),
    )


def _xml_fields(element: Element, http_status: int, read: frozenset[str]) -> dict[str, str]:
    """The child elements' texts by local name (without underscores, any case).

    An element given twice (`<rejected_count>6</rejected_count><rejected_count>0</rejected_count>`,
    or `<rejected_count>` next to `<rejectedCount>`) means whatever the reader picks, so it is
    refused, as a JSON key given twice is; so is a field that is `read` holding elements
    instead of text.
    """
    fields: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # a comment or a processing instruction
        name = _local(child.tag)
        if name in fields:
            raise ApiError(
                SERVICE,
                f"the XML answer (HTTP {http_status}) has the element {quoted(child.tag, 60)} twice, "
                "so its meaning is ambiguous",
                status=http_status,
                hint="the service answered something unexpected; if it persists, report it",
            )
        if len(child) and name in read:
            raise _wrong_shape(f"{quoted(child.tag, 60)} holds elements, not a value", http_status)
        fields[name] = (child.text or "").strip()
    return fields


def _xml_error_answer(root: Element, http_status: int, what: str = "a catalog status") -> ApiError:
    """`<errors><error><reason/><internalReason/></error></errors>` or `<Error><Code/><Message/></Error>` under 2xx."""
    texts: dict[str, str] = {}
    for element in root.iter():
        if isinstance(element.tag, str) and element.text and element.text.strip():
            texts.setdefault(_local(element.tag), element.text.strip())
    code = texts.get("reason") or texts.get("code") or ""
    message = texts.get("internalreason") or texts.get("message") or ""
    return _error_answer(cut(code, 100), cut(message, 300), http_status, what)


def parse_catalogs_json(body: Any, http_status: int = 200) -> list[CatalogInfo]:
    items = body.get("catalogs") if isinstance(body, dict) else None
    if items is None and isinstance(body, dict):
        error = _error_under_2xx(body, http_status, "a catalog list")
        if error is not None:
            raise error  # not "this store has no catalogs"
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
    if _local(root.tag) in ("error", "errors"):
        raise _xml_error_answer(root, http_status, "a catalog list")
    catalogs = []
    for element in root.iter():
        if _local(element.tag) != "catalog":
            continue
        fields = _xml_fields(element, http_status, CATALOG_FIELDS)
        if fields.get("id"):
            catalogs.append(
                CatalogInfo(
                    id=cut(fields["id"], MAX_FIELD),
                    name=cut(fields.get("name", ""), MAX_FIELD),
                    market=cut(fields.get("market", ""), MAX_FIELD),
                    is_default=fields.get("isdefault", "").lower() == "true",
                    publishing_enabled=fields.get("ispublishingenabled", "true").lower() != "false",
                )
            )
    if not catalogs and _local(root.tag) != "catalogs":
        raise _wrong_shape(f"the XML root is <{one_line(root.tag, 60)}>, not <catalogs>", http_status)
    return catalogs
