"""Redaction: URLs shown without credentials or query secrets, and secrets scrubbed from text.

Everything the transport writes into an error or a debug line goes through here first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, urlsplit

import requests

SAFE_QUERY_KEYS = frozenset({"api-version", "alt"})
SECRET_HEADER = re.compile(r"auth|token|secret|key|cookie|password|signature", re.IGNORECASE)
SECRET_FORM_KEYS = frozenset(
    {"client_secret", "client_assertion", "refresh_token", "assertion", "code", "password", "access_token"}
)


def redact_url(url: str) -> str:
    """scheme://host[:port]/path?safe=value&other=*** : no userinfo, no fragment, no secrets."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "(an invalid URL)"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    query = "&".join(
        f"{quote(key, safe='-_.')}={quote(value, safe='-_.') if key.lower() in SAFE_QUERY_KEYS else '***'}"
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    base = f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else f"{netloc}{parts.path}"
    return f"{base}?{query}" if query else base


def display_url(url: str, params: Mapping[str, str] | None) -> str:
    """The redacted URL a request with `params` goes to."""
    if not params:
        return redact_url(url)
    try:
        prepared = requests.PreparedRequest()
        prepared.prepare_url(url, dict(params))
        return redact_url(prepared.url or url)
    except (requests.RequestException, ValueError):
        return redact_url(url)


def host_of(url: str) -> str:
    """host[:port] of a URL, without its userinfo (a proxy URL may carry a password)."""
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "(an invalid URL)"
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}" if port is not None else host


def one_line(text: str, limit: int = 200) -> str:
    """Printable, whitespace collapsed, at most `limit` characters."""
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in text[: limit * 4]).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def request_secrets(request: requests.PreparedRequest | None) -> list[str]:
    """Values of the request that must not appear in an error: query, credential headers, form secrets."""
    if request is None:
        return []
    found: list[str] = []
    try:
        query = urlsplit(request.url or "").query
    except ValueError:
        query = ""
    found += [v for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() not in SAFE_QUERY_KEYS]
    for name, value in request.headers.items():
        if SECRET_HEADER.search(name):
            found += [value, *(word for word in value.split() if word.lower() not in ("bearer", "basic"))]
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and "=" in body:
        found += [v for k, v in parse_qsl(body, keep_blank_values=True) if k in SECRET_FORM_KEYS]
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def scrub(text: str | None, secrets: list[str]) -> str | None:
    """`text` with every one of `secrets` replaced by ***."""
    if text is None:
        return None
    for secret in secrets:
        text = text.replace(secret, "***")
    return text
