"""Error bodies read: the API's own code and message from a JSON, XML, HTML or text answer.

Shapes known: Azure/CPP and Content API `{"error":{...}}`, OAuth `{"error":"...",
"error_description"}`, a top-level `{"code","message"}`, GData and Azure XML errors. XML is
parsed with defusedxml (no DTD, no entities).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from offergate.transport.redaction import one_line

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element


def reject_constant(name: str) -> Any:
    """For `json.loads(parse_constant=...)`: NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not JSON")


def looks_like_html(body: bytes, content_type: str) -> bool:
    head = body.lstrip()[:64].lower()
    return "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def _html_title(body: bytes) -> str | None:
    match = re.search(rb"<title[^>]*>(.*?)</title", body, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    import html  # lazily: only an HTML error page needs it

    title = one_line(html.unescape(match.group(1).decode("utf-8", "replace")), 100)
    return title or None


def describe_body(body: bytes, content_type: str) -> str:
    """What came back, in a few words: 'an HTML page titled …', 'text/plain starting with …'."""
    if not body.strip():
        return "an empty body"
    if looks_like_html(body, content_type):
        title = _html_title(body)
        return f"an HTML page titled '{title}'" if title else "an HTML page"
    kind = one_line(content_type, 60) or "no content type"
    return f"{kind} starting with '{one_line(body[:400].decode('utf-8', 'replace'), 60)}'"


def parse_error_body(body: bytes, content_type: str) -> tuple[str | None, str | None, str | None]:
    """(code, message, description for the summary) from a JSON, XML, HTML or text body."""
    text = body.decode("utf-8-sig", "replace").strip()
    if not text:
        return None, None, None
    if text.startswith(("{", "[")):
        try:
            parsed = json.loads(text, parse_constant=reject_constant)
        except (ValueError, RecursionError):
            parsed = None
        if parsed is not None:
            code, message = _json_error(parsed)
            if code or message:
                return code, message, None
    if looks_like_html(body, content_type):
        return None, None, describe_body(body, content_type)
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


MAX_DETAILS = 10  # nested errors read from one answer


def _json_error_object(error: dict[str, Any]) -> tuple[str | None, str | None]:
    code = error.get("code")
    # Google-style `errors` (the Content API) carry a `reason`; Microsoft's `details` (the Product
    # Ingestion API, Microsoft Graph) carry a code and message of their own.
    listed = error.get("errors")
    nested = error.get("details") if not isinstance(listed, list) else None
    entries = listed if isinstance(listed, list) else nested if isinstance(nested, list) else []
    details = [d for d in entries[:MAX_DETAILS] if isinstance(d, dict)]
    reason = _text(details[0].get("reason"), 100) if details and nested is None else None
    named = isinstance(code, str) and code.strip() != "" and not code.strip().isdigit()
    shown_code = _text(code, 100) if named else reason or _text(code, 100)
    message = _text(error.get("message"))
    more = [m for d in details if (m := _detail_text(d, coded=nested is not None)) and m != message]
    if more:
        message = one_line("; ".join([message, *more] if message else more), 500)
    return shown_code, message


def _detail_text(detail: dict[str, Any], *, coded: bool) -> str | None:
    """One nested error's message, after its own code where it has one (`invalidState: …`)."""
    message = _text(detail.get("message"))
    code = _text(detail.get("code"), 100) if coded else None
    return f"{code}: {message}" if code and message else message


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
