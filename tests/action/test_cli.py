"""The main command's arguments (argparse over the input table), its help, and the help of every command."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from offergate.cli import main, parse_gate_args
from offergate.config.inputs import INPUTS, Group, env_name
from offergate.core.errors import InputError
from offergate.github.runner import Runner
from offergate.sandbox import CATALOG_SCENARIOS, SCENARIOS
from tests.packaging.test_metadata import action_descriptions


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, env=env or {}, out=out)
    return code, out.getvalue()


def test_flags_in_both_forms() -> None:
    parsed = parse_gate_args(["--publisher-id", "contoso", "--offer-id=a,b", "--summary-file", "s.md"])
    assert parsed.flags == {"publisher-id": "contoso", "offer-id": "a,b"}
    assert parsed.summary_file == "s.md"


def test_every_input_is_a_flag_in_both_forms() -> None:
    for spec in INPUTS:
        assert parse_gate_args([f"--{spec.name}", "v1"]).flags == {spec.name: "v1"}
        assert parse_gate_args([f"--{spec.name}=v=2"]).flags == {spec.name: "v=2"}


def test_a_value_starting_with_a_dash_is_the_value() -> None:
    assert parse_gate_args(["--azure-client-secret", "-abc~1", "--timeout", "--x"]).flags == {
        "azure-client-secret": "-abc~1",
        "timeout": "--x",
    }


def test_the_last_of_a_repeated_flag_wins_and_an_empty_value_counts() -> None:
    assert parse_gate_args(["--timeout", "1m", "--timeout=2m", "--offer-id="]).flags == {
        "timeout": "2m",
        "offer-id": "",
    }


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--publisher", "x"], "did you mean --publisher-id"),
        (["--publisher=x"], "did you mean --publisher-id"),
        (["--sumary-file", "s.md"], "did you mean --summary-file"),
        (["stray"], "unexpected argument"),
        (["--timeout"], "needs a value"),
        (["--debug=yes"], "--debug"),
    ],
)
def test_bad_flags(argv: list[str], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        parse_gate_args(argv)


def test_unknown_flag_exits_2_with_a_message() -> None:
    code, text = run(["--publisher", "x"])
    assert code == 2
    assert "did you mean --publisher-id" in text
    assert "unknown option --publisher " in text


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["stray"], ["unexpected argument 'stray'", "--name value"]),
        (["sanbox"], ["did you mean offergate sandbox"]),
        (["--timeout", "1m", "demo"], ["a command comes first: offergate demo"]),
        (["--timeout", "1m", "--", "x"], ["unexpected argument 'x'"]),
    ],
)
def test_unexpected_arguments_exit_2_with_a_clear_message(argv: list[str], fragments: list[str]) -> None:
    code, text = run(argv)
    assert code == 2
    assert text.startswith("error: offergate: bad input: ")
    for fragment in fragments:
        assert fragment in text


def test_a_stray_argument_that_may_be_a_secret_is_not_quoted() -> None:
    secret = "eyJ0eXAiOiJKV1QiLCJhbGciOi.JSUzI1NiJ9/secret+value"
    code, text = run(["--publisher-id", "p", secret])
    assert code == 2
    assert "unexpected argument number 3" in text
    assert secret not in text and "eyJ0" not in text


def test_argparse_errors_go_through_the_gate_error_output(tmp_path: Path) -> None:
    outputs = tmp_path / "out"
    code, text = run(["--debug=yes"], {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(outputs)})
    assert code == 2
    assert text.startswith("::error title=offergate%3A bad input::")
    assert "result<<" in outputs.read_text() and "\nerror\n" in outputs.read_text()


def test_help_lists_every_input_and_the_exit_codes() -> None:
    code, text = run(["--help"])
    assert code == 0
    assert "--marketplace-api-version" in text and "Exit codes" in text


def test_help_shows_every_flag_with_its_description_variable_and_default() -> None:
    code, text = run(["--help"])
    assert code == 0
    flat = " ".join(text.split())
    for spec in INPUTS:
        assert f"--{spec.name} {spec.metavar}" in text
        assert " ".join(spec.description.split()) in flat, spec.name
        shown = f"[{env_name(spec.name)}, default: {spec.default}]" if spec.default else f"[{env_name(spec.name)}]"
        assert shown in flat, spec.name
    for flag in ("--summary-file PATH", "--debug", "--version", "--help"):
        assert flag in text
    for code_line in ("0    passed", "2    bad input", "3    pending", "4    an API", "130", "143"):
        assert code_line in text


def test_help_groups_the_flags_in_order() -> None:
    text = run(["--help"])[1]
    headings = [text.index(f"\n{group.value}:\n") for group in Group]
    assert headings == sorted(headings)
    for spec in INPUTS:
        position = text.index(f"  --{spec.name} ")
        index = list(Group).index(spec.group)
        assert headings[index] < position
        assert index + 1 == len(headings) or position < headings[index + 1]
    assert headings[-1] < text.index("  --summary-file PATH") < text.index("\ngeneral:\n")
    assert text.index("--authority-url") > text.index(f"\n{Group.COMMON.value}:\n")


def test_every_input_has_the_description_action_yml_gives_it() -> None:
    declared = action_descriptions("inputs")
    for spec in INPUTS:
        assert spec.description, spec.name
        assert " ".join(spec.description.split()) == " ".join(declared[spec.name].split()), spec.name


@pytest.mark.parametrize(
    "argv", [["--help"], ["-h"], ["help"], ["help", "gate"], ["help", "--help"], ["--timeout", "x", "--help"]]
)
def test_every_way_to_the_main_help(argv: list[str]) -> None:
    code, text = run(argv)
    assert code == 0
    assert text.startswith("usage: offergate [--INPUT VALUE ...]")
    assert "--publisher-id" in text


@pytest.mark.parametrize("argv", [["help", "sandbox"], ["sandbox", "--help"], ["sandbox", "-h"]])
def test_the_sandbox_help(argv: list[str]) -> None:
    code, text = run(argv)
    assert code == 0
    assert text.startswith("usage: offergate sandbox")
    assert "--time-scale" in text and "--publisher-id" not in text
    for name in [*SCENARIOS, *CATALOG_SCENARIOS]:
        assert name in text


@pytest.mark.parametrize("argv", [["help", "demo"], ["demo", "--help"], ["demo", "-h"]])
def test_the_demo_help(argv: list[str]) -> None:
    code, text = run(argv)
    assert code == 0
    assert text.startswith("usage: offergate demo")
    assert "takes no options" in text and "--publisher-id" not in text


def test_help_on_an_unknown_topic_exits_2() -> None:
    code, text = run(["help", "nope"])
    assert code == 2
    assert "no help on 'nope'" in text and "gate, demo, sandbox" in text


def test_version() -> None:
    code, text = run(["--version"])
    assert code == 0
    assert text.startswith("offergate ")


def test_input_variables_with_empty_values_count_as_unset() -> None:
    out = io.StringIO()
    env = {"INPUT_PUBLISHER-ID": "contoso", "INPUT_OFFER-ID": "", "INPUT_TIMEOUT": ""}
    assert main([], env=env, out=out) == 2
    assert "offer-id" in out.getvalue()


def test_flags_override_input_variables() -> None:
    out = io.StringIO()
    env = {"INPUT_PUBLISHER-ID": "contoso", "INPUT_OFFER-ID": "x", "INPUT_AZURE-ACCESS-TOKEN": "tok-abcdef"}
    assert main(["--timeout", "never"], env=env, out=out) == 2
    assert "timeout" in out.getvalue()


@pytest.mark.parametrize("debug", [True, False])
def test_debug_turns_debug_lines_on_as_runner_debug_does(debug: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import offergate.app

    handed: list[dict[str, str]] = []

    def gate(config: object, runner: Runner, clock: object, env: dict[str, str]) -> SimpleNamespace:
        handed.append(dict(env))
        runner.debug("a request")
        return SimpleNamespace(exit_code=3)

    monkeypatch.setattr(offergate.app, "run_gate", gate)
    argv = ["--publisher-id", "p", "--offer-id", "o", "--azure-access-token", "tok-123456"]
    code, text = run([*argv, "--debug"] if debug else argv)
    assert code == 3
    assert ("debug: a request" in text) is debug
    assert (handed[0].get("RUNNER_DEBUG") == "1") is debug
