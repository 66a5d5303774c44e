"""What goes over the wire: recorded requests, canned responses, JSON helpers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl


class Headers(Mapping[str, str]):
    """Request headers with case-insensitive lookup; iteration keeps the sent spelling."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: dict[str, tuple[str, str]] = {}
        for name, value in items:
            self._items[name.lower()] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the sandbox received it. `at` is the sandbox clock at arrival."""

    method: str
    path: str
    query: dict[str, str]
    headers: Headers
    body: bytes
    at: float

    def form(self) -> dict[str, str]:
        """The body parsed as application/x-www-form-urlencoded."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))


@dataclass(frozen=True)
class Response:
    """One answer to send back. With `file` set, the body is streamed from that file instead of `body`.

    How it is delivered (fault injection): `declared_length` is the Content-Length announced
    (a lie when it differs from the body; the connection is then closed after the body),
    `drip` sends the body one byte every `drip` seconds, `reset_after` resets the connection
    after that many body bytes.
    """

    status: int
    body: bytes = b""
    content_type: str | None = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None
    declared_length: int | None = None
    drip: float = 0.0
    reset_after: int | None = None


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8", dict(headers or {}))


def api_error(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """The Azure REST error shape: {"error": {"code": ..., "message": ...}}."""
    return json_response(status, {"error": {"code": code, "message": message}}, headers)
