"""The report's documented layout and how its rows become counts, groups and first items."""

from __future__ import annotations

from pathlib import Path

import pytest

from offergate.catalogs.report.reader import MessageGroup, RejectedItem, ReportError, ReportHeader
from tests.catalogs.report.builders import BODY, HEADER, VALUES, Read, read_rows, report_bytes, snippet

SNIPPET = snippet(
    "Garden chair", "Home > Garden", "https://shop.example/p/1", "https://img.example/1.jpg",
    "49.99 USD", "39.99 USD", "2024-05-01", "2024-05-31",
)  # fmt: skip


def groups(read: Read) -> list[tuple[str, str, int, list[str]]]:
    return [(g.message, g.type, g.count, g.sample_item_ids) for g in read.digest.groups]


def test_documented_layout(tmp_path: Path) -> None:
    read = read_rows(
        tmp_path,
        [
            ["sku-1", "Price is missing", "Error", "price=", SNIPPET],
            ["sku-2", "Image too small", "Warning", "imageLink=https://img.example/2.jpg", "Lamp;;;;;;;"],
            ["sku-3", "Price is missing", "Error", "", ""],
        ],
    )
    digest = read.digest
    assert digest.header == ReportHeader("Spring catalog", "cat-1", "store-9", "2024-05-01T10:00:00Z")
    assert (digest.rows, digest.errors, digest.warnings, digest.other) == (3, 2, 1, 0)
    assert digest.groups == [
        MessageGroup("Price is missing", "Error", 2, ["sku-1", "sku-3"]),
        MessageGroup("Image too small", "Warning", 1, ["sku-2"]),
    ]
    assert digest.first_items[0] == RejectedItem(
        "sku-1", "Price is missing", "Error", "price=", "Garden chair", "Home > Garden",
        "https://shop.example/p/1", "https://img.example/1.jpg", "49.99 USD", "39.99 USD", "2024-05-01", "2024-05-31",
    )  # fmt: skip
    assert digest.first_items[1] == RejectedItem(
        "sku-2", "Image too small", "Warning", "imageLink=https://img.example/2.jpg", "Lamp", "", "", "", "", "", "", ""
    )
    assert digest.first_items[2] == RejectedItem("sku-3", "Price is missing", "Error", *[""] * 9)
    assert digest.problems == []


def test_quoted_fields_with_commas_quotes_and_newlines(tmp_path: Path) -> None:
    data = report_bytes() + (
        b'"sku,1","Title has ""quotes"", and commas","Error","a,b","Chair, ""red"";Home;'
        b'https://x.example/?a=1,2;;1,00 EUR;;;"\r\n'
        b'sku-2,"two\r\nlines",Error,,\r\n'
    )
    item, second = read_rows(tmp_path, data=data).digest.first_items
    assert (item.item_id, item.message, item.values) == ("sku,1", 'Title has "quotes", and commas', "a,b")
    assert (item.title, item.product_type, item.link, item.price) == (
        'Chair, "red"', "Home", "https://x.example/?a=1,2", "1,00 EUR",
    )  # fmt: skip
    assert second.message == "two\r\nlines"


def test_spaces_around_fields_and_snippet_parts_are_stripped(tmp_path: Path) -> None:
    data = report_bytes() + b"  sku-1 , Bad price   , Error ,  v  ,  T  ; pt ;  link ;;  9 USD  ;;;  \r\n"
    read = read_rows(tmp_path, data=data)
    assert read.digest.first_items == [
        RejectedItem("sku-1", "Bad price", "Error", "v", "T", "pt", "link", "", "9 USD", "", "", "")
    ]
    assert groups(read) == [("Bad price", "Error", 1, ["sku-1"])]


def test_only_spaces_are_stripped_from_values(tmp_path: Path) -> None:
    """Tabs and other whitespace are content; a leading tab is neutralised in the CSV output instead."""
    item = read_rows(tmp_path, [["\tsku", "m\t", "Error", "\u00a0v", ""]]).digest.first_items[0]
    assert (item.item_id, item.message, item.values) == ("\tsku", "m\t", "\u00a0v")


@pytest.mark.parametrize(
    ("snippet_text", "parts"),
    [
        ("", [""] * 8),
        ("Title", ["Title"] + [""] * 7),
        ("Title;Type;link", ["Title", "Type", "link"] + [""] * 5),
        (";;;;9 USD", ["", "", "", "", "9 USD", "", "", ""]),
        ("a;b;c;d;e;f;g;h", list("abcdefgh")),
        ("a;b;c;d;e;f;g;h;i;j", [*"abcdefg", "h;i;j"]),  # extra `;` stay in the last part
        ("a;b;c;d;e;f;g;h ; i ", [*"abcdefg", "h ; i"]),
        (";;;;;;;;", [""] * 7 + [";"]),
    ],
)
def test_offer_snippet_parts(tmp_path: Path, snippet_text: str, parts: list[str]) -> None:
    item = read_rows(tmp_path, [["sku", "m", "Error", "", snippet_text]]).digest.first_items[0]
    assert [item.title, item.product_type, item.link, item.image_link, item.price,
            item.sale_price, item.sale_start, item.sale_end] == parts  # fmt: skip


