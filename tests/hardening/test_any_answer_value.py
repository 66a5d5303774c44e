"""No internal error from any value in an answer (containment item 5, the API part).

Hypothesis takes a good answer of each kind the gate reads (offer status, offer list, catalog
status, catalog list), puts arbitrary JSON values into some of its fields (or replaces it
whole), and runs the action end to end against the sandbox with it. Values include numbers no
float holds (`1e999`, `-1E400`), NaN, integers of hundreds of digits, nested junk, NUL, lone
surrogates, bidi controls and workflow commands; the catalog gate's XML answers get any text
and nesting in their elements, given twice or not. Whatever the answer, the run ends with a
documented exit code (0 passed, 1 failed, 3 pending, 4 the API could not be used) matching the
`result` output, with no traceback and no "internal error".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import STORE, Harness

EXIT_FOR_RESULT = {"passed": {0}, "failed": {1}, "pending": {0, 3}, "error": {4}}


@dataclass(frozen=True)
class Raw:
    """JSON text written as it is: numbers no Python float holds, or NaN."""

    text: str


def dump(value: Any) -> str:
    """JSON text for a value that may hold `Raw` numbers (ensure_ascii: lone surrogates as `\\ud800`)."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dump(v) for v in value) + "]"
    return json.dumps(value)


STRANGE = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "\u202egnissecorp",
    "::set-output name=result::passed",
    "%0A::error::x",
    "<b>html</b> &amp; &#0; &#x110000;",
    "Succeeded",
    "failed",
    "publishersignoff",
    "complete",
    "../../evil",
    "1" * 500,
    "x" * 20_000,
    "ftp://files.example/r.zip",
    "https://[::1",
)
RAW_NUMBERS = ("1e999", "-1E400", "NaN", "1" * 5000, "0.0000000000001e-400", "-0", "1.0")
STRANGE_TEXT = st.sampled_from(range(len(STRANGE))).map(lambda i: STRANGE[i])
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(range(len(RAW_NUMBERS))).map(lambda i: Raw(RAW_NUMBERS[i]))
    | st.text(max_size=20)
    | STRANGE_TEXT
)
JSON_VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | STRANGE_TEXT, inner, max_size=4),
    max_leaves=12,
)

OFFER_STATUS = {
    "status": "running",
    "steps": [
        {
            "id": "displaycertify",
            "stepName": "Certification",
            "status": "inProgress",
            "progressPercentage": 40,
            "processPercentage": 40,
            "estimatedTimeFrame": "1 hour",
            "messages": [{"messageHtml": "<p>checking</p>", "level": "info", "timestamp": "2026-01-01T00:00:00Z"}],
        },
        {"id": "publishersignoff", "stepName": "Publisher signoff", "status": "notStarted"},
    ],
    "messages": [{"messageHtml": "working", "level": "warning", "timestamp": "2026-01-01T00:00:00Z"}],
    "previewLinks": [{"displayText": "Preview", "uri": "https://preview.example/offer"}],
    "liveLinks": [{"displayText": "Live", "uri": "https://live.example/offer"}],
}
OFFER_LIST = {
    "value": [
        {
            "id": "vm-offer",
            "status": "running",
            "offerTypeId": "microsoft-azure-virtualmachines",
            "definition": {"displayText": "VM offer"},
        }
    ]
}
CATALOG_STATUS = {
    "catalogId": "1001",
    "publishedCount": 12,
    "rejectedCount": 0,
    "rejectionReportUrl": None,
}
CATALOG_LIST = {
    "catalogs": [{"id": "1001", "name": "main", "market": "en-US", "isDefault": True, "isPublishingEnabled": True}]
}


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every field of a document, as a path of keys and indexes (the document itself is `()`)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


