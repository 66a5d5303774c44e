"""The Merchant Center Content API emulator: catalog status and list, credentials, and rejection reports.

Everything goes over real loopback HTTP; time moves on a virtual clock.
"""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from catalog_helpers import (
    ADS_TOKEN,
    DEV_TOKEN,
    GDATA,
    MERCHANT,
    ZIP_TYPE,
    activity_id,
    at,
    content_headers,
    download,
    get_catalogs,
    get_status,
    read_report,
    report_records,
    status_json,
    xml,
)

from offergate.core.clock import VirtualClock
from offergate.sandbox import (
    CATALOG_SCENARIOS,
    ReportRow,
    Sandbox,
    build_report_zip,
    catalog_scenarios,
    run_sandbox_command,
    seed_report_rows,
    write_report_zip,
)
from offergate.sandbox.catalog_scenarios import (
    OVER_THRESHOLD_DONE_AT,
    TRICKLE_DONE_AT,
    TRICKLE_FIRST_STATUS_AT,
)
from offergate.sandbox.content_api import content_error

HOUR = 3600.0
MINUTE = 60.0


@pytest.fixture
def csb(vclock: VirtualClock) -> Iterator[Sandbox]:
    """A sandbox with store MERCHANT (developer token DEV_TOKEN) and a static AuthenticationToken."""
    with Sandbox(clock=vclock.monotonic) as sandbox:
        sandbox.add_store(MERCHANT, developer_token=DEV_TOKEN)
        sandbox.accept_ads_access_token(ADS_TOKEN)
        yield sandbox


def kinds(records: list[list[str]]) -> Counter[str]:
    return Counter(record[2] for record in records)


# ------------------------------------------------------------------ scenarios over time


def test_the_catalog_scenarios_asked_for_exist() -> None:
    assert catalog_scenarios() == list(CATALOG_SCENARIOS)
    assert set(CATALOG_SCENARIOS) == {
        "clean",
        "trickle",
        "over-threshold",
        "seed",
        "warnings-only",
        "unreadable-report",
    }
    assert all(CATALOG_SCENARIOS.values())


