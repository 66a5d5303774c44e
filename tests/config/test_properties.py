"""Any text in any input gives a Config or an InputError naming the input, never another exception.

And the message is one printable line of bounded length: unprintable characters escaped, values cut.
"""

from __future__ import annotations

import io
from types import SimpleNamespace
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offergate.cli import main
from offergate.config.inputs import INPUTS, SECRET_INPUTS, env_name
from offergate.config.parse import Config, parse_config
from offergate.core.errors import InputError

BOTH = {
    "publisher-id": "contoso",
    "offer-id": "vm-offer",
    "azure-access-token": "tok-123456",
    "merchant-id": "123456",
    "catalog-id": "1001",
    "developer-token": "dev-token",
    "ads-access-token": "ads-tok",
}
URL_INPUTS = ("marketplace-url", "authority-url", "content-api-url")
MARKER = "Zq7Marker"

odd = st.sampled_from(["\x00", "\n", "\r", "\t", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\u200b", "\ufeff"])
punctuation = st.sampled_from(list("-:/@?#%.,_=+ ~[]0"))
pieces = st.sampled_from(["://", "http://", "https://", "127.0.0.1", "user:pw@", "/api/", "bmc/"])
characters = st.one_of(st.characters(), st.characters(codec=None, categories=["Cs"]), odd, punctuation)
anything = st.one_of(
    st.lists(st.one_of(characters, pieces), max_size=40).map("".join),
    st.text("0123456789.", max_size=600),
    st.builds(lambda n, unit: n + unit, st.text("0123456789", min_size=1, max_size=400), st.sampled_from("dhms")),
    st.sampled_from(["1e999", "nan", "inf", "-inf", "-5", "-0", "+5", "0x10", "١٥", "all", "ALL", "true", "0"]),
)


def check(given_inputs: dict[str, str], name: str, env: dict[str, str] | None = None) -> None:
    try:
        result = parse_config(given_inputs, env or {})
    except InputError as error:
        text = str(error)
        assert text.isprintable(), repr(text)
        assert len(text) < 700, text
        if name in SECRET_INPUTS:
            assert MARKER not in text
    else:
        assert isinstance(result, Config)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from([spec.name for spec in INPUTS]), value=anything)
def test_any_text_in_any_input_is_a_config_or_an_input_error(name: str, value: str) -> None:
    check({**BOTH, name: value}, name)
    check({name: value}, name)  # alone: the other gate's inputs missing


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from([spec.name for spec in INPUTS]), value=anything)
def test_every_input_against_a_full_configuration(name: str, value: str) -> None:
    full = {**BOTH, "azure-tenant-id": "t", "azure-client-id": "c", "azure-client-secret": "s", "ads-client-id": "a"}
    check({**full, "ads-refresh-token": "r", name: value}, name, {"ACTIONS_ID_TOKEN_REQUEST_URL": value})


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(sorted(SECRET_INPUTS)), value=anything)
def test_a_secret_is_never_quoted(name: str, value: str) -> None:
    check({**BOTH, "azure-tenant-id": "t", "azure-client-id": "c", "ads-client-id": "a", name: MARKER + value}, name)


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(URL_INPUTS),
    scheme=st.sampled_from(["http", "https", "HTTP", "ftp", "", "javascript"]),
    host=st.one_of(
        st.sampled_from(["example.com", "127.0.0.1", "[::1]", "localhost", ""]), st.text(characters, max_size=12)
    ),
    port=st.one_of(st.just(""), st.builds(lambda p: f":{p}", st.text("0123456789x", max_size=7))),
    path=st.text(characters, max_size=20),
    tail=st.sampled_from(["", "?", "#", "?q=1", "/"]),
)
def test_a_url_is_shown_at_most_as_scheme_and_host(
    name: str, scheme: str, host: str, port: str, path: str, tail: str
) -> None:
    for userinfo, after in ((f"u{MARKER}:p{MARKER}@", ""), ("", f"/{MARKER}{path}{tail}"), ("", f"/?{MARKER}")):
        url = f"{scheme}://{userinfo}{host}{port}{after}"
        error = input_error({**BOTH, name: url})
        if error is not None:
            assert error.input_name == name
            assert MARKER not in str(error), (url, str(error))
            assert str(error).isprintable()


def input_error(given_inputs: dict[str, str]) -> InputError | None:
    try:
        parse_config(given_inputs, {})
    except InputError as error:
        return error
    return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from([spec.name for spec in INPUTS]), value=anything, as_flag=st.booleans())
def test_any_text_through_the_real_command_exits_0_or_2_without_a_traceback(
    name: str, value: str, as_flag: bool
) -> None:
    env = {env_name(key): item for key, item in BOTH.items()}
    argv = [f"--{name}={value}"] if as_flag else []
    if not as_flag:
        env[env_name(name)] = value
    out = io.StringIO()
    with mock.patch("offergate.app.run_gate", return_value=SimpleNamespace(exit_code=0)):
        code = main(argv, env=env, out=out)
    assert code in (0, 2), out.getvalue()
    assert "Traceback" not in out.getvalue() and "internal error" not in out.getvalue()
    for line in out.getvalue().splitlines():
        assert line.isprintable() and len(line) < 800, repr(line)