def replaced(document: Any, changes: list[tuple[tuple[Any, ...], Any]]) -> Any:
    """A deep copy of `document` with each path set to its new value (a path gone by then is skipped)."""
    result = json.loads(json.dumps(document))
    for path, value in changes:
        if not path:
            result = value
            continue
        parent = result
        for key in path[:-1]:
            parent = child_of(parent, key)
        last = path[-1]
        if (isinstance(parent, dict) and isinstance(last, str)) or (
            isinstance(parent, list) and isinstance(last, int) and last < len(parent)
        ):
            parent[last] = value
    return result


def child_of(parent: Any, key: Any) -> Any:
    if isinstance(parent, dict) and isinstance(key, str):
        return parent.get(key)
    if isinstance(parent, list) and isinstance(key, int) and key < len(parent):
        return parent[key]
    return None


EDGES = STRANGE_TEXT | st.sampled_from(range(len(RAW_NUMBERS))).map(lambda i: Raw(RAW_NUMBERS[i]))
VALUES = EDGES | JSON_VALUES  # the edge cases half of the time


def mutated(document: Any) -> st.SearchStrategy[str]:
    fields = paths(document)
    change = st.tuples(st.sampled_from(fields), VALUES)
    return st.lists(change, min_size=1, max_size=4).map(lambda changes: dump(replaced(document, changes)))


def assert_documented_ending(harness: Harness, inputs: dict[str, str], body: str) -> None:
    run = harness.run(inputs)
    everything = run.log + run.summary
    assert "Traceback" not in everything, (body[:500], run.log[-3000:])
    assert "internal error" not in everything.lower(), (body[:500], run.log[-3000:])
    result = run.outputs.get("result")
    assert result in EXIT_FOR_RESULT, (body[:500], run.outputs)
    assert run.exit_code in EXIT_FOR_RESULT[result], (body[:500], run.exit_code, result, run.log[-3000:])


def inject(harness: Harness, path: str, body: str) -> None:
    harness.sandbox.clear_faults()
    harness.sandbox.inject(
        method="GET", path=path, status=200, body=body, content_type="application/json; charset=utf-8", times=None
    )


FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def offer_inputs(harness: Harness) -> dict[str, str]:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    return harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"})


def catalog_inputs(harness: Harness, catalog_id: str = "1001") -> dict[str, str]:
    harness.sandbox.add_catalog(STORE["merchant_id"], "1001", scenario="clean")
    return harness.catalog_inputs(**{"catalog-id": catalog_id, "timeout": "0"})


def edited(document: Any, *changes: tuple[tuple[Any, ...], Any]) -> str:
    return dump(replaced(document, list(changes)))


STEP = ("steps", 0)


@FUZZ
@given(body=mutated(OFFER_STATUS))
@example(body=edited(OFFER_STATUS, ((*STEP, "progressPercentage"), Raw("1e999"))))
@example(body=edited(OFFER_STATUS, ((*STEP, "progressPercentage"), Raw("NaN"))))
@example(body=edited(OFFER_STATUS, ((*STEP, "processPercentage"), 10**399), ((*STEP, "progressPercentage"), None)))
@example(body=edited(OFFER_STATUS, (("status",), "Succ\x00eeded\ud800"), ((*STEP, "id"), "\udfff")))
@example(body=edited(OFFER_STATUS, (("messages", 0, "messageHtml"), "<" * 10_000 + "x" * 100_000)))
def test_any_value_in_the_offer_status(harness: Harness, body: str) -> None:
    inject(harness, r"/offers/vm-offer/status$", body)
    assert_documented_ending(harness, offer_inputs(harness), body)


@FUZZ
@given(body=mutated(OFFER_LIST))
@example(body=edited(OFFER_LIST, (("value", 0, "id"), Raw("1e999"))))
@example(body=edited(OFFER_LIST, (("value", 0, "definition", "displayText"), "\x00\ud800" * 1000)))
def test_any_value_in_the_offer_list(harness: Harness, body: str) -> None:
    inject(harness, r"/api/publishers/contoso/offers$", body)
    assert_documented_ending(harness, offer_inputs(harness), body)


