"""Reading the Product Ingestion inputs: the API choice, ids, times, and the notices they bring."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from offergate.config.parse import parse_config
from offergate.core.errors import InputError

APP = {"azure-tenant-id": "t", "azure-client-id": "c", "azure-client-secret": "s"}


def ingestion(**inputs: str) -> dict[str, str]:
    return {"offer-api": "product-ingestion", "offer-id": "vm-offer", **APP, **inputs}


def test_the_default_api_is_the_cloud_partner_portal() -> None:
    config = parse_config({"publisher-id": "contoso", "offer-id": "vm-offer", **APP}, {})
    assert config.offers is not None and config.product_ingestion is None


def test_product_ingestion_settings() -> None:
    config = parse_config(ingestion(**{"offer-id": "a, b", "job-id": "JOB-1", "submission-id": "42"}), {})
    assert config.offers is None
    settings = config.product_ingestion
    assert settings is not None
    assert settings.offer_ids == ("a", "b")
    assert settings.url == "https://graph.microsoft.com/rp/product-ingestion"
    assert (settings.job_id, settings.submission_id, settings.submitted_after) == ("JOB-1", "42", None)
    assert settings.credentials.kind == "client-secret"


@pytest.mark.parametrize(
    ("given", "number"),
    [("1152921505690000001", "1152921505690000001"), (" submission/0F2B9C2E-1111-4A5B-9C7D-123456789ABC/7 ", "7")],
)
def test_submission_id_as_a_number_or_the_apis_id(given: str, number: str) -> None:
    settings = parse_config(ingestion(**{"submission-id": given}), {}).product_ingestion
    assert settings is not None and settings.submission_id == number


@pytest.mark.parametrize(
    ("given", "moment"),
    [
        ("2026-05-01T12:00:00Z", datetime(2026, 5, 1, 12, tzinfo=UTC)),
        ("2026-05-01T14:00:00+02:00", datetime(2026, 5, 1, 12, tzinfo=UTC)),
        ("2026-05-01", datetime(2026, 5, 1, tzinfo=UTC)),
    ],
)
def test_submitted_after_is_utc(given: str, moment: datetime) -> None:
    settings = parse_config(ingestion(**{"submitted-after": given}), {}).product_ingestion
    assert settings is not None and settings.submitted_after == moment


def test_notices_for_publisher_id_and_a_short_poll_interval_with_a_job() -> None:
    config = parse_config(ingestion(**{"publisher-id": "contoso", "job-id": "j", "poll-interval": "10s"}), {})
    assert any("publisher-id is not used" in n for n in config.notices)
    assert any("at most once a minute" in n for n in config.notices)
    quiet = parse_config(ingestion(**{"job-id": "j"}), {})
    assert quiet.notices == ()


@pytest.mark.parametrize(
    ("inputs", "name", "words"),
    [
        ({"offer-api": "product-ingestion", **APP, "job-id": "j"}, "offer-id", "is required with job-id"),
        (
            {"publisher-id": "contoso", "offer-id": "x", **APP, "submitted-after": "2026-01-01"},
            "submitted-after",
            "only",
        ),
        (ingestion(**{"product-ingestion-url": "http://graph.example"}), "product-ingestion-url", "plain http"),
        (ingestion(**{"submitted-after": "9999-12-31T23:59:59-01:00"}), "submitted-after", "not an ISO 8601 time"),
        (ingestion(**{"submitted-after": "2026-01-01\x00"}), "submitted-after", "'2026-01-01\\x00' is not"),
        ({"offer-api": "product-ingestion", "offer-id": "x"}, "azure-access-token", "the Product Ingestion API"),
    ],
)
def test_bad_inputs(inputs: dict[str, str], name: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_config(inputs, {})
    assert raised.value.input_name == name and words in raised.value.message
