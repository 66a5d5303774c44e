"""Hardening (containment issue): where the rejection report may be downloaded from.

Decisions:
- Only https, to a host every one of whose addresses is public: private, loopback, link-local
  (cloud metadata at 169.254.169.254), multicast, reserved and unspecified addresses are refused,
  IPv4-mapped IPv6 addresses judged by their IPv4 address, on the first URL and on every redirect.
- When the Content API base is itself on loopback (the sandbox), loopback addresses are allowed
  too, and plain http to a loopback host; a private address is still refused.
- A refusal names the host only: the URL's path and query (which carry the signature) never
  appear. A report host's error answer is summarised (status, length, content type); its body
  is never copied into the log or the summary.
- Names are resolved through an injectable resolver; these tests never leave loopback.
"""

from __future__ import annotations

import io
import ipaddress

import pytest
import requests

from offergate.catalogs.report.download import check_report_url, download_report
from offergate.core.errors import ApiError
from tests.conftest import STORE, Harness, Run

REPORTS = r"^/reports/"
URL = "https://reports.example.test/path/r.zip?token=sig-secret"


def resolver(*addresses: str):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        assert host == "reports.example.test" and port == 443
        return list(addresses)

    return resolve


def refusal(url: str, *addresses: str, local_api: bool = False) -> str:
    with pytest.raises(ApiError) as caught:
        check_report_url(url, redirected=False, local_api=local_api, resolve=resolver(*addresses))
    text = caught.value.describe()
    assert "sig-secret" not in text and "/path" not in text and "r.zip" not in text
    return text


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.1.2.3", "private"),
        ("192.168.0.7", "private"),
        ("172.16.5.5", "private"),
        ("127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to refuse, never bound
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fd00::5", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("ff02::1", "multicast"),
        ("::", "unspecified"),
        ("100.64.0.1", "non-global"),
    ],
)
def test_a_host_resolving_to_a_non_public_address_is_refused(address: str, kind: str) -> None:
    text = refusal(URL, address)
    article = "an" if kind[0] in "aeiou" else "a"
    shown_address = str(ipaddress.ip_address(address))
    assert f"host 'reports.example.test': it resolves to {article} {kind} address ({shown_address})" in text


def test_every_resolved_address_is_checked() -> None:
    assert "private address (10.0.0.9)" in refusal(URL, "93.184.216.34", "10.0.0.9")


def test_a_public_https_host_is_allowed() -> None:
    check_report_url(URL, redirected=False, local_api=False, resolve=resolver("93.184.216.34", "2606:2800:220:1::1"))


def test_a_literal_address_is_judged_without_resolving() -> None:
    def no_dns(host: str, port: int) -> list[str]:
        raise AssertionError("resolved")

    with pytest.raises(ApiError, match=r"host '169\.254\.169\.254'"):
        check_report_url("https://169.254.169.254/latest?token=x", redirected=False, local_api=False, resolve=no_dns)


@pytest.mark.parametrize(
    "url", ["http://reports.example.test/r.zip?token=sig-secret", "ftp://reports.example.test/r.zip?token=sig-secret"]
)
def test_only_https(url: str) -> None:
    assert "only https is allowed" in refusal(url, "93.184.216.34")


def test_http_and_loopback_only_when_the_content_api_is_on_loopback() -> None:
    assert "loopback" in refusal("http://localhost:8080/r.zip?token=sig-secret", "127.0.0.1")
    check_report_url("http://localhost:8080/r.zip", redirected=False, local_api=True, resolve=lambda h, p: ["::1"])
    check_report_url("https://127.0.0.1:9/r.zip", redirected=False, local_api=True, resolve=resolver())
    assert "private address" in refusal(URL, "10.0.0.1", local_api=True)
    assert "only https" in refusal("http://reports.example.test/r.zip?token=sig-secret", "127.0.0.1", local_api=True)


def test_a_name_that_does_not_resolve_is_a_transient_error_naming_the_host() -> None:
    def fails(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    with pytest.raises(ApiError) as caught:
        check_report_url(URL, redirected=False, local_api=False, resolve=fails)
    assert caught.value.transient and "'reports.example.test' could not be resolved" in caught.value.describe()


def test_download_report_refuses_before_any_request() -> None:
    class NoRequests(requests.Session):
        def send(self, *args: object, **kwargs: object) -> requests.Response:
            raise AssertionError("a request was sent")

    with pytest.raises(ApiError, match="private address"):
        download_report(NoRequests(), URL, io.BytesIO(), deadline=None, resolve=resolver("10.9.9.9"))


# --- end to end against the sandbox (whose Content API is on loopback) ------------------------


def catalog_run(harness: Harness) -> Run:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0", "max-rejections": "100"}))
    assert run.exit_code == 0, run.log
    assert "Traceback" not in run.log
    return run


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("https://10.1.2.3/r.zip?token=redirect-secret", "'10.1.2.3': it resolves to a private address"),
        ("https://169.254.169.254/r.zip?token=redirect-secret", "it resolves to a link-local address"),
        ("https://[fe80::1]/r.zip?token=redirect-secret", "it resolves to a link-local address"),
    ],
)
def test_a_redirect_to_a_non_public_address_is_refused(harness: Harness, location: str, why: str) -> None:
    harness.sandbox.inject(method="GET", path=REPORTS, status=302, headers={"Location": location})
    run = catalog_run(harness)
    assert "refused to download the report from a redirect to host" in run.summary_text
    assert why in run.summary_text
    assert "redirect-secret" not in run.log + run.summary and "r.zip" not in run.summary_text


def test_a_report_hosts_error_body_is_summarised_not_copied(harness: Harness) -> None:
    body = "<html>Internal details: stack at /srv/app.py token=leaked-body-secret ::error::x</html>"
    harness.sandbox.inject(method="GET", path=REPORTS, status=403, body=body, content_type="text/html")
    run = catalog_run(harness)
    assert f"the report host '127.0.0.1' answered HTTP 403 ({len(body)} bytes, 'text/html')" in run.summary_text
    for piece in ("Internal details", "leaked-body-secret", "/srv/app.py"):
        assert piece not in run.log + run.summary