def test_semicolons_outside_the_snippet_stay_where_they_are(tmp_path: Path) -> None:
    read = read_rows(tmp_path, [["sku;1", "Bad; very bad", "Error", "a=1;b=2", "T;p"]])
    item = read.digest.first_items[0]
    assert (item.item_id, item.message, item.values, item.title, item.product_type) == (
        "sku;1", "Bad; very bad", "a=1;b=2", "T", "p",
    )  # fmt: skip
    assert read.csv_rows[1][:6] == ["sku;1", "Bad; very bad", "Error", "a=1;b=2", "T", "p"]


def test_types_are_matched_ignoring_case_and_spaces(tmp_path: Path) -> None:
    rows = [
        ["1", "m", "Error", "", ""],
        ["2", "m", "ERROR", "", ""],
        ["3", "m", " error ", "", ""],
        ["4", "w", "warning", "", ""],
        ["5", "w", "WARNING", "", ""],
        ["6", "i", "Info", "", ""],
        ["7", "i", "", "", ""],
        ["8", "i", "Errors", "", ""],
    ]
    read = read_rows(tmp_path, rows)
    assert (read.digest.rows, read.digest.errors, read.digest.warnings, read.digest.other) == (8, 3, 2, 3)
    assert groups(read) == [
        ("m", "Error", 3, ["1", "2", "3"]),
        ("w", "Warning", 2, ["4", "5"]),
        ("i", "Info", 1, ["6"]),
        ("i", "", 1, ["7"]),
        ("i", "Errors", 1, ["8"]),
    ]
    # the items and output files keep the type as written (spaces stripped)
    assert [item.type for item in read.digest.first_items] == [
        "Error", "ERROR", "error", "warning", "WARNING", "Info", "", "Errors",
    ]  # fmt: skip


def test_groups_most_frequent_first_ties_in_order_of_appearance(tmp_path: Path) -> None:
    rows = [
        ["a1", "Alpha", "Error", "", ""],
        ["b1", "Beta", "Warning", "", ""],
        ["c1", "Gamma", "Error", "", ""],
        ["b2", "Beta", "Warning", "", ""],
        ["c2", "Gamma", "Error", "", ""],
        ["d1", "Beta", "Error", "", ""],  # same message, other type: its own group
    ]
    assert groups(read_rows(tmp_path, rows)) == [
        ("Beta", "Warning", 2, ["b1", "b2"]),
        ("Gamma", "Error", 2, ["c1", "c2"]),
        ("Alpha", "Error", 1, ["a1"]),
        ("Beta", "Error", 1, ["d1"]),
    ]


def test_group_samples_are_the_first_five_ids_in_row_order(tmp_path: Path) -> None:
    """Spellings of one message and type (`Error`, ` error`, `Bad `) make one group."""
    rows = [[f"id{n}", "Bad" + " " * (n % 2), ["Error", " error"][n % 3 == 0], "", ""] for n in range(12)]
    assert groups(read_rows(tmp_path, rows)) == [("Bad", "Error", 12, ["id0", "id1", "id2", "id3", "id4"])]


def test_group_samples_across_chunks(tmp_path: Path) -> None:
    rows = [[f"x{n}", "Common", "Error", "", ""] for n in range(3000)]
    rows[2500] = ["rare-1", "Rare", "Warning", "", ""]
    read = read_rows(tmp_path, rows)
    assert groups(read) == [
        ("Common", "Error", 2999, ["x0", "x1", "x2", "x3", "x4"]),
        ("Rare", "Warning", 1, ["rare-1"]),
    ]
    assert (read.digest.rows, read.digest.errors, read.digest.warnings) == (3000, 2999, 1)


def test_distinct_messages_beyond_the_group_cap_are_lumped(tmp_path: Path) -> None:
    rows = [[f"id{n}", f"message {n}", "Error" if n % 2 else "Warning", "", ""] for n in range(10_003)]
    digest = read_rows(tmp_path, rows).digest
    assert len(digest.groups) == 10_002
    # the first 10,000 (message, type) pairs have their own groups; later ones are lumped by type
    assert digest.groups[-2:] == [
        MessageGroup("(other messages)", "Warning", 2, []),
        MessageGroup("(other messages)", "Error", 1, []),
    ]
    assert (digest.rows, digest.errors, digest.warnings) == (10_003, 5001, 5002)


