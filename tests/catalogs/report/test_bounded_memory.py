"""What the reader keeps stays bounded whatever the rows hold: group keys, kept values, chunks."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from pathlib import Path

from offergate.catalogs.report import rows as report_csv
from offergate.catalogs.report.rows import (
    CHUNK_ROWS,
    MAX_KEPT_CHARS,
    MAX_KEY_CHARS,
    OTHER_MESSAGES,
    Outputs,
    Problems,
    Progress,
    ReportParser,
    Row,
    Tally,
)
from tests.catalogs.report.builders import BODY, lines, read_rows


def test_group_keys_stop_at_a_character_budget_and_the_rest_is_counted(tmp_path: Path) -> None:
    length = 120_000
    fit = MAX_KEY_CHARS // (length + len("Error"))
    rows = [[f"id{n}", random.Random(n).randbytes(length // 2).hex(), "Error", "", ""] for n in range(fit + 4)]
    read = read_rows(tmp_path, rows)
    groups = read.digest.groups
    assert len(groups) == fit + 1
    assert [g.sample_item_ids for g in groups[:fit]] == [[f"id{n}"] for n in range(fit)]
    assert (groups[-1].message, groups[-1].type, groups[-1].count) == (OTHER_MESSAGES, "Error", 4)
    assert read.digest.errors == fit + 4
    assert len(read.csv_rows) == fit + 5  # the files keep every row in full
    assert read.csv_rows[-1][1] == rows[-1][1]


def test_kept_values_are_cut_but_the_files_keep_them_whole(tmp_path: Path) -> None:
    long_id = "A" * 5000
    long_title = "T" * 3000
    read = read_rows(tmp_path, [[long_id, "Bad price", "Error", "v" * 2000, f"{long_title};p"]])
    item = read.digest.first_items[0]
    assert item.item_id == "A" * (MAX_KEPT_CHARS - 1) + "…"
    assert item.title == "T" * (MAX_KEPT_CHARS - 1) + "…"
    assert len(item.values) == MAX_KEPT_CHARS and item.product_type == "p"
    assert read.digest.groups[0].sample_item_ids == ["A" * (MAX_KEPT_CHARS - 1) + "…"]
    assert read.csv_rows[1][0] == long_id and read.json_value[0]["title"] == long_title


class ChunkSizes(Outputs):
    def __init__(self) -> None:
        self.sizes: list[int] = []

    def write(self, rows: list[Row]) -> None:
        self.sizes.append(len(rows))


def _chunk_sizes(rows: list[list[str]]) -> list[int]:
    text = io.StringIO(lines([BODY, *rows]), newline="")
    parser = ReportParser(csv.reader(text), Progress(), Problems(), 1_000_000, text.tell)
    next(parser._reader)  # the column row
    outputs = ChunkSizes()
    previous = csv.field_size_limit(1_000_000)
    try:
        parser.body(outputs, max_items=0, ignore_warnings=False)
    finally:
        csv.field_size_limit(previous)
    return outputs.sizes


def test_rows_of_ordinary_size_go_a_thousand_at_a_time() -> None:
    sizes = _chunk_sizes([[f"id{n}", "m", "Error", "v", "t;p;l"] for n in range(5000)])
    assert sizes[0] == report_csv.FIRST_CHUNK_ROWS
    assert set(sizes[1:-1]) == {CHUNK_ROWS} and sum(sizes) == 5000


def test_huge_rows_go_a_few_at_a_time() -> None:
    big = "x" * 120_000  # four of them: about 480 KB a row
    sizes = _chunk_sizes([[f"id{n}", big, "Error", big, f"{big};{big}"] for n in range(100)])
    assert sizes[0] == report_csv.FIRST_CHUNK_ROWS
    assert max(sizes[1:]) == report_csv.MIN_CHUNK_ROWS and sum(sizes) == 100
    assert max(sizes[1:]) * 4 * len(big) <= 2 * report_csv.CHUNK_BYTES


def test_a_full_table_still_counts_its_groups_and_lumps_the_rest_by_type() -> None:
    """Once every group is taken, later chunks add to the known groups; the rest go by type."""
    tally = Tally(max_groups=2)
    chunks = [
        [["1", "a", "Error", "", ""], ["2", "b", "Warning", "", ""], ["3", "c", "Error", "", ""]],
        [["4", "a", "Error", "", ""], ["5", "d", " warning ", "", ""], ["6", "b", "Warning", "", ""]],
        [["7", "e", "Info", "", ""], ["8", "a", "Error", "", ""]],
    ]
    for rows in chunks:
        tally.add(rows, Counter((row[1], row[2]) for row in rows))
    assert tally.totals() == {"error": 4, "warning": 3, "other": 1}
    assert [(g.message, g.type, g.count, g.sample_item_ids) for g in tally.groups(ignore_warnings=False)] == [
        ("a", "Error", 3, ["1", "4", "8"]),
        ("b", "Warning", 2, ["2", "6"]),
        ("(other messages)", "Error", 1, []),
        ("(other messages)", "Warning", 1, []),
        ("(other messages)", "Other", 1, []),
    ]
