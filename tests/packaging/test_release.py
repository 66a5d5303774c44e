"""Release conventions (RELEASING.md): one version, a changelog, `@v1` usage, the action's image."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib

import offergate
from tests.support.runner_env import ROOT

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
# A prebuilt image as action.yml's runs.image names it: docker://registry/owner/name:tag[@sha256:digest]
IMAGE = re.compile(
    r"^docker://(?P<name>[a-z0-9.-]+(?::\d+)?(?:/[a-z0-9._-]+)+):(?P<tag>[^@:/\s]+)(?:@sha256:[0-9a-f]{64})?$"
)


def version() -> str:
    value = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert isinstance(value, str)
    return value


def runs_image() -> str:
    """runs.image of action.yml (its plain block style; PyYAML is not a test dependency)."""
    runs = (ROOT / "action.yml").read_text().split("\nruns:\n", 1)[1]
    assert re.search(r"^  using: docker$", runs, flags=re.MULTILINE)
    match = re.search(r"^  image: ['\"]?([^'\"\s]+)['\"]?$", runs, flags=re.MULTILINE)
    assert match, "action.yml has no runs.image"
    return match.group(1)


def test_version_is_semver_and_only_in_pyproject() -> None:
    assert SEMVER.match(version()), version()
    # the installed metadata is what the code reads; a stale install means: reinstall
    assert importlib.metadata.version("offergate") == version(), "reinstall: python3 -m pip install -e '.[test]'"
    assert offergate.__version__ == version()
    literal = re.compile(rf"""["']{re.escape(version())}["']""")
    for path in (ROOT / "src" / "offergate").rglob("*.py"):
        assert not literal.search(path.read_text()), f"{path.relative_to(ROOT)} spells the version"


def test_action_image_is_the_dockerfile_or_the_release_image() -> None:
    image = runs_image()
    if image == "Dockerfile":
        assert (ROOT / "Dockerfile").is_file()
    else:
        match = IMAGE.match(image)
        assert match, f"runs.image {image!r}: use docker://<registry>/<owner>/<name>:<version> (RELEASING.md)"
        assert match["tag"] == version(), f"runs.image tag {match['tag']} is not the package version {version()}"


def test_the_documented_switch_gives_a_tag_the_test_accepts() -> None:
    text = (ROOT / "RELEASING.md").read_text()
    examples = re.findall(r"^\s*image: (docker://\S+)$", text, flags=re.MULTILINE)
    assert examples, "RELEASING.md shows the runs.image line of a prebuilt image"
    for example in examples:
        match = IMAGE.match(example)
        assert match and SEMVER.match(match["tag"]), example
    assert "image: Dockerfile" in text and "tests/packaging/test_release.py" in text


def test_changelog_has_a_section_for_this_version_or_unreleased() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    sections = re.findall(r"^## \[([^\]]+)\]", text, flags=re.MULTILINE)
    assert sections, "CHANGELOG.md has no ## [version] sections"
    assert version() in sections or "Unreleased" in sections
    assert sections[0] == "Unreleased" or SEMVER.match(sections[0]), "the newest section comes first"
    for name in sections:
        assert name == "Unreleased" or SEMVER.match(name), name
        assert re.search(rf"^\[{re.escape(name)}\]: https://", text, flags=re.MULTILINE), f"link for [{name}]"


def test_readme_and_examples_use_the_major_tag() -> None:
    for path in [ROOT / "README.md", *sorted((ROOT / "examples").glob("*.yml"))]:
        uses = re.findall(r"uses: offergate/offergate@(\S+)", path.read_text())
        assert set(uses) <= {"v1"}, f"{path.name}: {uses}"
    assert "uses: offergate/offergate@v1" in (ROOT / "README.md").read_text()


def test_dependabot_watches_pip_docker_and_actions() -> None:
    text = (ROOT / ".github" / "dependabot.yml").read_text()
    assert re.search(r"^version: 2$", text, flags=re.MULTILINE)
    entries = re.split(r"^  - (?=package-ecosystem:)", text.split("\nupdates:\n", 1)[1], flags=re.MULTILINE)[1:]
    ecosystems = {re.match(r"package-ecosystem: (\S+)", e).group(1): e for e in entries}  # type: ignore[union-attr]
    assert set(ecosystems) == {"pip", "docker", "github-actions"}
    for entry in ecosystems.values():
        assert re.search(r"^    directory: /$", entry, flags=re.MULTILINE)
        assert re.search(r"^      interval: (daily|weekly|monthly)$", entry, flags=re.MULTILINE)