@FUZZ
@given(body=mutated(CATALOG_STATUS))
@example(body=edited(CATALOG_STATUS, (("rejectedCount",), Raw("1e999"))))
@example(body=edited(CATALOG_STATUS, (("rejectedCount",), 10**399)))
@example(body=edited(CATALOG_STATUS, (("publishedCount",), "9" * 5000)))
@example(body=edited(CATALOG_STATUS, (("rejectedCount",), 3), (("rejectionReportUrl",), "https://[::1")))
def test_any_value_in_the_catalog_status(harness: Harness, body: str) -> None:
    inject(harness, r"/catalogs/1001/status$", body)
    assert_documented_ending(harness, catalog_inputs(harness), body)


@FUZZ
@given(body=mutated(CATALOG_LIST), every=st.booleans())
@example(body=edited(CATALOG_LIST, (("catalogs", 0, "id"), "\ud800\x00")), every=True)
@example(body=edited(CATALOG_LIST, (("catalogs", 0, "id"), Raw("1e999"))), every=True)
def test_any_value_in_the_catalog_list(harness: Harness, body: str, every: bool) -> None:
    inject(harness, r"/catalogs$", body)
    assert_documented_ending(harness, catalog_inputs(harness, "all" if every else "1001"), body)


# -- the same for the XML answers of the catalog gate ------------------------------------------------

XML_NAMES = ("catalog_id", "published_count", "rejected_count", "rejectedCount", "rejection_report_url", "note")
XML_TEXTS = STRANGE_TEXT | st.text(max_size=12) | st.integers().map(str) | st.sampled_from(RAW_NUMBERS)


def xml_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


XML_CHILD = st.recursive(
    st.tuples(st.sampled_from(XML_NAMES), XML_TEXTS).map(lambda c: f"<{c[0]}>{xml_escaped(c[1])}</{c[0]}>"),
    lambda inner: st.tuples(st.sampled_from(XML_NAMES), st.lists(inner, max_size=3)).map(
        lambda c: f"<{c[0]}>{''.join(c[1])}</{c[0]}>"
    ),
    max_leaves=6,
)
XML_STATUS = st.lists(XML_CHILD, max_size=6).map(lambda children: f"<catalogStatus>{''.join(children)}</catalogStatus>")
XML_LIST = st.lists(
    st.lists(st.tuples(st.sampled_from(("id", "name", "market", "isDefault")), XML_TEXTS), max_size=4).map(
        lambda fields: "<catalog>" + "".join(f"<{n}>{xml_escaped(t)}</{n}>" for n, t in fields) + "</catalog>"
    ),
    max_size=3,
).map(lambda catalogs: f"<catalogs>{''.join(catalogs)}</catalogs>")


def inject_xml(harness: Harness, path: str, body: str) -> None:
    harness.sandbox.clear_faults()
    harness.sandbox.inject(
        method="GET",
        path=path,
        status=200,
        body=body.encode("utf-8", "surrogatepass"),
        content_type="application/xml; charset=utf-8",
        times=None,
    )


@FUZZ
@given(body=XML_STATUS)
@example(body="<catalogStatus><rejected_count>1" + "0" * 5000 + "</rejected_count></catalogStatus>")
@example(body="<catalogStatus><rejected_count>\ud800</rejected_count></catalogStatus>")
def test_any_text_in_the_xml_catalog_status(harness: Harness, body: str) -> None:
    inject_xml(harness, r"/catalogs/1001/status$", body)
    inputs = {**catalog_inputs(harness), "content-format": "xml"}
    assert_documented_ending(harness, inputs, body)


@FUZZ
@given(body=XML_LIST, every=st.booleans())
def test_any_text_in_the_xml_catalog_list(harness: Harness, body: str, every: bool) -> None:
    inject_xml(harness, r"/catalogs$", body)
    inputs = {**catalog_inputs(harness, "all" if every else "1001"), "content-format": "xml"}
    assert_documented_ending(harness, inputs, body)
