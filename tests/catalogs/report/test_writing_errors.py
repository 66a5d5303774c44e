"""A write error mid-report (a full disk) reaches the caller and leaves no partial files."""

from __future__ import annotations

import errno
import io
from pathlib import Path
from typing import Any

import pytest

from offergate.catalogs.report.reader import read_report
from tests.catalogs.report.builders import outputs_exist, report_zip


class FillingFile(io.BytesIO):
    """A file on a disk that is full after `room` bytes."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def test_a_full_disk_mid_report_is_an_os_error_and_leaves_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = report_zip(tmp_path / "r.zip", [[f"id{n}", "m", "Error", "v", "t;p"] for n in range(20_000)])
    real_open = Path.open
    opened: list[Path] = []

    def open_on_a_small_disk(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" not in mode:
            return real_open(path, mode, *args, **kwargs)
        real_open(path, mode).close()  # the file exists, as on a real disk
        opened.append(path)
        return FillingFile(room=300_000)

    monkeypatch.setattr(Path, "open", open_on_a_small_disk)
    with pytest.raises(OSError) as caught:
        read_report(archive, csv_out=tmp_path / "out.csv", json_out=tmp_path / "out.json")
    assert caught.value.errno == errno.ENOSPC
    assert [path.name for path in opened] == ["out.csv", "out.json"]
    assert not outputs_exist(tmp_path)
