"""The workflows in examples/: valid, pinned, least privilege, and their offergate steps really run.

Each example's offergate step is driven as the runner would run it: its `with:` block, with the
`${{ ... }}` expressions (secrets, vars, inputs, matrix values) replaced by sandbox values, goes
through the Dockerfile's entrypoint (the Harness) against the sandbox on a virtual clock.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from offergate.core.clock import VirtualClock
from offergate.sandbox import Sandbox
from tests.conftest import ADS_USER, APP, STORE, Harness, Run
from tests.support.runner_env import ROOT, action_inputs, action_outputs

EXAMPLES_DIR = ROOT / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yml"))
EXPECTED = {
    "release.yml", "dispatch.yml", "catalog.yml", "scheduled.yml", "matrix.yml", "oidc.yml", "product-ingestion.yml",
}  # fmt: skip
SELF = "offergate/offergate"
SELF_REF = f"{SELF}@v1"
HOUR = 3600.0

# Third-party actions the examples may use: the full commit SHA of a release and its tag, which
# must be the version comment after the SHA.
KNOWN_PINS = {
    "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683": "v4.2.2",
    "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02": "v4.6.2",
}

FEDERATED_APP = "fed-app-1"
# What the examples' secrets and variables hold in the sandbox.
SECRETS = {
    "AZURE_TENANT_ID": APP["tenant"],
    "AZURE_CLIENT_ID": APP["client_id"],
    "AZURE_CLIENT_SECRET": APP["client_secret"],
    "ADS_DEVELOPER_TOKEN": STORE["developer_token"],
    "ADS_REFRESH_TOKEN": ADS_USER["refresh_token"],
}
VARS = {
    "MERCHANT_ID": STORE["merchant_id"],
    "ADS_CLIENT_ID": ADS_USER["client_id"],
    "AZURE_TENANT_ID": APP["tenant"],
    "AZURE_CLIENT_ID": FEDERATED_APP,
}
# Endpoints a real run takes from the defaults; the test points them at the sandbox.
ENDPOINTS = ("authority-url", "marketplace-url", "content-api-url", "product-ingestion-url")


def load(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path.name
    return data


def workflow(name: str) -> dict[str, Any]:
    return load(EXAMPLES_DIR / name)


def steps_of(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for job_id, job in doc["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, job, step


def is_self(step: dict[str, Any]) -> bool:
    return str(step.get("uses", "")).startswith(f"{SELF}@")


# ------------------------------------------------------------------ expressions


EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _operand(text: str, context: dict[str, Any]) -> Any:
    text = text.strip()
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text) if "." in text else int(text)
    if not re.fullmatch(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)+", text):
        raise AssertionError(f"expression too complex for this test: {text!r}")
    value: Any = context
    for part in text.split("."):
        assert isinstance(value, dict) and part in value, f"no sandbox value for {text!r}"
        value = value[part]
    return value


def evaluate(expr: str, context: dict[str, Any]) -> Any:
    """The subset of GitHub's expression language the examples' gate steps use: references,
    literals, `a || b`, `a == b`, `a != b`."""
    if "||" in expr:
        for part in expr.split("||"):
            value = evaluate(part, context)
            if value not in ("", 0, False, None):
                return value
        return value
    for op in ("==", "!="):
        if op in expr:
            left, right = (evaluate(part, context) for part in expr.split(op, 1))
            equal = str(left).lower() == str(right).lower()  # GitHub compares strings ignoring case
            return equal if op == "==" else not equal
    return _operand(expr, context)


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render(value: Any, context: dict[str, Any]) -> str:
    """A `with:` value as the runner passes it: every ${{ }} replaced by its value."""
    return EXPRESSION.sub(lambda m: as_text(evaluate(m.group(1), context)), as_text(value))


def condition(step: dict[str, Any], context: dict[str, Any]) -> bool:
    if "if" not in step:
        return True
    text = str(step["if"]).strip()
    match = EXPRESSION.fullmatch(text)
    return bool(evaluate(match.group(1) if match else text, context))


def dispatch_inputs(doc: dict[str, Any], **given: Any) -> dict[str, Any]:
    """workflow_dispatch inputs: the declared defaults, then the given values (all must exist)."""
    declared = doc["on"]["workflow_dispatch"]["inputs"]
    assert set(given) <= set(declared)
    values = {name: spec.get("default", "") for name, spec in declared.items()}
    values.update(given)
    return values


# ------------------------------------------------------------------ running an example's gate


@contextmanager
def sandbox_harness(root: Path, time_scale: float = 1.0) -> Iterator[Harness]:
    """The conftest harness's sandbox, with an optional compressed timeline and a federated app."""
    clock = VirtualClock()
    with Sandbox(clock=clock.monotonic, time_scale=time_scale) as sandbox:
        sandbox.add_publisher("contoso")
        sandbox.add_app(
            tenant=APP["tenant"], client_id=APP["client_id"], client_secret=APP["client_secret"], publishers=["contoso"]
        )
        sandbox.add_app(tenant=APP["tenant"], client_id=FEDERATED_APP, federated=True, publishers=["contoso"])
        sandbox.add_store(STORE["merchant_id"], developer_token=STORE["developer_token"])
        sandbox.add_ads_user(ADS_USER["client_id"], ADS_USER["refresh_token"])
        yield Harness(sandbox, clock, root)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Harness]:
    with sandbox_harness(tmp_path) as harness:
        yield harness


