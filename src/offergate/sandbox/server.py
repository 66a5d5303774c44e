"""The loopback HTTP server: turns each request into a RecordedRequest and writes the answer.

It knows nothing of the APIs: a `handle` callable decides the answer (or to reset the
connection). Silent: nothing is ever written to stderr.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from offergate.sandbox.wire import Headers, RecordedRequest, Response, api_error

MAX_BODY = 1024 * 1024
COPY_SIZE = 1024 * 1024  # bytes per write when streaming a file body


class Reset:
    """The answer that is no answer: the connection is reset."""


RESET = Reset()

Handle = Callable[[RecordedRequest], "Response | Reset"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handle: Handle, clock: Callable[[], float]) -> None:
        self.handle = handle
        self.clock = clock
        self.connections: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # set by stop: ends dripping answers at once
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Keep stderr quiet; a failure while serving one connection only ends that connection."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "offergate-sandbox"
    wbufsize = -1  # buffered: each answer leaves in one write (flushed per request by the base class)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Silence the per-request log lines."""

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            self._write(api_error(413, "RequestEntityTooLarge", "The request body is too large."), close=True)
            return
        parts = urlsplit(self.path)
        request = RecordedRequest(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=Headers(self.headers.items()),
            body=body,
            at=self.server.clock(),
        )
        try:
            answer = self.server.handle(request)
        except Exception as error:  # noqa: BLE001 - a bug in a handler: answer 500 rather than drop the connection
            answer = api_error(500, "InternalServerError", f"sandbox error: {type(error).__name__}: {error}")
        if isinstance(answer, Reset):
            self._reset()
        else:
            self._write(answer)

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                return None
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _write(self, response: Response, close: bool = False) -> None:
        if response.file is not None:
            self._write_file(response, response.file)
            return
        if response.drip > 0 or response.reset_after is not None or response.declared_length is not None:
            self._write_faulty(response)
            return
        self._write_head(response, len(response.body), close)
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _write_faulty(self, response: Response) -> None:
        """A broken delivery: a lying Content-Length, a body dripped byte by byte, or a reset mid-body.

        The connection is closed afterwards (the client cannot tell where the answer ends)."""
        declared = len(response.body) if response.declared_length is None else response.declared_length
        self._write_head(response, declared, close=True)
        if self.command == "HEAD":
            return
        body = response.body
        if response.reset_after is not None:
            body = body[: response.reset_after]
        if response.drip > 0:
            self.wfile.flush()
            for index in range(len(body)):
                if self.server.stopping.wait(response.drip):
                    return
                self.wfile.write(body[index : index + 1])
                self.wfile.flush()
        else:
            self.wfile.write(body)
        if response.reset_after is not None:
            self.wfile.flush()
            self._reset()

    def _write_file(self, response: Response, path: Path) -> None:
        """Stream the body from `path` (a large report) without reading it into memory."""
        try:
            source = path.open("rb")
        except OSError as error:
            self._write(api_error(500, "InternalServerError", f"sandbox error: cannot read {path}: {error}"))
            return
        with source:
            self._write_head(response, os.fstat(source.fileno()).st_size, close=False)
            if self.command != "HEAD":
                shutil.copyfileobj(source, self.wfile, COPY_SIZE)

    def send_header(self, keyword: str, value: str) -> None:
        """As the base class, but a value that is not Latin-1 goes out as UTF-8 (a faulty server)."""
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            if not hasattr(self, "_headers_buffer"):
                self._headers_buffer = []
            self._headers_buffer.append(f"{keyword}: {value}\r\n".encode())
            return
        super().send_header(keyword, value)

    def _write_head(self, response: Response, length: int, close: bool) -> None:
        self.send_response(response.status)
        if response.content_type is not None:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()

    def _reset(self) -> None:
        """Abort the connection with a TCP reset (SO_LINGER 0), no answer at all."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class LoopbackServer:
    """A ThreadingHTTPServer on a daemon thread; `stop` also cuts open keep-alive connections."""

    def __init__(self, handle: Handle, clock: Callable[[], float], host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), handle, clock)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="offergate-sandbox", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._server.lock:
            open_connections = list(self._server.connections)
        for connection in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
