"""Output-file tests run twice: encoded in this process, and in the worker process that large
reports get (forced here for small ones)."""

from __future__ import annotations

import pytest

import offergate.catalogs.report.reader as report_module


@pytest.fixture(params=["in-process", "worker"])
def encoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "worker":
        monkeypatch.setattr(report_module, "ENCODER_PROCESS_BYTES", 0)
        monkeypatch.setattr(report_module, "_cores", lambda: 2)
    else:
        monkeypatch.setattr(report_module, "ENCODER_PROCESS_BYTES", 1 << 62)
    return str(request.param)
