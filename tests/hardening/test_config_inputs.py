"""Bad inputs end safely (the config cases): exit 2, the input named, no value that may hold a secret.

The URL cases run the real ENTRYPOINT command in a child process, as the container does, and scan
every byte it writes (stdout, stderr, the outputs file, the job summary) for the secret. The other
cases run the entrypoint in process with the runner's environment: no traceback, no internal error,
one printable annotation naming the input, the value escaped and cut.
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

from tests.action.test_container_contract import command
from tests.conftest import entrypoint_main
from tests.support.runner_env import StepFiles, entrypoint, runner_env

SECRET = "Hunter2Secret"
OFFERS = {"publisher-id": "contoso", "offer-id": "vm-offer", "azure-access-token": "tok-123456"}
CATALOGS = {"merchant-id": "123456", "catalog-id": "1001", "developer-token": "dev-token", "ads-access-token": "ads-t"}


def run_child(tmp_path: Path, inputs: dict[str, str]) -> tuple[int, dict[str, str], StepFiles]:
    files = StepFiles(tmp_path)
    env = runner_env(inputs, files, {"PATH": os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1"})
    result = subprocess.run(command(), check=False, env=env, capture_output=True, text=True, timeout=30)
    written = {"stdout": result.stdout, "stderr": result.stderr}
    for path in (files.output, files.summary):
        if path.exists():
            written[path.name] = path.read_bytes().decode("utf-8", "replace")
    return result.returncode, written, files


def run_in_process(tmp_path: Path, inputs: dict[str, str]) -> tuple[int, str, StepFiles]:
    files = StepFiles(tmp_path)
    out = io.StringIO()
    code = entrypoint_main()(entrypoint()[1:], env=runner_env(inputs, files), out=out)
    return code, out.getvalue(), files


@pytest.mark.parametrize(
    "url",
    [
        f"http://user:{SECRET}@example.com/",
        f"https://user:{SECRET}@example.com/",
        f"https://{SECRET}@127.0.0.1:8080",
        f"https://example.com/?token={SECRET}",
        f"http://example.com/{SECRET}/",
        f"ftp://user:{SECRET}@example.com/",
        f"https://[::1/{SECRET}",
    ],
)
@pytest.mark.parametrize("name", ["marketplace-url", "authority-url", "content-api-url"])
def test_a_url_input_with_a_secret_in_it_leaks_nothing(tmp_path: Path, name: str, url: str) -> None:
    code, written, files = run_child(tmp_path, {**OFFERS, **CATALOGS, name: url})
    assert code == 2, written
    assert f"input '{name}'" in written["stdout"]
    assert files.outputs()["result"] == "error"
    leaks = [where for where, text in written.items() if SECRET in text or SECRET.lower() in text.lower()]
    assert not leaks, written


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("timeout", "9" * 400, "at most 35d"),
        ("poll-interval", "9" * 400, "at most 35d"),
        ("timeout", "1e999", "is not a duration"),
        ("timeout", "nan", "is not a duration"),
        ("poll-interval", "inf", "is not a duration"),
        ("timeout", "-5", "is negative"),
        ("max-rejections", "9" * 400, "got a 400-digit number"),
        ("max-rejections", "9" * 5000, "got a 5000-digit number"),
        ("expected-offers", "9" * 400, "at most 1000000000"),
        ("max-table-rows", "9" * 400, "at most 1000"),
        ("max-rejections", "-1", "is not a whole number"),
    ],
)
def test_numbers_out_of_any_sense_exit_2_naming_the_input(tmp_path: Path, name: str, value: str, fragment: str) -> None:
    code, text, files = run_in_process(tmp_path, {**OFFERS, **CATALOGS, name: value})
    assert code == 2, text
    annotations = [line for line in text.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 1, text
    assert f"input '{name}'" in annotations[0] and fragment in annotations[0]
    assert "Traceback" not in text and "internal error" not in text
    assert len(annotations[0]) < 400 and value not in text.replace(value[:60], "")
    assert files.outputs()["result"] == "error"


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("vm\x00offer", "vm\\x00offer"),
        ("vm\x1b[2Joffer", "vm\\x1b[2Joffer"),
        ("vm\ud800offer", "vm\\ud800offer"),
        ("vm\u202eoffer", "vm\\u202eoffer"),
        ("vm\x9boffer", "vm\\x9boffer"),
    ],
)
@pytest.mark.parametrize("name", ["publisher-id", "offer-id", "merchant-id", "catalog-id"])
def test_ids_with_unprintable_characters_are_named_and_escaped(
    tmp_path: Path, name: str, value: str, escaped: str
) -> None:
    code, text, _ = run_in_process(tmp_path, {**OFFERS, **CATALOGS, name: value})
    assert code == 2, text
    assert f"input '{name}'" in text and escaped in text and "not a valid id" in text
    assert all(line.isprintable() for line in text.splitlines())


def test_a_long_id_is_cut_in_the_message(tmp_path: Path) -> None:
    code, text, _ = run_in_process(tmp_path, {**OFFERS, "offer-id": "x" * 5000})
    assert code == 2
    assert "(5000 characters)" in text and "x" * 61 not in text


@pytest.mark.parametrize(
    ("name", "value", "instead"),
    [
        ("content-api-url", "https://content.api.bingads.microsoft.com/shopping/v9.1/bmc/123456", "up to /bmc/"),
        ("marketplace-url", "https://cloudpartner.azure.com/api/publishers/contoso", "https://cloudpartner.azure.com"),
        ("authority-url", "https://login.microsoftonline.com/common/oauth2/v2.0/token", "azure-tenant-id"),
    ],
)
def test_a_url_holding_the_path_the_gate_appends_is_explained(
    tmp_path: Path, name: str, value: str, instead: str
) -> None:
    code, text, _ = run_in_process(tmp_path, {**OFFERS, **CATALOGS, name: value})
    assert code == 2, text
    assert f"input '{name}'" in text and "already holds part of the path the gate appends" in text
    assert instead in text


def test_a_secret_with_a_pasted_line_break_is_refused_unquoted(tmp_path: Path) -> None:
    code, text, _ = run_in_process(tmp_path, {**OFFERS, "azure-access-token": f"{SECRET}\nsecond-line"})
    assert code == 2, text
    assert "input 'azure-access-token'" in text and "a line break" in text
    shown = "\n".join(line for line in text.splitlines() if not line.startswith("::add-mask::"))
    assert SECRET not in shown and "second-line" not in shown
