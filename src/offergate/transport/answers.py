"""Answers read: an ApiError from a non-2xx answer, the JSON document of a 2xx one.

Bodies are read with a size bound (and the whole-body time limit); nothing a request carried
as a secret (query values, credential headers, form secrets) appears in an error.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import requests
import urllib3.exceptions as u3

from offergate.core.errors import ApiError
from offergate.transport.error_bodies import describe_body, parse_error_body, reject_constant
from offergate.transport.redaction import one_line, redact_url, request_secrets, scrub
from offergate.transport.retry import attempts_of, retry_after_seconds
from offergate.transport.send import CHUNK, body_time_limit, iter_body

ERROR_BODY_LIMIT = 64 * 1024
MAX_JSON_DEPTH = 200
ACTIVITY_HEADERS = (
    "WebRequestActivityId",
    "x-ms-request-id",
    "x-ms-correlation-id",
    "request-id",
    "client-request-id",
)


def error_from_response(response: requests.Response, service: str, hint: str | None = None) -> ApiError:
    """An ApiError for a non-2xx answer, with the API's own error code and message when it gave them."""
    status = response.status_code
    body, _ = read_bounded(response, ERROR_BODY_LIMIT)
    secrets = request_secrets(response.request)
    code, message, extra = parse_error_body(body, response.headers.get("Content-Type", ""))
    summary = f"{_call_of(response)} answered {_status_text(response)}"
    attempts = attempts_of(response)
    if attempts > 1:
        summary += f" after {attempts} attempts"
    retry_after = response.headers.get("Retry-After")
    asked = retry_after_seconds(retry_after, response.headers.get("Date")) if retry_after else None
    if asked and is_transient_status(status):
        summary += f" asking to retry after {asked:.0f} s"
    if extra:
        summary += f" with {extra}"
    return ApiError(
        service,
        scrub(summary, secrets) or summary,
        status=status,
        code=scrub(code, secrets),
        api_message=scrub(message, secrets),
        hint=hint or default_hint(status, attempts),
        transient=is_transient_status(status),
        activity_id=_activity_id(response),
    )


def is_transient_status(status: int) -> bool:
    return status in (408, 429) or 500 <= status <= 599


def default_hint(status: int, attempts: int = 1) -> str | None:
    """What to do about an HTTP error status, when the caller has nothing more specific."""
    if status == 401:
        return "the credentials were refused: check the token or the app's secret and that it is for this API"
    if status == 403:
        return "the credentials were accepted but are not allowed to do this: check the permissions or roles granted"
    if status == 404:
        return "not found: check the ids and the URL"
    if status in {408, 429} or 500 <= status <= 599:
        retried = (
            f"; it was retried ({attempts} attempts) until the retries or the time ran out" if attempts > 1 else ""
        )
        return f"the service is busy or failing{retried}; try again later"
    return None


def _activity_id(response: requests.Response) -> str | None:
    for name in ACTIVITY_HEADERS:
        value = response.headers.get(name)
        if value and value.strip():
            return one_line(value, 100)
    return None


def json_from_response(response: requests.Response, service: str, max_bytes: int = 8 * 1024 * 1024) -> Any:
    """The JSON document of a 2xx answer; anything else is an ApiError saying what came back."""
    body, problem = read_bounded(response, max_bytes)
    content_type = response.headers.get("Content-Type", "")

    def refuse(what: str) -> ApiError:
        return ApiError(
            service,
            f"{_call_of(response)} answered {_status_text(response)} with {what}",
            status=response.status_code,
            hint="check the URL settings; if they are right, the service answered something unexpected",
            activity_id=_activity_id(response),
        )

    if problem == "over":
        raise refuse(f"a body over {max_bytes} bytes instead of the expected JSON")
    if problem == "broken":
        raise refuse(f"a body that broke off after {len(body)} bytes")
    if not body.strip() or body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise refuse(f"{describe_body(body, content_type)} instead of JSON")
    try:
        text = body.decode(json.detect_encoding(body)).lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError):
        raise refuse(f"a body that is not valid UTF-8 ({describe_body(body, content_type)})") from None
    try:
        document = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise refuse(_json_problem(exc, text, body, content_type)) from None
    except RecursionError:
        raise refuse(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError:
        raise refuse("JSON with NaN or Infinity, or a number too long to read") from None
    if _depth_over(document, MAX_JSON_DEPTH):
        raise refuse(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return document


def _json_problem(exc: json.JSONDecodeError, text: str, body: bytes, content_type: str) -> str:
    if exc.pos >= len(text.rstrip()):
        return f"JSON that ends early (truncated after {len(body)} bytes)"
    return f"invalid JSON (line {exc.lineno} column {exc.colno}): {describe_body(body, content_type)}"


def _depth_over(document: Any, limit: int) -> bool:
    """Whether lists/objects nest deeper than `limit` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def read_bounded(response: requests.Response, limit: int) -> tuple[bytes, str | None]:
    """At most `limit` bytes of the body, and None, "over" (there was more) or "broken"."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in iter_body(response, CHUNK, body_time_limit(None)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                response.close()
                return b"".join(chunks)[:limit], "over"
    except (requests.RequestException, u3.HTTPError, OSError, RuntimeError):
        return b"".join(chunks)[:limit], "broken"
    return b"".join(chunks), None


def _status_text(response: requests.Response) -> str:
    try:
        return f"HTTP {response.status_code} {HTTPStatus(response.status_code).phrase}"
    except ValueError:
        reason = one_line(str(response.reason or ""), 60)
        return f"HTTP {response.status_code} {reason}".rstrip()


def _call_of(response: requests.Response) -> str:
    request = response.request
    method = request.method if request is not None and request.method else "GET"
    url = (request.url if request is not None else None) or response.url or ""
    return f"{method} {redact_url(url)}"
