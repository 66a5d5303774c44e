"""Parse the report's CSV rows and tally them, handing each chunk to the copies (`copies.py`).

Rows come from csv.reader in chunks. Each chunk is counted with a Counter over its
(message, type) pairs; only the first `max_items` rows and a few sample ids per group are
looked at one by one.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Protocol

from offergate.catalogs.report.items import MessageGroup, RejectedItem, ReportHeader
from offergate.catalogs.report.limits import ReportError

HEADER_COLUMNS = ("Catalog Name", "Catalog Id", "Store Id", "Upload Time")
BODY_COLUMNS = ("Item Id", "Message", "Type", "Values", "Offer Snippet")
WIDTH = len(BODY_COLUMNS)
SNIPPET_PARTS = 8
CHUNK_ROWS = 1024  # rows per chunk at most
FIRST_CHUNK_ROWS = 32  # until the rows' size is known
MIN_CHUNK_ROWS = 8
CHUNK_BYTES = 4 * 1024 * 1024  # aim for chunks of about this many bytes of CSV
MAX_GROUPS = 10_000
MAX_KEY_CHARS = 2_000_000  # characters of (message, type) kept as group keys, over all groups
MAX_KEPT_CHARS = 1000  # a kept value (first rows, sample ids) is cut to this many characters
MAX_SAMPLES = 5
MAX_PROBLEMS = 20
OTHER_MESSAGES = "(other messages)"
ERROR, WARNING, OTHER = "error", "warning", "other"
_TYPE_NAMES = {ERROR: "Error", WARNING: "Warning", OTHER: "Other"}

Row = list[str]
Key = tuple[str, str]
_KEY = itemgetter(1, 2)
_TYPE = itemgetter(2)
_FIVE = {WIDTH}


def type_kind(value: str) -> str:
    """`error`, `warning` or `other`, ignoring case and surrounding spaces."""
    kind = value.strip().casefold()
    return kind if kind in (ERROR, WARNING) else OTHER


def _type_label(value: str) -> str:
    kind = type_kind(value)
    return _TYPE_NAMES[kind] if kind != OTHER else value.strip(" ")


def split_snippet(snippet: str) -> list[str]:
    """The eight Offer Snippet parts; missing parts are empty, extra `;` stay in the last part."""
    parts = snippet.split(";", SNIPPET_PARTS - 1)
    parts += [""] * (SNIPPET_PARTS - len(parts))
    return [part.strip(" ") for part in parts]


def kept(value: str) -> str:
    """A value to keep for the summary: cut to MAX_KEPT_CHARS characters (marked with …)."""
    return value if len(value) <= MAX_KEPT_CHARS else value[: MAX_KEPT_CHARS - 1] + "…"


def row_fields(row: Row) -> list[str]:
    """The twelve output fields of a five-column row, stripped of surrounding spaces."""
    return [value.strip(" ") for value in row[:4]] + split_snippet(row[4])


def normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


class Problems:
    """Non-fatal oddities: the first MAX_PROBLEMS are kept, the rest counted."""

    def __init__(self) -> None:
        self.entries: list[str] = []
        self.more = 0

    def add(self, text: str) -> None:
        if len(self.entries) < MAX_PROBLEMS:
            self.entries.append(text)
        else:
            self.more += 1

    def add_first(self, text: str) -> None:
        """Put a note ahead of the others (it pushes the last kept entry into the count)."""
        self.entries.insert(0, text)
        if len(self.entries) > MAX_PROBLEMS:
            self.entries.pop()
            self.more += 1

    def listed(self) -> list[str]:
        return self.entries + ([f"... and {self.more} more problem(s)"] if self.more else [])


class Progress:
    """How many CSV records have been completed: the ZIP stream watches it to bound a record."""

    def __init__(self) -> None:
        self.base = 0
        self.chunk: list[Row] = []

    def __call__(self) -> int:
        return self.base + len(self.chunk)


# --- the normalised copies ------------------------------------------------------------------


class Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class Outputs:
    """Where the rows go after they are counted: nowhere by default."""

    def write(self, rows: list[Row]) -> None:
        """The rows of one chunk, each of exactly five columns."""

    def finish(self) -> None:
        """After the last rows: complete the files."""


# --- parsing and tallying --------------------------------------------------------------------


class Tally:
    """Counts by raw (message, type), capped at MAX_GROUPS keys, with a few sample ids each."""

    def __init__(self, max_groups: int = MAX_GROUPS, max_key_chars: int = MAX_KEY_CHARS) -> None:
        self.max_groups = max_groups
        self.key_room = max_key_chars
        self.counts: dict[Key, int] = {}
        self.overflow: dict[str, int] = {}
        self.samples: dict[Key, list[tuple[int, str]]] = {}  # (row number, item id)
        self.hungry: set[Key] = set()
        self.seen = 0

    def add(self, rows: list[Row], chunk: Counter[Key]) -> None:
        """Count `rows`, whose (message, type) pairs `chunk` already counts."""
        counts = self.counts
        if len(counts) >= self.max_groups:
            self._add_when_full(rows, chunk)
        for key, number in chunk.items() if len(counts) < self.max_groups else ():
            if key in counts:
                counts[key] += number
            elif len(counts) < self.max_groups and len(key[0]) + len(key[1]) <= self.key_room:
                self.key_room -= len(key[0]) + len(key[1])
                counts[key] = number
                self.samples[key] = []
                self.hungry.add(key)
            else:
                self._overflow(key[1], number)
        wanted = self.hungry.intersection(chunk) if self.hungry else None
        if wanted:
            self._sample(rows, wanted)
        self.seen += len(rows)

    def _add_when_full(self, rows: list[Row], chunk: Counter[Key]) -> None:
        """With every group taken, only the keys already counted are looked at one by one; the
        other rows are counted by type, from the chunk's count of types."""
        counts = self.counts
        by_type = Counter(map(_TYPE, rows))
        for key in chunk.keys() & counts.keys():
            number = chunk[key]
            counts[key] += number
            by_type[key[1]] -= number
        for type_text, number in by_type.items():
            if number:
                self._overflow(type_text, number)

    def _overflow(self, type_text: str, number: int) -> None:
        kind = type_kind(type_text)
        self.overflow[kind] = self.overflow.get(kind, 0) + number

    def _sample(self, rows: list[Row], wanted: set[Key]) -> None:
        for number, row in enumerate(rows, self.seen):
            key = (row[1], row[2])
            if key in wanted:
                ids = self.samples[key]
                ids.append((number, kept(row[0].strip(" "))))
                if len(ids) >= MAX_SAMPLES:
                    wanted.discard(key)
                    self.hungry.discard(key)
                    if not wanted:
                        return

    def totals(self) -> dict[str, int]:
        totals = dict(self.overflow)
        for (_, kind_text), number in self.counts.items():
            kind = type_kind(kind_text)
            totals[kind] = totals.get(kind, 0) + number
        return totals

    def groups(self, ignore_warnings: bool) -> list[MessageGroup]:
        """Groups by stripped message and type: most frequent first, ties by first appearance."""
        merged: dict[Key, tuple[MessageGroup, list[tuple[int, str]]]] = {}
        for (message, kind_text), number in self.counts.items():
            if ignore_warnings and type_kind(kind_text) == WARNING:
                continue
            key = (message.strip(" "), _type_label(kind_text))
            group, samples = merged.setdefault(key, (MessageGroup(key[0], key[1], 0), []))
            group.count += number
            samples += self.samples[(message, kind_text)]
        for group, samples in merged.values():
            # raw keys that merge (`Error` and `error `) each hold their first ids: keep row order
            group.sample_item_ids = [item_id for _, item_id in sorted(samples)[:MAX_SAMPLES]]
        ordered = sorted((group for group, _ in merged.values()), key=lambda g: -g.count)
        for kind, number in sorted(self.overflow.items(), key=lambda item: -item[1]):
            if not (ignore_warnings and kind == WARNING):
                ordered.append(MessageGroup(OTHER_MESSAGES, _TYPE_NAMES[kind], number))
        return ordered


