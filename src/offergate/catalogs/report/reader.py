"""Read a Microsoft Merchant Center catalog rejection report (a ZIP holding one CSV).

`read_report` makes one streaming pass: it validates the archive (archive.py), parses and
tallies the rows with csv.reader and a Counter (rows.py), and, only when asked, copies every
row to a 12-column CSV file and a JSON Lines file. Memory stays flat whatever the number of
rows; anything wrong with the report raises ReportError with a one-sentence reason, and
leaves no partial copy behind.

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
import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from offergate.catalogs.report.archive import OpenMember, open_member
from offergate.catalogs.report.copies import FileOutputs
from offergate.catalogs.report.items import MessageGroup, RejectedItem, ReportHeader
from offergate.catalogs.report.limits import ReportError, ReportLimits, display_name
from offergate.catalogs.report.rows import (
    ERROR,
    OTHER,
    WARNING,
    Outputs,
    Problems,
    Progress,
    ReportParser,
)
from offergate.catalogs.report.stream import DECODE_ERRORS, MemberStream, decode_errors_seen, reset_decode_errors

DEFAULT_LIMITS = ReportLimits()
DIGEST_FORMAT = 1

__all__ = [
    "MessageGroup",
    "RejectedItem",
    "ReportDigest",
    "ReportError",
    "ReportHeader",
    "ReportLimits",
    "read_report",
]

# Where a copy goes: a path (created, and deleted again after an error), or a file the caller
# opened (written to; after an error the caller deletes it).
Target = Path | BinaryIO | None


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

    def to_json(self) -> dict[str, Any]:
        """The digest as a JSON object (the `<catalog>.summary.json` file)."""
        return {
            "format": DIGEST_FORMAT,
            "header": asdict(self.header) if self.header is not None else None,
            "rows": self.rows,
            "errors": self.errors,
            "warnings": self.warnings,
            "other": self.other,
            "groups": [asdict(group) for group in self.groups],
            "first_items": [asdict(item) for item in self.first_items],
            "problems": list(self.problems),
        }

    def json_bytes(self) -> bytes:
        return (json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n").encode()


def read_report(
    zip_path: Path,
    *,
    max_items: int = 50,
    ignore_warnings: bool = False,
    csv_out: Target = None,
    json_out: Target = None,
    limits: ReportLimits = DEFAULT_LIMITS,
) -> ReportDigest:
    """Read the report in one streaming pass; raise ReportError when it cannot be read.

    With `ignore_warnings`, warning rows still count in `warnings` but are left out of
    `groups`, `first_items` and the copies. `csv_out` (the 12-column CSV) neutralises
    formula-like text; `json_out` (JSON Lines) keeps every value as it is. After an error no
    copy given as a path exists: a partial one is deleted, and so is one left by an earlier
    read, which would not match.
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
        for target in (csv_out, json_out):
            if isinstance(target, Path):
                target.unlink(missing_ok=True)
        raise


def _read(
    member: OpenMember,
    *,
    max_items: int,
    ignore_warnings: bool,
    csv_out: Target,
    json_out: Target,
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
        with _copies(csv_out, json_out) as outputs:
            body = parser.body(outputs, max_items, ignore_warnings)
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
def _copies(csv_out: Target, json_out: Target) -> Iterator[Outputs | None]:
    """The copies' writer. Files given as paths are opened here and, after any failure, closed
    and deleted, so that nothing misleading stays."""
    if csv_out is None and json_out is None:
        yield None
        return
    created: list[Path] = []
    try:
        with ExitStack() as stack:
            files = [_open(target, created, stack) for target in (csv_out, json_out)]
            yield FileOutputs(files[0], files[1])
    except BaseException:
        for path in created:
            with suppress(OSError):
                path.unlink()
        raise


def _open(target: Target, created: list[Path], stack: ExitStack) -> BinaryIO | None:
    if not isinstance(target, Path):
        return target
    handle: BinaryIO = stack.enter_context(target.open("wb"))
    created.append(target)
    return handle
