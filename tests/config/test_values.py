"""Wrong values are said safely: the input named, the value escaped and cut, a URL shown at most as scheme and host."""

from __future__ import annotations

import pytest

from offergate.config.parse import parse_config
from offergate.config.values import ECHO_LIMIT, parse_base_url, parse_count, parse_seconds, shown
from offergate.core.errors import InputError

OFFERS = {"publisher-id": "contoso", "offer-id": "vm-offer", "azure-access-token": "tok-123456"}
CATALOGS = {
    "merchant-id": "123456",
    "catalog-id": "1001",
    "developer-token": "dev-token",
    "ads-access-token": "ads-tok",
}
BOTH = {**OFFERS, **CATALOGS}
URL_INPUTS = ("marketplace-url", "authority-url", "content-api-url")
SECRET_INPUTS = (
    "azure-access-token",
    "azure-client-secret",
    "developer-token",
    "ads-access-token",
    "ads-client-secret",
    "ads-refresh-token",
)


def error_for(name: str, value: str, base: dict[str, str] | None = None) -> InputError:
    given = {**(base or BOTH), name: value}
    if name == "azure-client-secret":
        given |= {"azure-tenant-id": "t", "azure-client-id": "c"}
    if name in ("ads-client-secret", "ads-refresh-token"):
        given |= {"ads-client-id": "c", "ads-refresh-token": given.get("ads-refresh-token", "rt-1")}
    with pytest.raises(InputError) as caught:
        parse_config(given, {})
    return caught.value


def test_shown_escapes_unprintable_characters_and_cuts() -> None:
    assert shown(" abc ") == "'abc'"
    assert shown("a\x00b\x1b[31m\ud800\u202e\u200bz\n") == "'a\\x00b\\x1b[31m\\ud800\\u202e\\u200bz'"
    long = shown("x" * 1000)
    assert long == "'" + "x" * ECHO_LIMIT + "…' (1000 characters)"
    assert shown("🙂") == "'🙂'"


@pytest.mark.parametrize(
    "secret_url",
    [
        "http://user:hunter2secret@example.com/",
        "https://user:hunter2secret@example.com/",
        "https://hunter2secret@example.com",
        "https://:hunter2secret@127.0.0.1:8080/",
        "https://example.com/?token=hunter2secret",
        "https://example.com/#hunter2secret",
        "http://example.com/hunter2secret/",
        "ftp://example.com/hunter2secret",
        "hunter2secret",
        "https://exa mple.com/hunter2secret",
        "https://[::1/hunter2secret",
        "https://example.com:99999/hunter2secret",
        "https://example.com:port/hunter2secret",
        "https://a..b/hunter2secret",
        "http://example.com\n/hunter2secret",
    ],
)
@pytest.mark.parametrize("name", URL_INPUTS)
def test_a_url_is_never_echoed_past_its_host(name: str, secret_url: str) -> None:
    error = error_for(name, secret_url)
    assert error.input_name == name
    assert "hunter2secret" not in str(error)
    assert str(error).isprintable()


def test_a_url_with_credentials_says_what_is_wrong() -> None:
    error = error_for("marketplace-url", "http://user:secret@example.com/")
    assert "must not carry credentials" in str(error)
    assert "secret" not in str(error).replace("must not carry credentials", "")
    error = error_for("content-api-url", "http://example.com/shopping/v9.1/bmc/")
    assert "'http://example.com' uses plain http" in str(error)
    assert "shopping" not in str(error)


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("content-api-url", "https://content.api.bingads.microsoft.com/shopping/v9.1/bmc/123456", "/bmc/"),
        ("content-api-url", "https://content.api.bingads.microsoft.com/shopping/v9.1/bmc/123456/", "merchant-id"),
        ("content-api-url", "https://content.api.bingads.microsoft.com/shopping/v9.1/bmc/1/catalogs", "merchant-id"),
        ("marketplace-url", "https://cloudpartner.azure.com/api/publishers/contoso", "https://cloudpartner.azure.com"),
        ("marketplace-url", "https://cloudpartner.azure.com/api", "publisher-id"),
        ("authority-url", "https://login.microsoftonline.com/common", "https://login.microsoftonline.com "),
        ("authority-url", "https://login.microsoftonline.com/contoso.onmicrosoft.com", "azure-tenant-id"),
        (
            "authority-url",
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token",
            "{tenant}/oauth2/v2.0/token",
        ),
    ],
)
def test_a_url_holding_the_path_the_gate_appends_is_explained(name: str, value: str, fragment: str) -> None:
    error = error_for(name, value)
    assert error.input_name == name
    assert "already holds part of the path the gate appends" in str(error)
    assert fragment in str(error)
    assert "contoso" not in str(error).replace("contoso.onmicrosoft", "")  # the path is not echoed