@pytest.mark.parametrize(
    ("max_items", "expected"), [(0, []), (1, ["1"]), (3, ["1", "2", "3"]), (99, ["1", "2", "3"]), (-5, [])]
)
def test_max_items(tmp_path: Path, max_items: int, expected: list[str]) -> None:
    rows = [[str(n), "m", "Error", "", ""] for n in (1, 2, 3)]
    read = read_rows(tmp_path, rows, max_items=max_items)
    assert [item.item_id for item in read.digest.first_items] == expected
    assert read.digest.rows == 3
    assert len(read.csv_rows) == 4  # the output files hold every row whatever max_items


def test_max_items_across_chunks(tmp_path: Path) -> None:
    rows = [[str(n), "m", "Error", "", ""] for n in range(2500)]
    digest = read_rows(tmp_path, rows, max_items=2000).digest
    assert [item.item_id for item in digest.first_items] == [str(n) for n in range(2000)]


def test_ignore_warnings(tmp_path: Path) -> None:
    rows = [
        ["w1", "Low res", "Warning", "", ""],
        ["e1", "No price", "Error", "", ""],
        ["w2", "Low res", " WARNING", "", ""],
        ["o1", "Note", "Info", "", ""],
        ["e2", "No price", "error", "", ""],
    ]
    read = read_rows(tmp_path, rows, ignore_warnings=True, max_items=2)
    digest = read.digest
    assert (digest.rows, digest.errors, digest.warnings, digest.other) == (5, 2, 2, 1)
    assert groups(read) == [("No price", "Error", 2, ["e1", "e2"]), ("Note", "Info", 1, ["o1"])]
    assert [item.item_id for item in digest.first_items] == ["e1", "o1"]
    assert [row[0] for row in read.csv_rows[1:]] == ["e1", "o1", "e2"]
    assert [obj["item_id"] for obj in read.json_value] == ["e1", "o1", "e2"]


def test_ignore_warnings_with_only_warnings(tmp_path: Path) -> None:
    rows = [[f"w{n}", "Low res", "Warning", "", ""] for n in range(1500)]
    read = read_rows(tmp_path, rows, ignore_warnings=True)
    assert (read.digest.rows, read.digest.warnings, read.digest.groups, read.digest.first_items) == (1500, 1500, [], [])
    assert read.csv_rows == [read.csv_rows[0]]
    assert read.json_value == []


# --- header and column rows ------------------------------------------------------------------


def test_header_names_in_any_order_case_and_spacing(tmp_path: Path) -> None:
    header = [
        ["upload  time", " STORE ID", "catalog name", "Catalog Id", "Extra"],
        ["t", " s ", "n", "i", "x"],
        [],
        BODY,
    ]
    digest = read_rows(tmp_path, data=report_bytes(header=header)).digest
    assert digest.header == ReportHeader("n", "i", "s", "t")
    assert digest.problems == []


def test_header_lacking_names_is_a_problem_not_an_error(tmp_path: Path) -> None:
    digest = read_rows(tmp_path, data=report_bytes(header=[["Catalog Name", "Store"], ["n", "s"], [], BODY])).digest
    assert digest.header == ReportHeader("n", "", "", "")
    assert digest.problems == ["the report's catalog header lacks Catalog Id, Store Id, Upload Time"]


def test_header_values_row_shorter_than_names(tmp_path: Path) -> None:
    digest = read_rows(tmp_path, data=report_bytes(header=[HEADER, ["n", "i"], [], BODY])).digest
    assert digest.header == ReportHeader("n", "i", "", "")


def test_header_without_values(tmp_path: Path) -> None:
    for preamble in ([HEADER, [], BODY], [HEADER, BODY]):
        digest = read_rows(tmp_path, data=report_bytes([["1", "m", "Error", "", ""]], header=preamble)).digest
        assert (digest.header, digest.rows) == (ReportHeader("", "", "", ""), 1)
        assert len(digest.problems) == 1 and "no values" in digest.problems[0]


def test_no_catalog_header_rows(tmp_path: Path) -> None:
    digest = read_rows(tmp_path, data=report_bytes([["1", "m", "Error", "", ""]], header=[BODY])).digest
    assert (digest.header, digest.rows, digest.problems) == (None, 1, ["the report has no catalog header rows"])


def test_blank_lines_before_and_between_preamble_rows(tmp_path: Path) -> None:
    digest = read_rows(
        tmp_path, data=report_bytes([["1", "m", "Error", "", ""]], header=[[], HEADER, VALUES, [], [], [""], BODY])
    ).digest
    assert (digest.header, digest.rows, digest.problems) == (ReportHeader(*VALUES), 1, [])


