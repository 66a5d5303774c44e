"""The offer gate's inputs, read into `OfferSettings`."""

from __future__ import annotations

import re
from collections.abc import Mapping

from offergate.config.credentials import azure_credentials
from offergate.config.values import (
    parse_base_url,
    parse_choice,
    parse_id_list,
    parse_identifier,
    parse_listed_id,
    shown,
    url_path_segments,
)
from offergate.core.errors import InputError
from offergate.offers.settings import OfferSettings, WaitUntil

_API_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(-preview)?")


def parse_marketplace_url(value: str) -> str:
    """marketplace-url, refused when it already holds the /api/publishers/… path the gate appends."""
    url = parse_base_url("marketplace-url", value)
    if "api" in url_path_segments(url):
        raise InputError(
            "marketplace-url",
            "already holds part of the path the gate appends to it (/api/publishers/{publisher-id}/offers/…): "
            "give only the address of the API, such as https://cloudpartner.azure.com (the publisher goes in "
            "publisher-id, the offers in offer-id)",
        )
    return url


def offer_settings(raw: Mapping[str, str], env: Mapping[str, str], notices: list[str]) -> OfferSettings | None:
    publisher = raw["publisher-id"].strip()
    offer_list = parse_id_list("offer-id", raw["offer-id"])
    if not publisher and not offer_list:
        return None
    if not publisher:
        raise InputError("publisher-id", "is required with offer-id: give the publisher namespace, e.g. contoso")
    if not offer_list:
        raise InputError("offer-id", "is required with publisher-id: give one or more offer ids")
    wait_until = parse_choice("wait-until", raw["wait-until"], WaitUntil)
    api_version = raw["marketplace-api-version"].strip()
    if not _API_VERSION.fullmatch(api_version):
        raise InputError("marketplace-api-version", f"{shown(api_version)} is not an API version such as 2017-10-31")
    return OfferSettings(
        publisher_id=parse_identifier("publisher-id", publisher),
        offer_ids=tuple(parse_listed_id("offer-id", o) for o in offer_list),
        wait_until=wait_until,
        marketplace_url=parse_marketplace_url(raw["marketplace-url"]),
        api_version=api_version,
        credentials=azure_credentials(raw, env, notices),
    )
