"""One authorized GET against an API, with a single token refresh when the token is refused."""

from __future__ import annotations

from typing import Callable, Mapping

import requests

from offergate import http
from offergate.auth import TokenProvider
from offergate.clock import Deadline


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
) -> requests.Response:
    """GET `url`; on a 401 refresh a refreshable token once and try again.

    `headers` is called per attempt, so a refreshed token is used. A token that cannot be
    refreshed (given as an input) is reported by the input that holds it. Any status of 400
    or more becomes an ApiError with the API's own code and message.
    """
    for attempt in (1, 2):
        response = http.send(session, "GET", url, service=service, deadline=deadline, params=params, headers=headers())
        if response.status_code == 401:
            if attempt == 1 and auth.can_refresh:
                auth.invalidate()
                continue
            auth.invalidate()
            raise http.error_from_response(response, service, refused_hint(auth, hints))
        if response.status_code >= 400:
            raise http.error_from_response(response, service, hints.get(response.status_code))
        return response
    raise AssertionError("unreachable")


def refused_hint(auth: TokenProvider, hints: Mapping[int, str]) -> str | None:
    if auth.can_refresh:
        return hints.get(401)
    return (
        f"{auth.description} was refused: it may have expired or be for another API; "
        "give a new one, or use a credential that offergate can refresh"
    )
