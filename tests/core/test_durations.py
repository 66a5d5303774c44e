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


@pytest.mark.parametrize("text", ["", "abc", "1x", "h", "-5", "1h1h", "1,5m", "5 minutes"])
def test_rejected_forms(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(("seconds", "text"), [(0, "0s"), (90, "1m30s"), (19800, "5h30m"), (93600, "1d2h")])
def test_format(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
