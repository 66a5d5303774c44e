"""Hardening (containment issue): report files stay in the workspace, through nothing planted.

Decisions:
- Everything the catalog gate writes goes into `report-dir` under the workspace. The folder is
  opened part by part from the workspace without following a symbolic link; files are created
  with O_CREAT|O_EXCL|O_NOFOLLOW. A symbolic link (or a file) in the way found before the run is
  bad input: exit 2 with a message naming it. One planted during the run makes that report's
  files unwritable (named in the summary); nothing is ever written through it.
- A catalog id names files only when it is digits (Content API catalog ids are ulongs): a given
  `catalog-id` of anything else is bad input (exit 2); one listed by the API for `all` gets no
  files and the summary names it. Both are shown escaped (NUL, lone surrogates, controls).
- The folder holds this run's files only: the gate's own files (`<digits>.zip`, `.summary.json`,
  `.csv`, `.jsonl`, `.json`) from earlier runs are removed when the run starts, and a catalog's
  files again before each download, so a failed download leaves none of the older ones. Other
  files in the folder are the user's and are left alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from offergate.catalogs.report.folder import ReportFolder, ReportFolderError, catalog_stem, shown
from tests.conftest import STORE, Harness, Run

REPORTS = r"^/reports/"


def gate(harness: Harness, workspace: Path | None = None, **inputs: str) -> Run:
    extra = {"GITHUB_WORKSPACE": str(workspace)} if workspace is not None else None
    run = harness.run(
        harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "max-rejections": "100", **inputs}), extra
    )
    assert "Traceback" not in run.log
    return run


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def outside_untouched(outside: Path, before: dict[str, bytes]) -> None:
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "target").write_bytes(b"precious")
    return folder


def test_files_are_written_inside_the_workspace_only(harness: Harness, tmp_path: Path) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    run = gate(harness, workspace, **{"report-copies": "csv,json"})
    assert run.exit_code == 0, run.log
    assert listing(workspace) == ["offergate-report"]
    assert listing(workspace / "offergate-report") == ["4101.csv", "4101.jsonl", "4101.summary.json", "4101.zip"]


def test_a_planted_folder_symlink_is_refused_with_exit_2(harness: Harness, tmp_path: Path, outside: Path) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "offergate-report").symlink_to(outside)
    run = gate(harness, workspace)
    assert run.exit_code == 2, run.log
    assert "report-dir" in run.log and "'offergate-report' is a symbolic link" in run.log
    outside_untouched(outside, {"target": b"precious"})


def test_a_symlink_higher_up_the_folder_is_refused(harness: Harness, tmp_path: Path, outside: Path) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "build").symlink_to(outside)
    run = gate(harness, workspace, **{"report-dir": "build/reports"})
    assert run.exit_code == 2, run.log
    assert "'build' is a symbolic link" in run.log
    outside_untouched(outside, {"target": b"precious"})


def test_a_file_where_the_folder_goes_is_refused(harness: Harness, tmp_path: Path) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "offergate-report").write_text("mine")
    run = gate(harness, workspace)
    assert run.exit_code == 2, run.log
    assert "'offergate-report' is in the way: it is not a folder" in run.log
    assert (workspace / "offergate-report").read_text() == "mine"


@pytest.mark.parametrize("name", ["4101.zip", "4101.summary.json", "4101.csv", "9.jsonl"])
def test_a_planted_file_symlink_is_refused_with_exit_2(
    harness: Harness, tmp_path: Path, outside: Path, name: str
) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    workspace = tmp_path / "ws"
    (workspace / "offergate-report").mkdir(parents=True)
    (workspace / "offergate-report" / name).symlink_to(outside / "target")
    run = gate(harness, workspace, **{"report-copies": "csv,json"})
    assert run.exit_code == 2, run.log
    assert f"'offergate-report/{name}' is in the way: it is a symbolic link" in run.log
    outside_untouched(outside, {"target": b"precious"})


def test_a_symlink_planted_during_the_run_is_never_written_through(tmp_path: Path, outside: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    folder = ReportFolder(workspace, "offergate-report")
    folder.prepare()
    (folder.path / "4101.zip").symlink_to(outside / "target")
    with pytest.raises(ReportFolderError, match=r"'offergate-report/4101\.zip' is in the way: it already exists"):
        folder.create("4101.zip")
    (folder.path / "4101.zip").unlink()
    folder.path.rmdir()
    folder.path.symlink_to(outside)  # the folder itself swapped for a link
    with pytest.raises(ReportFolderError, match="'offergate-report' is in the way: it is a symbolic link"):
        folder.create("4101.zip")
    outside_untouched(outside, {"target": b"precious"})


def test_the_report_folder_must_be_inside_the_workspace(tmp_path: Path) -> None:
    for relative in ("../x", "/etc", "a/../../x", ""):
        with pytest.raises(ReportFolderError, match="is not a folder inside the workspace"):
            ReportFolder(tmp_path, relative)


@pytest.mark.parametrize(
    ("catalog_id", "shown_as"),
    [("12\x0034", "'12\\x0034'"), ("\ud800", "'\\ud800'"), ("../1", "'../1'"), ("1/2", "'1/2'")],
)
def test_a_given_catalog_id_that_is_not_digits_is_bad_input(harness: Harness, catalog_id: str, shown_as: str) -> None:
    run = harness.run(harness.catalog_inputs(**{"catalog-id": catalog_id, "timeout": "0"}))
    assert run.exit_code == 2, run.log
    assert f"{shown_as} is not a valid id: Content API catalog ids are digits" in run.log
    assert "Traceback" not in run.log and "\x00" not in run.log


def test_a_given_catalog_id_that_is_a_word_is_checked_against_the_stores_list(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed", name="Spring")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "cat-1", "timeout": "0"}))
    assert run.exit_code == 4, run.log
    assert "has no catalog 'cat-1'" in run.log and "the catalogs of this store: '4101'" in run.log
    assert not [r for r in harness.sandbox.requests if r.path.endswith("/status")]  # nothing asked of it
    assert not (run.files.workspace / "offergate-report").exists()


def test_a_listed_catalog_id_that_is_not_digits_gets_no_files(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "../9", scenario="seed")
    run = gate(harness, **{"catalog-id": "all"})
    assert run.exit_code == 0, run.log
    assert "catalog id '../9' is not a Content API catalog id (digits only)" in run.summary_text
    folder = run.files.workspace / "offergate-report"
    assert not folder.exists() or listing(folder) == []
    assert listing(run.files.workspace.parent) == ["github_output", "runner_temp", "step_summary.md", "workspace"]


def test_catalog_stem_escapes_what_it_refuses() -> None:
    assert catalog_stem("0123") == "0123"
    for bad in ("", "1" * 21, "١٢", "12 ", "1.zip"):
        with pytest.raises(ReportFolderError):
            catalog_stem(bad)
    assert shown("a\x00\ud800\x1b") == "'a\\x00\\ud800\\x1b'"


def test_stale_files_are_removed_even_when_this_runs_download_fails(harness: Harness, tmp_path: Path) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    first = gate(harness, workspace, **{"report-copies": "csv,json"})
    assert first.exit_code == 0, first.log
    folder = workspace / "offergate-report"
    (folder / "4101.json").write_text("[]")  # an earlier version's copy
    (folder / "77.zip").write_bytes(b"an old catalog's report")
    (folder / "notes.txt").write_text("the user's own")
    harness.sandbox.inject(method="GET", path=REPORTS, status=404, times=None)
    second = gate(harness, workspace)
    assert second.exit_code == 0, second.log
    assert "could not be downloaded" in second.summary_text
    assert listing(folder) == ["notes.txt"]


def test_stale_files_are_removed_when_this_run_reads_no_report(harness: Harness, tmp_path: Path) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    harness.sandbox.add_catalog(STORE["merchant_id"], "4102", scenario="clean")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    assert gate(harness, workspace).exit_code == 0
    folder = workspace / "offergate-report"
    assert listing(folder) == ["4101.summary.json", "4101.zip"]
    second = gate(harness, workspace, **{"catalog-id": "4102"})
    assert second.exit_code == 0, second.log
    assert listing(folder) == []


def test_a_second_read_in_the_same_run_replaces_the_catalogs_files(tmp_path: Path) -> None:
    folder = ReportFolder(tmp_path, "r")
    folder.prepare()
    folder.write("5.zip", b"first")
    folder.write("6.zip", b"other catalog, this run")
    folder.remove_catalog("5")
    folder.write("5.zip", b"second")
    assert (folder.path / "5.zip").read_bytes() == b"second"
    assert listing(folder.path) == ["5.zip", "6.zip"]
    folder.prepare()  # the next run
    assert listing(folder.path) == []


def test_every_catalog_of_one_run_keeps_its_report_files(harness: Harness, tmp_path: Path) -> None:
    """The folder is made fresh once a run, not once a catalog: the second catalog's report does
    not remove the first one's."""
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    harness.sandbox.add_catalog(STORE["merchant_id"], "4102", scenario="seed")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    run = gate(harness, workspace, **{"catalog-id": "4101,4102"})
    assert run.exit_code == 0, run.log
    assert listing(workspace / "offergate-report") == [
        "4101.summary.json",
        "4101.zip",
        "4102.summary.json",
        "4102.zip",
    ]


def test_files_are_created_readable_and_not_executable(tmp_path: Path) -> None:
    folder = ReportFolder(tmp_path, "r")
    folder.prepare()
    folder.write("5.summary.json", json.dumps({}).encode())
    mode = (folder.path / "5.summary.json").stat().st_mode & 0o777
    assert mode & 0o111 == 0 and mode & 0o400
