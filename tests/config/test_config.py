import pytest

from offergate.config.parse import parse_config
from offergate.config.values import parse_list
from offergate.core.errors import InputError
from offergate.core.outcome import OnPending
from offergate.core.secret import Secret
from offergate.offers.settings import WaitUntil

BASE = {"publisher-id": "contoso", "offer-id": "vm-offer", "azure-access-token": "tok-123456"}


def config_error(given: dict[str, str], env: dict[str, str] | None = None) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_config(given, env or {})
    return caught.value


def test_defaults() -> None:
    config = parse_config(BASE, {})
    assert config.timeout == 5.5 * 3600
    assert config.poll_interval == 60
    assert config.on_pending is OnPending.FAIL
    assert config.write_summary is True
    assert config.offers is not None
    assert config.offers.wait_until is WaitUntil.PUBLISHER_SIGNOFF
    assert config.offers.marketplace_url == "https://cloudpartner.azure.com"
    assert config.offers.credentials.kind == "access-token"


def test_offer_list_split_on_commas_and_new_lines() -> None:
    assert parse_list("a, b\nc\n\n a ,") == ("a", "b", "c")
    config = parse_config({**BASE, "offer-id": "one,\ntwo"}, {})
    assert config.offers is not None and config.offers.offer_ids == ("one", "two")


def test_secrets_stay_out_of_repr() -> None:
    config = parse_config(
        {**BASE, "azure-tenant-id": "t", "azure-client-id": "c", "azure-client-secret": "hunter2-secret"}, {}
    )
    assert "hunter2-secret" not in repr(config)
    assert "tok-123456" not in repr(config)
    assert repr(Secret("x")) == "Secret('***')"


@pytest.mark.parametrize(
    ("given", "input_name", "fragment"),
    [
        ({"offer-id": "x", "azure-access-token": "t"}, "publisher-id", "required"),
        ({"publisher-id": "contoso", "azure-access-token": "t"}, "offer-id", "required"),
        ({**BASE, "timeout": "soon"}, "timeout", "not a duration"),
        ({**BASE, "poll-interval": "0.5"}, "poll-interval", "at least 1s"),
        ({**BASE, "wait-until": "approved"}, "wait-until", "publisher-signoff, live"),
        ({**BASE, "on-pending": "maybe"}, "on-pending", "fail, warn, pass"),
        ({**BASE, "summary": "yes"}, "summary", "true or false"),
        ({**BASE, "marketplace-url": "ftp://example.com"}, "marketplace-url", "http(s)"),
        ({**BASE, "marketplace-url": "http://example.com"}, "marketplace-url", "https"),
        ({**BASE, "azure-tenant-id": "t"}, "azure-client-id", "required"),
        ({**BASE, "azure-client-id": "c"}, "azure-tenant-id", "required"),
        ({"publisher-id": "contoso", "offer-id": "x"}, "azure-access-token", "no credentials"),
        (
            {"publisher-id": "contoso", "offer-id": "x", "azure-tenant-id": "t", "azure-client-id": "c"},
            "azure-client-secret",
            "id-token: write",
        ),
        ({**BASE, "offer-id": "../etc"}, "offer-id", "not a valid id"),
        ({**BASE, "marketplace-api-version": "latest"}, "marketplace-api-version", "2017-10-31"),
    ],
)
def test_bad_input_names_the_input(given: dict[str, str], input_name: str, fragment: str) -> None:
    error = config_error(given)
    assert error.input_name == input_name
    assert fragment in str(error)


def test_nothing_to_gate() -> None:
    assert "nothing to gate" in str(config_error({}))


def test_http_allowed_for_loopback_only() -> None:
    config = parse_config({**BASE, "marketplace-url": "http://127.0.0.1:8080/"}, {})
    assert config.offers is not None and config.offers.marketplace_url == "http://127.0.0.1:8080"


def test_oidc_chosen_without_secret_when_github_provides_the_variables() -> None:
    env = {"ACTIONS_ID_TOKEN_REQUEST_URL": "https://x/token?a=1", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "rt"}
    config = parse_config({"publisher-id": "p", "offer-id": "o", "azure-tenant-id": "t", "azure-client-id": "c"}, env)
    assert config.offers is not None and config.offers.credentials.kind == "github-oidc"


def test_app_wins_over_static_token_and_says_so() -> None:
    config = parse_config({**BASE, "azure-tenant-id": "t", "azure-client-id": "c", "azure-client-secret": "s"}, {})
    assert config.offers is not None and config.offers.credentials.kind == "client-secret"
    assert any("the app is used" in n for n in config.notices)
