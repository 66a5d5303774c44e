"""action.yml, the code's inputs and the README agree."""

from __future__ import annotations

import re
import tomllib

from offergate.inputs import INPUTS
from tests.runner_env import ROOT, action_inputs, action_outputs

README = (ROOT / "README.md").read_text()


def readme_rows(heading: str) -> dict[str, list[str]]:
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z-]+)` \|(.*)\|$", line)
        if match:
            rows[match.group(1)] = [c.strip() for c in match.group(2).split("|")]
    return rows


def test_action_inputs_match_the_code() -> None:
    assert action_inputs() == {spec.name: spec.default for spec in INPUTS}


def test_every_input_documented_with_its_default() -> None:
    rows = readme_rows("Inputs")
    assert set(rows) == set(action_inputs())
    for name, default in action_inputs().items():
        shown = rows[name][0].strip("`")
        assert shown == default, f"README default of {name}"


def test_every_output_documented() -> None:
    assert set(readme_rows("Outputs")) == set(action_outputs())
    assert set(action_outputs()) == {
        "result", "offer-status", "offer-step", "offers",
        "published-count", "rejected-count", "catalogs", "report-path",
    }  # fmt: skip


def test_action_runs_the_dockerfile() -> None:
    text = (ROOT / "action.yml").read_text()
    assert re.search(r"^runs:\n  using: docker\n  image: Dockerfile$", text, flags=re.M)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "PIP_NO_CACHE_DIR=1" in dockerfile  # no pip cache (the final stage holds no pip at all)
    assert "USER" not in dockerfile and "WORKDIR" not in dockerfile


def test_console_script_and_runtime_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"offergate": "offergate.cli:main"}
    names = sorted(re.split(r"[<>=!~ ]", d, maxsplit=1)[0] for d in project["dependencies"])
    assert names == ["defusedxml", "requests", "urllib3"]
    assert "urllib3>=2.6.3" in project["dependencies"]


def test_readme_starts_with_the_two_commands() -> None:
    first = README.split("---", 1)[0]
    assert "python3 -m pip install . && offergate demo" in first
    assert "python3 -m pip install -e '.[test]' && python3 -m pytest" in first
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m pip install -e '.[test]' && python3 -m pytest" in ci


def test_examples_use_only_declared_inputs_and_outputs() -> None:
    declared = set(action_inputs())
    outputs = set(action_outputs())
    examples = sorted((ROOT / "examples").glob("*.yml"))
    assert len(examples) >= 3
    for path in examples:
        text = path.read_text()
        for block in re.findall(r"uses: offergate/offergate@v1\n(\s+)with:\n((?:\1  .*\n)+)", text):
            indent, body = block
            keys = re.findall(rf"^{indent}  ([a-z-]+):", body, flags=re.M)
            assert keys and set(keys) <= declared, f"{path.name}: {set(keys) - declared}"
        for used in re.findall(r"steps\.\w+\.outputs\.([a-z-]+)", text):
            assert used in outputs, f"{path.name}: output {used}"