def test_column_names_ignore_case_spacing_and_trailing_empty_columns(tmp_path: Path) -> None:
    columns = ["item id", " MESSAGE ", "Type", "Values", "Offer  Snippet", "", " "]
    digest = read_rows(
        tmp_path, data=report_bytes([["1", "m", "Error", "", ""]], header=[HEADER, VALUES, [], columns])
    ).digest
    assert (digest.rows, digest.problems) == (1, [])


def test_header_only_report_has_no_rows(tmp_path: Path) -> None:
    read = read_rows(tmp_path)
    digest = read.digest
    assert (digest.rows, digest.errors, digest.warnings, digest.other) == (0, 0, 0, 0)
    assert (digest.groups, digest.first_items, digest.problems) == ([], [], [])
    assert digest.header == ReportHeader(*VALUES)
    assert read.csv_rows == [read.csv_rows[0]] and read.json_value == []


@pytest.mark.parametrize(
    ("columns", "found"),
    [
        (["Item Id", "Message", "Type", "Values"], "'Item Id', 'Message', 'Type', 'Values'"),
        (["Item Id", "Message", "Type", "Values", "Offer Snippet", "Severity"], "'Severity'"),
        (["Message", "Item Id", "Type", "Values", "Offer Snippet"], "'Message', 'Item Id'"),
        (["Id", "Message", "Type", "Values", "Offer Snippet"], "'Id'"),
    ],
)
def test_unexpected_columns_make_the_report_unreadable(tmp_path: Path, columns: list[str], found: str) -> None:
    """A changed layout cannot be trusted to say which rows are errors: the gate falls back on the counts."""
    with pytest.raises(ReportError) as caught:
        read_rows(tmp_path, data=report_bytes([["1", "m", "Error", "", ""]], header=[HEADER, VALUES, [], columns]))
    message = str(caught.value)
    assert message.startswith(
        "the report's column row has unexpected columns: expected Item Id, Message, Type, Values, Offer Snippet"
    )
    assert found in message
    assert "\n" not in message


def test_many_unexpected_columns_are_cut_short(tmp_path: Path) -> None:
    columns = [f"c{n}" for n in range(40)]
    with pytest.raises(ReportError, match=r"'c11', \.\.\.$"):
        read_rows(tmp_path, data=report_bytes(header=[HEADER, VALUES, [], columns]))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),
        (b"\r\n\n , \r\n", "is empty"),
        (b"Catalog Name,Catalog Id\r\nn,i\r\n", "ends before its column row"),
        (b"Catalog Name,Catalog Id\r\nn,i\r\n\r\n", "ends before its column row"),
        (b"just some text\nand more\nand more\n", "unexpected columns"),
    ],
)
def test_reports_without_a_column_row_are_unreadable(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(ReportError, match=reason):
        read_rows(tmp_path, data=data)


# --- odd rows --------------------------------------------------------------------------------


def test_blank_rows_are_skipped(tmp_path: Path) -> None:
    data = report_bytes() + b"1,m,Error,,\r\n\r\n,,,,\r\n , ,\t, ,\r\n,,,,,,\r\n   \r\n2,m,Error,,\r\n"
    digest = read_rows(tmp_path, data=data).digest
    assert ([item.item_id for item in digest.first_items], digest.problems) == (["1", "2"], [])


def test_rows_of_the_wrong_width_are_padded_or_cut_and_listed(tmp_path: Path) -> None:
    data = report_bytes() + b"1,m,Error\r\n2,m,Error,v,s,extra,more\r\n3,m,Error,v,s,,\r\n4,m,Error,,\r\n"
    read = read_rows(tmp_path, data=data)
    assert [item.item_id for item in read.digest.first_items] == ["1", "2", "3", "4"]
    assert read.digest.first_items[1].title == "s"
    assert read.digest.problems == [
        "row 5 has 3 column(s) instead of 5; the missing ones were left empty",
        "row 6 has 7 column(s) instead of 5; the extra ones were ignored",
    ]
    assert read.digest.errors == 4
    assert all(len(row) == 12 for row in read.csv_rows)


def test_row_numbers_count_records_from_the_top_of_the_file(tmp_path: Path) -> None:
    data = report_bytes() + b'1,"multi\r\nline",Error,,\r\n\r\n2,m\r\n'
    assert read_rows(tmp_path, data=data).digest.problems == [
        "row 7 has 2 column(s) instead of 5; the missing ones were left empty"
    ]


def test_problems_are_capped(tmp_path: Path) -> None:
    data = report_bytes() + b"1,m,Error\r\n" * 50
    problems = read_rows(tmp_path, data=data).digest.problems
    assert len(problems) == 21
    assert problems[0].startswith("row 5 ")
    assert problems[19].startswith("row 24 ")
    assert problems[20] == "... and 30 more problem(s)"
