"""Secrets never leave the process, and credentials never go to another host (items 14 and 15).

Item 14 runs the real ENTRYPOINT command in a child process (as the container does) with both
gates, in failure modes where error paths print: a refused token (401), a 500 forever with a
short timeout (its body echoing the secrets back), a report download whose connection is reset
(urllib3 retries and logs). Every byte the process writes is scanned for every secret in every
form the runner would not mask by itself.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import pytest

from offergate.sandbox import Sandbox
from tests.action.test_container_contract import command
from tests.conftest import Harness
from tests.support.runner_env import StepFiles, runner_env

# Secrets whose URL-encoded and percent-decoded forms differ from the plain one.
TENANT, CLIENT_ID = "tenant-1", "app-1"
CLIENT_SECRET = "app/secret+value%2F1"
MERCHANT = "123456"
DEVELOPER_TOKEN = "dev/token+value%3D1"
ADS_CLIENT_ID = "ads-app-1"
REFRESH_TOKEN = "ads-refresh/token+value%2B1"
CREDENTIAL_HEADERS = ("Authorization", "AuthenticationToken", "DeveloperToken", "CustomerId", "CustomerAccountId")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(time_scale=1e9) as sb:
        sb.add_publisher("contoso")
        sb.add_app(tenant=TENANT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, publishers=["contoso"])
        sb.add_store(MERCHANT, developer_token=DEVELOPER_TOKEN)
        sb.add_ads_user(ADS_CLIENT_ID, REFRESH_TOKEN)
        sb.add_offer("contoso", "vm-offer", scenario="stuck")
        sb.add_catalog(MERCHANT, "4101", scenario="seed")
        yield sb


@dataclass
class Written:
    code: int
    stdout: str
    stderr: str
    files: StepFiles

    def everything(self) -> dict[str, str]:
        """Every byte written, by where it went; stdout without our own `::add-mask::` lines."""
        shown = "\n".join(line for line in re.split(r"\r\n|\r|\n", self.stdout) if not line.startswith("::add-mask::"))
        found = {"stdout": shown, "stderr": self.stderr}
        for path in (self.files.output, self.files.summary):
            if path.exists():
                found[path.name] = path.read_bytes().decode("utf-8", "replace")
        for path in self.files.workspace.rglob("*"):
            if path.is_file():
                found[str(path.relative_to(self.files.root))] = path.read_bytes().decode("utf-8", "replace")
        return found


def run_action(sandbox: Sandbox, tmp_path: Path, env_extra: dict[str, str] | None = None, **inputs: str) -> Written:
    files = StepFiles(tmp_path)
    given = {
        "publisher-id": "contoso",
        "offer-id": "vm-offer",
        "azure-tenant-id": TENANT,
        "azure-client-id": CLIENT_ID,
        "azure-client-secret": CLIENT_SECRET,
        "authority-url": sandbox.url,
        "marketplace-url": sandbox.url,
        "merchant-id": MERCHANT,
        "catalog-id": "4101",
        "developer-token": DEVELOPER_TOKEN,
        "ads-client-id": ADS_CLIENT_ID,
        "ads-refresh-token": REFRESH_TOKEN,
        "content-api-url": sandbox.content_api_url,
        "timeout": "0",
    }
    given.update(inputs)
    env = runner_env(given, files, {"PATH": os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1", **(env_extra or {})})
    result = subprocess.run(command(), check=False, env=env, capture_output=True, text=True, timeout=30)
    return Written(result.returncode, result.stdout, result.stderr, files)


def secrets_of(sandbox: Sandbox) -> list[str]:
    """Every secret of the run: inputs, access tokens acquired, report URLs and their token= values."""
    found = [CLIENT_SECRET, DEVELOPER_TOKEN, REFRESH_TOKEN, *sandbox.tokens_issued, *sandbox.report_urls_issued]
    for url in sandbox.report_urls_issued:
        found += re.findall(r"token=([^&]+)", url)
    return found


def forms(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret), unquote(secret), unquote_plus(secret)}


def assert_no_secret_written(written: Written, sandbox: Sandbox) -> None:
    leaks = [
        (where, form)
        for secret in secrets_of(sandbox)
        for form in forms(secret)
        for where, text in written.everything().items()
        if form in text
    ]
    assert not leaks, leaks


def test_refused_tokens_leak_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    body = f'{{"error":{{"code":"Unauthorized","message":"token {CLIENT_SECRET} {DEVELOPER_TOKEN} refused"}}}}'
    sandbox.inject(method="GET", path=r"/status$", status=401, body=body, content_type="application/json", times=None)
    written = run_action(sandbox, tmp_path)
    assert written.code == 4, written.stdout + written.stderr
    assert len(sandbox.tokens_issued) >= 2  # both gates got (and renewed) access tokens
    assert "401" in written.stdout
    assert_no_secret_written(written, sandbox)


def test_500_forever_with_a_short_timeout_leaks_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    echo = f"internal error; request had {CLIENT_SECRET} and {quote(DEVELOPER_TOKEN, safe='')} and {REFRESH_TOKEN}"
    sandbox.inject(method="GET", path=r"/status$", status=500, body=echo, content_type="text/plain", times=None)
    written = run_action(sandbox, tmp_path, timeout="1s", **{"poll-interval": "1s"})
    assert written.code == 4, written.stdout + written.stderr
    assert "500" in written.stdout
    assert_no_secret_written(written, sandbox)


def test_report_download_failure_leaks_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.inject(method="GET", path=r"^/reports/", kind="reset", times=None)
    written = run_action(
        sandbox,
        tmp_path,
        timeout="1s",
        **{"offer-id": "", "publisher-id": "", "max-rejections": "1000", "poll-interval": "1s"},
    )
    assert sandbox.report_urls_issued, "no report URL was offered"
    assert any("/reports/" in r.path for r in sandbox.requests), "the report was never asked for"
    assert written.code == 0, written.stdout + written.stderr  # the verdict comes from the counts
    assert "report" in written.stdout
    assert_no_secret_written(written, sandbox)


def test_report_download_500_with_the_url_echoed_leaks_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.inject(
        method="GET",
        path=r"^/reports/",
        status=500,
        body="failed: see ?token= in your URL",
        content_type="text/plain",
        times=None,
    )
    written = run_action(
        sandbox,
        tmp_path,
        timeout="1s",
        **{"offer-id": "", "publisher-id": "", "max-rejections": "1000", "poll-interval": "1s"},
    )
    assert written.code == 0, written.stdout + written.stderr
    assert_no_secret_written(written, sandbox)


# -- item 15: credentials never follow a redirect to another host --------------------------------


@pytest.fixture
def elsewhere() -> Iterator[Sandbox]:
    with Sandbox() as other:
        yield other


def test_content_api_redirect_to_another_host_carries_no_credentials(harness: Harness, elsewhere: Sandbox) -> None:
    harness.sandbox.add_catalog("123456", "4101", scenario="clean")
    target = f"{elsewhere.url}/shopping/v9.1/bmc/stores/123456/catalogs/4101/status"
    harness.sandbox.inject(
        method="GET", path=r"/status$", status=302, headers={"Location": target}, body=b"", times=None
    )
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0"}))
    assert run.exit_code != 0
    assert elsewhere.requests, "the redirect was not followed at all"
    for request in elsewhere.requests:
        assert not [name for name in CREDENTIAL_HEADERS if name in request.headers], request.headers


def test_partner_api_redirect_to_another_host_carries_no_credentials(harness: Harness, elsewhere: Sandbox) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    target = f"{elsewhere.url}/api/publishers/contoso/offers/vm-offer/status?api-version=2017-10-31"
    harness.sandbox.inject(
        method="GET", path=r"/status$", status=302, headers={"Location": target}, body=b"", times=None
    )
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code != 0
    assert elsewhere.requests, "the redirect was not followed at all"
    for request in elsewhere.requests:
        assert "Authorization" not in request.headers, request.headers


# -- exception messages, library warnings and tracebacks -------------------------------------------


def test_library_logs_warnings_and_a_crash_leak_nothing(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """urllib3's log records name URLs and Python warnings print to stderr; a bug's traceback would
    print its exception message. All go through the runner, redacted, and nothing to stderr."""
    from tests.conftest import APP

    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    secret = APP["client_secret"]

    def broken_run(self: object) -> None:
        token = harness.sandbox.tokens_issued[-1]
        logging.getLogger("urllib3.connectionpool").warning("Retrying after error: /x?token=%s&s=%s", token, secret)
        warnings.warn(f"InsecureRequestWarning for https://h/?key={quote(secret, safe='')}", UserWarning, stacklevel=1)
        raise RuntimeError(f"boom with {secret} and {token}")

    monkeypatch.setattr("offergate.core.gate.Gate.run", broken_run)
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "1h"}), {"RUNNER_DEBUG": "1"})
    captured = capfd.readouterr()
    assert run.exit_code == 4
    assert run.outputs["result"] == "error"
    assert "RuntimeError: boom with *** and ***" in run.log  # the traceback, redacted
    assert "internal error" in run.summary
    assert "::debug::urllib3.connectionpool: Retrying after error" in run.log
    assert "UserWarning" in run.log
    shown = "\n".join(line for line in run.log.splitlines() if not line.startswith("::add-mask::"))
    everything = shown + run.summary + run.files.output.read_text() + captured.out + captured.err
    for value in (secret, *harness.sandbox.tokens_issued):
        for form in forms(value):
            assert form not in everything
    assert captured.err == ""


# -- containment item 4: no secret in any byte, with APIs that echo them ------------------------------

ECHOED_OFFER = {
    "status": "{bearer-token}",
    "steps": [
        {
            "id": "{bearer-token}",
            "stepName": "Step {bearer-token}",
            "status": "inProgress",
            "messages": [{"messageHtml": "<b>token</b> {bearer-token}", "level": "error"}],
        }
    ],
    "messages": [{"messageHtml": "Bearer {bearer-token}", "level": "error"}],
    "previewLinks": [{"displayText": "{bearer-token}", "uri": "https://preview.example/?t={bearer-token}"}],
}


def test_apis_that_echo_the_bearer_token_leak_nothing_in_any_byte(sandbox: Sandbox, tmp_path: Path) -> None:
    """The offer status repeats the acquired token in its status, step, messages and links (so in
    the offer-status, offer-step and offers outputs too); the catalog gate reads a real report
    (its URL's signature masked, its files written). Stdout, stderr, the summary, the outputs
    and every file in the workspace hold no input secret, no token and no report URL or signature."""
    sandbox.inject(
        method="GET", path=r"/offers/vm-offer/status$", kind="echo", body=json.dumps(ECHOED_OFFER), times=None
    )
    written = run_action(
        sandbox, tmp_path, {"RUNNER_DEBUG": "1"}, **{"max-rejections": "1000", "report-copies": "csv,json"}
    )
    assert "::debug::GET" in written.stdout  # the debug lines are scanned too
    assert written.code == 3, written.stdout + written.stderr  # the offer is pending at the deadline
    outputs = written.files.outputs()
    assert outputs["offer-status"] == "***" and outputs["offer-step"] == "***"
    assert json.loads(outputs["offers"])[0]["status"] == "***"
    assert sandbox.tokens_issued and sandbox.report_urls_issued
    assert sorted(p.name for p in (written.files.workspace / "offergate-report").iterdir()) == [
        "4101.csv",
        "4101.jsonl",
        "4101.summary.json",
        "4101.zip",
    ]
    assert_no_secret_written(written, sandbox)