@dataclass
class BodyResult:
    tally: Tally
    items: list[RejectedItem]


class ReportParser:
    """Reads the preamble, checks the column row, then streams the item rows."""

    def __init__(
        self,
        reader: Iterator[Row],
        progress: Progress,
        problems: Problems,
        max_field: int,
        bytes_read: Callable[[], int] | None = None,
    ) -> None:
        """`bytes_read` tells how many bytes of CSV have been read so far: chunks are sized by it,
        so that a report of huge rows is not taken a thousand rows at a time."""
        self._reader = reader
        self._progress = progress
        self._problems = problems
        self._max_field = max_field
        self._bytes_read = bytes_read

    def _next(self) -> Row | None:
        try:
            row = next(self._reader, None)
        except csv.Error as error:
            raise self._csv_error(error) from None
        if row is not None:
            self._progress.base += 1
        return row

    def _next_nonblank(self) -> Row | None:
        row = self._next()
        while row is not None and not "".join(row).strip():
            row = self._next()
        return row

    def _csv_error(self, error: csv.Error) -> ReportError:
        where = self._progress() + 1
        if "field larger than field limit" in str(error):
            return ReportError(f"a field in row {where} of the report is longer than {self._max_field} characters")
        return ReportError(f"the report's CSV could not be parsed near row {where}: {error}")

    def preamble(self, member: str) -> ReportHeader | None:
        """The catalog header (None when the report starts at its column row); checks the column row."""
        first = self._next_nonblank()
        if first is None:
            raise ReportError(f"the report's CSV member {member} is empty")
        if _is_body_header(first):
            self._problems.add("the report has no catalog header rows")
            return None
        values = self._next()
        if values is not None and _is_body_header(values):
            self._problems.add("the report's catalog header has no values row")
            return self._header(first, [])
        if values is None or not "".join(values).strip():
            self._problems.add("the report's catalog header has no values")
        header = self._header(first, values or [])
        columns = self._next_nonblank()
        if columns is None:
            raise ReportError(f"the report ends before its column row ({', '.join(BODY_COLUMNS)})")
        if not _is_body_header(columns):
            found = ", ".join(repr(name.strip()) for name in columns[:12]) + (", ..." if len(columns) > 12 else "")
            raise ReportError(
                f"the report's column row has unexpected columns: expected {', '.join(BODY_COLUMNS)}; found {found}"
            )
        return header

    def _header(self, names: Row, values: Row) -> ReportHeader:
        padded = values + [""] * len(names)
        found = {normalise_name(name): value.strip() for name, value in zip(names, padded, strict=False)}
        missing = [name for name in HEADER_COLUMNS if normalise_name(name) not in found]
        if missing:
            self._problems.add(f"the report's catalog header lacks {', '.join(missing)}")
        return ReportHeader(*(found.get(normalise_name(name), "") for name in HEADER_COLUMNS))

    def body(self, outputs: Outputs | None, max_items: int, ignore_warnings: bool) -> BodyResult:
        tally = Tally()
        items: list[RejectedItem] = []
        progress = self._progress
        chunk = progress.chunk
        size = min(FIRST_CHUNK_ROWS, CHUNK_ROWS) if self._bytes_read is not None else CHUNK_ROWS
        read_before = self._bytes_read() if self._bytes_read is not None else 0
        while True:
            progress.base += len(chunk)
            chunk.clear()
            try:
                chunk.extend(islice(self._reader, size))
            except csv.Error as error:
                raise self._csv_error(error) from None
            if not chunk:
                return BodyResult(tally, items)
            if self._bytes_read is not None:
                read_now = self._bytes_read()
                row_bytes = max(read_now - read_before, 1) / len(chunk)
                size = max(MIN_CHUNK_ROWS, min(CHUNK_ROWS, int(CHUNK_BYTES / row_bytes)))
                read_before = read_now
            rows = chunk if set(map(len, chunk)) == _FIVE else self._normalise(chunk, progress.base)
            counted: Counter[Key] = Counter(map(_KEY, rows))
            if not all(map(str.strip, map("".join, counted))):
                # a blank (message, type): drop the rows that are blank throughout (`,,,,`)
                rows = [row for row in rows if "".join(row).strip()]
                counted = Counter(map(_KEY, rows))
            if not rows:
                continue
            tally.add(rows, counted)
            if len(items) < max_items:
                _take_items(rows, items, max_items, ignore_warnings)
            if outputs is not None:
                outputs.write(_without_warnings(rows, counted) if ignore_warnings else rows)

    def _normalise(self, chunk: list[Row], base: int) -> list[Row]:
        """Drop blank rows; pad or cut rows to five columns, noting each odd one."""
        rows: list[Row] = []
        for number, row in enumerate(chunk, base + 1):
            width = len(row)
            if width == WIDTH:
                rows.append(row)
            elif not "".join(row).strip():
                continue
            elif width > WIDTH and not "".join(row[WIDTH:]).strip():
                rows.append(row[:WIDTH])
            else:
                fix = "the missing ones were left empty" if width < WIDTH else "the extra ones were ignored"
                self._problems.add(f"row {number} has {width} column(s) instead of {WIDTH}; {fix}")
                rows.append((row + [""] * WIDTH)[:WIDTH])
        return rows


def _is_body_header(row: Row) -> bool:
    names = [normalise_name(name) for name in row]
    while names and not names[-1]:
        names.pop()
    return names == [normalise_name(name) for name in BODY_COLUMNS]


def _take_items(rows: list[Row], items: list[RejectedItem], max_items: int, ignore_warnings: bool) -> None:
    for row in rows:
        if len(items) >= max_items:
            return
        if ignore_warnings and type_kind(row[2]) == WARNING:
            continue
        items.append(RejectedItem(*map(kept, row_fields(row))))


def _without_warnings(rows: list[Row], counted: Counter[Key]) -> list[Row]:
    warning_types = {kind_text for _, kind_text in counted if type_kind(kind_text) == WARNING}
    if not warning_types:
        return rows
    return [row for row in rows if row[2] not in warning_types]
