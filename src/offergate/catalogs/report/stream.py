"""The report's CSV member as a bounded stream of UTF-8 bytes (BOM stripped, UTF-16 transcoded,
undecodable bytes replaced and noted), checked for size, ratio and record length as it is read."""

from __future__ import annotations

import codecs
import io
import threading
import zipfile
import zlib
from collections.abc import Callable
from typing import Protocol

from offergate.catalogs.report.limits import RATIO_FLOOR_BYTES, READ_SIZE, ReportError, ReportLimits, display_name

DECODE_ERRORS = "offergate-report-replace"
REPLACEMENT = "\ufffd".encode()


class _Source(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _DecodeNotes(threading.local):
    replaced: bool = False


_notes = _DecodeNotes()


def _replace_and_note(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: like "replace" for decoding, and remembers that it happened."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    _notes.replaced = True
    return "\ufffd", error.end


codecs.register_error(DECODE_ERRORS, _replace_and_note)


class MemberStream(io.BufferedIOBase):
    """The CSV member as a stream of UTF-8 bytes for io.TextIOWrapper.

    Strips a UTF-8 BOM, transcodes UTF-16 (by its BOM, or by the NULs of its first two
    characters) to UTF-8, replaces NUL bytes with U+FFFD (the output encoding joins fields
    with NUL), and enforces the unpacked-size, ratio and record-length bounds.
    `progress` returns how many CSV records have been completed so far; when it stays still
    while more than one record's worth of bytes is read, the record is refused.
    """

    def __init__(
        self,
        source: _Source,
        *,
        name: str,
        compressed_size: int,
        limits: ReportLimits,
        progress: Callable[[], int] | None = None,
    ) -> None:
        super().__init__()
        self.name = display_name(name)
        self.unpacked = 0
        self.nul_replaced = False
        self.utf16 = False
        self._source = source
        self._limit = min(
            limits.max_uncompressed_bytes, max(RATIO_FLOOR_BYTES, int(limits.max_ratio * compressed_size))
        )
        self._limits = limits
        self._progress = progress
        self._last_progress = -1
        self._pending = 0
        self._decoder: codecs.IncrementalDecoder | None = None
        self._started = False
        self._done = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            close = getattr(self._source, "close", None)
            if close is not None:
                close()
        super().close()

    def read1(self, _size: int = -1, /) -> bytes:
        """The next piece of the member, of any size: b"" only at its end."""
        return self._next()

    def read(self, size: int | None = -1, /) -> bytes:
        if size is not None and size >= 0:
            return self._next()
        return b"".join(iter(self._next, b""))

    def _next(self) -> bytes:
        data = b""
        while not data and not self._done:
            data = self._step()
        return data

    def _step(self) -> bytes:
        raw = self._read_source()
        if not raw:
            self._done = True
            data = self._decoder.decode(b"", True).encode() if self._decoder else b""
        else:
            self._count(len(raw))
            data = self._decode(raw)
        if b"\0" in data:
            self.nul_replaced = True
            data = data.replace(b"\0", REPLACEMENT)
        self._watch_records(len(data))
        return data

    def _read_source(self) -> bytes:
        try:
            return self._source.read(READ_SIZE)
        except zipfile.BadZipFile as error:
            if "CRC" in str(error):
                raise ReportError(f"the report's CSV member {self.name} is corrupt: its CRC check failed") from None
            raise ReportError(f"the report's CSV member {self.name} is corrupt") from None
        except (EOFError, zlib.error):
            raise ReportError(f"the report's CSV member {self.name} is truncated or corrupt") from None
        except OSError as error:
            raise ReportError(f"the report could not be read: {error.strerror or type(error).__name__}") from None

    def _count(self, size: int) -> None:
        self.unpacked += size
        if self.unpacked > self._limit:
            raise ReportError(
                f"the report's CSV member {self.name} unpacks to more than {self._limit} bytes "
                f"(the limits are {self._limits.max_uncompressed_bytes} bytes and a "
                f"{self._limits.max_ratio:g}:1 ratio), so reading stopped (a zip bomb?)"
            )

    def _decode(self, raw: bytes) -> bytes:
        if not self._started:
            self._started = True
            raw = self._sniff(raw)
        if self._decoder is not None:
            return self._decoder.decode(raw).encode()
        return raw

    def _sniff(self, raw: bytes) -> bytes:
        """Strip a BOM; take UTF-16 by its BOM, or without one when it starts `C\0a\0` (or `\0C\0a`)."""
        if raw.startswith(codecs.BOM_UTF8):
            return raw[3:]
        for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
            if raw.startswith(bom):
                return self._utf16(codec, raw[2:])
        head = raw[:4]
        if len(head) == 4 and head[1] == head[3] == 0 and head[0] and head[2]:
            return self._utf16("utf-16-le", raw)
        if len(head) == 4 and head[0] == head[2] == 0 and head[1] and head[3]:
            return self._utf16("utf-16-be", raw)
        return raw

    def _utf16(self, codec: str, raw: bytes) -> bytes:
        self.utf16 = True
        self._decoder = codecs.getincrementaldecoder(codec)(DECODE_ERRORS)
        return raw

    def _watch_records(self, size: int) -> None:
        if self._progress is None:
            return
        done = self._progress()
        if done != self._last_progress:
            self._last_progress = done
            self._pending = size
            return
        self._pending += size
        if self._pending > self._limits.max_record_bytes + 2 * READ_SIZE:
            raise ReportError(
                f"a row of the report is longer than {self._limits.max_record_bytes} bytes "
                "(or a quoted field is never closed), so reading stopped"
            )


def decode_errors_seen() -> bool:
    """Whether undecodable bytes were replaced on this thread since the last reset."""
    return _notes.replaced


def reset_decode_errors() -> None:
    _notes.replaced = False
