"""One catalog's report files: the ZIP as downloaded, the digest, and the copies asked for.

    <catalog>.zip            the report exactly as Microsoft sent it: the download is written
                             straight into it, so keeping it costs nothing and it is byte-exact
    <catalog>.summary.json   the digest (ReportDigest.to_json), or the reason the report could
                             not be read
    <catalog>.csv            with `report-copies: csv`: the 12-column CSV copy
    <catalog>.jsonl          with `report-copies: json`: the JSON Lines copy

Every file is created through ReportFolder (contained in the workspace, no link followed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from offergate.catalogs.report.folder import COPY_KINDS, ReportFolder, ReportFolderError, catalog_stem
from offergate.catalogs.report.reader import DEFAULT_LIMITS, ReportDigest, ReportError, ReportLimits, read_report

_COPY_SUFFIX = {"csv": ".csv", "json": ".jsonl"}


class CatalogReportFiles:
    """Where one catalog's report goes (the folder is made fresh once a run by the catalog
    backend, `ReportFolder.prepare`)."""

    def __init__(self, report_dir: Path, relative: str, catalog_id: str, *, copies: frozenset[str]) -> None:
        self.folder = ReportFolder.at(report_dir, relative)
        self.stem = catalog_stem(catalog_id)
        self.copies = copies

    @property
    def zip_name(self) -> str:
        return self.stem + ".zip"

    @contextmanager
    def download_target(self) -> Iterator[BinaryIO]:
        """A fresh `<catalog>.zip` to download into; this catalog's older files are removed first,
        and the ZIP too when the download fails."""
        self.folder.remove_catalog(self.stem)
        handle = self.folder.create(self.zip_name)
        try:
            with handle:
                yield handle
        except BaseException:
            self.folder.unlink(self.zip_name)
            raise

    def read(self, *, max_items: int, ignore_warnings: bool, limits: ReportLimits = DEFAULT_LIMITS) -> ReportDigest:
        """Read the downloaded ZIP, write the copies asked for and the digest. A ReportError (the
        report is unreadable) or ReportFolderError (a file cannot be written) leaves the ZIP and
        a summary saying why, and no copy."""
        created: list[str] = []
        try:
            with _opened(self, created) as (csv_file, json_file):
                digest = read_report(
                    self.folder.path / self.zip_name,
                    max_items=max_items,
                    ignore_warnings=ignore_warnings,
                    csv_out=csv_file,
                    json_out=json_file,
                    limits=limits,
                )
        except ReportError as error:
            self._drop(created)
            self._write_summary({"format": 1, "error": str(error)})
            raise
        except OSError as error:
            self._drop(created)
            raise ReportFolderError(f"the report copies could not be written: {error.strerror}") from None
        except BaseException:
            self._drop(created)
            raise
        self.folder.write(self.stem + ".summary.json", digest.json_bytes())
        return digest

    def _write_summary(self, value: dict[str, object]) -> None:
        with suppress(ReportFolderError):
            self.folder.write(self.stem + ".summary.json", (json.dumps(value, ensure_ascii=False) + "\n").encode())

    def _drop(self, names: list[str]) -> None:
        for name in names:
            self.folder.unlink(name)


@contextmanager
def _opened(files: CatalogReportFiles, created: list[str]) -> Iterator[tuple[BinaryIO | None, BinaryIO | None]]:
    handles: list[BinaryIO | None] = []
    try:
        for kind in COPY_KINDS:
            if kind in files.copies:
                name = files.stem + _COPY_SUFFIX[kind]
                handles.append(files.folder.create(name))
                created.append(name)
            else:
                handles.append(None)
        yield handles[0], handles[1]
    finally:
        for handle in handles:
            if handle is not None:
                handle.close()
