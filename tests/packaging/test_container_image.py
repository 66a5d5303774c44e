"""What the image holds, checked without Docker.

The Dockerfile's final stage must hold Python, offergate and its runtime dependencies only: no
pip, setuptools or wheel, no sources or build leftovers, and its ENTRYPOINT the `offergate`
command. The install is reproduced offline (tests/support/image_install.py: a venv without pip or
system site-packages holding offergate and the runtime closure of pyproject's dependencies);
the venv must hold exactly that set, and every part of offergate must import and start from it.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from packaging.utils import canonicalize_name

from tests.support.image_install import install_like_the_image, runtime_closure
from tests.support.runner_env import entrypoint

ROOT = Path(__file__).resolve().parents[2]
BUILD_TOOLS = {"pip", "setuptools", "wheel"}


def stages() -> list[list[str]]:
    """The Dockerfile's instructions by stage (continuation lines joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    result: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            result.append([])
        assert result, "an instruction before FROM"
        result[-1].append(line)
    return result


def test_the_runtime_closure_is_requests_defusedxml_and_theirs() -> None:
    assert runtime_closure() == {
        "offergate",
        "requests",
        "urllib3",
        "idna",
        "certifi",
        "charset-normalizer",
        "defusedxml",
    }


def test_the_final_stage_runs_offergate_and_drops_the_build_tools() -> None:
    all_stages = stages()
    assert len(all_stages) >= 2, "a builder stage and a final stage"
    final = all_stages[-1]
    assert final[0].split()[1] == "python:3.11-slim-bookworm"
    assert entrypoint() == ["offergate"]
    entrypoints = [line for line in final if line.upper().startswith("ENTRYPOINT")]
    assert entrypoints and json.loads(entrypoints[-1].split(None, 1)[1]) == ["offergate"]
    body = "\n".join(final)
    # The base image's own pip, setuptools and wheel (and ensurepip's copies) are removed...
    uninstall = re.search(r"pip uninstall[^&;]*", body)
    assert uninstall and set(uninstall.group(0).split()) >= BUILD_TOOLS
    assert "ensurepip/_bundled" in body
    # ...nothing of the sources is copied in, only the built venv...
    copies = [line for line in final if line.upper().startswith(("COPY", "ADD"))]
    assert copies and all("--from=" in line for line in copies), copies
    assert "pip install" not in body
    # ...and the run-time environment stays as the action expects.
    assert "PYTHONDONTWRITEBYTECODE=1" in body and "PYTHONUNBUFFERED=1" in body
    # The builder's venv has no pip of its own.
    builder = "\n".join(line for stage in all_stages[:-1] for line in stage)
    assert "venv --without-pip" in builder
    # Byte-code is made at build time, for the venv and for the base image's standard library
    # (which ships without .pyc files), since PYTHONDONTWRITEBYTECODE stops caching at run time.
    for text in (builder, body):
        assert re.search(r"compileall .*--invalidation-mode unchecked-hash", text), text
    assert "/usr/local/lib/python3.11" in body


def test_an_install_like_the_images_holds_exactly_the_closure(tmp_path: Path) -> None:
    script = install_like_the_image(tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"

    listed = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m; print('\\n'.join(d.metadata['Name'] for d in m.distributions()))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert {canonicalize_name(name) for name in listed} == runtime_closure()
    assert not BUILD_TOOLS & {canonicalize_name(name) for name in listed}

    # Every part of offergate imports from that set alone, and the console script starts.
    package = ROOT / "src" / "offergate"
    modules = sorted(
        ".".join(p.relative_to(package).with_suffix("").parts)
        for p in package.rglob("*.py")
        if p.name not in ("__main__.py", "__init__.py")
    )
    imports = "; ".join(f"import offergate.{name}" for name in modules)
    subprocess.run([str(python), "-I", "-c", imports], check=True, cwd=tmp_path)
    version = subprocess.run([str(script), "--version"], check=True, capture_output=True, text=True, cwd=tmp_path)
    assert version.stdout.startswith("offergate ")
