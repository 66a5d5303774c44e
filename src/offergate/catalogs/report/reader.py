"""Read a Microsoft Merchant Center catalog rejection report (a ZIP holding one CSV).

`read_report` makes one streaming pass: it validates the archive (report_zip), parses and
tallies the rows (report_csv), and optionally copies every row to a CSV file and a JSON file.
Memory stays flat whatever the number of rows; anything wrong with the report raises
ReportError with a one-sentence reason, and leaves no partial output files behind.

The report's layout (MerchantCatalogReport.csv):
    row 1  Catalog Name, Catalog Id, Store Id, Upload Time
    row 2  their values
    row 3  blank
    row 4  Item Id, Message, Type, Values, Offer Snippet
    row 5+ one rejected item each; the Offer Snippet is
           title;productType;link;imageLink;price;salePrice;saleStartDate;saleEndDate
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from offergate.catalogs.report.archive import (
    DECODE_ERRORS,
    MemberStream,
    OpenMember,
    ReportError,
    ReportLimits,
    decode_errors_seen,
    display_name,
    open_member,
    reset_decode_errors,
)
from offergate.catalogs.report.rows import (
    ERROR,
    OTHER,
    WARNING,
    FileOutputs,
    MessageGroup,
    Outputs,
    Problems,
    Progress,
    RejectedItem,
    ReportHeader,
    ReportParser,
)

ENCODER_PROCESS_BYTES = 16 * 1024 * 1024  # reports this large (unpacked) are encoded in a worker process
DEFAULT_LIMITS = ReportLimits()

__all__ = [
    "MessageGroup",
    "RejectedItem",
    "ReportDigest",
    "ReportError",
    "ReportHeader",
    "ReportLimits",
    "read_report",
]


@dataclass
class ReportDigest:
    """What a report says, in bounded size: counts, groups, the first rows, oddities met."""

    header: ReportHeader | None
    rows: int
    errors: int
    warnings: int
    other: int
    groups: list[MessageGroup]
    first_items: list[RejectedItem]
    problems: list[str]


def read_report(
    zip_path: Path,
    *,
    max_items: int = 50,
    ignore_warnings: bool = False,
    csv_out: Path | None = None,
    json_out: Path | None = None,
    limits: ReportLimits = DEFAULT_LIMITS,
) -> ReportDigest:
    """Read the report in one streaming pass; raise ReportError when it cannot be read.

    With `ignore_warnings`, warning rows still count in `warnings` but are left out of
    `groups`, `first_items` and the output files. `csv_out` neutralises formula-like fields
    (`json_out` keeps every value as it is). After a ReportError neither output file exists:
    a partial copy is deleted, and so is one left by an earlier read, which would not match.
    """
    try:
        member = open_member(Path(zip_path), limits)
        try:
            return _read(
                member,
                max_items=max(max_items, 0),
                ignore_warnings=ignore_warnings,
                csv_out=csv_out,
                json_out=json_out,
                limits=limits,
            )
        finally:
            member.close()
    except ReportError:
        for path in (csv_out, json_out):
            if path is not None:
                Path(path).unlink(missing_ok=True)
        raise


def _read(
    member: OpenMember,
    *,
    max_items: int,
    ignore_warnings: bool,
    csv_out: Path | None,
    json_out: Path | None,
    limits: ReportLimits,
) -> ReportDigest:
    progress = Progress()
    problems = Problems()
    stream = member.stream(limits, progress)
    reset_decode_errors()
    with (
        io.TextIOWrapper(stream, encoding="utf-8", errors=DECODE_ERRORS, newline="") as text,
        _field_limit(limits.max_field_bytes),
    ):
        parser = ReportParser(csv.reader(text), progress, problems, limits.max_field_bytes, lambda: stream.unpacked)
        header = parser.preamble(display_name(member.info.filename))
        with _output_files(csv_out, json_out, member.info.file_size) as outputs:
            body = parser.body(outputs, max_items, ignore_warnings)
            if outputs is not None:
                outputs.finish()
    _note_decoding(stream, problems)
    totals = body.tally.totals()
    return ReportDigest(
        header=header,
        rows=sum(totals.values()),
        errors=totals.get(ERROR, 0),
        warnings=totals.get(WARNING, 0),
        other=totals.get(OTHER, 0),
        groups=body.tally.groups(ignore_warnings),
        first_items=body.items,
        problems=problems.listed(),
    )


def _note_decoding(stream: MemberStream, problems: Problems) -> None:
    if decode_errors_seen():
        encoding = "UTF-16" if stream.utf16 else "UTF-8"
        problems.add_first(f"some bytes of the report were not valid {encoding}; they were replaced with U+FFFD")
    if stream.nul_replaced:
        problems.add_first("the report contained NUL bytes; they were replaced with U+FFFD")


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """csv's field size limit is process-wide: set it for this read, then put it back."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


@contextmanager
def _output_files(csv_out: Path | None, json_out: Path | None, size_hint: int) -> Iterator[Outputs | None]:
    """Open the output files; on any failure stop the encoder, close and delete the files, so
    nothing misleading stays."""
    if csv_out is None and json_out is None:
        yield None
        return
    opened: list[tuple[Path, BinaryIO]] = []
    outputs: Outputs | None = None
    try:
        files = [_create(path, opened) if path is not None else None for path in (csv_out, json_out)]
        outputs = _start_outputs(files[0], files[1], size_hint)
        yield outputs
        for _, handle in opened:
            handle.close()
    except BaseException:
        if outputs is not None:
            outputs.abort()
        for path, handle in opened:
            with suppress(OSError):  # a full disk fails the close too; the first error is the one to report
                handle.close()
            path.unlink(missing_ok=True)
        raise


def _start_outputs(csv_file: BinaryIO | None, json_file: BinaryIO | None, size_hint: int) -> Outputs:
    """A worker process encodes a large report's copies when there is a second core for it."""
    if os.name == "posix" and size_hint >= ENCODER_PROCESS_BYTES and _cores() > 1:
        from offergate.catalogs.report.encoder import EncoderProcess

        try:
            return EncoderProcess(csv_file, json_file)
        except OSError:
            pass  # no worker (no processes left, no interpreter): encode here
    return FileOutputs(csv_file, json_file)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _create(path: Path, opened: list[tuple[Path, BinaryIO]]) -> BinaryIO:
    handle: BinaryIO = path.open("wb")
    opened.append((path, handle))
    return handle
