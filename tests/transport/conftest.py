"""A tiny scripted HTTP server on loopback, a virtual clock, and helpers for transport tests."""

from __future__ import annotations

import email.utils
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from offergate.core.clock import Deadline, VirtualClock
from offergate.core.errors import ApiError
from offergate.transport.send import send
from offergate.transport.session import make_session


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/json"
    declared_length: int | None = None  # announce this Content-Length (more than sent: truncation)
    delay: float = 0.0  # real seconds to wait before answering
    drip: float = 0.0  # real seconds between body bytes (one byte at a time)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: CaseInsensitiveDict[str]
    body: bytes

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


class Loopback:
    """Answers each request with the next queued Reply, or with `route(seen)`, or 200 `{}`."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.scheme = "https" if tls else "http"
        self.replies: list[Reply] = []
        self.route: Callable[[Seen], Reply] | None = None
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            if self.route is not None:
                return self.route(seen)
            return self.replies.pop(0) if self.replies else Reply()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        loopback = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                seen = Seen(
                    self.command,
                    parts.path,
                    dict(parse_qsl(parts.query, keep_blank_values=True)),
                    CaseInsensitiveDict(self.headers.items()),
                    body,
                )
                reply = loopback._next(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                headers = {"Date": email.utils.formatdate(usegmt=True), **reply.headers}
                if reply.content_type:
                    headers["Content-Type"] = reply.content_type
                headers["Content-Length"] = str(
                    reply.declared_length if reply.declared_length is not None else len(reply.body)
                )
                head = [f"HTTP/1.0 {reply.status} {self.responses.get(reply.status, ('?',))[0]}"]
                head += [f"{name}: {value}" for name, value in headers.items()]  # UTF-8: odd values allowed
                self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode())
                try:
                    if reply.drip:
                        for index in range(len(reply.body)):
                            self.wfile.flush()
                            time.sleep(reply.drip)
                            self.wfile.write(reply.body[index : index + 1])
                    else:
                        self.wfile.write(reply.body)
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815 - BaseHTTPRequestHandler's method names

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the overridden method's signature
                pass

        return Handler


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()


@pytest.fixture
def other_loopback() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()


@pytest.fixture
def vclock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def tls_loopback(tmp_path: Path) -> Iterator[Loopback]:
    """An https server with a fresh self-signed certificate (not trusted by the client)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = Loopback(tls=context)
    yield server
    server.close()


# --------------------------------------------------------------------------- helpers

SERVICE = "test API"
SECRET = "s3cr3t-query-value"


def session_for(vclock: VirtualClock, deadline: Deadline | None = None, **kw: Any) -> requests.Session:
    return make_session(clock=vclock.as_clock(), deadline=deadline, user_agent="offergate/test", **kw)


def get(session: requests.Session, url: str, **kw: Any) -> requests.Response:
    return send(session, "GET", url, service=SERVICE, **kw)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def all_text(error: ApiError) -> str:
    return " ".join(str(x) for x in (error, error.summary, error.code, error.api_message, error.hint))
