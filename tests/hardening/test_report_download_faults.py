"""Hardening item 7: report downloads that go wrong, the catalog gate run end to end.

The report URL is served by the sandbox under /reports/. Whatever happens to the download, the
gate decides from the status counts and says why the report is missing.

Decisions:
- A gzip `Content-Encoding` on top of the ZIP is undone (requests does it), and the size cap
  counts the decoded bytes, chunk by chunk, so a gzip bomb stops at the cap.
- Redirects are followed by hand to any host with no credential header at all (the download
  session never carries any); https only, plain http only on loopback (the sandbox).

Covered elsewhere (not repeated here):
- expired URL (400 -> the status is fetched again for a fresh URL; both expired -> the counts
  decide): tests/action/test_catalog_gate_action.py::test_expired_report_url_is_fetched_again.
- a report that downloads but is not a valid ZIP:
  tests/action/test_catalog_gate_action.py::test_unreadable_report_decides_from_the_counts.
"""

from __future__ import annotations

import gzip
import json

import pytest

from offergate.catalogs.report import download as report_download
from offergate.sandbox import RecordedRequest, ReportRow, Response, build_report_zip
from tests.conftest import STORE, Harness, Run

REPORTS = r"^/reports/"
CREDENTIAL_HEADERS = ("Authorization", "AuthenticationToken", "DeveloperToken", "CustomerId", "CustomerAccountId")
SEED_ERRORS = 4  # the seed scenario's report: 4 errors, well under max-rejections 100


def catalog_run(harness: Harness, **inputs: str) -> Run:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    run = harness.run(
        harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "max-rejections": "100", **inputs})
    )
    assert "Traceback" not in run.log
    return run


def entry(run: Run) -> dict:  # type: ignore[type-arg]
    (catalog,) = json.loads(run.outputs["catalogs"])
    return catalog  # type: ignore[no-any-return]


def decided_from_the_counts(run: Run, *why: str) -> None:
    """Passed on the counts (rejections within max-rejections), the report's problem said."""
    assert run.exit_code == 0, run.log
    assert entry(run)["errors"] is None and entry(run)["rejected"] > 0
    assert "the verdict comes from the counts" in run.summary_text
    warnings = "\n".join(line for line in run.log.splitlines() if line.startswith("::warning"))
    for words in why:
        assert words in run.summary_text, run.summary_text
        assert words in warnings, run.log


def report_calls(harness: Harness) -> list[RecordedRequest]:
    return [r for r in harness.sandbox.requests if r.path.startswith("/reports/")]


def test_report_read_when_nothing_goes_wrong(harness: Harness) -> None:
    run = catalog_run(harness)
    assert run.exit_code == 0, run.log
    assert entry(run)["errors"] == SEED_ERRORS


def test_content_length_larger_than_the_body(harness: Harness) -> None:
    harness.sandbox.inject(method="GET", path=REPORTS, kind="short-body")
    decided_from_the_counts(catalog_run(harness), "could not be downloaded", "broke off")


def test_content_length_smaller_than_the_body(harness: Harness) -> None:
    """The client reads what was announced: a truncated ZIP, refused by the ZIP checks."""
    harness.sandbox.inject(method="GET", path=REPORTS, kind="long-body")
    decided_from_the_counts(catalog_run(harness), "could not be read")


def test_reset_mid_body(harness: Harness) -> None:
    harness.sandbox.inject(method="GET", path=REPORTS, kind="reset-mid-body")
    decided_from_the_counts(catalog_run(harness), "could not be downloaded")


def test_report_dripped_hits_the_download_time_limit(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_download, "TIME_LIMIT", 0.3)
    harness.sandbox.inject(method="GET", path=REPORTS, kind="drip", seconds=0.01)
    decided_from_the_counts(catalog_run(harness), "did not finish within 0.3 s")


def test_declared_size_over_the_cap_is_refused_before_reading(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_download, "MAX_REPORT_BYTES", 100)
    decided_from_the_counts(catalog_run(harness), "over the 100-byte limit")


def test_gzip_content_encoding_is_undone(harness: Harness) -> None:
    harness.sandbox.inject(method="GET", path=REPORTS, kind="gzip")
    run = catalog_run(harness)
    assert run.exit_code == 0, run.log
    assert entry(run)["errors"] == SEED_ERRORS
    assert "gzip" in report_calls(harness)[0].headers.get("Accept-Encoding", "")


def test_gzip_bomb_stops_at_the_cap_on_decoded_bytes(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_download, "MAX_REPORT_BYTES", 1_000_000)
    bomb = gzip.compress(b"\0" * 20_000_000)  # ~20 KB on the wire, 20 MB decoded
    assert len(bomb) < 100_000
    harness.sandbox.inject(
        method="GET", path=REPORTS, kind="gzip", status=200, body=bomb, content_type="application/x-zip-compressed"
    )
    decided_from_the_counts(catalog_run(harness), "over the 1000000-byte limit")


def test_redirect_to_another_host_is_followed_without_credentials(harness: Harness) -> None:
    rows = [ReportRow(f"M-{n}", "Mirrored", "Error", "") for n in range(3)]
    mirrored = build_report_zip(
        rows,
        catalog_name="Mirror",
        catalog_id="4101",
        store_id=STORE["merchant_id"],
        upload_time="2026-11-24T08:00:00Z",
    )
    harness.sandbox.add_route(
        "GET", r"/mirror/report\.zip", lambda request, params: Response(200, mirrored, "application/x-zip-compressed")
    )
    port = harness.sandbox.url.rsplit(":", 1)[1]
    harness.sandbox.inject(
        method="GET", path=REPORTS, status=302, headers={"Location": f"http://localhost:{port}/mirror/report.zip"}
    )
    run = catalog_run(harness)
    assert run.exit_code == 0, run.log
    assert entry(run)["errors"] == 3, run.log + run.summary_text  # read from the mirror
    (mirror,) = [r for r in harness.sandbox.requests if r.path == "/mirror/report.zip"]
    assert mirror.headers["Host"].startswith("localhost")
    assert not any(name in mirror.headers for name in CREDENTIAL_HEADERS)
    assert not any(name in report_calls(harness)[0].headers for name in CREDENTIAL_HEADERS)


@pytest.mark.parametrize(
    ("location", "why"),
    [
        pytest.param(
            "http://reports.example.com/r.zip?token=redirect-secret", "only https is allowed", id="plain-http-elsewhere"
        ),
        pytest.param("ftp://reports.example.com/r.zip", "only https is allowed", id="not-http"),
        pytest.param("https://reports.offergate-test.invalid/r.zip", "could not be resolved", id="https-followed"),
    ],
)
def test_redirect_elsewhere_refused_or_failing(harness: Harness, location: str, why: str) -> None:
    harness.sandbox.inject(method="GET", path=REPORTS, status=302, headers={"Location": location})
    run = catalog_run(harness)
    decided_from_the_counts(run, "could not be downloaded", why)
    assert "redirect-secret" not in run.log + run.summary  # the redirect's own token is never shown


def test_redirect_loop(harness: Harness) -> None:
    harness.sandbox.inject(method="GET", path=REPORTS, status=302, headers={"Location": "/reports/again"}, times=None)
    decided_from_the_counts(catalog_run(harness), "more than 5 redirects")
