"""The CSV and JSON Lines copies of the report that read_report writes on request."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from offergate.catalogs.report.reader import ReportError, read_report
from tests.catalogs.report.builders import (
    MEMBER,
    outputs_exist,
    read_rows,
    read_zip,
    report_bytes,
    report_zip,
    write_zip,
)

CSV_HEADER = (
    '"Item Id","Message","Type","Values","Title","Product Type",'
    '"Link","Image Link","Price","Sale Price","Sale Start","Sale End"\r\n'
)


def test_exact_csv_and_json_files(tmp_path: Path) -> None:
    rows = [
        ["sku-1", "Bad price", "Error", "price=0", "Chair;Home;https://x/1;https://i/1;0 USD;;2024-01-01;"],
        [" sku-2 ", 'Say "hi", ok', "Warning", "", "Lamp"],
    ]
    read = read_rows(tmp_path, rows)
    assert read.csv_bytes.decode("utf-8") == (
        CSV_HEADER
        + '"sku-1","Bad price","Error","price=0","Chair","Home",'
        + '"https://x/1","https://i/1","0 USD","","2024-01-01",""\r\n'
        + '"sku-2","Say ""hi"", ok","Warning","","Lamp","","","","","","",""\r\n'
    )
    assert read.json_bytes.decode("utf-8") == (
        '{"item_id": "sku-1", "message": "Bad price", "type": "Error", "values": "price=0", "title": "Chair", '
        '"product_type": "Home", "link": "https://x/1", "image_link": "https://i/1", "price": "0 USD", '
        '"sale_price": "", "sale_start": "2024-01-01", "sale_end": ""}\n'
        '{"item_id": "sku-2", "message": "Say \\"hi\\", ok", "type": "Warning", "values": "", "title": "Lamp", '
        '"product_type": "", "link": "", "image_link": "", "price": "", '
        '"sale_price": "", "sale_start": "", "sale_end": ""}\n'
    )


def test_files_for_a_report_without_rows(tmp_path: Path) -> None:
    read = read_rows(tmp_path)
    assert read.csv_bytes.decode() == CSV_HEADER
    assert read.json_bytes == b""
    assert read.json_value == []


def test_unicode_and_control_characters_round_trip(tmp_path: Path) -> None:
    values = ["é€𝄞 中文", "tab\tin", "line\nbreak", "cr\rin", "back\\slash", "\x01\x1f", "\u2028\u2029", "%s %d %%"]
    rows = [[f"id{n}", value, "Error", value, f"{value};{value}"] for n, value in enumerate(values)]
    read = read_rows(tmp_path, rows)
    parsed = read.json_value
    assert [obj["message"] for obj in parsed] == values
    assert [obj["title"] for obj in parsed] == values
    assert [row[1] for row in read.csv_rows[1:]] == values
    assert read.json_bytes.decode("utf-8").count("\n") == len(values)  # one object per line


@pytest.mark.parametrize(
    ("value", "in_csv"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1", "+1"),  # numbers stay numbers
        ("-1", "-1"),
        ("-5.00", "-5.00"),
        ("+3", "+3"),
        ("-1e5", "-1e5"),
        ("+x", "'+x"),
        ("-1+2", "'-1+2"),
        ("- 1", "'- 1"),
        ("=1", "'=1"),
        ("\t5", "'\t5"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1+1  ", "'=1+1"),  # spaces are stripped first
        ("a=1", "a=1"),
        ("'=1", "'=1"),
        (" x", "x"),
        ("", ""),
    ],
)
def test_formula_like_fields_are_neutralised_in_the_csv_only(tmp_path: Path, value: str, in_csv: str) -> None:
    snippet = ";".join([value] * 8)
    read = read_rows(tmp_path, [[value, value, value, value, snippet]])
    assert read.csv_rows[1] == [in_csv] * 12
    stripped = value.strip(" ")
    assert list(read.json_value[0].values()) == [stripped] * 12
    # the digest keeps the values as written too
    assert read.digest.first_items[0].item_id == stripped


def test_neutralisation_in_a_chunk_of_mixed_rows(tmp_path: Path) -> None:
    """Rows with a `;` outside the snippet or more than eight snippet parts sit among plain ones."""
    rows = [
        ["=1", "m", "Error", "", "=t;+p;-l;@i;9;;;"],
        ["a;b", "=m", "Error", "-v", "t;;;;;;;;;;=x"],
        ["ok", "m", "Error", "", "plain"],
    ]
    read = read_rows(tmp_path, rows)
    assert read.csv_rows[1:] == [
        ["'=1", "m", "Error", "", "'=t", "'+p", "'-l", "'@i", "9", "", "", ""],
        ["a;b", "'=m", "Error", "'-v", "t", "", "", "", "", "", "", ";;;=x"],
        ["ok", "m", "Error", "", "plain", "", "", "", "", "", "", ""],
    ]
    assert [obj["message"] for obj in read.json_value] == ["m", "=m", "m"]


def test_only_one_output_file(tmp_path: Path) -> None:
    """Each file alone has the same bytes as when both are written."""
    rows = [[" =a", "m;x", "Error", "-1", ' t ; p;l\n;"i";\t9'], ["b", "é€", "Warning", "", "%s;%d"]]
    archive = report_zip(tmp_path / "r.zip", rows)
    both = read_zip(tmp_path, archive)
    assert read_report(archive, csv_out=tmp_path / "only.csv").rows == 2
    assert (tmp_path / "only.csv").read_bytes() == both.csv_bytes
    assert read_report(archive, json_out=tmp_path / "only.jsonl").rows == 2
    assert (tmp_path / "only.jsonl").read_bytes() == both.json_bytes
    assert read_report(archive).rows == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["only.csv", "only.jsonl", "out.csv", "out.jsonl", "r.zip"]


def test_output_files_are_replaced_not_appended(tmp_path: Path) -> None:
    read_rows(tmp_path, [[str(n), "m", "Error", "", ""] for n in range(10)])
    read = read_rows(tmp_path, [["x", "m", "Error", "", ""]])
    assert len(read.csv_rows) == 2 and len(read.json_value) == 1


def test_large_report_files_match_row_by_row(tmp_path: Path) -> None:
    rows = [[f"id{n}", f"m{n % 7}", ["Error", "Warning"][n % 2], f"v{n}", f"t{n};p;l;i;{n};;;"] for n in range(5000)]
    read = read_rows(tmp_path, rows)
    assert len(read.csv_rows) == 5001
    assert read.csv_rows[4321] == ["id4320", "m1", "Error", "v4320", "t4320", "p", "l", "i", "4320", "", "", ""]
    objects = read.json_value
    assert len(objects) == 5000 and objects[4999]["item_id"] == "id4999"


# --- nothing partial or stale after an error --------------------------------------------------


def _stale(folder: Path) -> None:
    (folder / "out.csv").write_text("old", encoding="utf-8")
    (folder / "out.jsonl").write_text("{}\n", encoding="utf-8")


@pytest.mark.parametrize(
    "data",
    [
        b"",  # empty CSV: fails before the files are opened
        report_bytes(header=[["a"], ["b"], [], ["c"]]),  # unexpected columns
        report_bytes([["1", "m", "Error", "", ""]] * 3000) + b'x,"' + b"y" * 200_000 + b'",Error,,\r\n',  # late error
    ],
    ids=["empty", "columns", "field-too-long"],
)
def test_no_output_files_after_a_report_error(tmp_path: Path, data: bytes) -> None:
    _stale(tmp_path)
    with pytest.raises(ReportError):
        read_rows(tmp_path, data=data)
    assert not outputs_exist(tmp_path)


def test_no_output_files_after_a_crc_error_at_the_very_end(tmp_path: Path) -> None:
    archive = report_zip(
        tmp_path / "r.zip", [[str(n), "m", "Error", "", ""] for n in range(3000)], compression=zipfile.ZIP_STORED
    )
    blob = bytearray(archive.read_bytes())
    at = blob.rfind(b"2999,m,Error")
    blob[at] = ord("8")
    archive.write_bytes(bytes(blob))
    _stale(tmp_path)
    with pytest.raises(ReportError, match="CRC check failed"):
        read_zip(tmp_path, archive)
    assert not outputs_exist(tmp_path)


def test_no_output_files_when_the_archive_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "r.zip"
    archive.write_bytes(b"not a zip")
    _stale(tmp_path)
    with pytest.raises(ReportError, match="not a ZIP archive"):
        read_zip(tmp_path, archive)
    assert not outputs_exist(tmp_path)


def test_an_output_folder_that_does_not_exist_is_an_os_error_and_leaves_nothing(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "r.zip", [["1", "m", "Error", "", ""]])
    with pytest.raises(OSError):
        read_report(archive, csv_out=tmp_path / "out.csv", json_out=tmp_path / "missing" / "out.jsonl")
    assert not (tmp_path / "out.csv").exists()


def test_csv_output_parses_back_to_the_documented_columns(tmp_path: Path) -> None:
    rows = [["a", 'q"uote', "Error", "x,y", "t;p;l;i;1;2;3;4"]]
    read = read_rows(tmp_path, rows)
    parsed = list(csv.DictReader(io.StringIO(read.csv_bytes.decode(), newline="")))
    assert parsed == [
        {
            "Item Id": "a", "Message": 'q"uote', "Type": "Error", "Values": "x,y", "Title": "t",
            "Product Type": "p", "Link": "l", "Image Link": "i", "Price": "1", "Sale Price": "2",
            "Sale Start": "3", "Sale End": "4",
        }
    ]  # fmt: skip


def test_member_name_does_not_matter_for_the_files(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "r.zip", {"reports/" + MEMBER: report_bytes([["1", "m", "Error", "", ""]])})
    assert read_zip(tmp_path, archive).csv_rows[1][0] == "1"


def test_quotes_and_backslashes_without_control_characters(tmp_path: Path) -> None:
    values = ['say "hi"', "C:\\path\\", '\\"', '""', "\\\\n"]
    rows = [[f"id{n}", value, "Error", value, f"{value};{value}"] for n, value in enumerate(values)]
    read = read_rows(tmp_path, rows)
    assert [obj["message"] for obj in read.json_value] == values
    assert [obj["product_type"] for obj in read.json_value] == values
    assert [row[3] for row in read.csv_rows[1:]] == values
    assert read.json_bytes.decode().split("\n")[0].startswith('{"item_id": "id0", "message": "say \\"hi\\"", ')


def test_copies_into_files_the_caller_opened(tmp_path: Path) -> None:
    """Files opened by the caller are written and left to it, even after an error."""
    archive = report_zip(tmp_path / "r.zip", [["1", "m", "Error", "-1", "t;p;l;i;24.25;-1;;"]])
    with (tmp_path / "a.csv").open("wb") as csv_file, (tmp_path / "a.jsonl").open("wb") as json_file:
        assert read_report(archive, csv_out=csv_file, json_out=json_file).rows == 1
    assert (tmp_path / "a.csv").read_text(encoding="utf-8").splitlines()[1] == (
        '"1","m","Error","-1","t","p","l","i","24.25","-1","",""'
    )
    assert json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8"))["sale_price"] == "-1"
