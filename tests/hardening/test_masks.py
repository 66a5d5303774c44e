"""Masks are ours, and the report URL is printed as its host at most (containment item 2).

The API chooses the report URL. Only the URL as a whole and the values of signature-like query
parameters named in `SIGNATURE_PARAMETERS` become masks, so a status answer cannot make the
gate mask its own verdict words or Markdown (the runner would keep those masks for the rest of
the job). The URL's path and query are never printed: a token may sit in the path too.
"""

from __future__ import annotations

import json
import re

import pytest

from offergate.catalogs.watcher import SIGNATURE_PARAMETERS, host_of, hosts_only, report_secrets
from tests.conftest import STORE, Harness, Run

SIGNATURE = "sv2A9fQk3Lr8TzXw0PbN4mCj7HdGe6Ys"  # looks like a signature: masked
API_WORDS = ("failed", "Rejected", "| --- |", "passed", "offergate", "catalog", "Published")


def masks(run: Run) -> list[str]:
    return [line.removeprefix("::add-mask::") for line in run.log.splitlines() if line.startswith("::add-mask::")]


def shown(run: Run) -> str:
    """Everything the run wrote but its own mask commands."""
    log = "\n".join(line for line in run.log.splitlines() if not line.startswith("::add-mask::"))
    return "\n".join([log, run.summary, run.files.output.read_text(encoding="utf-8")])


def status_with_report_url(harness: Harness, url: str, rejected: int = 3) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    body = {"catalogId": "4101", "publishedCount": 5, "rejectedCount": rejected, "rejectionReportUrl": url}
    harness.sandbox.inject(
        method="GET", path=r"/status$", status=200, body=json.dumps(body), content_type="application/json", times=None
    )


def gate(harness: Harness, **inputs: str) -> Run:
    return harness.run(
        harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "max-rejections": "0", **inputs})
    )


def test_query_values_of_the_report_url_do_not_become_masks(harness: Harness) -> None:
    """`?state=failed&cell=| --- |`: the verdict, the heading and the table still show."""
    query = "&".join(f"w{i}={word}" for i, word in enumerate(API_WORDS))
    status_with_report_url(
        harness, f"{harness.sandbox.url}/reports/x/MerchantCatalogReport.zip?token={SIGNATURE}&{query}"
    )
    run = gate(harness)
    assert run.exit_code == 1, run.log
    assert run.outputs["result"] == "failed"
    for word in API_WORDS:
        assert not [mask for mask in masks(run) if mask in word], (word, masks(run))
    first = run.summary_text.splitlines()[0]
    assert "offergate: failed" in first and "***" not in first, first
    assert "| Published | Rejected |" in run.summary and "| --- | --- |" in run.summary
    assert "***" not in run.summary, run.summary
    assert SIGNATURE in masks(run)  # the token= value is still masked


@pytest.mark.parametrize(
    "name", ["sig", "Signature", "token", "X-Amz-Signature", "X-Amz-Credential", "X-Goog-Signature", "code"]
)
def test_signature_parameters_are_masked_by_name(harness: Harness, name: str) -> None:
    status_with_report_url(
        harness,
        f"{harness.sandbox.url}/reports/x/MerchantCatalogReport.zip?{name}={SIGNATURE}"
        "&se=2030-01-01T00%3A00%3A00Z&sp=r&note=CatalogReportFor123456",
    )
    run = gate(harness)
    assert SIGNATURE in masks(run), masks(run)
    assert "2030-01-01T00:00:00Z" not in masks(run)  # an expiry is no secret
    assert "CatalogReportFor123456" not in masks(run)  # a parameter that is not named is never a mask
    assert SIGNATURE not in shown(run)


def test_report_secrets_masks_the_url_and_named_signatures_only() -> None:
    url = f"https://store.example/r.zip?sig={SIGNATURE}&sig=failed&token=Rejected%20offers&x={SIGNATURE}x&sp=rl"
    assert report_secrets(url) == [url, SIGNATURE]  # short or spaced "signatures" are API words
    assert report_secrets("failed") == []  # not a web URL: nothing to mask, nothing is downloaded
    assert report_secrets("| --- |") == []
    assert report_secrets("javascript:alert(1)") == []
    assert {"sig", "signature", "token", "x-amz-signature"} <= SIGNATURE_PARAMETERS
    assert all(name == name.lower() for name in SIGNATURE_PARAMETERS)


def test_hosts_only_keeps_the_host_and_drops_path_and_query() -> None:
    text = (
        "GET https://store.example:8443/reports/PATHTOKEN/r.zip?token=*** answered 500; "
        "a redirect to ftp://[2001:db8::1]/PATHTOKEN2 (http://u:p@127.0.0.1:5/x?y=z)."
    )
    assert hosts_only(text) == (
        "GET https://store.example:8443 answered 500; a redirect to ftp://[2001:db8::1] (http://127.0.0.1:5)."
    )
    assert host_of("https://store.example/a?b") == "https://store.example"
    assert host_of("https://[::1") == "(a URL)"


def report_path_token(harness: Harness) -> str:
    return f"{harness.sandbox.url}/reports/PATHTOKEN{SIGNATURE[:20]}/MerchantCatalogReport.zip?token={SIGNATURE}"


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500, "body": "down", "content_type": "text/plain"},
        {"status": 404, "body": "<Error><Code>BlobNotFound</Code></Error>", "content_type": "application/xml"},
        {"status": 302, "headers": {"Location": "ftp://files.example/PATHTOKEN-redirected/r.zip"}, "body": ""},
        {"kind": "reset"},
    ],
    ids=["500", "404", "redirect-refused", "reset"],
)
def test_report_url_is_printed_as_its_host_only(harness: Harness, fault: dict[str, object]) -> None:
    """Log, annotations, summary and outputs name the report host, never the URL's path or query."""
    status_with_report_url(harness, report_path_token(harness))
    harness.sandbox.inject(method="GET", path=r"^/reports/", times=None, **fault)  # type: ignore[arg-type]
    run = gate(harness)
    assert run.exit_code == 1, run.log  # the verdict comes from the counts
    assert any("/reports/" in r.path for r in harness.sandbox.requests), "the report was never asked for"
    text = shown(run)
    assert "the report could not be downloaded" in text
    assert "PATHTOKEN" not in text and "/reports/" not in text and "MerchantCatalogReport" not in text, text
    assert re.search(r"(127\.0\.0\.1|files\.example)", run.summary_text), run.summary  # the host is named


def test_security_md_names_every_signature_parameter() -> None:
    from tests.support.runner_env import ROOT

    promised = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert not [name for name in SIGNATURE_PARAMETERS if f"`{name}`" not in promised]
