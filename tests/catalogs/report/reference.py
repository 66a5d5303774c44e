"""An obviously-correct, row-by-row reading of a report's CSV text, to check read_report against.

It follows the documented layout and the choices read_report makes (see test_report_layout),
with none of its speed tricks: csv.reader over the decoded text, one row at a time.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

OUTPUT_COLUMNS = [
    "Item Id", "Message", "Type", "Values", "Title", "Product Type",
    "Link", "Image Link", "Price", "Sale Price", "Sale Start", "Sale End",
]  # fmt: skip
JSON_KEYS = [
    "item_id", "message", "type", "values", "title", "product_type",
    "link", "image_link", "price", "sale_price", "sale_start", "sale_end",
]  # fmt: skip
SAMPLES = 5


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace").replace("\0", "\ufffd")


def kind(type_text: str) -> str:
    folded = type_text.strip().casefold()
    return folded if folded in ("error", "warning") else "other"


def label(type_text: str) -> str:
    return {"error": "Error", "warning": "Warning"}.get(kind(type_text), type_text.strip(" "))


def fields(row: list[str]) -> list[str]:
    """Item Id, Message, Type, Values, then the eight snippet parts; spaces stripped."""
    parts = row[4].split(";", 7)
    parts += [""] * (8 - len(parts))
    return [value.strip(" ") for value in row[:4] + parts]


NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def neutralised(value: str) -> str:
    """A spreadsheet runs text starting with = + - @ tab CR; a plain number it reads as a number."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(value):
        return "'" + value
    return value


@dataclass
class Expected:
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "other": 0})
    groups: list[tuple[str, str, int, list[str]]] = field(default_factory=list)
    first_items: list[list[str]] = field(default_factory=list)
    csv_text: str = ""
    json_value: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def body_rows(text: str, problems: list[str]) -> list[list[str]]:
    """The item rows after the column row, cut or padded to five columns; blank ones dropped.

    Rows of another width are listed in `problems`, unless blank or wider only by blank columns.
    """
    rows = list(csv.reader(io.StringIO(text, newline="")))
    names = [[" ".join(name.split()).casefold() for name in row] for row in rows]
    start = next(
        i for i, row in enumerate(names) if row[:5] == ["item id", "message", "type", "values", "offer snippet"]
    )
    kept = []
    for number, row in enumerate(rows[start + 1 :], start + 2):
        blank_extras = len(row) > 5 and not "".join(row[5:]).strip()
        if len(row) != 5 and "".join(row).strip() and not blank_extras:
            fix = "the missing ones were left empty" if len(row) < 5 else "the extra ones were ignored"
            problems.append(f"row {number} has {len(row)} column(s) instead of 5; {fix}")
        five = (row + [""] * 5)[:5]
        if "".join(five).strip():
            kept.append(five)
    return kept


def expected_problems(data: bytes, row_problems: list[str]) -> list[str]:
    """Decoding notes first, then the row problems; 20 shown, the rest counted."""
    notes = []
    if b"\0" in data:
        notes.append("the report contained NUL bytes; they were replaced with U+FFFD")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        notes.append("some bytes of the report were not valid UTF-8; they were replaced with U+FFFD")
    every = notes + row_problems
    return every[:20] + ([f"... and {len(every) - 20} more problem(s)"] if len(every) > 20 else [])


def expected(data: bytes, *, max_items: int = 50, ignore_warnings: bool = False) -> Expected:
    """What read_report should make of a UTF-8 report's bytes (a BOM, bad bytes and NULs allowed)."""
    result = Expected()
    row_problems: list[str] = []
    groups: dict[tuple[str, str], tuple[int, list[str]]] = {}
    kept: list[list[str]] = []
    for row in body_rows(decode(data), row_problems):
        values = fields(row)
        result.rows += 1
        result.counts[kind(row[2])] += 1
        if ignore_warnings and kind(row[2]) == "warning":
            continue
        key = (values[1], label(row[2]))
        count, ids = groups.get(key, (0, []))
        groups[key] = (count + 1, [*ids, values[0]] if len(ids) < SAMPLES else ids)
        kept.append(values)
    # most frequent first; ties keep first appearance (sorted is stable)
    result.groups = sorted(
        ((message, type_label, count, ids) for (message, type_label), (count, ids) in groups.items()),
        key=lambda group: -group[2],
    )
    result.first_items = kept[:max_items]
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(OUTPUT_COLUMNS)
    writer.writerows([neutralised(value) for value in values] for values in kept)
    result.csv_text = out.getvalue()
    result.json_value = [dict(zip(JSON_KEYS, values, strict=True)) for values in kept]
    result.problems = expected_problems(data[3:] if data.startswith(b"\xef\xbb\xbf") else data, row_problems)
    return result


def json_text(objects: list[dict[str, str]]) -> str:
    """The JSON Lines file's exact text: one object per line."""
    return "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)
