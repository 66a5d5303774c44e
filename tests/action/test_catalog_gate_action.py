"""The catalog gate end to end: the entrypoint command, the runner's environment, the sandbox."""

from __future__ import annotations

import csv
import json
import zipfile

import pytest

from offergate.sandbox import ReportRow, build_report_zip
from tests.conftest import ADS_USER, STORE, Harness, Run

CREDENTIAL_HEADERS = ("Authorization", "AuthenticationToken", "DeveloperToken", "CustomerId", "CustomerAccountId")
FORMATS = pytest.mark.parametrize("content_format", ["json", "xml"])


def status_calls(harness: Harness) -> list:  # type: ignore[type-arg]
    return [r for r in harness.sandbox.requests if r.path.endswith("/status")]


def report_calls(harness: Harness) -> list:  # type: ignore[type-arg]
    return [r for r in harness.sandbox.requests if "/reports/" in r.path]


def catalog(run: Run, catalog_id: str) -> dict:  # type: ignore[type-arg]
    return {c["id"]: c for c in json.loads(run.outputs["catalogs"])}[catalog_id]


@FORMATS
def test_under_the_threshold_passes_with_one_check(harness: Harness, content_format: str) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    run = harness.run(
        harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "content-format": content_format})
    )
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed"
    assert int(run.outputs["published-count"]) > 0
    assert run.outputs["rejected-count"] == "0"
    assert catalog(run, "4101")["result"] == "passed"
    assert catalog(run, "4101")["errors"] is None  # no report to read
    calls = status_calls(harness)
    assert len(calls) == 1 and calls[0].query.get("alt") == content_format
    assert report_calls(harness) == []
    assert "catalog 123456/4101" in run.summary_text


@FORMATS
def test_over_the_threshold_fails_with_the_report_table(harness: Harness, content_format: str) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="over-threshold")
    inputs = {
        "catalog-id": "4101",
        "max-rejections": "5",
        "timeout": "2d",
        "poll-interval": "30m",
        "content-format": content_format,
        "report-copies": "csv,json",
    }
    run = harness.run(harness.catalog_inputs(**inputs))
    assert run.exit_code == 1, run.log
    assert run.outputs["result"] == "failed"
    rejected = int(run.outputs["rejected-count"])
    assert rejected > 5
    entry = catalog(run, "4101")
    assert entry["result"] == "failed" and entry["rejected"] == rejected
    assert entry["errors"] + entry["warnings"] == rejected
    # failed at once: the last status call is the one that crossed the threshold
    assert len(status_calls(harness)) < 2 * 24 * 2
    text = run.summary_text
    assert "| Message | Type | Count | Sample item ids |" in run.summary
    assert "<details>" in run.summary and "rejected items" in text
    assert "over max-rejections 5" in text
    # annotations: the failure and the top reasons
    errors = [line for line in run.log.splitlines() if line.startswith("::error")]
    assert any("rejected offers" in line for line in errors)
    # the report as Microsoft sent it, its digest and the copies asked for are at report-path
    assert run.outputs["report-path"] == "offergate-report"
    folder = run.files.workspace / run.outputs["report-path"]
    assert sorted(p.name for p in folder.iterdir()) == ["4101.csv", "4101.jsonl", "4101.summary.json", "4101.zip"]
    assert zipfile.ZipFile(folder / "4101.zip").namelist() == ["MerchantCatalogReport.csv"]
    digest = json.loads((folder / "4101.summary.json").read_text(encoding="utf-8"))
    assert digest["rows"] == rejected and digest["errors"] + digest["warnings"] == rejected
    rows = list(csv.reader((folder / "4101.csv").open(encoding="utf-8", newline="")))
    assert rows[0][:4] == ["Item Id", "Message", "Type", "Values"]
    assert len(rows) - 1 == rejected
    assert len((folder / "4101.jsonl").read_text(encoding="utf-8").splitlines()) == rejected


@FORMATS
def test_report_fetched_without_credentials_and_its_url_never_shown(harness: Harness, content_format: str) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    run = harness.run(
        harness.catalog_inputs(
            **{"catalog-id": "4101", "timeout": "0", "content-format": content_format, "max-rejections": "100"}
        )
    )
    assert run.exit_code == 0, run.log
    (download,) = report_calls(harness)
    assert not any(name in download.headers for name in CREDENTIAL_HEADERS)
    assert "zip" in download.headers.get("Accept", "")
    token = download.query["token"]
    assert f"::add-mask::{token}" in run.log
    shown = "\n".join(line for line in run.log.splitlines() if not line.startswith("::add-mask::"))
    everything = shown + run.summary + run.files.output.read_text()
    for folder_file in (run.files.workspace / "offergate-report").iterdir():
        everything += folder_file.read_bytes().decode("utf-8", "replace")
    assert token not in everything
    for secret in (STORE["developer_token"], ADS_USER["refresh_token"], *harness.sandbox.tokens_issued):
        assert secret not in everything
    # status calls carry the developer token and the access token, and no Authorization header
    call = status_calls(harness)[0]
    assert call.headers["DeveloperToken"] == STORE["developer_token"]
    assert call.headers["AuthenticationToken"] in harness.sandbox.tokens_issued
    assert "Authorization" not in call.headers


