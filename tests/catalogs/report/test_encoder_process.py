"""The worker process that encodes a large report's copies: same bytes, errors reported as the
main process would, nothing left behind, no secrets handed over."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

import offergate.catalogs.report.encoder as encoder_module
import offergate.catalogs.report.reader as report_module
from offergate.catalogs.report.reader import read_report
from offergate.catalogs.report.rows import Tally
from tests.catalogs.report.builders import outputs_exist, report_zip

ROWS = [[f"id{n}", f"m{n % 5}", ["Error", "Warning"][n % 3 == 0], f"v{n}", f"Title {n};Type;https://x/{n};;{n}.00 USD"]
        for n in range(6000)]  # fmt: skip


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[encoder_module.EncoderProcess]:
    """Force the worker for small reports and record each one started."""
    monkeypatch.setattr(report_module, "ENCODER_PROCESS_BYTES", 0)
    monkeypatch.setattr(report_module, "_cores", lambda: 2)
    workers: list[encoder_module.EncoderProcess] = []
    real_init = encoder_module.EncoderProcess.__init__

    def recording_init(self: encoder_module.EncoderProcess, *args: Any) -> None:
        real_init(self, *args)
        workers.append(self)

    monkeypatch.setattr(encoder_module.EncoderProcess, "__init__", recording_init)
    return workers


def _read(folder: Path, archive: Path) -> Any:
    return read_report(archive, csv_out=folder / "out.csv", json_out=folder / "out.json")


def test_the_worker_writes_the_same_bytes_as_this_process(
    tmp_path: Path, started: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = report_zip(tmp_path / "r.zip", [*ROWS, ["a;b", "m\x01", "Error", "", "t;;;;;;;;;x"]])
    by_worker = _read(tmp_path, archive)
    assert len(started) == 1 and started[0]._process.returncode == 0
    worker_files = [(tmp_path / name).read_bytes() for name in ("out.csv", "out.json")]
    monkeypatch.setattr(report_module, "ENCODER_PROCESS_BYTES", 1 << 62)
    here = _read(tmp_path, archive)
    assert len(started) == 1  # no second worker
    assert worker_files == [(tmp_path / name).read_bytes() for name in ("out.csv", "out.json")]
    assert by_worker == here


def test_small_reports_and_single_core_machines_encode_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]
) -> None:
    archive = report_zip(tmp_path / "r.zip", ROWS)
    monkeypatch.setattr(report_module, "_cores", lambda: 1)
    _read(tmp_path, archive)
    monkeypatch.setattr(report_module, "_cores", lambda: 2)
    monkeypatch.setattr(report_module, "ENCODER_PROCESS_BYTES", 16 * 1024 * 1024)
    _read(tmp_path, archive)
    assert started == []


def test_a_full_disk_in_the_worker_is_the_same_os_error_and_leaves_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]
) -> None:
    archive = report_zip(tmp_path / "r.zip", ROWS)
    real_open = Path.open

    def open_on_a_full_disk(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" not in mode:
            return real_open(path, mode, *args, **kwargs)
        real_open(path, mode).close()  # the file exists, as on a real disk
        return real_open(Path("/dev/full"), "wb")  # every write fails with ENOSPC

    monkeypatch.setattr(Path, "open", open_on_a_full_disk)
    with pytest.raises(OSError) as caught:
        _read(tmp_path, archive)
    assert (caught.value.errno, caught.value.strerror) == (errno.ENOSPC, "No space left on device")
    assert not outputs_exist(tmp_path)
    assert started[0]._process.returncode == 1


def test_a_worker_that_dies_is_an_os_error_without_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]
) -> None:
    monkeypatch.setattr(
        encoder_module, "_SCRIPT", "import sys; print('Traceback: secret-ish', file=sys.stderr); sys.exit(3)"
    )
    with pytest.raises(OSError) as caught:
        _read(tmp_path, report_zip(tmp_path / "r.zip", ROWS))
    assert caught.value.errno == errno.EIO
    assert caught.value.strerror == "the report encoder ended with exit code 3"
    assert not outputs_exist(tmp_path)


def test_an_interrupted_read_stops_the_worker_and_leaves_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]
) -> None:
    real_add = Tally.add
    calls = []

    def interrupted_add(self: Tally, *args: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real_add(self, *args)

    monkeypatch.setattr(Tally, "add", interrupted_add)
    with pytest.raises(KeyboardInterrupt):
        _read(tmp_path, report_zip(tmp_path / "r.zip", ROWS))
    assert not outputs_exist(tmp_path)
    assert started[0]._process.returncode is not None  # ended and reaped


def test_the_worker_gets_no_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]) -> None:
    seen = tmp_path / "environment.txt"
    monkeypatch.setenv("INPUT_DEVELOPER-TOKEN", "s3cret-token")
    monkeypatch.setattr(
        encoder_module, "_SCRIPT",
        f"import os, sys; open({str(seen)!r}, 'w').write(repr(dict(os.environ))); "
        "sys.path.insert(0, sys.argv[1]); from offergate.catalogs.report.encoder import main; "
        "sys.exit(main(sys.argv[2:]))",
    )  # fmt: skip
    _read(tmp_path, report_zip(tmp_path / "r.zip", ROWS))
    assert "s3cret" not in seen.read_text() and "INPUT_" not in seen.read_text()
    assert os.environ["INPUT_DEVELOPER-TOKEN"] == "s3cret-token"
