"""Encode and write a large report's CSV and JSON copies in a worker process.

Parsing a report and encoding its copies both need the CPU, and in one process they take
turns (the GIL): a worker process does the encoding and the writing on another core while
this one parses. The main process joins each chunk's rows into one byte string (cheap) and
sends it down a pipe; the worker runs the same encoder as FileOutputs on the two files,
whose descriptors it inherits (the main process opened them, so an unwritable folder is
still reported there, before anything starts).

The worker is `python -I -S` with an empty environment (no secrets reach it) and the
offergate package's own folder on its path. Frames on its stdin: a header (kind, two
numbers) and a payload. `J rows size`: a joined chunk; `T csv_size json_size`: text already
encoded (rows that needed the slow path); `E`: the end. An OSError in the worker (a full
disk) comes back to the main process as the same OSError; the worker's exit code 0 after `E`
says the files are complete.
"""

from __future__ import annotations

import errno
import os
import struct
import subprocess
import sys
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from offergate.catalogs.report.rows import FileOutputs, Outputs

HEADER = struct.Struct("!cQQ")
JOINED, ENCODED, END = b"J", b"T", b"E"
PIPE_BYTES = 1024 * 1024  # asked of the kernel for the pipe, to save context switches
_SCRIPT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from offergate.catalogs.report.encoder import main; sys.exit(main(sys.argv[2:]))"
)


class EncoderProcess(Outputs):
    """Outputs encoded and written by a worker process; raises OSError when it could not."""

    def __init__(self, csv_file: BinaryIO | None, json_file: BinaryIO | None) -> None:
        self.want_csv = csv_file is not None
        self.want_json = json_file is not None
        descriptors = [handle.fileno() if handle is not None else -1 for handle in (csv_file, json_file)]
        package_parent = str(Path(__file__).resolve().parents[3])
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-I", "-S", "-c", _SCRIPT, package_parent, *map(str, descriptors)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=[fd for fd in descriptors if fd >= 0],
            env={},
        )
        assert self._process.stdin is not None
        self._pipe = self._process.stdin
        _widen_pipe(self._pipe.fileno())

    def put_joined(self, joined: bytes, rows: int) -> None:
        self._send(HEADER.pack(JOINED, rows, len(joined)), joined)

    def put_encoded(self, csv_text: bytes, json_text: bytes) -> None:
        self._send(HEADER.pack(ENCODED, len(csv_text), len(json_text)), csv_text, json_text)

    def finish(self) -> None:
        self._send(HEADER.pack(END, 0, 0))
        self._close_pipe()
        if self._process.wait() != 0:
            raise self._failure()

    def abort(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._close_pipe()
        self._process.wait()
        if self._process.stderr is not None:
            self._process.stderr.close()

    def _send(self, *parts: bytes) -> None:
        try:
            for part in parts:
                self._pipe.write(part)
        except BrokenPipeError:
            raise self._failure() from None

    def _close_pipe(self) -> None:
        with suppress(BrokenPipeError):  # the worker already ended: _failure says why
            self._pipe.close()

    def _failure(self) -> OSError:
        """The worker's error: the OSError it met, or a plain one when it ended otherwise."""
        self._process.wait()
        said = self._process.stderr.read(4096).decode("utf-8", "replace") if self._process.stderr else ""
        number, _, text = said.strip().partition(" ")
        if number.isdigit() and text and "\n" not in text:
            return OSError(int(number), text)
        return OSError(errno.EIO, f"the report encoder ended with exit code {self._process.returncode}")


def _widen_pipe(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # not POSIX
        return
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if set_size is not None:
        with suppress(OSError):  # a smaller pipe only means more switches
            fcntl.fcntl(fd, set_size, PIPE_BYTES)


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("the report encoder's input ended early")
    return data


def main(argv: list[str]) -> int:
    """The worker: read frames from stdin, write the files given by descriptor (-1: none)."""
    try:
        files = [os.fdopen(int(fd), "wb") if int(fd) >= 0 else None for fd in argv]
        outputs = FileOutputs(files[0], files[1])
        source = sys.stdin.buffer
        while True:
            kind, first, second = HEADER.unpack(_read_exact(source, HEADER.size))
            if kind == JOINED:
                outputs.put_joined(_read_exact(source, second), first)
            elif kind == ENCODED:
                data = _read_exact(source, first + second)
                outputs.put_encoded(data[:first], data[first:])
            elif kind == END:
                outputs.finish()
                for handle in files:
                    if handle is not None:
                        handle.close()
                return 0
            else:
                raise EOFError(f"unknown frame {kind!r}")
    except OSError as error:
        sys.stderr.write(f"{error.errno or errno.EIO} {error.strerror or type(error).__name__}\n")
        return 1
    except EOFError:
        return 2  # the main process stopped sending: it failed or was cancelled
