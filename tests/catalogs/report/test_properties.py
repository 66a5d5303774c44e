"""read_report against a row-by-row reference, on arbitrary rows.

read_report counts whole chunks of rows at once; its digest and its CSV and JSON Lines copies
must give exactly what tests.catalogs.report.reference gives, and the copies must parse back
to the rows. Small chunk and read sizes make chunk and read boundaries fall everywhere.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offergate.catalogs.report import rows as report_csv
from offergate.catalogs.report import stream as report_zip
from offergate.catalogs.report.copies import neutralise
from offergate.catalogs.report.reader import read_report
from tests.catalogs.report import reference
from tests.catalogs.report.builders import csv_text, lines, write_zip

TRICKY = " ;,\"\n\r\t=+-@%s\\'aZé€𝄞\u2028\x1f\x7f\ufeff\x00{}"
FIELD = st.one_of(
    st.text(st.sampled_from(TRICKY), max_size=10),
    st.text(max_size=6),
    st.sampled_from(["", " ", "x", "=1+1", " -2 ", "a;b;c;d;e;f;g;h;i", ";;;;;;;", ";;;", "@x;+y", "\r\n", "%s"]),
)
TYPE = st.one_of(st.sampled_from(["Error", "Warning", "error", " WARNING ", "Info", "", "Error\t"]), FIELD)
MESSAGE = st.one_of(st.sampled_from(["Bad price", "Bad price ", "Image", "=cmd"]), FIELD)
ROW = st.one_of(
    st.tuples(FIELD, MESSAGE, TYPE, FIELD, FIELD).map(list),
    st.lists(FIELD, max_size=7),
)
# bytes that are not (all) valid UTF-8, and NUL, put anywhere in the item rows
DAMAGE = st.lists(
    st.tuples(st.floats(0, 1), st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xe2\x82"])), max_size=2
)


@settings(
    max_examples=200, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    rows=st.lists(ROW, max_size=25),
    bom=st.booleans(),
    newline=st.sampled_from(["\r\n", "\n"]),
    quote_all=st.booleans(),
    damage=DAMAGE,
    max_items=st.integers(0, 6),
    ignore_warnings=st.booleans(),
    chunk_rows=st.sampled_from([1, 3, 1024]),
    read_size=st.sampled_from([5, 64 * 1024]),
)
def test_read_report_matches_the_reference(
    rows: list[list[str]],
    bom: bool,
    newline: str,
    quote_all: bool,
    damage: list[tuple[float, bytes]],
    max_items: int,
    ignore_warnings: bool,
    chunk_rows: int,
    read_size: int,
) -> None:
    preamble = csv_text([], newline=newline).encode()
    body = bytearray(lines(rows, newline=newline, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).encode())
    for where, bad in damage:
        at = int(where * len(body))
        body[at:at] = bad
    data = (b"\xef\xbb\xbf" if bom else b"") + preamble + bytes(body)
    want = reference.expected(data, max_items=max_items, ignore_warnings=ignore_warnings)

    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.object(report_csv, "CHUNK_ROWS", chunk_rows),
        mock.patch.object(report_zip, "READ_SIZE", read_size),
    ):
        out = Path(folder)
        archive = write_zip(out / "r.zip", data=data)
        digest = read_report(
            archive,
            max_items=max_items,
            ignore_warnings=ignore_warnings,
            csv_out=out / "o.csv",
            json_out=out / "o.jsonl",
        )
        csv_bytes = (out / "o.csv").read_bytes()
        json_bytes = (out / "o.jsonl").read_bytes()

    assert csv_bytes.decode("utf-8") == want.csv_text
    assert json_bytes.decode("utf-8") == reference.json_text(want.json_value)
    assert [json.loads(line) for line in json_bytes.decode("utf-8").split("\n")[:-1]] == want.json_value
    parsed = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8"), newline="")))
    assert parsed[0] == reference.OUTPUT_COLUMNS
    assert parsed[1:] == [[reference.neutralised(v) for v in obj.values()] for obj in want.json_value]

    assert digest.rows == want.rows
    assert (digest.errors, digest.warnings, digest.other) == (
        want.counts["error"], want.counts["warning"], want.counts["other"],
    )  # fmt: skip
    assert [(g.message, g.type, g.count, g.sample_item_ids) for g in digest.groups] == want.groups
    assert [list(vars(item).values()) for item in digest.first_items] == want.first_items
    assert digest.problems == want.problems


NUMBERISH = st.from_regex(r"\A[+-]?[0-9]{1,4}(\.[0-9]{0,3})?\Z")


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(value=st.one_of(st.text(max_size=8), st.text(st.sampled_from("=+-@\t\r0123456789.eE x"), max_size=8), NUMBERISH))
def test_the_formula_guard_prefixes_exactly_what_a_spreadsheet_would_run(value: str) -> None:
    guarded = neutralise(value)
    runs = value[:1] in ("=", "+", "-", "@", "\t", "\r")
    number = reference.NUMBER.fullmatch(value) is not None
    assert guarded == ("'" + value if runs and not number else value)
    if number:
        assert guarded == value  # -1, -5.00, +3 stay numbers
    assert not guarded.startswith(("=", "@", "\t", "\r"))
    assert not guarded.startswith(("+", "-")) or number


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(rows=st.lists(st.tuples(FIELD, MESSAGE, TYPE, FIELD, FIELD).map(list), max_size=12))
def test_copies_round_trip_arbitrary_rows(rows: list[list[str]]) -> None:
    """Whatever the rows hold, the JSON Lines copy gives back every stripped field exactly, and
    the CSV copy gives them back too, apart from the guard's leading apostrophe."""
    data = csv_text(rows).encode()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        archive = write_zip(out / "r.zip", data=data)
        read_report(archive, csv_out=out / "o.csv", json_out=out / "o.jsonl")
        csv_rows = list(csv.reader(io.StringIO((out / "o.csv").read_bytes().decode("utf-8"), newline="")))
        objects = [json.loads(line) for line in (out / "o.jsonl").read_bytes().decode("utf-8").split("\n")[:-1]]
    want = [reference.fields(row) for row in reference.body_rows(reference.decode(data), [])]
    assert [list(obj.values()) for obj in objects] == want
    assert [list(obj) for obj in objects] == [reference.JSON_KEYS] * len(want)
    assert csv_rows[0] == reference.OUTPUT_COLUMNS
    assert csv_rows[1:] == [[reference.neutralised(value) for value in fields] for fields in want]
    for written, fields in zip(csv_rows[1:], want, strict=True):
        assert [v[1:] if v != f else v for v, f in zip(written, fields, strict=True)] == fields
