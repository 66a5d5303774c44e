"""The report folder: where each catalog's report files go, contained in the workspace.

Everything the catalog gate writes goes into `report-dir` under the workspace
(`GITHUB_WORKSPACE`, or the current folder outside Actions):

    <catalog>.zip            the report as Microsoft sent it (written as it downloads)
    <catalog>.summary.json   the digest: counts, groups with samples, the first rows, problems
    <catalog>.csv            on request (`report-copies`): the 12-column CSV copy
    <catalog>.jsonl          on request: the JSON Lines copy

The folder is opened one component at a time from the workspace with O_NOFOLLOW, so a symlink
anywhere below the workspace is refused, never followed; files are created with
O_CREAT|O_EXCL|O_NOFOLLOW inside it, so nothing planted in the folder is written through. A
catalog id becomes a file name only when it is a Content API catalog id (digits). At the first
use in a run the gate's own files from earlier runs are removed (a persistent workspace keeps
them), and a catalog's files are removed again before each download of its report: the folder
holds only this run's files, even when a download fails.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

CATALOG_ID = re.compile(r"[0-9]{1,20}")
SUFFIXES = (".zip", ".summary.json", ".csv", ".jsonl")
# The gate's own files, from this version and earlier ones (which wrote <catalog>.json).
OWN_FILE = re.compile(r"[0-9]{1,20}\.(?:zip|summary\.json|csv|jsonl|json)")
COPY_KINDS = ("csv", "json")  # the values of `report-copies` besides none
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class ReportFolderError(Exception):
    """A report file cannot be written safely; str() names the path (relative to the workspace)."""


def shown(text: str, limit: int = 64) -> str:
    """Untrusted text quoted and escaped for a message: control characters, NUL and lone
    surrogates as escapes, never raw."""
    cut = text[:limit]
    escaped = cut.encode("ascii", "backslashreplace").decode("ascii")
    escaped = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in escaped)
    return f"'{escaped}'" + ("…" if len(text) > limit else "")


def catalog_stem(catalog_id: str) -> str:
    """The catalog id as a file name stem; only a Content API catalog id (digits) is one."""
    if not CATALOG_ID.fullmatch(catalog_id):
        raise ReportFolderError(
            f"catalog id {shown(catalog_id)} is not a Content API catalog id (digits only), "
            "so no report file is named after it"
        )
    return catalog_id


def _parts(relative: str) -> list[str]:
    parts = [part for part in relative.replace("\\", "/").split("/") if part not in ("", ".")]
    if not parts or ".." in parts or relative.startswith("/"):
        raise ReportFolderError(f"{shown(relative)} is not a folder inside the workspace")
    return parts


def check_report_folder(workspace: Path, relative: str) -> None:
    """Before the run, without writing: every part of the folder that exists is a real folder
    (no symlink) and none of the gate's own file names in it is anything but a regular file."""
    root = workspace.resolve()
    path = root
    for part in _parts(relative):
        path = path / part
        try:
            info = path.lstat()
        except FileNotFoundError:
            return
        except OSError as error:
            raise ReportFolderError(f"{_rel(root, path)} cannot be used: {error.strerror}") from None
        if stat.S_ISLNK(info.st_mode):
            raise ReportFolderError(f"{_rel(root, path)} is a symbolic link; the report folder must be a real folder")
        if not stat.S_ISDIR(info.st_mode):
            raise ReportFolderError(f"{_rel(root, path)} is in the way: it is not a folder")
    if not path.resolve().is_relative_to(root):
        raise ReportFolderError(f"{_rel(root, path)} is outside the workspace")
    with suppress(OSError):
        for entry in os.scandir(path):
            if OWN_FILE.fullmatch(entry.name) and not entry.is_file(follow_symlinks=False):
                what = "a symbolic link" if entry.is_symlink() else "not a regular file"
                raise ReportFolderError(f"{_rel(root, path / entry.name)} is in the way: it is {what}")


def _rel(root: Path, path: Path) -> str:
    with suppress(ValueError):
        return shown(path.relative_to(root).as_posix(), 200)
    return shown(str(path), 200)


