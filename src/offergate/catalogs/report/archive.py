"""Open the rejection report's ZIP safely and stream its CSV member as UTF-8 bytes.

Nothing is extracted to disk. Before any byte of the member is inflated, the archive is
checked: its central directory must be small, every member name must be a plain relative
path, members must not overlap (a zip-bomb trick), and the CSV member must be unencrypted,
stored or deflated, and of a sane declared size and compression ratio. While streaming,
the unpacked size and ratio are checked again, as is the length of a single CSV record.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO

from offergate.catalogs.report.limits import RATIO_FLOOR_BYTES, MiB, ReportError, ReportLimits, display_name
from offergate.catalogs.report.stream import MemberStream

MAX_CENTRAL_DIRECTORY = 1 * MiB
EXPECTED_MEMBER = "merchantcatalogreport.csv"

_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_EOCD_SIG = b"PK\x05\x06"
_EOCD64_LOCATOR_SIG = b"PK\x06\x07"
_EOCD64_SIG = b"PK\x06\x06"
_LOCAL_SIG = b"PK\x03\x04"
_METHODS = {0: "stored", 8: "deflate", 9: "deflate64", 12: "bzip2", 14: "lzma", 93: "zstandard", 99: "AES"}
_DRIVE = re.compile(r"^[A-Za-z]:")


def _names_list(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(display_name(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


@dataclass
class _Directory:
    entries: int
    size: int
    start: int


def _read_at(fp: BinaryIO, offset: int, size: int) -> bytes:
    fp.seek(offset)
    return fp.read(size)


def _end_record(fp: BinaryIO, file_size: int) -> _Directory:
    """Locate the central directory exactly as zipfile will, to bound it before zipfile reads it."""
    if file_size >= _EOCD.size:
        last = _read_at(fp, file_size - _EOCD.size, _EOCD.size)
        if last[:4] == _EOCD_SIG and last[-2:] == b"\0\0":
            return _with_zip64(fp, file_size - _EOCD.size, last)
    start = max(file_size - 65536 - _EOCD.size, 0)
    tail = _read_at(fp, start, file_size - start)
    found = tail.rfind(_EOCD_SIG)
    if found < 0 or found + _EOCD.size > len(tail):
        if _read_at(fp, 0, 4) == _LOCAL_SIG:
            raise ReportError("the report ZIP archive is truncated: its central directory is missing")
        raise ReportError("the report is not a ZIP archive")
    return _with_zip64(fp, start + found, tail[found : found + _EOCD.size])


def _with_zip64(fp: BinaryIO, at: int, record: bytes) -> _Directory:
    _, _, _, _, entries, size, _, _ = _EOCD.unpack(record)
    end = at
    locator_at = at - _EOCD64_LOCATOR.size
    if locator_at >= 0:
        locator = _read_at(fp, locator_at, _EOCD64_LOCATOR.size)
        record64_at = locator_at - _EOCD64.size
        if locator[:4] == _EOCD64_LOCATOR_SIG and record64_at >= 0:
            record64 = _read_at(fp, record64_at, _EOCD64.size)
            if record64[:4] == _EOCD64_SIG:
                fields = _EOCD64.unpack(record64)
                entries, size, end = fields[7], fields[8], record64_at
    return _Directory(entries=entries, size=size, start=end - size)


def _check_directory(directory: _Directory, limits: ReportLimits) -> None:
    if directory.start < 0:
        raise ReportError("the report ZIP archive is damaged: its central directory is out of place")
    if directory.entries > limits.max_members:
        raise ReportError(
            f"the report ZIP archive lists {directory.entries} members, more than the {limits.max_members} allowed"
        )
    if directory.size > MAX_CENTRAL_DIRECTORY:
        raise ReportError(
            f"the report ZIP archive's central directory is {directory.size} bytes, "
            f"over the {MAX_CENTRAL_DIRECTORY}-byte limit"
        )


def _is_unsafe(name: str) -> bool:
    parts = name.split("/")
    return "\\" in name or name.startswith("/") or bool(_DRIVE.match(name)) or ".." in parts


def _check_names(infos: list[zipfile.ZipInfo], limits: ReportLimits) -> None:
    if len(infos) > limits.max_members:
        raise ReportError(
            f"the report ZIP archive has {len(infos)} members, more than the {limits.max_members} allowed"
        )
    for info in infos:
        if _is_unsafe(info.orig_filename) or "\0" in info.orig_filename:
            raise ReportError(
                f"the report ZIP archive has a member with an unsafe name {display_name(info.orig_filename)} "
                "(an absolute path, a drive, '..', a backslash or a NUL), so it was refused"
            )


def _member_span(fp: BinaryIO, info: zipfile.ZipInfo, file_size: int) -> tuple[int, int]:
    """The byte range [start, end) a member occupies: its local header and its data."""
    header = _read_at(fp, info.header_offset, _LOCAL_HEADER.size) if info.header_offset >= 0 else b""
    if len(header) != _LOCAL_HEADER.size or header[:4] != _LOCAL_SIG:
        raise ReportError(
            f"the report ZIP archive is damaged: member {display_name(info.filename)} has no valid local header"
        )
    fields = _LOCAL_HEADER.unpack(header)
    end = info.header_offset + _LOCAL_HEADER.size + fields[10] + fields[11] + info.compress_size
    if info.flag_bits & 0x8:
        end += 12  # the data descriptor that follows the data (at least 12 bytes)
    if end > file_size:
        raise ReportError(
            f"the report ZIP archive is truncated: member {display_name(info.filename)} runs past its end"
        )
    return info.header_offset, end


def _check_overlaps(fp: BinaryIO, infos: list[zipfile.ZipInfo], directory: _Directory, file_size: int) -> None:
    """Members must not share bytes with each other or with the central directory."""
    spans = sorted((*_member_span(fp, info, file_size), info.filename) for info in infos)
    for (_, end, name), (start, _, other) in pairwise(spans):
        if start < end:
            raise ReportError(
                f"the report ZIP archive has overlapping members ({display_name(name)} and "
                f"{display_name(other)}), a zip-bomb trick, so it was refused"
            )
    if spans and spans[-1][1] > directory.start:
        raise ReportError(
            f"the report ZIP archive has a member ({display_name(spans[-1][2])}) that overlaps its central "
            "directory, a zip-bomb trick, so it was refused"
        )


def _pick_csv(infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo:
    files = [i for i in infos if not i.is_dir()]
    csvs = [i for i in files if i.filename.lower().endswith(".csv")]
    if len(csvs) == 1:
        return csvs[0]
    if not csvs:
        held = _names_list([i.filename for i in files]) if files else "nothing"
        raise ReportError(f"the report ZIP archive has no CSV file; it holds {held}")
    named = [i for i in csvs if i.filename.rsplit("/", 1)[-1].lower() == EXPECTED_MEMBER]
    if len(named) == 1:
        return named[0]
    raise ReportError(
        f"the report ZIP archive has several CSV files ({_names_list([i.filename for i in csvs])}) "
        "and not exactly one MerchantCatalogReport.csv among them"
    )


def _check_member(info: zipfile.ZipInfo, limits: ReportLimits) -> None:
    name = display_name(info.filename)
    if info.flag_bits & 0x41:
        raise ReportError(f"the report's CSV member {name} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        method = _METHODS.get(info.compress_type, "unknown")
        raise ReportError(
            f"the report's CSV member {name} uses compression method {info.compress_type} ({method}); "
            "only stored and deflate are supported"
        )
    if info.file_size > limits.max_uncompressed_bytes:
        raise ReportError(
            f"the report's CSV member {name} declares {info.file_size} bytes unpacked, "
            f"over the {limits.max_uncompressed_bytes}-byte limit"
        )
    if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
        raise ReportError(f"the report's CSV member {name} is damaged: its stored sizes disagree")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
        raise ReportError(
            f"the report's CSV member {name} declares a compression ratio of {ratio:.0f}:1, "
            f"over the {limits.max_ratio:g}:1 limit (a zip bomb?)"
        )


@dataclass
class OpenMember:
    """The validated CSV member of an open report archive."""

    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    file: BinaryIO

    def stream(self, limits: ReportLimits, progress: Callable[[], int] | None = None) -> MemberStream:
        try:
            source = self.archive.open(self.info)
        except (zipfile.BadZipFile, NotImplementedError, ValueError, struct.error, EOFError, zlib.error) as error:
            raise ReportError(
                f"the report's CSV member {display_name(self.info.filename)} is damaged: {_safe_reason(error)}"
            ) from None
        return MemberStream(
            source, name=self.info.filename, compressed_size=self.info.compress_size, limits=limits, progress=progress
        )

    def close(self) -> None:
        self.archive.close()
        self.file.close()


def _safe_reason(error: Exception) -> str:
    text = str(error)
    if "differ" in text:
        return "its local header names a different file"
    if "magic" in text.lower():
        return "its local header is missing"
    return "it could not be opened"


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, struct.error, EOFError)


def open_member(zip_path: Path, limits: ReportLimits) -> OpenMember:
    """Open and validate the report archive; return its CSV member, ready to stream."""
    try:
        fp: BinaryIO = Path(zip_path).open("rb")  # noqa: SIM115 - closed by OpenMember.close or below
    except OSError as error:
        raise ReportError(f"the report file could not be opened: {error.strerror or type(error).__name__}") from None
    try:
        return _validate(fp, limits)
    except BaseException:
        fp.close()
        raise


def _validate(fp: BinaryIO, limits: ReportLimits) -> OpenMember:
    file_size = os.fstat(fp.fileno()).st_size
    if file_size == 0:
        raise ReportError("the report file is empty (0 bytes)")
    if file_size > limits.max_compressed_bytes:
        raise ReportError(f"the report file is {file_size} bytes, over the {limits.max_compressed_bytes}-byte limit")
    directory = _end_record(fp, file_size)
    _check_directory(directory, limits)
    try:
        archive = zipfile.ZipFile(fp)
    except _ZIP_ERRORS:
        raise ReportError("the report ZIP archive is damaged: its central directory could not be read") from None
    try:
        infos = archive.infolist()
        _check_names(infos, limits)
        _check_overlaps(fp, infos, directory, file_size)
        info = _pick_csv(infos)
        _check_member(info, limits)
    except BaseException:
        archive.close()
        raise
    return OpenMember(archive=archive, info=info, file=fp)