@FORMATS
def test_ignore_warnings_counts_only_errors(harness: Harness, content_format: str) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="warnings-only")
    base = {"catalog-id": "4101", "timeout": "0", "content-format": content_format}
    strict = harness.run(harness.catalog_inputs(**base))
    assert strict.exit_code == 1, strict.log
    lenient = harness.run(harness.catalog_inputs(**base, **{"ignore-warnings": "true"}))
    assert lenient.exit_code == 0, lenient.log
    entry = catalog(lenient, "4101")
    assert entry["errors"] == 0 and entry["warnings"] == entry["rejected"] > 0
    # the strict run annotates the warnings it counted; the lenient one still reports them
    assert any(line.startswith("::warning") for line in strict.log.splitlines()), strict.log
    assert "4 warnings" in lenient.summary_text


@FORMATS
def test_expected_offers_reached_passes_before_the_deadline(harness: Harness, content_format: str) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="trickle")
    inputs = {
        "catalog-id": "4101",
        "timeout": "3d",
        "poll-interval": "1h",
        "max-rejections": "10",
        "expected-offers": "500",
        "content-format": content_format,
    }
    started = harness.clock.monotonic()
    run = harness.run(harness.catalog_inputs(**inputs))
    assert run.exit_code == 0, run.log
    entry = catalog(run, "4101")
    assert entry["published"] + entry["rejected"] >= 500
    assert harness.clock.monotonic() - started < 3 * 86400
    assert "500 expected offers reviewed" in run.summary_text


def test_expected_offers_not_reached_is_pending(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    inputs = {"catalog-id": "4101", "timeout": "2h", "poll-interval": "30m", "expected-offers": "1000000"}
    run = harness.run(harness.catalog_inputs(**inputs))
    assert run.exit_code == 3, run.log
    assert run.outputs["result"] == "pending"


def test_no_status_yet_is_waited_for(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="trickle")  # 404 for 10 minutes
    run = harness.run(
        harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "2h", "poll-interval": "5m", "max-rejections": "10"})
    )
    assert run.exit_code == 0, run.log  # watched until the deadline, the threshold never crossed
    assert int(run.outputs["published-count"]) > 0
    assert "no review status yet" in run.log


def test_no_status_at_the_deadline_is_pending(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="trickle")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0"}))
    assert run.exit_code == 3, run.log
    assert run.outputs["result"] == "pending"
    assert catalog(run, "4101")["published"] is None
    assert "no review status yet" in run.summary_text


def test_unknown_catalog_lists_the_stores_catalogs(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "main", scenario="clean")
    harness.sandbox.add_catalog(STORE["merchant_id"], "outlet", scenario="clean")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4199", "timeout": "1h"}))
    assert run.exit_code == 4, run.log
    assert "'4199'" in run.log and "'main', 'outlet'" in run.log
    assert status_calls(harness) == []


@FORMATS
def test_catalog_id_all_gates_every_catalog(harness: Harness, content_format: str) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "main", scenario="clean", is_default=True)
    harness.sandbox.add_catalog(STORE["merchant_id"], "outlet", scenario="seed")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "all", "timeout": "0", "content-format": content_format}))
    assert run.exit_code == 1, run.log  # the seed catalog has rejections over 0
    ids = [c["id"] for c in json.loads(run.outputs["catalogs"])]
    assert sorted(ids) == ["main", "outlet"]
    assert catalog(run, "main")["result"] == "passed"
    assert catalog(run, "outlet")["result"] == "failed"
    assert any(r.path.endswith("/catalogs") for r in harness.sandbox.requests)
    assert "catalog 123456/main" in run.summary_text and "catalog 123456/outlet" in run.summary_text


def test_refresh_token_redeemed_at_the_common_tenant(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0"}))
    assert run.exit_code == 0, run.log
    (grant,) = [r for r in harness.sandbox.requests if r.path.endswith("/oauth2/v2.0/token")]
    assert grant.path == "/common/oauth2/v2.0/token"
    form = grant.form()
    assert form["grant_type"] == "refresh_token" and form["client_id"] == ADS_USER["client_id"]
    assert "msads.manage" in form["scope"]


def test_refused_refresh_token_is_an_auth_error(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    run = harness.run(
        harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "ads-refresh-token": "not-the-refresh-token"})
    )
    assert run.exit_code == 4
    assert "ads-refresh-token" in run.log


