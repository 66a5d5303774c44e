import pytest

from offergate.core.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("45m", 2700),
        ("2h", 7200),
        ("1h30m", 5400),
        ("600", 600),
        ("0", 0),
        ("5h30m", 19800),
        ("1d2h", 93600),
        (" 1H 30M ", 5400),
        ("1.5", 1.5),
        ("30m15s", 1815),
    ],
)
def test_accepted_forms(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "abc", "1x", "h", "-5", "1h1h", "1,5m", "5 minutes", "1e999", "nan", "inf", "-1h", "١٥", "1h\x0030m"]
)
def test_rejected_forms(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(("seconds", "text"), [(0, "0s"), (90, "1m30s"), (19800, "5h30m"), (93600, "1d2h")])
def test_format(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is empty"),
        ("soon", "is not a duration (examples: 90s, 45m, 2h, 1h30m, 600)"),
        ("-5", "is negative: give a duration of 0 or more (examples: 90s, 45m, 2h, 1h30m, 600)"),
        ("1h1h", "names the unit 'h' twice"),
    ],
)
def test_reasons_finish_a_sentence_about_the_value_without_quoting_it(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(text)
    assert str(caught.value) == reason


def test_a_very_long_number_is_infinite_for_the_caller_to_bound() -> None:
    assert parse_duration("9" * 400) == float("inf")
