"""The normalised copies of a report, written on request (`report-copies`): a 12-column CSV with
the formula guard, and JSON Lines with the values as they are, a chunk of rows at a time."""

from __future__ import annotations

import csv
import io
import json
import re

from offergate.catalogs.report.rows import Outputs, Row, Sink, row_fields

OUTPUT_COLUMNS = (
    "Item Id", "Message", "Type", "Values", "Title", "Product Type",
    "Link", "Image Link", "Price", "Sale Price", "Sale Start", "Sale End",
)  # fmt: skip
JSON_KEYS = (
    "item_id", "message", "type", "values", "title", "product_type",
    "link", "image_link", "price", "sale_price", "sale_start", "sale_end",
)  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number, which a spreadsheet reads as a number and never runs: -1, +3, -5.00, 1e-3.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralise(value: str) -> str:
    """Prefix an apostrophe when a spreadsheet would run the value as a formula: it starts with
    `=`, `+`, `-`, `@`, a tab or a CR, and is not a plain number (`-1`, `+3`, `-5.00` stay)."""
    if value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class FileOutputs(Outputs):
    """The 12-column CSV copy (formula-like text neutralised) and the JSON Lines copy (values as
    they are): each chunk's rows go through csv.writer into a text buffer and through one
    json.JSONEncoder, then into the files as UTF-8."""

    def __init__(self, csv_file: Sink | None, json_file: Sink | None) -> None:
        self._csv_file = csv_file
        self._json_file = json_file
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        self._encode = json.JSONEncoder(ensure_ascii=False).encode
        if csv_file is not None:
            self._writer.writerow(OUTPUT_COLUMNS)
            self._flush(csv_file)

    def write(self, rows: list[Row]) -> None:
        if not rows:
            return
        table = [row_fields(row) for row in rows]
        if self._csv_file is not None:
            self._writer.writerows(_guarded(fields) for fields in table)
            self._flush(self._csv_file)
        if self._json_file is not None:
            encode = self._encode
            lines = [encode(dict(zip(JSON_KEYS, fields, strict=True))) for fields in table]
            self._json_file.write(("\n".join(lines) + "\n").encode())

    def _flush(self, sink: Sink) -> None:
        sink.write(self._buffer.getvalue().encode())
        self._buffer.seek(0)
        self._buffer.truncate()


def _guarded(fields: list[str]) -> list[str]:
    """The fields with the formula guard applied (most rows have no field that needs it)."""
    if any(value.startswith(FORMULA_STARTS) for value in fields):
        return [neutralise(value) for value in fields]
    return fields
