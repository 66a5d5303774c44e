"""Build rejection-report ZIPs for the tests, with zipfile and csv directly."""

from __future__ import annotations

import csv
import io
import json
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from offergate.catalogs.report.reader import ReportDigest, read_report

HEADER = ["Catalog Name", "Catalog Id", "Store Id", "Upload Time"]
VALUES = ["Spring catalog", "cat-1", "store-9", "2024-05-01T10:00:00Z"]
BODY = ["Item Id", "Message", "Type", "Values", "Offer Snippet"]
MEMBER = "MerchantCatalogReport.csv"


def snippet(*parts: str) -> str:
    return ";".join(parts)


def lines(rows: Sequence[Sequence[str]], *, newline: str = "\r\n", quoting: Any = csv.QUOTE_MINIMAL) -> str:
    """`rows` as CSV text, written by csv.writer."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=newline, quoting=quoting).writerows(rows)
    return out.getvalue()


def csv_text(
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[Sequence[str]] | None = None,
    newline: str = "\r\n",
    quoting: Any = csv.QUOTE_MINIMAL,
) -> str:
    """The report's text: the documented four preamble rows (or `header`), then `rows`."""
    preamble = [HEADER, VALUES, [], BODY] if header is None else header
    return lines([*preamble, *rows], newline=newline, quoting=quoting)


def report_bytes(
    rows: Sequence[Sequence[str]] = (), *, bom: bool = False, encoding: str = "utf-8", **kw: object
) -> bytes:
    text = csv_text(rows, **kw)  # type: ignore[arg-type]
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


def write_zip(
    path: Path,
    members: dict[str, bytes] | None = None,
    *,
    data: bytes | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A ZIP at `path` holding `members` (name -> bytes), or just the report member with `data`."""
    if members is None:
        members = {MEMBER: report_bytes() if data is None else data}
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def report_zip(path: Path, rows: Sequence[Sequence[str]] = (), **kw: object) -> Path:
    compression = kw.pop("compression", zipfile.ZIP_DEFLATED)
    return write_zip(path, data=report_bytes(rows, **kw), compression=compression)  # type: ignore[arg-type]


def patch_central(path: Path, name: str, *, flag_bits: int | None = None, file_size: int | None = None) -> None:
    """Rewrite fields of one member's central-directory entry (and the local header's flags)."""
    blob = bytearray(path.read_bytes())
    encoded = name.encode()
    at = blob.find(b"PK\x01\x02")  # a central-directory entry
    while at >= 0:
        name_len = struct.unpack_from("<H", blob, at + 28)[0]
        if bytes(blob[at + 46 : at + 46 + name_len]) == encoded:
            break
        at = blob.find(b"PK\x01\x02", at + 4)
    assert at >= 0, name
    if flag_bits is not None:
        struct.pack_into("<H", blob, at + 8, flag_bits)
        local = struct.unpack_from("<L", blob, at + 42)[0]
        struct.pack_into("<H", blob, local + 6, flag_bits)
    if file_size is not None:
        struct.pack_into("<L", blob, at + 24, file_size)
    path.write_bytes(bytes(blob))


class Read:
    """What read_report returned, with the text of the CSV and JSON files it wrote."""

    def __init__(self, digest: ReportDigest, folder: Path) -> None:
        self.digest = digest
        self.csv_bytes = (folder / "out.csv").read_bytes()
        self.json_bytes = (folder / "out.jsonl").read_bytes()

    @property
    def csv_rows(self) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.csv_bytes.decode("utf-8"), newline="")))

    @property
    def json_value(self) -> Any:
        """The JSON Lines copy as a list of objects (lines end with \n only)."""
        text = self.json_bytes.decode("utf-8")
        assert text == "" or text.endswith("\n")
        return [json.loads(line) for line in text.split("\n")[:-1]]


def read_zip(folder: Path, archive: Path, **kw: object) -> Read:
    """read_report on `archive`, writing out.csv and out.jsonl into `folder`."""
    digest = read_report(archive, csv_out=folder / "out.csv", json_out=folder / "out.jsonl", **kw)  # type: ignore[arg-type]
    return Read(digest, folder)


def read_rows(folder: Path, rows: Sequence[Sequence[str]] = (), *, data: bytes | None = None, **kw: object) -> Read:
    """Build a report from `rows` (or raw CSV bytes `data`), zip it, and read it."""
    archive = write_zip(folder / "report.zip", data=report_bytes(rows) if data is None else data)
    return read_zip(folder, archive, **kw)


def outputs_exist(folder: Path) -> bool:
    return (folder / "out.csv").exists() or (folder / "out.jsonl").exists()