def test_the_authority_with_the_tenant_given_as_its_last_segment() -> None:
    error = error_for(
        "authority-url",
        "https://login.microsoftonline.com/my-tenant",
        {**OFFERS, "azure-tenant-id": "my-tenant", "azure-client-id": "c", "azure-client-secret": "s"},
    )
    assert "already holds part of the path" in str(error)


@pytest.mark.parametrize(
    "url",
    [
        "https://cloudpartner.azure.com",
        "https://cloudpartner.azure.com/",
        "http://127.0.0.1:8080",
        "https://proxy.example.com/partner",
        "http://[::1]:8080/",
    ],
)
def test_good_marketplace_urls_still_work(url: str) -> None:
    config = parse_config({**OFFERS, "marketplace-url": url}, {})
    assert config.offers is not None and config.offers.marketplace_url == url.rstrip("/")


def test_the_default_and_sandbox_content_api_urls_still_work() -> None:
    config = parse_config(CATALOGS, {})
    assert config.catalogs is not None
    assert config.catalogs.content_api_url == "https://content.api.bingads.microsoft.com/shopping/v9.1/bmc/"
    sandbox = parse_config({**CATALOGS, "content-api-url": "http://127.0.0.1:9/shopping/v9.1/bmc/"}, {})
    assert sandbox.catalogs is not None and sandbox.catalogs.content_api_url == "http://127.0.0.1:9/shopping/v9.1/bmc/"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("9" * 400, "at most 35d"),
        ("9" * 400 + "d", "at most 35d"),
        ("36d", "at most 35d"),
        ("1e999", "not a duration"),
        ("nan", "not a duration"),
        ("inf", "not a duration"),
        ("-inf", "not a duration"),
        ("-5", "is negative"),
        ("-1h", "is negative"),
        ("١٥", "not a duration"),
        ("1h\t30m", "not a duration"),
    ],
)
@pytest.mark.parametrize("name", ["timeout", "poll-interval"])
def test_durations_out_of_any_sense_exit_2(name: str, value: str, fragment: str) -> None:
    error = error_for(name, value)
    assert error.input_name == name
    assert fragment in str(error)
    assert len(str(error)) < 300 and str(error).isprintable()


def test_the_longest_duration_is_accepted() -> None:
    assert parse_seconds("timeout", "35d") == 35 * 86400
    assert parse_seconds("timeout", "0") == 0


@pytest.mark.parametrize("value", ["9" * 400, "9" * 5000, "1000000001", "1e9", "-1", "1.5", "١", "0x10", "+5"])
@pytest.mark.parametrize("name", ["max-rejections", "expected-offers", "max-table-rows"])
def test_counts_out_of_range_exit_2_naming_the_input(name: str, value: str) -> None:
    error = error_for(name, value)
    assert error.input_name == name
    assert "whole number" in str(error) or "at most" in str(error)
    assert len(str(error)) < 300


def test_a_400_digit_count_is_described_not_echoed() -> None:
    assert "got a 400-digit number" in str(error_for("max-rejections", "9" * 400))
    assert parse_count("max-rejections", "000000000000000000007") == 7
    assert parse_count("max-rejections", "1000000000") == 1_000_000_000


