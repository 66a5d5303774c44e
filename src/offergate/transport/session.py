"""Sessions: one per service, carrying its retry policy and never leaking credentials.

Credential headers are stripped when a redirect leaves the origin (through requests' documented
`should_strip_auth`/`rebuild_auth` hooks), a body is never resent to another origin, and
`.netrc` is never read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from offergate.core.clock import Clock, Deadline
from offergate.transport.failures import MAX_REDIRECTS, UnsafeRedirect
from offergate.transport.retry import RetryPolicy


class CredentialSession(requests.Session):
    """A Session that strips every credential header on a redirect to another origin.

    requests strips only `Authorization` (and re-adds .netrc credentials): here every header in
    `credential_headers` goes when the host, port or scheme changes (https to http included),
    .netrc is not consulted, and a 307/308 that would resend a body there is refused.
    `retry` is the policy `send` follows with this session (None: one attempt).
    """

    def __init__(
        self, credential_headers: Sequence[str] = ("Authorization",), retry: RetryPolicy | None = None
    ) -> None:
        super().__init__()
        self.credential_headers = tuple(dict.fromkeys(("Authorization", *credential_headers)))
        self.retry = retry
        # A session-wide auth that adds nothing: requests then never reads ~/.netrc (it would
        # send the machine's credentials to the API's or the report's host otherwise).
        self.auth = _no_auth

    def should_strip_auth(self, old_url: str, new_url: str) -> bool:
        """True unless the origin stays the same (or is upgraded from http to https on the
        default ports, which requests also allows)."""
        old, new = _origin(old_url), _origin(new_url)
        if old == new:
            return False
        return not (old[0] == "http" and new[0] == "https" and old[1:] == (new[1], 80) and new[2] == 443)

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        if not self.should_strip_auth(response.request.url or "", prepared_request.url or ""):
            return
        if prepared_request.body is not None:
            raise UnsafeRedirect("refused to resend a request body to another origin")
        for name in self.credential_headers:
            prepared_request.headers.pop(name, None)


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port with the scheme's default filled in)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ("", url, None)
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port if port is not None else default


def make_session(
    *,
    clock: Clock,
    deadline: Deadline | None,
    user_agent: str,
    retries: int = 4,
    backoff_factor: float = 1.0,
    credential_headers: Sequence[str] = ("Authorization",),
    debug: Callable[[str], None] | None = None,
) -> CredentialSession:
    """One Session per service: GET retried on 429/5xx and broken connections, any method
    retried on connect failures (nothing was sent), never past `deadline` (see `RetryPolicy`).

    `debug`, when given, receives one line per request and per retry (see `RetryPolicy`)."""
    policy = RetryPolicy(clock=clock, deadline=deadline, retries=retries, backoff_factor=backoff_factor, debug=debug)
    session = CredentialSession(credential_headers, policy)
    session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
    session.max_redirects = MAX_REDIRECTS
    adapter = HTTPAdapter(max_retries=0)  # one try per call: `send` does the retrying
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
