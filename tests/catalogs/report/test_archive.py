"""The ZIP around the report: what is refused, and that refusing is quick and small."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from offergate.catalogs.report.reader import DEFAULT_LIMITS, ReportError, ReportLimits, read_report
from offergate.catalogs.report.stream import MemberStream
from tests.catalogs.report.builders import MEMBER, patch_central, report_bytes, report_zip, write_zip

ROW = ["sku-1", "Bad price", "Error", "", ""]


def test_a_plain_report_zip(tmp_path: Path) -> None:
    for compression in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        assert read_report(report_zip(tmp_path / "r.zip", [ROW], compression=compression)).rows == 1


def test_the_path_may_be_a_string(tmp_path: Path) -> None:
    assert read_report(str(report_zip(tmp_path / "r.zip", [ROW]))).rows == 1  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the report file is empty (0 bytes)"),
        (b"Item Id,Message\r\n", "the report is not a ZIP archive"),
        (b"<Error><Code>AuthenticationFailed</Code></Error>", "the report is not a ZIP archive"),
        (b"PK\x05\x06" + b"\0" * 10, "the report is not a ZIP archive"),
    ],
)
def test_not_a_zip(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "r.zip"
    path.write_bytes(content)
    with pytest.raises(ReportError) as caught:
        read_report(path)
    assert str(caught.value) == reason


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="could not be opened: No such file"):
        read_report(tmp_path / "absent.zip")
    with pytest.raises(ReportError, match="could not be opened"):
        read_report(tmp_path)


def test_truncated_zip(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "r.zip", [[str(n), "m", "Error", "", ""] for n in range(2000)])
    whole = archive.read_bytes()
    for cut in (len(whole) // 2, len(whole) - 10, 40):
        archive.write_bytes(whole[:cut])
        with pytest.raises(ReportError, match="truncated"):
            read_report(archive)


def test_damaged_central_directory(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "r.zip", [ROW])
    blob = bytearray(archive.read_bytes())
    at = blob.find(b"PK\x01\x02")
    blob[at : at + 4] = b"XXXX"
    archive.write_bytes(bytes(blob))
    with pytest.raises(ReportError, match="damaged"):
        read_report(archive)


def test_member_with_a_damaged_local_header(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "r.zip", [ROW])
    blob = bytearray(archive.read_bytes())
    blob[0:4] = b"XXXX"
    archive.write_bytes(bytes(blob))
    with pytest.raises(ReportError, match=r"damaged: member 'MerchantCatalogReport.csv' has no valid local header"):
        read_report(archive)


def test_empty_zip(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"^the report ZIP archive has no CSV file; it holds nothing$"):
        read_report(write_zip(tmp_path / "r.zip", {}))


def test_zip_without_a_csv(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "r.zip", {"report.txt": b"x", "folder/": b""})
    with pytest.raises(ReportError, match=r"^the report ZIP archive has no CSV file; it holds 'report.txt'$"):
        read_report(archive)


def test_other_members_beside_the_csv_are_ignored(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "r.zip", {"readme.txt": b"hello", "x/": b"", "data/report.CSV": report_bytes([ROW])})
    assert read_report(archive).rows == 1


def test_several_csvs_pick_merchant_catalog_report(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "r.zip", {"other.csv": b"junk", "x/merchantcatalogreport.csv": report_bytes([ROW])})
    assert read_report(archive).rows == 1


def test_several_csvs_and_no_single_report_name(tmp_path: Path) -> None:
    for members in ({"a.csv": b"", "b.csv": b""}, {MEMBER: b"", "x/" + MEMBER: b""}):
        with pytest.raises(ReportError, match=r"several CSV files .* and not exactly one MerchantCatalogReport.csv"):
            read_report(write_zip(tmp_path / "r.zip", members))


def test_too_many_members(tmp_path: Path) -> None:
    members = {f"f{n}.txt": b"" for n in range(20)} | {MEMBER: report_bytes([ROW])}
    with pytest.raises(ReportError, match="lists 21 members, more than the 16 allowed"):
        read_report(write_zip(tmp_path / "r.zip", members))


@pytest.mark.parametrize(
    "name",
    ["../MerchantCatalogReport.csv", "a/../../MerchantCatalogReport.csv", "/MerchantCatalogReport.csv",
     "/etc/passwd", "C:MerchantCatalogReport.csv", "a\\..\\MerchantCatalogReport.csv", "..\\evil.txt"],
)  # fmt: skip
def test_unsafe_member_names_are_refused(tmp_path: Path, name: str) -> None:
    archive = write_zip(tmp_path / "r.zip", {name: report_bytes([ROW]), "ok/" + MEMBER: report_bytes([ROW])})
    with pytest.raises(
        ReportError,
        match=(
            r"^the report ZIP archive has a member with an unsafe name '.*' "
            r"\(an absolute path, a drive, '\.\.', a backslash or a NUL\), so it was refused$"
        ),
    ):
        read_report(archive)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.zip"]  # nothing extracted anywhere


def test_member_name_with_nul_and_control_characters(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "r.zip", {"a\x00b.csv": b"", "x\x1b[31m.csv": b""})
    with pytest.raises(ReportError) as caught:
        read_report(archive)
    assert "\x1b" not in str(caught.value) and "\x00" not in str(caught.value)


def test_encrypted_member(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "r.zip", [ROW])
    patch_central(archive, MEMBER, flag_bits=0x1)
    with pytest.raises(ReportError, match=r"^the report's CSV member 'MerchantCatalogReport.csv' is encrypted$"):
        read_report(archive)


@pytest.mark.parametrize(
    ("compression", "method"), [(zipfile.ZIP_BZIP2, "12 \\(bzip2\\)"), (zipfile.ZIP_LZMA, "14 \\(lzma\\)")]
)
def test_unsupported_compression(tmp_path: Path, compression: int, method: str) -> None:
    archive = report_zip(tmp_path / "r.zip", [ROW], compression=compression)
    with pytest.raises(ReportError, match=f"uses compression method {method}; only stored and deflate"):
        read_report(archive)


def test_bad_crc(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "r.zip", [ROW], compression=zipfile.ZIP_STORED)
    blob = bytearray(archive.read_bytes())
    blob[blob.find(b"Bad price")] = ord("b")
    archive.write_bytes(bytes(blob))
    with pytest.raises(
        ReportError, match=r"^the report's CSV member 'MerchantCatalogReport.csv' is corrupt: its CRC check failed$"
    ):
        read_report(archive)


def test_corrupt_deflate_data(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "r.zip", [[str(n), f"m{n}", "Error", "", ""] for n in range(3000)])
    blob = bytearray(archive.read_bytes())
    for at in range(200, 400):
        blob[at] ^= 0x5A
    archive.write_bytes(bytes(blob))
    with pytest.raises(
        ReportError, match=r"^the report's CSV member 'MerchantCatalogReport.csv' is truncated or corrupt$"
    ):
        read_report(archive)


def test_stored_sizes_that_disagree(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "r.zip", [ROW], compression=zipfile.ZIP_STORED)
    patch_central(archive, MEMBER, file_size=10)
    with pytest.raises(ReportError, match="damaged: its stored sizes disagree"):
        read_report(archive)


def test_overlapping_members_are_refused(tmp_path: Path) -> None:
    """Two central entries pointing at the same local data: the classic overlapping zip bomb."""
    archive = write_zip(tmp_path / "r.zip", {MEMBER: report_bytes([ROW]), "b.txt": b"x"})
    blob = bytearray(archive.read_bytes())
    second = blob.find(b"PK\x01\x02", blob.find(b"PK\x01\x02") + 4)
    blob[second + 42 : second + 46] = b"\0\0\0\0"  # b.txt's local header offset -> the CSV's
    archive.write_bytes(bytes(blob))
    with pytest.raises(
        ReportError, match=r"overlapping members \('b.txt' and 'MerchantCatalogReport.csv'\), a zip-bomb trick"
    ):
        read_report(archive)


# --- bombs and limits ------------------------------------------------------------------------


def _quick_and_small(path: Path, match: str, limits: ReportLimits = DEFAULT_LIMITS) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ReportError, match=match):
            read_report(path, csv_out=path.with_suffix(".csv"), json_out=path.with_suffix(".json"), limits=limits)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 8 * 1024 * 1024
    assert not path.with_suffix(".csv").exists() and not path.with_suffix(".json").exists()


def test_compression_ratio_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    data = report_bytes([ROW]) + b"x" * (20 * 1024 * 1024)
    archive = write_zip(tmp_path / "bomb.zip", data=data)
    assert archive.stat().st_size < 40 * 1024
    _quick_and_small(archive, r"declares a compression ratio of \d+:1, over the 200:1 limit")


def test_huge_declared_size_is_refused(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "huge.zip", [ROW])
    patch_central(archive, MEMBER, file_size=0xFFFF_FFF0)
    _quick_and_small(archive, "declares a compression ratio")
    _quick_and_small(
        archive,
        "declares 4294967280 bytes unpacked, over the 1000-byte limit",
        ReportLimits(max_uncompressed_bytes=1000),
    )


def test_size_limits_can_be_lowered(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "r.zip", [ROW] * 100)
    with pytest.raises(ReportError, match=r"the report file is \d+ bytes, over the 100-byte limit"):
        read_report(archive, limits=ReportLimits(max_compressed_bytes=100))
    with pytest.raises(ReportError, match="over the 10-byte limit"):
        read_report(archive, limits=ReportLimits(max_uncompressed_bytes=10))


def test_a_lying_declared_size_stops_at_the_declared_size(tmp_path: Path) -> None:
    """zipfile never inflates past the declared size; the mismatch then fails the CRC check."""
    archive = write_zip(tmp_path / "lie.zip", data=report_bytes([ROW] * 50_000))
    patch_central(archive, MEMBER, file_size=1000)
    _quick_and_small(archive, "^the report's CSV member 'MerchantCatalogReport.csv' is corrupt: its CRC check failed$")


def test_member_stream_bounds_what_it_unpacks() -> None:
    """The stream's own bound, independent of what zipfile does with declared sizes."""
    limits = ReportLimits(max_ratio=10)
    stream = MemberStream(io.BytesIO(b"a,b\n" * 1_000_000), name="m.csv", compressed_size=1000, limits=limits)
    with pytest.raises(ReportError, match="unpacks to more than 1048576 bytes"):
        _drain(stream)


