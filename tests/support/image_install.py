"""An install of offergate laid out as the image's venv holds it, made offline without Docker.

The image builds offergate's wheel and installs it with its dependencies into a venv that has no
pip. Offline (no `wheel` package, no index) the same result is laid out by hand: a venv without
pip or system site-packages; offergate's package, its dist-info (metadata from pyproject.toml)
and its console script as a wheel install writes them; and each distribution of the runtime
closure (pyproject's dependencies and theirs, extras left out) copied from this environment by
its RECORD. Used by tests/packaging/test_container_image.py and bench/startup.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def project() -> dict[str, object]:
    table = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert isinstance(table, dict)
    return table


def runtime_closure() -> set[str]:
    """offergate and every distribution its dependencies need (no extras), by canonical name."""
    declared = project()["dependencies"]
    assert isinstance(declared, list)
    found = {"offergate"}
    todo = [Requirement(text) for text in declared]
    while todo:
        requirement = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        found.add(name)
        todo += [Requirement(text) for text in metadata.requires(name) or []]
    return found


def _copy_installed(name: str, site: Path) -> None:
    """One installed distribution's files (as its RECORD lists them) into another site-packages."""
    dist = metadata.distribution(name)
    for file in dist.files or []:
        source = Path(str(dist.locate_file(file)))
        if file.parts[0] == ".." or "__pycache__" in file.parts or not source.is_file():
            continue
        target = site / file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def install_like_the_image(venv: Path, *, compile_bytecode: bool = False) -> Path:
    """Make `venv` as the image's; return its `offergate` console script."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    assert site.is_dir(), site
    shutil.copytree(
        ROOT / "src" / "offergate", site / "offergate", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    meta = project()
    info = site / f"offergate-{meta['version']}.dist-info"
    info.mkdir()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {meta['name']}",
        f"Version: {meta['version']}",
        f"Requires-Python: {meta['requires-python']}",
    ]
    lines += [f"Requires-Dist: {text}" for text in meta["dependencies"]]  # type: ignore[attr-defined]
    (info / "METADATA").write_text("\n".join(lines) + "\n")
    scripts = meta["scripts"]
    assert isinstance(scripts, dict)
    (info / "entry_points.txt").write_text(
        "[console_scripts]\n" + "".join(f"{name} = {target}\n" for name, target in scripts.items())
    )
    (info / "INSTALLER").write_text("offergate-tests\n")
    (info / "RECORD").write_text("")
    for name in runtime_closure() - {"offergate"}:
        _copy_installed(name, site)
    for name, target in scripts.items():
        module, function = target.split(":")
        script = venv / "bin" / name
        script.write_text(
            f"#!{python}\nimport sys\nfrom {module} import {function}\n"
            f"if __name__ == '__main__':\n    sys.exit({function}())\n"
        )
        script.chmod(0o755)
    if compile_bytecode:  # as the Dockerfile does: byte-code made at build time, read at run time
        subprocess.run(
            [str(python), "-m", "compileall", "-q", "-f", "--invalidation-mode", "unchecked-hash", str(site)],
            check=True,
        )
    return venv / "bin" / "offergate"