def test_clean_json_and_xml(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "1001", scenario="clean")
    response = get_status(csb, "1001")
    assert response.status_code == 200
    activity_id(response)
    assert response.json() == {"catalogId": 1001, "publishedCount": 1200, "rejectedCount": 0}

    response = get_status(csb, "1001", alt="xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    activity_id(response)
    root = xml(response)
    assert root.tag == "catalogStatus"
    assert [(child.tag, child.text) for child in root] == [
        ("catalog_id", "1001"),
        ("published_count", "1200"),
        ("rejected_count", "0"),
    ]
    assert csb.report_urls_issued == []


def test_trickle_has_no_status_for_ten_minutes_then_grows_hourly(csb: Sandbox, vclock: VirtualClock) -> None:
    csb.add_catalog(MERCHANT, "2002", scenario="trickle")
    for second in (0, TRICKLE_FIRST_STATUS_AT - 1):
        at(csb, vclock, "2002", second)
        response = get_status(csb, "2002")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == 404
    at(csb, vclock, "2002", TRICKLE_FIRST_STATUS_AT)
    assert status_json(csb, "2002") == {"catalogId": 2002, "publishedCount": 0, "rejectedCount": 0}

    seen: list[tuple[int, int]] = []
    for hour in (1, 2, 3, 8, 9, 20, 21, 29, 30, 48):
        at(csb, vclock, "2002", hour * HOUR)
        body = status_json(csb, "2002")
        seen.append((body["publishedCount"], body["rejectedCount"]))
        assert ("rejectionReportUrl" in body) == (body["rejectedCount"] > 0)
    assert [rejected for _, rejected in seen] == [0, 0, 1, 1, 2, 2, 3, 3, 3, 3]
    published = [count for count, _ in seen]
    assert published == sorted(published) and published[0] > 0
    assert seen[-2] == (2000, 3) and TRICKLE_DONE_AT == 30 * HOUR


def test_trickle_report_grows_with_the_counts(csb: Sandbox, vclock: VirtualClock) -> None:
    csb.add_catalog(MERCHANT, "2002", scenario="trickle")
    at(csb, vclock, "2002", 3 * HOUR)
    records = report_records(csb, "2002")
    assert [(r[0], r[2]) for r in records] == [("TR-1001", "Warning")]
    at(csb, vclock, "2002", TRICKLE_DONE_AT)
    records = report_records(csb, "2002")
    assert [r[0] for r in records] == ["TR-1001", "TR-1002", "TR-1003"]
    assert kinds(records) == {"Error": 2, "Warning": 1}


def test_over_threshold_reaches_40_by_six_hours(csb: Sandbox, vclock: VirtualClock) -> None:
    csb.add_catalog(MERCHANT, "3003", scenario="over-threshold")
    expected = {
        0: 0,
        30 * MINUTE: 3,
        HOUR: 6,
        90 * MINUTE: 10,
        2 * HOUR: 13,
        3 * HOUR: 20,
        OVER_THRESHOLD_DONE_AT: 40,
        24 * HOUR: 40,
    }
    for second, rejected in expected.items():
        at(csb, vclock, "3003", second)
        assert status_json(csb, "3003")["rejectedCount"] == rejected, second
    assert status_json(csb, "3003")["publishedCount"] == 1500
    records = report_records(csb, "3003")
    assert len(records) == 40
    assert kinds(records) == {"Error": 30, "Warning": 10}
    assert len({record[1] for record in records}) == 4  # grouped into a few reasons


def test_seed_report_is_the_documented_layout(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "4004", scenario="seed", name="Contoso, Spring Catalog")
    body = status_json(csb, "4004")
    seed = seed_report_rows()
    assert body["rejectedCount"] == len(seed) and body["publishedCount"] > 0
    url = body["rejectionReportUrl"]
    assert re.fullmatch(rf"{re.escape(csb.url)}/reports/[^/?]+/MerchantCatalogReport\.zip\?token=[^&]+", url)

    response = download(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == ZIP_TYPE
    text, records = read_report(response.content)
    assert text.startswith("\ufeffCatalog Name,Catalog Id,Store Id,Upload Time\r\n")
    assert '"Contoso, Spring Catalog",4004,123456,' in text
    assert "\r\n\r\nItem Id,Message,Type,Values,Offer Snippet\r\n" in text
    assert records[0] == ["Catalog Name", "Catalog Id", "Store Id", "Upload Time"]
    assert records[1][:3] == ["Contoso, Spring Catalog", "4004", MERCHANT]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", records[1][3])
    assert records[2] == []
    assert records[3] == ["Item Id", "Message", "Type", "Values", "Offer Snippet"]
    assert records[4:] == [[r.item_id, r.message, r.type, r.values, r.snippet] for r in seed]
    assert {"Error", "Warning"} == {record[2] for record in records[4:]}
    assert all(len(record[4].split(";")) == 8 for record in records[4:])
    assert any("," in record[4] or "," in record[3] for record in records[4:])


def test_warnings_only(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "5005", scenario="warnings-only")
    body = status_json(csb, "5005")
    records = report_records(csb, "5005")
    assert body["rejectedCount"] == len(records) > 0
    assert kinds(records) == {"Warning": len(records)}


def test_unreadable_report(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "6006", scenario="unreadable-report")
    body = status_json(csb, "6006")
    assert body["rejectedCount"] == 5
    response = download(body["rejectionReportUrl"])
    assert response.status_code == 200 and response.headers["Content-Type"] == ZIP_TYPE
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(response.content))


def test_report_rows_follow_the_scenario_curve(csb: Sandbox, vclock: VirtualClock) -> None:
    mine = [ReportRow(f"MY-{i}", "Invalid price", "Error" if i % 2 else "Warning", "price") for i in range(6)]
    csb.add_catalog(MERCHANT, "7007", scenario="trickle", report_rows=mine)
    at(csb, vclock, "7007", 9 * HOUR)
    assert status_json(csb, "7007")["rejectedCount"] == 4  # 2 of the scenario's 3
    assert [r[0] for r in report_records(csb, "7007")] == ["MY-0", "MY-1", "MY-2", "MY-3"]
    csb.add_catalog(MERCHANT, "7008", scenario="clean", report_rows=mine)
    assert status_json(csb, "7008")["rejectedCount"] == 6
    assert len(report_records(csb, "7008")) == 6


def test_report_snapshot_is_the_one_of_the_status_call(vclock: VirtualClock) -> None:
    with Sandbox(clock=vclock.monotonic, time_scale=3600) as sb:  # one clock second: one scenario hour
        sb.add_store(MERCHANT, developer_token=DEV_TOKEN)
        sb.accept_ads_access_token(ADS_TOKEN)
        sb.add_catalog(MERCHANT, "2002", scenario="trickle")
        at(sb, vclock, "2002", 3 * HOUR)
        url = status_json(sb, "2002")["rejectionReportUrl"]
        at(sb, vclock, "2002", 30 * HOUR)
        assert status_json(sb, "2002")["rejectedCount"] == 3
        assert len(read_report(download(url).content)[1][4:]) == 1
        assert sb.catalog_time(MERCHANT, "2002") == pytest.approx(30 * HOUR)


def test_catalog_ids_that_are_not_numbers_stay_strings(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "cat-A", scenario="clean")
    csb.add_catalog(MERCHANT, "0042", scenario="clean")
    assert status_json(csb, "cat-A")["catalogId"] == "cat-A"
    assert status_json(csb, "0042")["catalogId"] == "0042"


# ------------------------------------------------------------------ catalog list


def test_catalog_list_json_and_xml(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "1001", scenario="clean", is_default=True)
    csb.add_catalog(MERCHANT, "2002", scenario="trickle", name="Shoes & Socks", market="de-DE")
    response = get_catalogs(csb)
    assert response.status_code == 200
    activity_id(response)
    assert response.json() == {
        "catalogs": [
            {"id": 1001, "name": "Default catalog", "market": "en-US", "isDefault": True, "isPublishingEnabled": True},
            {"id": 2002, "name": "Shoes & Socks", "market": "de-DE", "isDefault": False, "isPublishingEnabled": True},
        ]
    }
    response = get_catalogs(csb, alt="xml")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/xml")
    root = xml(response)
    assert root.tag == "catalogs"
    entries = [{child.tag: child.text for child in catalog} for catalog in root.findall("catalog")]
    assert entries == [
        {
            "id": "1001",
            "name": "Default catalog",
            "market": "en-US",
            "isDefault": "true",
            "isPublishingEnabled": "true",
        },
        {"id": "2002", "name": "Shoes & Socks", "market": "de-DE", "isDefault": "false", "isPublishingEnabled": "true"},
    ]


def test_a_store_without_catalogs_lists_none(csb: Sandbox) -> None:
    assert get_catalogs(csb).json() == {"catalogs": []}
    assert list(xml(get_catalogs(csb, alt="xml"))) == []


# ------------------------------------------------------------------ credentials and errors


def assert_json_error(response: requests.Response, status: int) -> str:
    assert response.status_code == status, response.text
    activity_id(response)
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == status
    (detail,) = error["errors"]
    assert set(detail) == {"reason", "message", "domain"}
    assert detail["message"] == error["message"]
    message = error["message"]
    assert isinstance(message, str) and message
    return message


def assert_xml_error(response: requests.Response, status: int) -> None:
    assert response.status_code == status, response.text
    activity_id(response)
    assert response.headers["Content-Type"] == "application/xml"
    root = xml(response)
    assert root.tag == f"{GDATA}errors"
    assert root.findtext(f"{GDATA}code") == str(status)
    error = root.find(f"{GDATA}error")
    assert error is not None
    assert error.findtext(f"{GDATA}reason") and error.findtext(f"{GDATA}internalReason")


@pytest.mark.parametrize(
    "headers",
    [
        content_headers(developer=None),
        content_headers(developer="wrong"),
        content_headers(token=None),
        content_headers(token="unknown"),
        content_headers(token=f"Bearer {ADS_TOKEN}"),
        {"Authorization": f"Bearer {ADS_TOKEN}", "DeveloperToken": DEV_TOKEN},
    ],
    ids=[
        "no-developer-token",
        "wrong-developer-token",
        "no-token",
        "unknown-token",
        "bearer-prefix",
        "authorization-header",
    ],
)
def test_credentials_are_required(csb: Sandbox, headers: dict[str, str]) -> None:
    csb.add_catalog(MERCHANT, "1001")
    assert_json_error(get_status(csb, "1001", headers=headers), 401)
    assert_xml_error(get_status(csb, "1001", alt="xml", headers=headers), 401)
    assert_json_error(get_catalogs(csb, headers=headers), 401)


def test_refresh_token_flow_gives_a_token_the_content_api_accepts(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "1001")
    csb.add_ads_user("ads-app", "rt-1")
    answer = requests.post(
        f"{csb.url}/common/oauth2/v2.0/token",
        timeout=5,
        data={
            "grant_type": "refresh_token",
            "client_id": "ads-app",
            "refresh_token": "rt-1",
            "scope": "https://ads.microsoft.com/msads.manage offline_access",
        },
    )
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    assert get_status(csb, "1001", headers=content_headers(token=token)).status_code == 200
    csb.expire_tokens()
    assert_json_error(get_status(csb, "1001", headers=content_headers(token=token)), 401)
    assert get_status(csb, "1001").status_code == 200  # static tokens outlive expire_tokens()


def test_a_cloud_partner_token_is_refused(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "1001")
    csb.add_app("tenant-1", "app-1", "s3cret")
    token = requests.post(
        f"{csb.url}/tenant-1/oauth2/v2.0/token",
        timeout=5,
        data={
            "grant_type": "client_credentials",
            "client_id": "app-1",
            "client_secret": "s3cret",
            "scope": "https://cloudpartner.azure.com/.default",
        },
    ).json()["access_token"]
    assert "audience" in assert_json_error(get_status(csb, "1001", headers=content_headers(token=token)), 401)


def test_static_token_scope_and_expiry(csb: Sandbox) -> None:
    csb.add_store("999", developer_token=DEV_TOKEN)
    csb.add_catalog("999", "1")
    csb.accept_ads_access_token("narrow", merchants=[MERCHANT])
    csb.add_catalog(MERCHANT, "1001")
    assert get_status(csb, "1001", headers=content_headers(token="narrow")).status_code == 200
    assert_json_error(get_status(csb, "1", merchant="999", headers=content_headers(token="narrow")), 401)
    csb.expire_tokens(include_static=True)
    assert_json_error(get_status(csb, "1001"), 401)


def test_agency_headers(csb: Sandbox) -> None:
    csb.add_store("777", developer_token=DEV_TOKEN, customer=("c-1", "a-1"))
    csb.add_catalog("777", "1001")
    csb.add_catalog(MERCHANT, "1001")
    both = content_headers(CustomerId="c-1", CustomerAccountId="a-1")
    assert get_status(csb, "1001", merchant="777", headers=both).status_code == 200
    assert get_catalogs(csb, merchant="777", headers=both).status_code == 200
    assert_json_error(get_status(csb, "1001", merchant="777"), 401)  # neither
    wrong = content_headers(CustomerId="c-2", CustomerAccountId="a-1")
    assert_json_error(get_status(csb, "1001", merchant="777", headers=wrong), 401)
    for alone in (content_headers(CustomerId="c-1"), content_headers(CustomerAccountId="a-1")):
        assert_json_error(get_status(csb, "1001", merchant="777", headers=alone), 400)
        assert_xml_error(get_status(csb, "1001", alt="xml", headers=alone), 400)
    assert get_status(csb, "1001", headers=both).status_code == 200  # a store of one's own ignores them


def test_not_found(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "1001")
    assert_json_error(get_status(csb, "1001", merchant="404404"), 404)
    assert_json_error(get_catalogs(csb, merchant="404404"), 404)
    assert_json_error(get_status(csb, "9999"), 404)
    assert_xml_error(get_status(csb, "9999", alt="xml"), 404)


@pytest.mark.parametrize("alt", ["csv", "XML", ""])
def test_a_bad_alt_is_400(csb: Sandbox, alt: str) -> None:
    csb.add_catalog(MERCHANT, "1001")
    assert "alt" in assert_json_error(get_status(csb, "1001", alt=alt), 400)


def test_faults_and_recording_cover_the_new_routes(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "1001")
    canned = content_error(500, "An internal error occurred.")
    csb.inject(
        "GET",
        r"/catalogs/1001/status$",
        status=500,
        body=canned.body,
        content_type=canned.content_type,
        headers=canned.headers,
    )
    assert_json_error(get_status(csb, "1001"), 500)
    assert get_status(csb, "1001").status_code == 200
    calls = [r for r in csb.requests if r.path.endswith("/status")]
    assert len(calls) == 2
    assert calls[0].path == f"/shopping/v9.1/bmc/{MERCHANT}/catalogs/1001/status"
    assert calls[0].headers["AuthenticationToken"] == ADS_TOKEN


def test_xml_report_url_element_knob(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "4004", scenario="seed")
    root = xml(get_status(csb, "4004", alt="xml"))
    assert [child.tag for child in root] == ["catalog_id", "published_count", "rejected_count", "rejection_report_url"]
    assert root.findtext("rejected_count") == "6"
    csb.xml_report_url_element = "rejectionReportUrl"
    root = xml(get_status(csb, "4004", alt="xml"))
    url = root.findtext("rejectionReportUrl")
    assert url and download(url).status_code == 200
    with pytest.raises(ValueError):
        csb.xml_report_url_element = "not a name"


# ------------------------------------------------------------------ report URLs


def test_report_url_needs_no_credentials_and_checks_its_token(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "4004", scenario="seed")
    url = status_json(csb, "4004")["rejectionReportUrl"]
    csb.clear_requests()
    assert download(url).status_code == 200
    (call,) = csb.requests
    assert call.headers["Accept"] == ZIP_TYPE
    assert not {"AuthenticationToken", "DeveloperToken", "Authorization"} & set(call.headers)
    base, token = url.split("?token=")
    for bad in (f"{base}?token=x{token}", base):
        response = download(bad)
        assert response.status_code == 403
        assert xml(response).findtext("Code") == "AuthenticationFailed"
    gone = re.sub(r"/reports/[^/]+/", "/reports/nope/", url)
    assert download(gone).status_code == 404


def test_report_urls_expire(csb: Sandbox, vclock: VirtualClock) -> None:
    csb.add_catalog(MERCHANT, "4004", scenario="seed")
    assert csb.report_url_lifetime == 3600
    url = status_json(csb, "4004")["rejectionReportUrl"]
    vclock.advance(3599)
    assert download(url).status_code == 200
    vclock.advance(1)
    expired = download(url)
    assert expired.status_code == 400
    assert xml(expired).findtext("Code") == "ReportUrlExpired"

    fresh = status_json(csb, "4004")["rejectionReportUrl"]
    assert fresh != url and fresh.split("token=")[1] != url.split("token=")[1]
    assert download(fresh).status_code == 200
    csb.expire_report_urls()
    assert download(fresh).status_code == 400
    newer = status_json(csb, "4004")["rejectionReportUrl"]
    assert download(newer).status_code == 200
    assert csb.report_urls_issued == [url, fresh, newer]

    csb.report_url_lifetime = 10
    short = status_json(csb, "4004")["rejectionReportUrl"]
    vclock.advance(10)
    assert download(short).status_code == 400


def test_set_report_bytes(csb: Sandbox) -> None:
    csb.add_catalog(MERCHANT, "1001", scenario="clean")
    assert "rejectionReportUrl" not in status_json(csb, "1001")
    csb.set_report_bytes(MERCHANT, "1001", b"not a zip at all", rejected=2)
    body = status_json(csb, "1001")
    assert body["rejectedCount"] == 2
    assert download(body["rejectionReportUrl"]).content == b"not a zip at all"
    csb.add_catalog(MERCHANT, "4004", scenario="seed")
    csb.set_report_bytes(MERCHANT, "4004", b"PK")
    assert status_json(csb, "4004")["rejectedCount"] == 6  # as the scenario says
    with pytest.raises(KeyError):
        csb.set_report_bytes(MERCHANT, "nope", b"")


def test_set_report_file_streams_from_disk(csb: Sandbox, tmp_path: Path) -> None:
    rows = (
        ReportRow(f"BIG-{i}", "Invalid price", "Error", f"price: {i}, USD", title=f"Item {i}") for i in range(20_000)
    )
    path = write_report_zip(tmp_path / "big.zip", rows, catalog_name="Big", catalog_id="1001", store_id=MERCHANT)
    csb.add_catalog(MERCHANT, "1001")
    csb.set_report_file(MERCHANT, "1001", path, rejected=20_000)
    body = status_json(csb, "1001")
    assert body["rejectedCount"] == 20_000
    with requests.get(body["rejectionReportUrl"], stream=True, timeout=5) as response:
        assert response.status_code == 200
        assert int(response.headers["Content-Length"]) == path.stat().st_size
        data = b"".join(response.iter_content(65536))
    assert data == path.read_bytes()
    records = read_report(data)[1]
    assert len(records) == 4 + 20_000
    assert records[-1] == ["BIG-19999", "Invalid price", "Error", "price: 19999, USD", "Item 19999;;;;;;;"]
    path.unlink()
    assert download(status_json(csb, "1001")["rejectionReportUrl"]).status_code == 500


def test_sandbox_knob_errors(csb: Sandbox) -> None:
    with pytest.raises(ValueError):
        csb.add_catalog(MERCHANT, "1", scenario="nope")
    with pytest.raises(KeyError):
        csb.catalog_time(MERCHANT, "1")
    with pytest.raises(ValueError):
        csb.add_store("1", customer=("c-1", ""))
    csb.add_catalog("new-store", "1")  # adds the store with the default developer token
    headers = content_headers(developer="sandbox-developer-token")
    assert get_status(csb, "1", merchant="new-store", headers=headers).status_code == 200


# ------------------------------------------------------------------ report files


def test_build_report_zip_quotes_and_crlf() -> None:
    rows = [ReportRow("A,1", 'He said "hi"', "Warning", "x", title="T, with comma", price="1.00 USD")]
    data = build_report_zip(rows, catalog_name="C", catalog_id="1", store_id="2", upload_time="2024-01-02T03:04:05Z")
    text, records = read_report(data)
    assert text == (
        "\ufeffCatalog Name,Catalog Id,Store Id,Upload Time\r\nC,1,2,2024-01-02T03:04:05Z\r\n\r\n"
        "Item Id,Message,Type,Values,Offer Snippet\r\n"
        '"A,1","He said ""hi""",Warning,x,"T, with comma;;;;1.00 USD;;;"\r\n'
    )
    assert records[4] == ["A,1", 'He said "hi"', "Warning", "x", "T, with comma;;;;1.00 USD;;;"]
    assert not read_report(build_report_zip([], catalog_name="C", catalog_id="1", store_id="2", upload_time="t"))[1][4:]


# ------------------------------------------------------------------ offergate sandbox


def test_the_command_serves_the_demo_store() -> None:
    out = io.StringIO()
    stop = threading.Event()
    codes: list[int] = []
    thread = threading.Thread(
        target=lambda: codes.append(run_sandbox_command(["--port", "0", "--scenario", "signoff"], out=out, stop=stop))
    )
    thread.start()
    try:
        for _ in range(200):
            if "Ctrl-C" in out.getvalue():
                break
            time.sleep(0.01)
        text = out.getvalue()
        inputs = dict(re.findall(r"^  ([a-z-]+): (\S+)$", text, re.MULTILINE))
        assert set(inputs) >= {
            "merchant-id",
            "catalog-id",
            "developer-token",
            "ads-client-id",
            "ads-refresh-token",
            "content-api-url",
            "authority-url",
        }
        token = requests.post(
            f"{inputs['authority-url']}/common/oauth2/v2.0/token",
            timeout=5,
            data={
                "grant_type": "refresh_token",
                "client_id": inputs["ads-client-id"],
                "refresh_token": inputs["ads-refresh-token"],
            },
        ).json()["access_token"]
        headers = {"AuthenticationToken": token, "DeveloperToken": inputs["developer-token"]}
        base = f"{inputs['content-api-url']}{inputs['merchant-id']}/catalogs"
        listed = requests.get(base, headers=headers, timeout=5).json()["catalogs"]
        assert {c["id"] for c in listed} >= {int(inputs["catalog-id"])}
        assert len(listed) == len(CATALOG_SCENARIOS)
        seed = next(c["id"] for c in listed if "seed" in c["name"])
        status = requests.get(f"{base}/{seed}/status", headers=headers, timeout=5).json()
        assert status["rejectedCount"] == len(seed_report_rows())
        for name in CATALOG_SCENARIOS:
            assert name in text
    finally:
        stop.set()
        thread.join(timeout=5)
    assert codes == [0]
