"""Byte-level oddities: BOMs, line endings, UTF-16, invalid UTF-8 and NUL bytes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from offergate.catalogs.report import stream as member_stream
from offergate.catalogs.report.reader import ReportHeader
from tests.catalogs.report.builders import VALUES, Read, read_rows, read_zip, report_bytes, write_zip

ROWS = [["sku-1", "Prix invalide — «€»", "Error", "v", "Chaise 𝄞;Maison"], ["sku-2", "m", "Warning", "", ""]]
UTF8_NOTE = "some bytes of the report were not valid UTF-8; they were replaced with U+FFFD"
NUL_NOTE = "the report contained NUL bytes; they were replaced with U+FFFD"


def _same_as_plain(read: Read, tmp_path: Path) -> None:
    """The digest and files equal those of ROWS written as plain UTF-8 with CRLF."""
    folder = tmp_path / "plain"
    folder.mkdir()
    plain = read_rows(folder, ROWS)
    assert read.digest == plain.digest
    assert read.csv_bytes == plain.csv_bytes
    assert read.json_bytes == plain.json_bytes


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("bom", [False, True])
def test_line_endings_and_bom(tmp_path: Path, newline: str, bom: bool) -> None:
    read = read_rows(tmp_path, data=report_bytes(ROWS, newline=newline, bom=bom))
    assert read.digest.header == ReportHeader(*VALUES)
    assert read.digest.problems == []
    _same_as_plain(read, tmp_path)


def test_mixed_line_endings(tmp_path: Path) -> None:
    data = (
        report_bytes(newline="\n")
        + b'sku-1,"Prix invalide \xe2\x80\x94 \xc2\xab\xe2\x82\xac\xc2\xbb",Error,v,'
        + "Chaise 𝄞;Maison".encode()
        + b"\r\nsku-2,m,Warning,,\r"
    )
    _same_as_plain(read_rows(tmp_path, data=data), tmp_path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(tmp_path: Path, encoding: str) -> None:
    data = report_bytes(ROWS, encoding=encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    read = read_rows(tmp_path, data=data)
    _same_as_plain(read, tmp_path)


def test_utf16_without_bom_big_endian(tmp_path: Path) -> None:
    _same_as_plain(read_rows(tmp_path, data=report_bytes(ROWS, encoding="utf-16-be")), tmp_path)


def test_utf16_across_read_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(member_stream, "READ_SIZE", 7)  # odd: splits code units and surrogate pairs
    _same_as_plain(read_rows(tmp_path, data=report_bytes(ROWS, encoding="utf-16")), tmp_path)


def test_invalid_utf16_is_replaced_and_noted(tmp_path: Path) -> None:
    data = report_bytes(encoding="utf-16") + "1,".encode("utf-16-le") + b"\x00\xd8" + ",Error,,\r\n".encode("utf-16-le")
    read = read_rows(tmp_path, data=data + b"x")  # a lone surrogate, and an odd byte at the end
    assert read.digest.first_items[0].message == "\ufffd"
    assert read.digest.problems[0] == "some bytes of the report were not valid UTF-16; they were replaced with U+FFFD"


def test_invalid_utf8_is_replaced_and_noted(tmp_path: Path) -> None:
    data = report_bytes() + b"sku-\xff,caf\xc3,Error,\xed\xa0\x80,t\xe2\x82\r\n"
    read = read_rows(tmp_path, data=data)
    item = read.digest.first_items[0]
    assert (item.item_id, item.message, item.values, item.title) == (
        "sku-\ufffd",
        "caf\ufffd",
        "\ufffd\ufffd\ufffd",
        "t\ufffd",
    )
    assert read.digest.problems == [UTF8_NOTE]
    assert read.csv_rows[1][0] == "sku-\ufffd"


def test_invalid_utf8_across_read_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(member_stream, "READ_SIZE", 5)
    read = read_rows(tmp_path, data=report_bytes(ROWS))
    assert read.digest.problems == []  # valid multi-byte characters split across reads stay whole
    _same_as_plain(read, tmp_path)


def test_nul_bytes_are_replaced_and_noted(tmp_path: Path) -> None:
    data = report_bytes() + b"sku\x00-1,m\x00,Error,,t\x00;p\r\n\x00\r\n"
    read = read_rows(tmp_path, data=data)
    item = read.digest.first_items[0]
    assert (item.item_id, item.message, item.title, item.product_type) == ("sku\ufffd-1", "m\ufffd", "t\ufffd", "p")
    assert read.digest.rows == 2  # the lone NUL line is a (nearly empty) row of its own
    assert read.digest.problems[0] == NUL_NOTE
    assert "\x00" not in read.csv_bytes.decode() and "\\u0000" not in read.json_bytes.decode()


def test_decoding_notes_come_first_and_are_kept_among_many_problems(tmp_path: Path) -> None:
    data = report_bytes() + b"1,m\xff\x00,Error\r\n" * 30
    problems = read_rows(tmp_path, data=data).digest.problems
    assert problems[:2] == [NUL_NOTE, UTF8_NOTE]
    assert problems[2].startswith("row 5 has 3 column(s)")
    assert problems[-1] == "... and 12 more problem(s)"
    assert len(problems) == 21


def test_decoding_note_does_not_leak_into_the_next_read(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    assert read_rows(tmp_path / "a", data=report_bytes() + b"1,\xff,Error,,\r\n").digest.problems == [UTF8_NOTE]
    assert read_rows(tmp_path, ROWS).digest.problems == []


def test_stored_member_is_read_the_same(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "s.zip", data=report_bytes(ROWS, bom=True), compression=zipfile.ZIP_STORED)
    _same_as_plain(read_zip(tmp_path, archive), tmp_path)