def _drain(stream: MemberStream) -> None:
    while stream.read1():
        pass


def test_field_of_the_maximum_size_is_read(tmp_path: Path) -> None:
    big = "é" * 131072  # the bound is in characters, as csv counts
    read = read_report(report_zip(tmp_path / "r.zip", [["1", big, "Error", "", ""]]))
    assert read.groups[0].message == big


def test_field_over_the_maximum_size(tmp_path: Path) -> None:
    archive = report_zip(tmp_path / "r.zip", [ROW, ["2", "x" * 131073, "Error", "", ""]])
    _quick_and_small(archive, "^a field in row 6 of the report is longer than 131072 characters$")


def test_field_limit_is_restored(tmp_path: Path) -> None:
    before = csv.field_size_limit()
    archive = report_zip(tmp_path / "r.zip", [["1", "x" * 200, "Error", "", ""]])
    with pytest.raises(ReportError, match="longer than 100 characters"):
        read_report(archive, limits=ReportLimits(max_field_bytes=100))
    assert csv.field_size_limit() == before


def test_header_field_over_the_limit(tmp_path: Path) -> None:
    data = report_bytes(header=[["Catalog Name"], ["n" * 300], [], ["Item Id"]])
    with pytest.raises(ReportError, match="a field in row 2 of the report is longer than 100 characters"):
        read_report(write_zip(tmp_path / "r.zip", data=data), limits=ReportLimits(max_field_bytes=100))