def test_token_refreshed_once_on_401(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    harness.sandbox.inject(
        method="GET",
        path=r"/status$",
        status=401,
        body=b'{"error":{"errors":[{"reason":"AuthenticationTokenExpired","message":"expired",'
        b'"domain":"global"}],"code":401,"message":"expired"}}',
        content_type="application/json",
        times=1,
    )
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0"}))
    assert run.exit_code == 0, run.log
    tokens = [r.headers["AuthenticationToken"] for r in status_calls(harness)]
    assert len(tokens) == 2 and tokens[0] != tokens[1]


def test_static_ads_access_token(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    harness.sandbox.accept_ads_access_token("ads-static-token-1")
    inputs = harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "ads-access-token": "ads-static-token-1"})
    del inputs["ads-refresh-token"], inputs["ads-client-id"]
    run = harness.run(inputs)
    assert run.exit_code == 0, run.log
    assert status_calls(harness)[0].headers["AuthenticationToken"] == "ads-static-token-1"


def test_wrong_developer_token_shows_the_api_error(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "developer-token": "wrong"}))
    assert run.exit_code == 4
    assert "HTTP 401" in run.log and "activity id" in run.log and "the API said: [" in run.log
    assert run.outputs["result"] == "error"


@FORMATS
def test_agency_headers(harness: Harness, content_format: str) -> None:
    harness.sandbox.add_store("777", developer_token=STORE["developer_token"], customer=("cust-1", "acct-1"))
    harness.sandbox.add_catalog("777", "4101", scenario="clean")
    inputs = {
        "merchant-id": "777",
        "catalog-id": "4101",
        "timeout": "0",
        "content-format": content_format,
        "customer-id": "cust-1",
        "customer-account-id": "acct-1",
    }
    run = harness.run(harness.catalog_inputs(**inputs))
    assert run.exit_code == 0, run.log
    call = status_calls(harness)[0]
    assert call.headers["CustomerId"] == "cust-1" and call.headers["CustomerAccountId"] == "acct-1"
    # without them the store is not reachable
    del inputs["customer-id"], inputs["customer-account-id"]
    refused = harness.run(harness.catalog_inputs(**inputs))
    assert refused.exit_code == 4


@FORMATS
def test_unreadable_report_decides_from_the_counts(harness: Harness, content_format: str) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="unreadable-report")
    run = harness.run(
        harness.catalog_inputs(
            **{"catalog-id": "4101", "timeout": "0", "max-rejections": "1000", "content-format": content_format}
        )
    )
    assert run.exit_code == 0, run.log  # the counts are within the threshold
    assert "could not be read" in run.summary_text
    assert any(line.startswith("::warning") and "report" in line for line in run.log.splitlines())
    entry = catalog(run, "4101")
    assert entry["errors"] is None and entry["rejected"] > 0
    over = harness.run(
        harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "content-format": content_format})
    )
    assert over.exit_code == 1  # ...and over it from the counts alone
    assert "Traceback" not in run.log + over.log


def test_expired_report_url_is_fetched_again(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    harness.sandbox.report_url_lifetime = 0.0  # every URL has expired by the time it is used
    expired = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "max-rejections": "100"}))
    assert expired.exit_code == 0, expired.log  # the counts decide when no fresh URL works
    assert len(status_calls(harness)) == 2 and len(report_calls(harness)) == 2
    assert "expired" in expired.summary_text
    assert catalog(expired, "4101")["errors"] is None

    harness.sandbox.clear_requests()
    harness.sandbox.report_url_lifetime = 3600.0
    harness.sandbox.inject(
        method="GET",
        path=r"^/reports/",
        status=400,
        times=1,
        content_type="application/xml",
        body=b"<Error><Code>ReportUrlExpired</Code><Message>expired</Message></Error>",
    )
    fresh = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "max-rejections": "100"}))
    assert fresh.exit_code == 0, fresh.log
    assert len(status_calls(harness)) == 2 and len(report_calls(harness)) == 2
    first, second = (r.query["token"] for r in report_calls(harness))
    assert first != second  # the second download used the fresh URL
    assert catalog(fresh, "4101")["errors"] == 4


def test_report_downloaded_at_most_hourly_unless_the_count_changes(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    run = harness.run(
        harness.catalog_inputs(
            **{"catalog-id": "4101", "timeout": "2h50m", "poll-interval": "10m", "max-rejections": "100"}
        )
    )
    assert run.exit_code == 0, run.log
    assert len(status_calls(harness)) == 18
    assert len(report_calls(harness)) == 3  # at the start, after one hour, after two hours


def test_custom_report_rows_shown_safely(harness: Harness) -> None:
    rows = [
        ReportRow("A-1", "Invalid price", "Error", "price=-1", title='=HYPERLINK("x")', price="-1"),
        ReportRow("A-2", "Title | with pipe", "Warning", "", title="<img src=x>"),
    ]
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed", report_rows=rows)
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "report-copies": "csv"}))
    assert run.exit_code == 1
    assert "<img" not in run.summary
    written = list(csv.reader((run.files.workspace / "offergate-report" / "4101.csv").open(encoding="utf-8")))
    titles = [row[4] for row in written[1:]]
    assert '\'=HYPERLINK("x")' in titles


