"""The index in tests/hardening/README.md names only files and tests that exist."""

from __future__ import annotations

import re

from tests.support.runner_env import ROOT

TESTS = ROOT / "tests"
README = TESTS / "hardening" / "README.md"
# `file.py`, `file.py::name`, or `::name` (a test of the file named last in the same row).
REFERENCE = re.compile(r"`((?:[a-z_]+/)*test_[a-z0-9_]+\.py)?(?:::([A-Za-z0-9_]+))?`")


def test_every_file_and_test_the_index_names_exists() -> None:
    missing = []
    named = 0
    for row in README.read_text(encoding="utf-8").splitlines():
        current = None
        for path, name in REFERENCE.findall(row):
            if path:
                current = path
                if not (TESTS / path).is_file():
                    missing.append(path)
                    continue
            if name and current:
                named += 1
                if not re.search(rf"^(?:async )?def {name}\(", (TESTS / current).read_text(), re.MULTILINE):
                    missing.append(f"{current}::{name}")
    assert named > 50  # the pattern still reads the index
    assert not missing, missing