def test_unclosed_quote_is_bounded(tmp_path: Path) -> None:
    data = report_bytes([ROW]) + b'2,"never closed,Error,,\r\n' + b"3,m,Error,,\r\n" * 200_000
    archive = write_zip(tmp_path / "r.zip", data=data, compression=zipfile.ZIP_STORED)
    _quick_and_small(archive, "longer than 131072 characters")


def test_endless_row_is_bounded(tmp_path: Path) -> None:
    """Millions of tiny fields on one line: refused by the row bound, not by memory."""
    data = report_bytes([ROW]) + b"2,m,Error,," + b",x" * 2_000_000
    archive = write_zip(tmp_path / "r.zip", data=data, compression=zipfile.ZIP_STORED)
    _quick_and_small(
        archive,
        r"^a row of the report is longer than 1572864 bytes \(or a quoted field is never closed\), so reading stopped$",
    )


def test_unclosed_quote_at_the_end_swallows_the_rest(tmp_path: Path) -> None:
    """csv is lenient here: the rest of the file becomes one field; the odd row is listed."""
    data = report_bytes([ROW]) + b'2,"open,Error,,\r\n3,m,Error,,\r\n'
    digest = read_report(write_zip(tmp_path / "r.zip", data=data))
    assert digest.rows == 2
    assert digest.problems == ["row 6 has 2 column(s) instead of 5; the missing ones were left empty"]