def test_summary_stays_small_with_a_large_report(harness: Harness) -> None:
    rows = [ReportRow(f"ITEM-{n}", f"Message {n % 30}", "Error", "v" * 50, title="t" * 200) for n in range(20000)]
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    harness.sandbox.set_report_bytes(
        STORE["merchant_id"],
        "4101",
        build_report_zip(
            rows,
            catalog_name="Big",
            catalog_id="4101",
            store_id=STORE["merchant_id"],
            upload_time="2026-11-24T08:00:00Z",
        ),
        rejected=len(rows),
    )
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "max-table-rows": "1000"}))
    assert run.exit_code == 1
    assert len(run.summary.encode()) < 1024 * 1024
    assert "more rows are left out" in run.summary_text
    assert catalog(run, "4101")["errors"] == 20000


def test_the_report_is_kept_byte_for_byte_with_its_digest_and_no_copies_by_default(harness: Harness) -> None:
    rows = [ReportRow("SKU1234", "The price field is required.", "Error", "", title="Mens T-shirt", price="-1")]
    served = build_report_zip(
        rows, catalog_name="Default Catalog", catalog_id="4101", store_id="5678", upload_time="04/21/2016 01:59:06"
    )
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    harness.sandbox.set_report_bytes(STORE["merchant_id"], "4101", served, rejected=1)
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0"}))
    assert run.exit_code == 1, run.log
    folder = run.files.workspace / "offergate-report"
    assert sorted(p.name for p in folder.iterdir()) == ["4101.summary.json", "4101.zip"]
    assert (folder / "4101.zip").read_bytes() == served
    digest = json.loads((folder / "4101.summary.json").read_text(encoding="utf-8"))
    assert (digest["rows"], digest["errors"], digest["warnings"]) == (1, 1, 0)
    assert digest["header"]["catalog_id"] == "4101" and digest["problems"] == []
    assert digest["groups"] == [
        {"message": "The price field is required.", "type": "Error", "count": 1, "sample_item_ids": ["SKU1234"]}
    ]
    assert digest["first_items"][0]["price"] == "-1"
    assert "4101.zip" in run.summary_text


def test_offers_and_catalogs_in_one_step_worst_result_wins(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="succeeded")
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    inputs = {
        **harness.app_inputs(**{"offer-id": "vm-offer"}),
        **harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0"}),
    }
    run = harness.run(inputs)
    assert run.exit_code == 1, run.log
    assert run.outputs["offer-status"].lower() == "succeeded"
    assert json.loads(run.outputs["offers"])[0]["result"] == "passed"
    assert catalog(run, "4101")["result"] == "failed"
    assert "contoso/vm-offer" in run.summary_text and "123456/4101" in run.summary_text


@pytest.mark.parametrize(
    ("inputs", "named"),
    [
        ({"developer-token": ""}, "developer-token"),
        ({"merchant-id": ""}, "merchant-id"),
        ({"catalog-id": ""}, None),
        ({"customer-id": "c-1"}, "customer-account-id"),
        ({"max-rejections": "ten"}, "max-rejections"),
        ({"max-rejections": "1.5"}, "max-rejections"),
        ({"expected-offers": "-3"}, "expected-offers"),
        ({"content-format": "yaml"}, "content-format"),
        ({"ads-refresh-token": "", "ads-access-token": ""}, "ads-refresh-token"),
        ({"report-dir": "../outside"}, "report-dir"),
    ],
)
def test_bad_catalog_input_exits_2(harness: Harness, inputs: dict[str, str], named: str | None) -> None:
    given = harness.catalog_inputs(**{"catalog-id": "4101"})
    given.update(inputs)
    run = harness.run({k: v for k, v in given.items() if v})
    assert run.exit_code == 2, run.log
    assert "::error" in run.log and "Traceback" not in run.log
    if named:
        assert named in run.log
    assert harness.sandbox.requests == []


def test_access_and_refresh_token_together_use_the_refresh_token(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "ads-access-token": "other"}))
    assert run.exit_code == 0, run.log
    assert any(line.startswith("::notice") and "refresh token is used" in line for line in run.log.splitlines())
    assert status_calls(harness)[0].headers["AuthenticationToken"] in harness.sandbox.tokens_issued
