"""One authorized GET against an API, with a single token refresh when the token is refused."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import requests

from offergate.core.clock import Deadline
from offergate.core.errors import ApiError
from offergate.transport.answers import error_from_response, json_from_response
from offergate.transport.redaction import one_line, redact_url
from offergate.transport.send import MAX_BODY, send
from offergate.transport.tokens import TokenProvider


def authorized_get(
    session: requests.Session,
    auth: TokenProvider,
    url: str,
    *,
    service: str,
    deadline: Deadline,
    params: Mapping[str, str],
    headers: Callable[[], dict[str, str]],
    hints: Mapping[int, str],
    max_body: int = MAX_BODY,
) -> requests.Response:
    """GET `url`; on a 401 refresh a refreshable token once and try again.

    `headers` is called per attempt, so a refreshed token is used. A token that cannot be
    refreshed (given as an input) is reported by the input that holds it. Any status of 400
    or more becomes an ApiError with the API's own code and message. A body over `max_body`
    bytes is refused (an ApiError with the answer's status) before anything parses it.
    """
    for attempt in (1, 2):
        response = send(
            session,
            "GET",
            url,
            service=service,
            deadline=deadline,
            params=params,
            headers=headers(),
            max_body=max_body,
        )
        if response.status_code == 401:
            if attempt == 1 and auth.can_refresh:
                auth.invalidate()
                continue
            auth.invalidate()
            raise error_from_response(response, service, refused_hint(auth, hints))
        if response.status_code >= 400:
            raise error_from_response(response, service, hints.get(response.status_code))
        return response
    raise AssertionError("unreachable")


def refused_hint(auth: TokenProvider, hints: Mapping[int, str]) -> str | None:
    if auth.can_refresh:
        return hints.get(401)
    return (
        f"{auth.description} was refused: it may have expired or be for another API; "
        "give a new one, or use a credential that offergate can refresh"
    )


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def json_document(response: requests.Response, service: str) -> Any:
    """The JSON document of a 2xx answer (see `json_from_response`), refusing duplicate keys.

    `{"status": "Failed", "status": "Succeeded"}` means whatever the reader picks (Python keeps
    the last), so a gate must not pass on it: it is an error naming the key.
    """
    document = json_from_response(response, service)
    body = response.content
    try:
        json.loads(body.decode(json.detect_encoding(body)).lstrip("\ufeff"), object_pairs_hook=_no_duplicates)
    except _DuplicateKey as duplicate:
        raise ApiError(
            service,
            f"GET {redact_url(response.url)} answered HTTP {response.status_code} with JSON that has the "
            f"key {one_line(duplicate.key, 60)!r} twice, so its meaning is ambiguous",
            status=response.status_code,
            hint="the service answered something unexpected; if it persists, report it",
        ) from None
    return document