def run_gate(
    harness: Harness,
    name: str,
    job_id: str,
    step_id: str | None = None,
    *,
    inputs: dict[str, Any] | None = None,
    matrix: dict[str, Any] | None = None,
) -> Run:
    """Run the example's offergate step (the one with `step_id`, or the job's only one) as written."""
    doc = workflow(name)
    job = doc["jobs"][job_id]
    context = {"secrets": SECRETS, "vars": VARS, "inputs": inputs or {}, "matrix": matrix or {}}
    gates = [s for s in job["steps"] if is_self(s) and (step_id is None or s.get("id") == step_id)]
    assert len(gates) == 1, f"{name}: {job_id} has {len(gates)} matching offergate steps"
    (step,) = gates
    assert condition(step, context), f"{name}: the step would be skipped"
    with_block = step.get("with", {})
    assert not set(with_block) & set(ENDPOINTS), "examples use the real endpoints"
    values = {key: render(value, context) for key, value in with_block.items()}
    values.update(
        {
            "authority-url": harness.sandbox.url,
            "marketplace-url": harness.sandbox.url,
            "content-api-url": harness.sandbox.content_api_url,
            "product-ingestion-url": harness.sandbox.product_ingestion_url,
        }
    )
    # The runner offers an OIDC token only to jobs granted `id-token: write`.
    env = {}
    if (job.get("permissions") or {}).get("id-token") == "write":
        env = {
            "ACTIONS_ID_TOKEN_REQUEST_URL": harness.sandbox.oidc_request_url,
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": harness.sandbox.oidc_request_token,
        }
    return harness.run(values, extra_env=env)


def report_files(run: Run) -> list[str]:
    folder = run.files.workspace / run.outputs["report-path"]
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


# ------------------------------------------------------------------ static checks