UNPRINTABLE = ["a\x00b", "a\nb\x1b[2J", "a\ud800", "a\u202eb", "a\x7f", "x\x9by"]
STRICT_IDS = ["publisher-id", "merchant-id", "customer-id", "azure-tenant-id"]
LISTED_IDS = ["offer-id", "catalog-id"]  # a name there is left to the API's list (test_names_in_listed_ids…)


@pytest.mark.parametrize(
    ("name", "value"),
    [(n, v) for n in STRICT_IDS + LISTED_IDS for v in UNPRINTABLE] + [(n, "a b") for n in STRICT_IDS],
)
def test_ids_with_unprintable_characters_exit_2_escaped(name: str, value: str) -> None:
    base = {**BOTH, "customer-account-id": "1"} if name == "customer-id" else BOTH
    if name == "azure-tenant-id":
        base = {**base, "azure-client-id": "c", "azure-client-secret": "s"}
    error = error_for(name, value, base)
    assert error.input_name == name
    assert "not a valid id" in str(error)
    assert str(error).isprintable()


@pytest.mark.parametrize("value", ["tok\x00en", "tok\nen", "tok en", "tok\ud800", "tokén", "tok\u202e"])
@pytest.mark.parametrize("name", SECRET_INPUTS)
def test_secrets_with_odd_characters_are_refused_without_being_quoted(name: str, value: str) -> None:
    error = error_for(name, "Zq7" + value)
    assert error.input_name == name
    assert "Zq7" not in str(error) and "printable ASCII" in str(error)
    assert str(error).isprintable()


@pytest.mark.parametrize("value", ["off\x00", "a\nb", "x\ud800", "x" * 2000])
def test_report_dir_with_odd_characters_exits_2(value: str) -> None:
    error = error_for("report-dir", value)
    assert error.input_name == "report-dir" and str(error).isprintable() and len(str(error)) < 300


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("wait-until", "\x1b[31mlive"),
        ("summary", "yes\x00"),
        ("content-format", "\ud800"),
        ("marketplace-api-version", "2017-10\n-31"),
        ("marketplace-api-version", "2017\u202e"),
    ],
)
def test_choices_and_versions_echo_escaped(name: str, value: str) -> None:
    error = error_for(name, value)
    assert error.input_name == name and str(error).isprintable()


def test_parse_base_url_keeps_its_result() -> None:
    assert parse_base_url("marketplace-url", " https://cloudpartner.azure.com/ ") == "https://cloudpartner.azure.com"


@pytest.mark.parametrize("name", ["offer-id", "catalog-id"])
def test_a_list_of_too_many_ids_is_refused_quickly(name: str) -> None:
    error = error_for(name, ",".join(f"id-{n}" for n in range(200_000)))
    assert error.input_name == name and "lists 200000 ids: give at most 1000" in str(error)
    config = parse_config({**BOTH, name: ",".join(f"id-{n}" for n in range(1000))}, {})
    assert config.offers is not None and config.catalogs is not None


@pytest.mark.parametrize("name", ["offer-id", "catalog-id"])
@pytest.mark.parametrize("value", ["Contoso VM", "Main catalog", "Café offer"])
def test_names_in_listed_ids_are_left_to_the_apis_list(name: str, value: str) -> None:
    config = parse_config({**BOTH, name: value}, {})
    assert config.offers is not None and config.catalogs is not None
    given = config.offers.offer_ids if name == "offer-id" else config.catalogs.catalog_ids
    assert given == (value,)


@pytest.mark.parametrize("name", ["offer-id", "catalog-id"])
@pytest.mark.parametrize("value", ["../etc", "a/b", "a\\b", "x" * 129])
def test_listed_ids_that_look_like_paths_or_are_too_long_exit_2(name: str, value: str) -> None:
    error = error_for(name, value)
    assert error.input_name == name and "not a valid id" in str(error)
