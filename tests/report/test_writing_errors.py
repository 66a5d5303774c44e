"""The report files are written on a worker thread: order kept, write errors reach the caller."""

from __future__ import annotations

import errno
import io
from pathlib import Path
from typing import Any

import pytest

import offergate.report as report_module
from offergate.report import read_report
from offergate.report_writer import BackgroundWriter
from tests.report.builders import outputs_exist, report_zip


class FillingFile(io.BytesIO):
    """A file on a disk that is full after `room` bytes."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def test_writes_keep_their_order_across_files() -> None:
    first, second = io.BytesIO(), io.BytesIO()
    writer = BackgroundWriter(depth=2)
    for n in range(500):
        writer.write(first if n % 2 else second, b"%d," % n)
    writer.close()
    assert first.getvalue() == b"".join(b"%d," % n for n in range(1, 500, 2))
    assert second.getvalue() == b"".join(b"%d," % n for n in range(0, 500, 2))


def test_a_write_error_is_raised_by_a_later_write_or_by_close_and_never_blocks() -> None:
    writer = BackgroundWriter(depth=1)
    target = FillingFile(room=10)
    with pytest.raises(OSError, match="No space left"):
        for _ in range(10_000):  # far more than the queue holds: the worker keeps draining
            writer.write(target, b"0123456789")
        writer.close()
    writer.close()  # the error is reported once
    assert target.getvalue() == b"0123456789"


def test_a_full_disk_mid_report_is_an_os_error_and_leaves_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = report_zip(tmp_path / "r.zip", [[f"id{n}", "m", "Error", "v", "t;p"] for n in range(20_000)])
    real_open = open
    opened: list[Path] = []

    def open_on_a_small_disk(path: Path, mode: str = "r") -> Any:
        handle = real_open(path, mode)  # the file exists, as on a real disk
        handle.close()
        opened.append(Path(path))
        return FillingFile(room=300_000)

    monkeypatch.setattr(report_module, "open", open_on_a_small_disk, raising=False)
    with pytest.raises(OSError) as caught:
        read_report(archive, csv_out=tmp_path / "out.csv", json_out=tmp_path / "out.json")
    assert caught.value.errno == errno.ENOSPC
    assert [path.name for path in opened] == ["out.csv", "out.json"]
    assert not outputs_exist(tmp_path)
