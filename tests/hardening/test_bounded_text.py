"""Bounded text everywhere (containment item 6).

Every list in an error (unknown offers, unknown catalogs, the ids that exist) shows at most 20
entries, sorted and escaped, and how many more; every API string quoted in a message is cut. A
mistyped offer id on a publisher with 5,000 offers printed one 570,000-character log line and a
580 KB summary before.
"""

from __future__ import annotations

import json

import pytest

from offergate.core.wording import MAX_LISTED, MAX_QUOTED, cut, listing, quoted
from tests.conftest import STORE, Harness, Run

LONG_LINE = 4000  # no line of the log is longer
SMALL_SUMMARY = 16 * 1024


def longest_line(run: Run) -> int:
    return max(len(line) for line in run.log.splitlines())


def test_a_mistyped_offer_id_on_a_publisher_with_5000_offers_prints_a_bounded_error(harness: Harness) -> None:
    offers = [{"id": f"offer-{i:04d}-" + "x" * 100, "status": "Succeeded"} for i in range(5000)]
    harness.sandbox.inject(
        method="GET",
        path=r"/api/publishers/contoso/offers$",
        status=200,
        body=json.dumps(offers),
        content_type="application/json",
        times=None,
    )
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-ofer", "timeout": "1h"}))
    assert run.exit_code == 4, run.log[:2000]
    assert run.outputs["result"] == "error"
    assert longest_line(run) < LONG_LINE, longest_line(run)
    assert len(run.summary.encode()) < SMALL_SUMMARY, len(run.summary.encode())
    for said in (run.log, run.summary_text):
        assert "publisher 'contoso' has no offer 'vm-ofer'" in said
        assert f"and {5000 - MAX_LISTED} more" in said
        assert "offer-0000-" in said and "offer-0019-" in said and "offer-0020-" not in said  # sorted, the first 20
    assert "x" * MAX_QUOTED not in run.log  # each id is cut


def test_many_unknown_offer_ids_are_listed_bounded_too(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff")
    asked = [f"missing-{i:02d}" for i in range(30)]
    run = harness.run(harness.app_inputs(**{"offer-id": "\n".join(asked), "timeout": "1h"}))
    assert run.exit_code == 4, run.log
    assert "has no offer 'missing-00', 'missing-01'" in run.log
    assert "'missing-19' and 10 more" in run.log and "missing-20" not in run.log
    assert "the offers this publisher has: 'vm-offer'" in run.log


def test_a_mistyped_catalog_id_on_a_store_with_500_catalogs_prints_a_bounded_error(harness: Harness) -> None:
    catalogs = {"catalogs": [{"id": str(10**9 + i), "name": f"catalog {i}"} for i in range(500)]}
    harness.sandbox.inject(
        method="GET", path=r"/catalogs$", status=200, body=json.dumps(catalogs), content_type="application/json"
    )
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "12345", "timeout": "1h"}))
    assert run.exit_code == 4, run.log
    assert longest_line(run) < LONG_LINE
    assert f"store {STORE['merchant_id']} has no catalog '12345'" in run.log
    assert "'1000000000', '1000000001'" in run.log and f"and {500 - MAX_LISTED} more" in run.log
    assert "1000000020" not in run.log


def test_huge_api_strings_are_cut_in_the_log_the_summary_and_the_outputs(harness: Harness) -> None:
    huge = "Frobnicating" * 20_000
    body = {
        "status": huge,
        "steps": [{"id": "s" * 100_000, "stepName": huge, "status": huge, "messages": [{"messageHtml": huge}]}],
        "messages": [{"messageHtml": "<p>" + huge + "</p>", "level": "error"}],
    }
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    harness.sandbox.inject(
        method="GET", path=r"/status$", status=200, body=json.dumps(body), content_type="application/json", times=None
    )
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 3, run.log[:2000]
    assert longest_line(run) < LONG_LINE, longest_line(run)
    assert len(run.summary.encode()) < SMALL_SUMMARY, len(run.summary.encode())
    assert len(run.outputs["offer-status"]) <= 200 and run.outputs["offer-status"].endswith("…")
    assert len(run.outputs["offers"]) < 1000


@pytest.mark.parametrize(
    ("items", "shown"),
    [
        ([], "none"),
        (["b", "a"], "'a', 'b'"),
        (["line\nbreak", "nul\x00", "quote'"], "'line\\nbreak', 'nul\\x00', \"quote'\""),
        (["\ud800lone"], "'\\ud800lone'"),
        ([f"{i:02d}" for i in range(25)], ", ".join(f"'{i:02d}'" for i in range(20)) + " and 5 more"),
    ],
    ids=["none", "sorted", "escaped", "surrogate", "bounded"],
)
def test_listing_is_sorted_bounded_and_escaped(items: list[str], shown: str) -> None:
    assert listing(items) == shown


def test_quoted_cuts_long_strings() -> None:
    assert quoted("x" * 1000) == repr("x" * (MAX_QUOTED - 1) + "…")
    assert cut("short") == "short"
    assert len(listing(["y" * 10_000] * 100)) < (MAX_QUOTED + 4) * MAX_LISTED + 20


def test_thousands_of_error_messages_make_a_bounded_failure(harness: Harness) -> None:
    """Messages explain a verdict: at most 20 of a list are kept (the first ones and the latest)."""
    errors = [{"messageHtml": f"problem {i}: " + "z" * 900, "level": "error"} for i in range(5000)]
    body = {
        "status": "running",
        "steps": [{"id": "displaycertify", "stepName": "Certification", "status": "rejected", "messages": errors}],
        "previewLinks": [{"displayText": f"link {i}", "uri": f"https://preview.example/{i}"} for i in range(1000)],
    }
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="stuck")
    harness.sandbox.inject(
        method="GET", path=r"/status$", status=200, body=json.dumps(body), content_type="application/json", times=None
    )
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "0"}))
    assert run.exit_code == 1, run.log[:2000]
    annotation = next(line for line in run.log.splitlines() if line.startswith("::error title=offer contoso/vm-offer"))
    assert len(annotation) < 30 * 1000, len(annotation)
    assert "problem 0:" in annotation and "problem 4999:" in annotation and "problem 19:" not in annotation
    assert "preview.example/19" in run.summary and "preview.example/20" not in run.summary
