"""Write the report's output files on a worker thread, so parsing goes on while bytes hit the disk.

File writes release the GIL: with the writing on a second thread, a million-row report costs
the time of parsing and encoding it, not that plus the time of writing two large files. The
queue is short, so at most a few encoded chunks wait in memory. Writes happen in the order
they were queued; an error met by the worker (a full disk) is raised again by the next
`write` or by `close`.
"""

from __future__ import annotations

import queue
import threading
from typing import BinaryIO

QUEUE_DEPTH = 8  # encoded chunks waiting at most (each a few hundred KB)


class BackgroundWriter:
    def __init__(self, depth: int = QUEUE_DEPTH) -> None:
        self._queue: queue.Queue[tuple[BinaryIO, bytes] | None] = queue.Queue(depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="offergate-report-writer", daemon=True)
        self._thread.start()

    def write(self, handle: BinaryIO, data: bytes) -> None:
        self._raise_error()
        self._queue.put((handle, data))

    def close(self) -> None:
        """Wait until everything queued is written (or dropped after an error); raise that error."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._raise_error()

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _work(self) -> None:
        failed = False
        while True:
            item = self._queue.get()
            if item is None:
                return
            if failed:
                continue  # keep draining, so the producer never blocks on a full queue
            try:
                item[0].write(item[1])
            except BaseException as error:  # noqa: BLE001 - handed to the producer
                self._error, failed = error, True


class QueuedFile:
    """A file whose writes go through a BackgroundWriter."""

    def __init__(self, handle: BinaryIO, writer: BackgroundWriter) -> None:
        self.handle = handle
        self._writer = writer

    def write(self, data: bytes) -> None:
        self._writer.write(self.handle, data)
