"""URL redaction."""

from __future__ import annotations

import pytest

from offergate.transport.redaction import redact_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h/api?api-version=1&token=abc&alt=json", "https://h/api?api-version=1&token=***&alt=json"),
        ("https://u:p@h:8443/a/b?x=1#frag", "https://h:8443/a/b?x=***"),
        ("http://[::1]:80/p?Api-Version=2", "http://[::1]:80/p?Api-Version=2"),
        ("https://h/p?flag", "https://h/p?flag=***"),
        ("https://h/p", "https://h/p"),
        ("http://[::1/p", "(an invalid URL)"),
        ("https://h:99999/p", "(an invalid URL)"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected
