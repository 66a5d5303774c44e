"""Fault injection: canned, broken or missing answers for the next matching requests."""

from __future__ import annotations

import dataclasses
import gzip
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from offergate.sandbox.wire import Response

KINDS = (
    "status",
    "html",
    "not-json",
    "reset",
    "stall",
    "drip",
    "short-body",
    "long-body",
    "reset-mid-body",
    "gzip",
    "echo",
)
#: In an "echo" fault's body, replaced by the request's bearer token (a hostile API repeating it).
ECHO_TOKEN = "{bearer-token}"
# Kinds that change how an answer (the real one, or the canned one when `status` is given) is delivered.
SHAPES = ("drip", "short-body", "long-body", "reset-mid-body", "gzip")

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>\n"
    b"<body><h1>Service Unavailable</h1><p>The service is temporarily unavailable. "
    b"Please try again later.</p></body></html>\n"
)
NOT_JSON = b'{"status": "running", "steps": [{"id": "displaycertify", "status": '


@dataclass
class Fault:
    """One injected fault. `remaining` is None for a fault that never runs out."""

    kind: str
    method: str | None
    path: re.Pattern[str]
    status: int | None
    headers: dict[str, str]
    body: bytes | None
    content_type: str | None
    seconds: float
    remaining: int | None
    hits: int = field(default=0)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path.search(path) is not None

    def response(self) -> Response | None:
        """The canned answer, or None when the real answer is to be sent (a stall without status)."""
        if self.kind == "html":
            return Response(
                self.status or 200,
                _or(self.body, HTML_PAGE),
                self.content_type or "text/html; charset=utf-8",
                dict(self.headers),
            )
        if self.kind == "not-json":
            return Response(
                self.status or 200,
                _or(self.body, NOT_JSON),
                self.content_type or "application/json; charset=utf-8",
                dict(self.headers),
            )
        if self.kind == "status" or (self.kind in ("stall", "echo", *SHAPES) and self.status is not None):
            return Response(
                self.status or 503,
                _or(self.body, b""),
                self.content_type or "text/plain; charset=utf-8",
                dict(self.headers),
            )
        return None

    def echo(self, authorization: str) -> Response:
        """The canned answer (200 by default) with `{bearer-token}` replaced by the request's token."""
        token = authorization.split(" ", 1)[-1].encode("utf-8", "replace")
        return Response(
            self.status or 200,
            _or(self.body, b"").replace(ECHO_TOKEN.encode(), token),
            self.content_type or "application/json; charset=utf-8",
            dict(self.headers),
        )

    def shape(self, answer: Response) -> Response:
        """The answer as this fault delivers it (unchanged for kinds that do not shape answers).

        drip: one byte every `seconds`; short-body: a Content-Length larger than the body (then
        the connection closes); long-body: a Content-Length smaller than the body; reset-mid-body:
        half the body, then a reset; gzip: the body gzip-compressed with `Content-Encoding: gzip`
        (a canned `body` is sent as given: it may be a gzip bomb)."""
        if self.kind not in SHAPES:
            return answer
        body = answer.file.read_bytes() if answer.file is not None else answer.body
        answer = dataclasses.replace(answer, body=body, file=None)
        if self.kind == "drip":
            return dataclasses.replace(answer, drip=self.seconds or 0.05)
        if self.kind == "short-body":
            return dataclasses.replace(answer, declared_length=len(body) + max(1, len(body)))
        if self.kind == "long-body":
            return dataclasses.replace(answer, declared_length=len(body) // 2)
        if self.kind == "reset-mid-body":
            return dataclasses.replace(answer, reset_after=len(body) // 2)
        encoded = body if self.status is not None and self.body is not None else gzip.compress(body)
        return dataclasses.replace(answer, body=encoded, headers={**answer.headers, "Content-Encoding": "gzip"})


def _or(body: bytes | None, default: bytes) -> bytes:
    return default if body is None else body


class Faults:
    """The injected faults, first match wins; thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        *,
        kind: str = "status",
        method: str | None = None,
        path: str = "",
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = None,
        content_type: str | None = None,
        times: int | None = 1,
        seconds: float = 0.0,
    ) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {', '.join(KINDS)}")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for every request)")
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        fault = Fault(
            kind=kind,
            method=method,
            path=re.compile(path),
            status=status,
            headers=dict(headers or {}),
            body=body.encode("utf-8") if isinstance(body, str) else body,
            content_type=content_type,
            seconds=seconds,
            remaining=times,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault matching this request, counted as used."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.hits += 1
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining == 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
