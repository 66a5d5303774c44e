"""The client's paging: where `@nextLink` may lead, and that `$version` stays."""

from __future__ import annotations

import pytest

from offergate.core.errors import ApiError
from offergate.offers.product_ingestion.client import next_page
from offergate.offers.product_ingestion.settings import DEFAULT_URL

BASE = DEFAULT_URL
VERSION = "2022-03-01-preview2"


@pytest.mark.parametrize(
    ("link", "url", "query"),
    [
        ("submission/g?$skipToken=2", f"{BASE}/submission/g", {"$skipToken": "2", "$version": VERSION}),
        ("/rp/product-ingestion/submission/g?$skip=4", f"{BASE}/submission/g", {"$skip": "4", "$version": VERSION}),
        (
            f"{BASE}/submission/g?$version=2022-03-01-preview2&x=1",
            f"{BASE}/submission/g",
            {"$version": VERSION, "x": "1"},
        ),
        ("submission/./g/../g?$skipToken=a%20b", f"{BASE}/submission/g", {"$skipToken": "a b", "$version": VERSION}),
    ],
)
def test_next_links_resolve_against_the_base(link: str, url: str, query: dict[str, str]) -> None:
    assert next_page(BASE, link, VERSION) == (url, query)


@pytest.mark.parametrize(
    "link",
    [
        "https://attacker.example/rp/product-ingestion/submission/g",
        "//attacker.example/rp/product-ingestion/x",
        "http://graph.microsoft.com/rp/product-ingestion/x",
        "/v1.0/me/messages",
        "../../v1.0/me",
        "/rp/product-ingestion-evil/x",
        "submission/g#fragment",
        "submission/g\r\nHost: x",
        "submission/g " + "x" * 3000,
    ],
)
def test_next_links_that_lead_away_are_refused(link: str) -> None:
    with pytest.raises(ApiError) as raised:
        next_page(BASE, link, VERSION)
    assert raised.value.status == 200 and not raised.value.transient
