import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offergate.catalogs.model import (
    parse_catalogs_json,
    parse_catalogs_xml,
    parse_status_json,
    parse_status_xml,
)
from offergate.core.errors import ApiError


def test_json_status_without_report_url() -> None:
    status = parse_status_json("c1", {"catalogId": 123, "publishedCount": 10, "rejectedCount": 0})
    assert (status.catalog_id, status.published, status.rejected, status.report_url) == ("123", 10, 0, None)


def test_json_counts_as_strings_or_missing() -> None:
    """A published count may be missing (0); the rejected count may not (see tests/hardening)."""
    status = parse_status_json("c1", {"publishedCount": "7", "rejectedCount": "0"})
    assert (status.catalog_id, status.published, status.rejected) == ("c1", 7, 0)
    assert parse_status_json("c1", {"rejectedCount": 2}).published == 0
    assert parse_status_json("c1", {"publishedCount": None, "rejectedCount": 2}).published == 0


@pytest.mark.parametrize("bad", [{"rejectedCount": "many"}, {"rejectedCount": -1}, {"rejectedCount": True}, ["x"]])
def test_json_wrong_types_are_clear_errors(bad: object) -> None:
    with pytest.raises(ApiError, match="wrong shape"):
        parse_status_json("c1", bad)


@pytest.mark.parametrize(
    "element", ["rejection_report_url", "rejectionReportUrl", "REJECTION_REPORT_URL", "rejection_reportUrl"]
)
def test_xml_report_url_under_any_spelling(element: str) -> None:
    xml = (
        f"<catalogStatus><catalog_id>42</catalog_id><published_count>5</published_count>"
        f"<rejected_count>2</rejected_count><{element}>https://r/x?token=abc</{element}></catalogStatus>"
    )
    status = parse_status_xml("42", xml.encode())
    assert (status.published, status.rejected, status.report_url) == (5, 2, "https://r/x?token=abc")


@pytest.mark.parametrize(
    "payload",
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            b"<catalogStatus>&lol2;</catalogStatus>"
        ),
        b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><catalogStatus><catalog_id>&xxe;</catalog_id></catalogStatus>',
        b'<!DOCTYPE x SYSTEM "http://example.com/x.dtd"><catalogStatus/>',
    ],
)
def test_xml_with_dtd_or_entities_is_refused(payload: bytes) -> None:
    with pytest.raises(ApiError, match="refused"):
        parse_status_xml("1", payload)


def test_xml_wrong_root_and_garbage() -> None:
    with pytest.raises(ApiError, match="catalogStatus"):
        parse_status_xml("1", b"<errorPage><body>error</body></errorPage>")
    with pytest.raises(ApiError, match="HTML page instead of XML"):
        parse_status_xml("1", b"<html><body>error</body></html>")
    with pytest.raises(ApiError, match="HTML page instead of XML"):
        parse_status_xml("1", b"<p>error</p>", content_type="text/html")
    with pytest.raises(ApiError, match="empty body"):
        parse_status_xml("1", b" \n")
    with pytest.raises(ApiError, match="not <catalogs>"):
        parse_catalogs_xml(b"<errorPage/>")
    assert parse_catalogs_xml(b"<catalogs/>") == []
    with pytest.raises(ApiError, match="not well-formed"):
        parse_status_xml("1", b"<catalogStatus>")


def test_catalog_lists() -> None:
    body = {
        "catalogs": [
            {"id": 1, "name": "Default", "market": "en-US", "isDefault": True, "isPublishingEnabled": True},
            {"name": "no id"},
        ]
    }
    assert [c.id for c in parse_catalogs_json(body)] == ["1"]
    xml = b"<catalogs><catalog><id>1</id><name>A</name></catalog><catalog><id>2</id></catalog></catalogs>"
    assert [c.id for c in parse_catalogs_xml(xml)] == ["1", "2"]


def test_json_report_url_that_is_not_a_string_is_ignored() -> None:
    assert parse_status_json("c1", {"rejectedCount": 1, "rejectionReportUrl": {"u": 1}}).report_url is None


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    ["catalogId", "publishedCount", "rejectedCount", "rejectionReportUrl", "catalogs", "id"]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_any_json_gives_a_status_or_an_api_error(body: object) -> None:
    for parse in (lambda: parse_status_json("c1", body), lambda: parse_catalogs_json(body)):
        try:
            parse()
        except ApiError as error:
            assert "HTTP 200" in error.describe()  # noqa: PT017 - a status or an ApiError are both right


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(alphabet="<>/!&;abc xml?\"'=[]", max_size=80).map(str.encode))
def test_any_bytes_give_a_status_or_an_api_error(data: bytes) -> None:
    for parse in (lambda: parse_status_xml("c1", data), lambda: parse_catalogs_xml(data)):
        with contextlib.suppress(ApiError):
            parse()
