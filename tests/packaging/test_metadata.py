"""action.yml, the code's inputs and the README agree."""

from __future__ import annotations

import re
import tomllib

from offergate.config.inputs import INPUTS
from tests.support.runner_env import ROOT, action_inputs, action_outputs

README = (ROOT / "README.md").read_text()


def readme_rows(heading: str) -> dict[str, list[str]]:
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z-]+)` \|(.*)\|$", line)
        if match:
            assert match.group(1) not in rows, f"README lists {match.group(1)} twice under {heading}"
            rows[match.group(1)] = [c.strip() for c in match.group(2).split("|")]
    return rows


def test_action_inputs_match_the_code() -> None:
    assert action_inputs() == {spec.name: spec.default for spec in INPUTS}


def test_every_input_documented_with_its_default() -> None:
    rows = readme_rows("Inputs")
    assert set(rows) == set(action_inputs())
    for name, default in action_inputs().items():
        shown = rows[name][0]
        assert shown == (f"`{default}`" if default else ""), f"README default of {name}: {shown} for {default!r}"
        assert len(rows[name]) >= 2 and rows[name][-1], f"README meaning of {name}"


def action_descriptions(section: str) -> dict[str, str]:
    """`description:` of each input or output in action.yml (our plain block style)."""
    block = (ROOT / "action.yml").read_text().split(f"\n{section}:\n", 1)[1]
    block = re.split(r"^\S", block, maxsplit=1, flags=re.MULTILINE)[0]
    found = {}
    for name, body in re.findall(r"^  ([A-Za-z0-9_-]+):\n((?:    .*\n?)*)", block, flags=re.MULTILINE):
        match = re.search(r"^    description: *(.*)$", body, flags=re.MULTILINE)
        found[name] = match.group(1).strip().strip("\"'") if match else ""
    return found


def test_action_metadata_has_descriptions() -> None:
    text = (ROOT / "action.yml").read_text()
    for key in ("name", "description", "author"):
        assert re.search(rf"^{key}: \S", text, flags=re.MULTILINE), key
    inputs, outputs = action_descriptions("inputs"), action_descriptions("outputs")
    assert list(inputs) == list(action_inputs()) and list(outputs) == action_outputs()
    for name, description in {**inputs, **outputs}.items():
        assert len(description) >= 10, f"action.yml: {name} has no description"


def test_the_code_reads_exactly_the_declared_inputs() -> None:
    """Inputs reach the code only through config/inputs.py (INPUT_* variables, flags) and the settings' reads."""
    declared = set(action_inputs())
    read = set()
    for path in [
        *(ROOT / "src" / "offergate" / "config").rglob("*.py"),
        *(ROOT / "src" / "offergate").rglob("settings.py"),
    ]:
        read |= set(re.findall(r"""raw(?:\[|\.get\()["']([a-z0-9-]+)["']""", path.read_text()))
    assert read == declared, f"read but not declared: {read - declared}; declared but never read: {declared - read}"
    for path in sorted((ROOT / "src" / "offergate").rglob("*.py")):
        if path.name == "inputs.py":
            continue  # env_name(): "INPUT_" + the declared name, for every declared input
        found = re.findall(r"""["']INPUT_[A-Za-z0-9_-]*""", path.read_text())
        assert not found, f"{path.relative_to(ROOT)} reads {found} around inputs.py"


def test_every_output_documented() -> None:
    rows = readme_rows("Outputs")
    assert list(rows) == action_outputs(), "the README's outputs table: every output, in action.yml's order"
    for name, cells in rows.items():
        assert cells and cells[-1], f"README meaning of output {name}"
    assert set(action_outputs()) == {
        "result", "offer-status", "offer-step", "offers",
        "published-count", "rejected-count", "catalogs", "report-path", "submission-id",
    }  # fmt: skip


def test_action_runs_the_dockerfile() -> None:
    text = (ROOT / "action.yml").read_text()
    assert re.search(r"^runs:\n  using: docker\n  image: Dockerfile$", text, flags=re.MULTILINE)
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


# The examples (declared inputs and outputs, schema, pins, runs): tests/packaging/test_examples.py.
