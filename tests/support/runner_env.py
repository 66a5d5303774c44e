"""Start the action the way GitHub's runner starts a container action.

The runner passes every input declared in action.yml as `INPUT_<NAME>` (upper-cased, hyphens
kept) with its default unless the workflow gives a value, plus the file commands and workspace
variables; then it runs the image's ENTRYPOINT.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def action_inputs() -> dict[str, str]:
    """Input names and defaults from action.yml (our file's plain block style)."""
    inputs: dict[str, str] = {}
    section = ""
    current = ""
    for line in (ROOT / "action.yml").read_text().splitlines():
        if re.match(r"^\S", line):
            section = line.split(":", 1)[0]
            continue
        if section != "inputs":
            continue
        key = re.match(r"^  ([A-Za-z0-9_-]+):\s*$", line)
        if key:
            current = key.group(1)
            inputs[current] = ""
            continue
        default = re.match(r"^    default:\s*(.*)$", line)
        if default and current:
            value = default.group(1).strip()
            if value[:1] in ("'", '"'):
                value = ast.literal_eval(value)
            inputs[current] = value
    return inputs


def action_outputs() -> list[str]:
    text = (ROOT / "action.yml").read_text()
    block = text.split("\noutputs:\n", 1)[1].split("\nruns:", 1)[0]
    return re.findall(r"^  ([A-Za-z0-9_-]+):\s*$", block, flags=re.MULTILINE)


def entrypoint() -> list[str]:
    """The exec-form ENTRYPOINT of the Dockerfile."""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("ENTRYPOINT"):
            value = json.loads(line.split(None, 1)[1])
            assert isinstance(value, list)
            return [str(v) for v in value]
    raise AssertionError("the Dockerfile has no ENTRYPOINT")


@dataclass
class StepFiles:
    root: Path

    @property
    def output(self) -> Path:
        return self.root / "github_output"

    @property
    def summary(self) -> Path:
        return self.root / "step_summary.md"

    @property
    def workspace(self) -> Path:
        return self.root / "workspace"

    def outputs(self) -> dict[str, str]:
        return parse_outputs(self.output.read_text(encoding="utf-8") if self.output.exists() else "")


def runner_env(inputs: dict[str, str], files: StepFiles, extra: dict[str, str] | None = None) -> dict[str, str]:
    files.workspace.mkdir(parents=True, exist_ok=True)
    (files.root / "runner_temp").mkdir(exist_ok=True)
    env = {f"INPUT_{name.upper()}": default for name, default in action_inputs().items()}
    unknown = set(inputs) - set(action_inputs())
    assert not unknown, f"not declared in action.yml: {unknown}"
    env.update({f"INPUT_{name.upper()}": value for name, value in inputs.items()})
    env.update(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(files.output),
            "GITHUB_STEP_SUMMARY": str(files.summary),
            "GITHUB_WORKSPACE": str(files.workspace),
            "RUNNER_TEMP": str(files.root / "runner_temp"),
            "HOME": str(files.root),
        }
    )
    env.update(extra or {})
    return env


def parse_outputs(text: str) -> dict[str, str]:
    """Read a GITHUB_OUTPUT file as the runner does: `name=value` or `name<<DELIM ... DELIM`."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value_lines = []
            while lines[i] != delimiter:
                value_lines.append(lines[i])
                i += 1
            i += 1
            outputs[name] = "\n".join(value_lines)
        else:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs
