import io

import pytest

from offergate.cli import main, parse_flags
from offergate.core.errors import InputError


def test_flags_in_both_forms() -> None:
    flags, summary_file = parse_flags(["--publisher-id", "contoso", "--offer-id=a,b", "--summary-file", "s.md"])
    assert flags == {"publisher-id": "contoso", "offer-id": "a,b"}
    assert summary_file == "s.md"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--publisher", "x"], "did you mean --publisher-id"),
        (["stray"], "unexpected argument"),
        (["--timeout"], "needs a value"),
    ],
)
def test_bad_flags(argv: list[str], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        parse_flags(argv)


def test_unknown_flag_exits_2_with_a_message() -> None:
    out = io.StringIO()
    assert main(["--publisher", "x"], env={}, out=out) == 2
    assert "did you mean --publisher-id" in out.getvalue()


def test_help_lists_every_input_and_the_exit_codes() -> None:
    out = io.StringIO()
    assert main(["--help"], env={}, out=out) == 0
    assert "--marketplace-api-version" in out.getvalue() and "Exit codes" in out.getvalue()


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