class ReportFolder:
    """The report folder of one run, opened safely. `prepare()` creates it and removes the gate's
    files of earlier runs (the catalog backend calls it once a run); `create` makes a new file in
    it (the folder is made on the way when missing)."""

    def __init__(self, workspace: Path, relative: str) -> None:
        self.root = workspace.resolve()
        self.relative = "/".join(_parts(relative))
        self.path = self.root / self.relative

    @classmethod
    def at(cls, report_dir: Path, relative: str) -> ReportFolder:
        """The folder `report_dir`, which is the workspace joined with `relative`."""
        parts = _parts(relative)
        workspace = Path(report_dir)
        for _ in parts:
            workspace = workspace.parent
        return cls(workspace, relative)

    def name(self, file_name: str) -> str:
        """A file of the folder as the log shows it: relative to the workspace."""
        return f"{self.relative}/{file_name}"

    @contextmanager
    def _directory(self) -> Iterator[int]:
        """A descriptor of the folder, made component by component without following links."""
        fd = os.open(self.root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        try:
            walked = ""
            for part in self.relative.split("/"):
                walked = f"{walked}/{part}" if walked else part
                with suppress(FileExistsError):
                    os.mkdir(part, 0o755, dir_fd=fd)
                try:
                    child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
                except OSError as error:
                    raise ReportFolderError(_in_the_way(walked, error, folder=True)) from None
                os.close(fd)
                fd = child
            yield fd
        finally:
            os.close(fd)

    def prepare(self) -> None:
        """Create the folder and remove the gate's files of earlier runs (the user's own stay)."""
        try:
            with self._directory() as fd:
                for name in os.listdir(fd):  # noqa: PTH208 - the folder's descriptor, not a path
                    if OWN_FILE.fullmatch(name):
                        self._remove(fd, name)
        except OSError as error:
            raise ReportFolderError(f"{shown(self.relative)} cannot be used: {error.strerror}") from None

    def remove_catalog(self, stem: str) -> None:
        """Remove one catalog's files (before its report is downloaded again)."""
        try:
            with self._directory() as fd:
                for suffix in (*SUFFIXES, ".json"):
                    self._remove(fd, stem + suffix)
        except OSError as error:
            raise ReportFolderError(f"{shown(self.relative)} cannot be used: {error.strerror}") from None

    def _remove(self, fd: int, name: str) -> None:
        """Unlink a file (a symlink itself, never its target); a folder in the way is an error."""
        try:
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return
        if stat.S_ISDIR(info.st_mode):
            raise ReportFolderError(f"{shown(self.name(name))} is in the way: it is a folder")
        with suppress(FileNotFoundError):
            os.unlink(name, dir_fd=fd)

    def create(self, file_name: str) -> BinaryIO:
        """A new file in the folder, open for writing; anything already at its name is an error."""
        try:
            with self._directory() as fd:
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
                try:
                    handle = os.open(file_name, flags, 0o644, dir_fd=fd)
                except OSError as error:
                    raise ReportFolderError(_in_the_way(self.name(file_name), error, folder=False)) from None
        except ReportFolderError:
            raise
        except OSError as error:
            raise ReportFolderError(f"{shown(self.relative)} cannot be used: {error.strerror}") from None
        return os.fdopen(handle, "wb")

    def unlink(self, file_name: str) -> None:
        """Remove a file the gate created (after a failed download or read)."""
        with suppress(OSError), self._directory() as fd:
            self._remove(fd, file_name)

    def write(self, file_name: str, data: bytes) -> None:
        """A new file with `data`; removed again when it cannot be written in full."""
        handle = self.create(file_name)
        try:
            with handle:
                handle.write(data)
        except OSError as error:
            self.unlink(file_name)
            raise ReportFolderError(f"{shown(self.name(file_name))} could not be written: {error.strerror}") from None


def _in_the_way(name: str, error: OSError, *, folder: bool) -> str:
    if error.errno in (errno.ELOOP, errno.EMLINK) or (folder and error.errno == errno.ENOTDIR):
        what = "a symbolic link or not a folder" if folder else "a symbolic link"
        return f"{shown(name)} is in the way: it is {what}, so nothing was written there"
    if error.errno == errno.EEXIST:
        return f"{shown(name)} is in the way: it already exists (made by something else during the run)"
    return f"{shown(name)} cannot be used: {error.strerror or type(error).__name__}"