def test_the_examples_are_there_and_listed() -> None:
    assert {p.name for p in EXAMPLES} == EXPECTED
    listing = (EXAMPLES_DIR / "README.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert f"({name})" in listing, f"examples/README.md does not list {name}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_parses_as_a_workflow_with_least_privilege(path: Path) -> None:
    doc = load(path)
    assert doc.get("name") and doc.get("on") and doc.get("jobs")
    # nothing granted by default; every job says what it needs and how long it may run
    assert doc.get("permissions") == {}, f"{path.name}: top-level permissions should be {{}}"
    for job_id, job in doc["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {job_id} sets no permissions"
        assert all(v in ("read", "write", "none") for v in job["permissions"].values())
        assert isinstance(job.get("timeout-minutes"), int), f"{path.name}: job {job_id} has no timeout-minutes"
        assert 0 < job["timeout-minutes"] <= 360  # a hosted job ends at 6 hours anyway
    assert any(is_self(step) for _, _, step in steps_of(doc)), f"{path.name} does not use offergate"


def test_valid_against_the_schemastore_schemas() -> None:
    """check-jsonschema's vendored SchemaStore schemas, as .ci/run checks them."""
    for schema, files in (("vendor.github-workflows", EXAMPLES), ("vendor.github-actions", [ROOT / "action.yml"])):
        done = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_uses_only_declared_inputs_and_outputs(path: Path) -> None:
    doc = load(path)
    declared = set(action_inputs())
    gate_ids = set()
    for _, _, step in steps_of(doc):
        if is_self(step):
            keys = set(step.get("with", {}))
            assert keys and keys <= declared, f"{path.name}: {keys - declared}"
            gate_ids.add(step.get("id"))
    text = path.read_text(encoding="utf-8")
    for step_id, used in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", text):
        assert step_id in gate_ids, f"{path.name}: steps.{step_id} is not an offergate step with an id"
        assert used in action_outputs(), f"{path.name}: output {used}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_actions_pinned_by_sha_with_a_version_comment(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    uses_lines = [line for line in lines if re.match(r"^\s*(- )?uses:", line)]
    assert len(uses_lines) == sum(1 for _, _, s in steps_of(load(path)) if "uses" in s)
    for line in uses_lines:
        match = re.match(r"^\s*(?:- )?uses: (\S+)(?:\s+# (.*))?$", line)
        assert match, line
        ref, comment = match.group(1), match.group(2) or ""
        if ref.startswith(f"{SELF}@"):
            # this action itself: by tag as in the README, telling users to pin a SHA (zizmor.yml)
            assert ref == SELF_REF and "pin a full commit SHA" in comment, line
            continue
        assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}", ref), f"{path.name}: not SHA-pinned: {line}"
        assert ref in KNOWN_PINS, f"{path.name}: {ref} is not a known release commit"
        assert comment.split()[0] == KNOWN_PINS[ref], f"{path.name}: version comment of {ref}"


def test_checkouts_do_not_keep_the_token() -> None:
    for path in EXAMPLES:
        for _, _, step in steps_of(load(path)):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, path.name


# ------------------------------------------------------------------ release.yml


def uploads_something(step: dict[str, Any]) -> bool:
    return "upload-artifact" in str(step.get("uses")) or "gh release" in str(step.get("run"))


def test_release_uploads_only_after_the_gate_passed() -> None:
    doc = workflow("release.yml")
    gate, release = doc["jobs"]["gate"], doc["jobs"]["release"]
    names = [s.get("name", "") for s in gate["steps"]]
    assert "/publish?" in gate["steps"][0]["run"] and is_self(gate["steps"][1]), names
    assert gate["steps"][1]["with"]["on-pending"] == "fail"
    assert gate["permissions"] == {} and release["permissions"] == {"contents": "write"}
    assert gate["outputs"]["result"] == "${{ steps.gate.outputs.result }}"
    assert release["needs"] == "gate" and release["if"] == "needs.gate.outputs.result == 'passed'"
    uploads = [s for s in release["steps"] if uploads_something(s)]
    assert len(uploads) == 2 and not any("if" in s for s in uploads)
    assert not any(uploads_something(s) for s in gate["steps"])


def test_release_gate_passes_at_signoff(tmp_path: Path) -> None:
    # a fast review: the realistic ~79 h timeline compressed 24 times, sign-off after ~3.3 h
    with sandbox_harness(tmp_path, time_scale=24) as harness:
        harness.sandbox.add_offer("contoso", "contoso-vm", scenario="signoff")
        run = run_gate(harness, "release.yml", "gate")
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed" and run.outputs["offer-step"] == "publisher-signoff"


@pytest.mark.parametrize(
    ("scenario", "time_scale", "code", "result"),
    [
        ("certification-failed", 2.0, 1, "failed"),  # rejected after ~3 h
        ("signoff", 1.0, 3, "pending"),  # still in certification (days) when the 5h30m wait ends
    ],
)
def test_release_gate_fails_so_nothing_is_released(
    tmp_path: Path, scenario: str, time_scale: float, code: int, result: str
) -> None:
    with sandbox_harness(tmp_path, time_scale=time_scale) as harness:
        harness.sandbox.add_offer("contoso", "contoso-vm", scenario=scenario)
        run = run_gate(harness, "release.yml", "gate")
    assert run.exit_code == code, run.log
    assert run.outputs["result"] == result


# ------------------------------------------------------------------ dispatch.yml


def test_dispatch_inputs_are_typed() -> None:
    inputs = workflow("dispatch.yml")["on"]["workflow_dispatch"]["inputs"]
    assert inputs["gate"]["type"] == "choice" and inputs["gate"]["options"] == ["offer", "catalog"]
    assert inputs["timeout"]["type"] == "string"
    assert inputs["on-pending"]["options"] == ["fail", "warn", "pass"]
    assert inputs["max-rejections"]["type"] == "number" and inputs["ignore-warnings"]["type"] == "boolean"


def test_dispatch_offer_gate(sandbox: Harness) -> None:
    sandbox.sandbox.add_offer("contoso", "contoso-vm", scenario="succeeded")
    sandbox.sandbox.add_offer("contoso", "contoso-sql", scenario="signoff")
    doc = workflow("dispatch.yml")
    inputs = dispatch_inputs(doc, gate="offer", ids="contoso-vm")
    steps = [s for s in doc["jobs"]["gate"]["steps"] if is_self(s)]
    assert [condition(s, {"inputs": inputs}) for s in steps] == [True, False]  # only the offer gate runs
    run = run_gate(sandbox, "dispatch.yml", "gate", "offer", inputs=inputs)
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed"
    # two offers, a 2-hour wait for live: still in certification, on-pending warn lets the run pass
    inputs = dispatch_inputs(doc, gate="offer", ids="contoso-vm,contoso-sql", timeout="2h", **{"wait-until": "live"})
    run = run_gate(sandbox, "dispatch.yml", "gate", "offer", inputs=inputs)
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "pending"
    assert [o["result"] for o in json.loads(run.outputs["offers"])] == ["passed", "pending"]


def test_dispatch_catalog_gate(sandbox: Harness) -> None:
    sandbox.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")
    doc = workflow("dispatch.yml")
    # the defaults: no rejection tolerated
    run = run_gate(sandbox, "dispatch.yml", "gate", "catalog", inputs=dispatch_inputs(doc, gate="catalog", ids="4101"))
    assert run.exit_code == 1, run.log
    assert report_files(run) == ["4101.summary.json", "4101.zip"]
    inputs = dispatch_inputs(doc, gate="catalog", ids="all", **{"max-rejections": 4, "ignore-warnings": True})
    run = run_gate(sandbox, "dispatch.yml", "gate", "catalog", inputs=inputs)
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed"


# ------------------------------------------------------------------ catalog.yml


def test_catalog_keeps_the_report_also_when_the_gate_fails() -> None:
    doc = workflow("catalog.yml")
    gate = doc["jobs"]["gate"]
    assert gate["needs"] == "upload-feed"
    (upload,) = [s for s in gate["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert re.search(r"\balways\(\)|\bfailure\(\)", upload["if"])
    assert upload["with"]["path"] == "${{ steps.catalog.outputs.report-path }}"


def test_catalog_gate_fails_on_a_broken_feed_and_writes_the_report(tmp_path: Path) -> None:
    # rejections pour in (the over-threshold timeline, twice as fast): 30 errors in 3 hours
    with sandbox_harness(tmp_path, time_scale=2) as harness:
        harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="over-threshold")
        harness.sandbox.add_catalog(STORE["merchant_id"], "4102", scenario="clean")
        run = run_gate(harness, "catalog.yml", "gate")
    assert run.exit_code == 1, run.log
    assert run.outputs["result"] == "failed"
    assert {c["id"]: c["result"] for c in json.loads(run.outputs["catalogs"])} == {"4101": "failed", "4102": "passed"}
    assert run.outputs["report-path"] == "offergate-report"
    assert report_files(run) == ["4101.summary.json", "4101.zip"]


def test_catalog_gate_passes_a_clean_review(sandbox: Harness) -> None:
    sandbox.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="seed")  # 4 errors, 2 warnings
    run = run_gate(sandbox, "catalog.yml", "gate")
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed"
    assert report_files(run) == ["4101.summary.json", "4101.zip"]  # kept even when the gate passes


# ------------------------------------------------------------------ scheduled.yml


def test_scheduled_checks_once_and_passes_while_pending(sandbox: Harness) -> None:
    doc = workflow("scheduled.yml")
    assert doc["on"]["schedule"][0]["cron"] and doc["concurrency"]["group"]
    assert doc["concurrency"]["cancel-in-progress"] is False
    (job_id,) = doc["jobs"]
    sandbox.sandbox.add_offer("contoso", "contoso-vm", scenario="signoff")
    # hour 1: in certification
    run = run_gate(sandbox, "scheduled.yml", job_id)
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "pending"
    assert sandbox.clock.monotonic() - 1000.0 < 60  # one check, no wait
    # a later scheduled run: ready for sign-off, and the announcement step runs
    sandbox.clock.advance(80 * HOUR)
    run = run_gate(sandbox, "scheduled.yml", job_id)
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed"
    announce = doc["jobs"][job_id]["steps"][-1]
    assert condition(announce, {"steps": {"gate": {"outputs": run.outputs}}})


def test_scheduled_fails_the_run_on_a_rejection(sandbox: Harness) -> None:
    sandbox.sandbox.add_offer("contoso", "contoso-vm", scenario="certification-failed")
    sandbox.clock.advance(7 * HOUR)
    (job_id,) = workflow("scheduled.yml")["jobs"]
    run = run_gate(sandbox, "scheduled.yml", job_id)
    assert run.exit_code == 1, run.log
    assert run.outputs["result"] == "failed"


# ------------------------------------------------------------------ matrix.yml


def test_matrix_one_job_per_catalog(sandbox: Harness) -> None:
    job = workflow("matrix.yml")["jobs"]["gate"]
    assert job["strategy"]["fail-fast"] is False
    entries = job["strategy"]["matrix"]["include"]
    upload = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert len({render(upload["with"]["name"], {"matrix": m}) for m in entries}) == len(entries)  # unique names
    scenarios = {"en-US": "clean", "en-GB": "seed", "de-DE": "over-threshold"}
    for entry in entries:
        sandbox.sandbox.add_catalog(STORE["merchant_id"], str(entry["catalog"]), scenario=scenarios[entry["market"]])
    sandbox.clock.advance(6 * HOUR)  # the nightly uploads have been reviewed
    results = {}
    for entry in entries:
        run = run_gate(sandbox, "matrix.yml", "gate", matrix=entry)
        results[entry["market"]] = (run.exit_code, run.outputs["result"], report_files(run))
    assert results == {
        "en-US": (0, "passed", []),
        "en-GB": (0, "passed", ["100002.summary.json", "100002.zip"]),  # 4 errors, at most 10
        "de-DE": (1, "failed", ["100003.summary.json", "100003.zip"]),  # 30 errors
    }


# ------------------------------------------------------------------ oidc.yml


def test_oidc_uses_the_federated_credential(sandbox: Harness) -> None:
    doc = workflow("oidc.yml")
    job = doc["jobs"]["gate"]
    assert job["permissions"] == {"id-token": "write"}
    (step,) = [s for s in job["steps"] if is_self(s)]
    assert "azure-client-secret" not in step["with"] and "secrets." not in json.dumps(step["with"])
    sandbox.sandbox.add_offer("contoso", "contoso-vm", scenario="succeeded")
    run = run_gate(sandbox, "oidc.yml", "gate")
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed"
    assert any(r.path.startswith("/_github/oidc") for r in sandbox.sandbox.requests)
    token_calls = [r for r in sandbox.sandbox.requests if r.path.endswith("/oauth2/v2.0/token")]
    assert token_calls and all(b"client_assertion=" in r.body and b"client_secret" not in r.body for r in token_calls)


# ------------------------------------------------------------------ product-ingestion.yml


def test_product_ingestion_gate_with_a_configure_job(sandbox: Harness) -> None:
    doc = workflow("product-ingestion.yml")
    assert doc["jobs"]["gate"]["permissions"] == {"id-token": "write"}
    sandbox.sandbox.add_product("contoso-vm", "going-live")
    job = sandbox.sandbox.add_job("succeeded")
    run = run_gate(sandbox, "product-ingestion.yml", "gate", inputs=dispatch_inputs(doc, **{"job-id": job}))
    assert run.exit_code == 0, run.log
    assert run.outputs["result"] == "passed" and run.outputs["submission-id"].startswith("submission/")
    token_calls = [r for r in sandbox.sandbox.requests if r.path.endswith("/oauth2/v2.0/token")]
    assert token_calls and all(r.form()["scope"] == "https://graph.microsoft.com/.default" for r in token_calls)
    note = doc["jobs"]["gate"]["steps"][-1]
    assert "always()" in note["if"] and "steps.gate.outputs.submission-id" in note["if"]  # also when it fails


def test_product_ingestion_gate_ignores_an_old_live_submission(sandbox: Harness) -> None:
    doc = workflow("product-ingestion.yml")
    sandbox.sandbox.add_product("contoso-vm", "old-live")
    inputs = dispatch_inputs(doc, **{"wait-until": "live", "submitted-after": "2020-01-01T00:00:00Z"})
    assert run_gate(sandbox, "product-ingestion.yml", "gate", inputs=inputs).exit_code == 0  # the old one counts
    inputs["submitted-after"] = "2999-01-01T00:00:00Z"
    sandbox.clock.advance(6 * HOUR)
    run = run_gate(sandbox, "product-ingestion.yml", "gate", inputs=inputs)
    assert run.exit_code == 3, run.log
    assert run.outputs["submission-id"] == ""
