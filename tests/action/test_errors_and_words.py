"""Errors that finish the sentence, and status words in one spelling (the raw value kept in outputs)."""

from __future__ import annotations

import json
import re

from tests.conftest import STORE, Harness


def test_a_catalog_with_no_status_yet_shows_the_apis_message_and_activity_id(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="trickle")  # 404 for its first minutes
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "0"}))
    assert run.exit_code == 3, run.log
    text = run.summary_text
    assert "no review status yet" in text
    assert "the API said: [NotFound] Catalog '4101' has no status yet: its offers are still in review;" in text
    assert re.search(r"activity id [0-9a-f-]{36}", text), text
    # the pending annotation says it too
    (pending,) = [line for line in run.log.splitlines() if line.startswith("::error") and "still pending" in line]
    assert "activity id" in pending


def test_wait_until_live_at_signoff_says_a_person_must_select_go_live(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff")
    run = harness.run(
        harness.app_inputs(**{"offer-id": "vm-offer", "wait-until": "live", "timeout": "5d", "poll-interval": "1h"})
    )
    assert run.exit_code == 3, run.log
    text = run.summary_text
    assert "a person selects Go live in Partner Center" in text
    assert "usually takes a few days" in text
    assert "still pending" in run.log and "Go live in Partner Center" in run.log  # the annotation


def test_status_words_in_the_documentations_spelling_and_raw_in_outputs(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff")
    run = harness.run(harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "5d", "poll-interval": "30m"}))
    assert run.exit_code == 0, run.log
    statuses = re.findall(r"^\| [^|]+ \| \S+ (\w+) \|", run.summary, re.MULTILINE)
    assert statuses and set(statuses) <= {"Complete", "InProgress", "NotStarted", "WaitingForPublisherReview"}
    assert "complete |" not in run.summary and "notStarted" not in run.summary
    assert "Offer status: 🟡 WaitingForPublisherReview" in run.summary_text
    raw = json.loads(run.outputs["offers"])[0]["status"]
    assert run.outputs["offer-status"] == raw == "waitingForPublisherReview"  # as the sandbox spells it


def test_an_offers_display_name_given_as_its_id_is_answered_with_the_id(harness: Harness) -> None:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario="signoff", display_text="Contoso VM")
    harness.sandbox.add_offer("contoso", "saas-offer", scenario="signoff", display_text="Contoso SaaS")
    run = harness.run(harness.app_inputs(**{"offer-id": "Contoso VM", "timeout": "1h"}))
    assert run.exit_code == 4, run.log
    assert "has no offer 'Contoso VM'" in run.log
    assert "'Contoso VM' is the name of offer 'vm-offer'" in run.log
    assert "the offers this publisher has: 'saas-offer', 'vm-offer'" in run.log
    assert not [r for r in harness.sandbox.requests if r.path.endswith("/status")]  # nothing asked of a name


def test_a_catalogs_name_given_as_its_id_is_answered_with_the_id(harness: Harness) -> None:
    harness.sandbox.add_catalog(STORE["merchant_id"], "1001", scenario="clean", name="Main catalog")
    harness.sandbox.add_catalog(STORE["merchant_id"], "1002", scenario="clean", name="Outlet")
    run = harness.run(harness.catalog_inputs(**{"catalog-id": "main catalog", "timeout": "0"}))
    assert run.exit_code == 4, run.log
    assert "'main catalog' is the name of catalog '1001'" in run.log
    assert "the catalogs of this store: '1001', '1002'" in run.log
