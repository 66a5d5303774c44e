"""The retry loop: one call tried again on busy answers and broken connections, never past a deadline.

- Sleeps go to the injected `Clock`, never `time.sleep`.
- Backoff is deterministic: `backoff_factor * 2 ** (n - 1)` after the n-th failed attempt
  (1, 2, 4, 8 s with factor 1), capped at `backoff_max` and the time left.
- A sane Retry-After (see `retry_after_seconds`) replaces the backoff, capped at
  `retry_after_cap`; an invalid one is ignored (backoff). Retry-After 0 or a past date also
  falls back to the backoff.
- No retry when the deadline has passed or the server asks to wait past it: the last answer
  comes back, or the last error is raised (as `GaveUp`).
- Statuses retried: RETRY_STATUSES, for GET only. Errors retried: a connection that could not
  be made (any method: nothing was sent), and for GET a request that got no answer. TLS and
  the like are not retried here (the next poll may try again).
"""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import requests

from offergate.core.clock import Clock, Deadline
from offergate.transport.failures import TRANSPORT_ERRORS, retry_kind

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_METHODS = frozenset({"GET"})
RETRY_AFTER_CAP = 300.0  # longest Retry-After we sleep at once
RETRY_AFTER_SANE_MAX = 86400  # a Retry-After over a day is treated as garbage
BACKOFF_MAX = 60.0

# How many attempts each answer took (for the errors built from it later).
_ATTEMPTS: weakref.WeakKeyDictionary[requests.Response, int] = weakref.WeakKeyDictionary()


def retry_after_seconds(value: str, date: str | None = None) -> float | None:
    """A Retry-After value in seconds, or None when it is not sane.

    Accepted: 0..86400 seconds in ASCII digits, with up to three decimals (Microsoft Graph's
    throttling sends fractional values such as '1.5'), or an HTTP date (measured from the
    answer's `Date` header when it has a valid one, else from the wall clock; a past date gives 0).
    Rejected (None): negative, exponents ('1e3'), non-ASCII digits ('١'), garbage, huge values.
    """
    text = value.strip(" \t")
    if re.fullmatch(r"[0-9]{1,9}(?:\.[0-9]{1,3})?", text, re.ASCII):
        seconds = float(text)
        return seconds if seconds <= RETRY_AFTER_SANE_MAX else None
    when = _http_date(text)
    if when is None:
        return None
    reference = _http_date(date.strip()) if date else None
    delay = when - (reference if reference is not None else time.time())
    return max(0.0, delay) if delay <= RETRY_AFTER_SANE_MAX else None


def _http_date(text: str) -> float | None:
    """Seconds since the epoch for an HTTP date (all three forms start with a day name)."""
    if not text.isascii() or not re.match(r"[A-Za-z]{3}", text):
        return None
    import email.utils  # lazily: only a Retry-After date needs it

    parsed = email.utils.parsedate_tz(text)
    if parsed is None:
        return None
    try:
        return float(email.utils.mktime_tz(parsed))
    except (OverflowError, ValueError):
        return None


def attempts_of(response: requests.Response) -> int:
    """How many attempts the call that got `response` made (1 for an answer `RetryPolicy` did not see)."""
    return _ATTEMPTS.get(response, 1)


class GaveUp(Exception):
    """The call ended with `error` after `attempts` attempts; `reason`: why no further attempt
    was made when the retries were not used up (else None)."""

    def __init__(self, error: BaseException, attempts: int, reason: str | None) -> None:
        super().__init__(attempts, reason)
        self.error = error
        self.attempts = attempts
        self.reason = reason


@dataclass(frozen=True)
class RetryPolicy:
    """How one service's calls are retried; `run` is the loop.

    `deadline` bounds every call of the session (a call may bring a nearer one). `debug`, when
    given, gets one line per attempt (method, redacted URL, status or what failed, attempt
    number) and one per retry (the wait before it)."""

    clock: Clock
    deadline: Deadline | None = None
    retries: int = 4
    backoff_factor: float = 1.0
    backoff_max: float = BACKOFF_MAX
    retry_after_cap: float = RETRY_AFTER_CAP
    debug: Callable[[str], None] | None = None

    def run(
        self,
        call: str,
        attempt: Callable[[], requests.Response],
        *,
        method: str,
        deadline: Deadline | None = None,
        describe: Callable[[BaseException], str] = lambda exc: type(exc).__name__,
    ) -> requests.Response:
        """`attempt()` until it gives an answer not worth retrying, or the retries or the time
        run out. `call` is 'METHOD redacted-URL', for the debug lines.

        Returns the last answer (whatever its status); raises `GaveUp` with the last error."""
        deadlines = [d for d in (self.deadline, deadline) if d is not None]
        method = method.upper()
        number = 1
        while True:
            try:
                response = attempt()
            except TRANSPORT_ERRORS as exc:
                self._say(f"{call}: attempt {number}: {describe(exc)}")
                kind = retry_kind(exc)
                if number > self.retries or kind == "other" or (kind == "read" and method not in RETRY_METHODS):
                    raise GaveUp(exc, number, None) from exc
                wait, stop = self._plan(number, None, deadlines)
                if stop is not None:
                    self._say(f"{call}: not retried: {stop}")
                    raise GaveUp(exc, number, stop) from exc
            else:
                self._say(f"{call}: attempt {number}: HTTP {response.status_code}")
                _ATTEMPTS[response] = number
                if method not in RETRY_METHODS or response.status_code not in RETRY_STATUSES or number > self.retries:
                    return response
                wait, stop = self._plan(number, response, deadlines)
                if stop is not None:
                    self._say(f"{call}: not retried: {stop}")
                    return response
                response.close()
            self._say(f"{call}: waiting {wait:g} s before attempt {number + 1}")
            if wait > 0:
                self.clock.sleep(wait)
            number += 1

    def _plan(
        self, failed: int, response: requests.Response | None, deadlines: list[Deadline]
    ) -> tuple[float, str | None]:
        """(seconds to wait before the next attempt, reason to give up instead or None) after
        `failed` attempts, the last of which got `response` (None: an error)."""
        remaining = min(d.remaining() for d in deadlines) if deadlines else None
        if remaining is not None and remaining <= 0:
            return 0.0, "the deadline has passed"
        asked = None
        if response is not None and (value := response.headers.get("Retry-After")) is not None:
            asked = retry_after_seconds(value, response.headers.get("Date"))
        if asked:
            if remaining is not None and asked > remaining:
                return 0.0, f"the server asked to wait {asked:.0f} s, past the deadline ({remaining:.0f} s left)"
            wait = min(asked, self.retry_after_cap)
        else:
            wait = self.backoff(failed)
        return (wait if remaining is None else min(wait, remaining)), None

    def backoff(self, failed: int) -> float:
        """Seconds to wait after `failed` consecutive failed attempts."""
        if failed <= 0 or self.backoff_factor <= 0:
            return 0.0
        return float(min(self.backoff_max, self.backoff_factor * 2 ** min(failed - 1, 62)))

    def _say(self, line: str) -> None:
        if self.debug is not None:
            self.debug(line)


ONE_ATTEMPT = RetryPolicy(clock=Clock(), retries=0)
