"""Hardening item 6: what changes during the wait, for both gates.

Decisions:
- A status that goes backwards (a step Complete, then InProgress again; catalog counts that
  decrease) is accepted as the API's latest word: every change is logged and the verdict follows
  the latest answer, so a later failure still fails and nothing passes on an old answer.
- A 404 mid-wait is not retried: the offer was in the publisher's list (the catalog had a
  status) earlier in the run, so it was deleted or access changed, and waiting cannot help. It
  is exit 4 with the API's message and a hint saying so. (A catalog that answers 404 before its
  first status is still "no review status yet", pending.)
- A 401 mid-wait (the token expired or was revoked) refreshes the token once and repeats the
  call; a 401 that persists after the refresh is exit 4 with the authentication error.
"""

from __future__ import annotations

import json

from tests.conftest import STORE, Harness, Run

OFFER_STATUS = r"/offers/vm-offer/status$"
CATALOG_STATUS = r"/catalogs/4101/status$"
JSON_TYPE = "application/json; charset=utf-8"


def answers(harness: Harness, path: str, *bodies: object) -> None:
    """The next status calls answer these bodies in order (the last one from then on)."""
    for i, body in enumerate(bodies):
        last = i == len(bodies) - 1
        harness.sandbox.inject(
            method="GET",
            path=path,
            status=200,
            body=json.dumps(body),
            content_type=JSON_TYPE,
            times=None if last else 1,
        )


def passthrough(harness: Harness, path: str, times: int) -> None:
    harness.sandbox.inject(method="GET", path=path, kind="stall", seconds=0.0, times=times)


def offer(status: str, **steps: str) -> dict[str, object]:
    return {"status": status, "steps": [{"id": k, "stepName": k.capitalize(), "status": v} for k, v in steps.items()]}


def offer_run(harness: Harness, scenario: str = "stuck", **inputs: str) -> Run:
    harness.sandbox.add_offer("contoso", "vm-offer", scenario=scenario)
    return harness.run(
        harness.app_inputs(**{"offer-id": "vm-offer", "timeout": "1d", "poll-interval": "10m", **inputs})
    )


def catalog_run(harness: Harness, **inputs: str) -> Run:
    harness.sandbox.add_catalog(STORE["merchant_id"], "4101", scenario="clean")
    return harness.run(
        harness.catalog_inputs(**{"catalog-id": "4101", "timeout": "1d", "poll-interval": "10m", **inputs})
    )


def change_lines(run: Run, key: str) -> list[str]:
    return [line.split(f"{key}: ", 1)[1] for line in run.log.splitlines() if f"] {key}: " in line]


# ------------------------------------------------------------------ going backwards


def test_offer_step_complete_then_in_progress_again_then_failed_fails(harness: Harness) -> None:
    answers(
        harness,
        OFFER_STATUS,
        offer("running", certification="Complete", provisioning="InProgress"),
        offer("running", certification="InProgress", provisioning="NotStarted"),
        offer("failed", certification="Rejected", provisioning="NotStarted"),
    )
    run = offer_run(harness)
    assert run.exit_code == 1, run.log
    assert change_lines(run, "contoso/vm-offer") == [
        "offer running; step 'Provisioning' InProgress",
        "offer running; step 'Certification' InProgress",
        "offer failed; step 'Certification' Rejected",
    ]


def test_offer_signoff_step_that_goes_back_is_judged_on_the_latest_answer(harness: Harness) -> None:
    """No pass on an old answer: the sign-off step was never reached, and the step that went back is shown."""
    answers(
        harness,
        OFFER_STATUS,
        offer("running", certification="Complete", publishersignoff="InProgress"),
        offer("running", certification="InProgress", publishersignoff="NotStarted"),
    )
    run = offer_run(harness, timeout="1h")
    assert run.exit_code == 3, run.log
    assert run.outputs["result"] == "pending"
    assert change_lines(run, "contoso/vm-offer") == [
        "offer running; step 'Publishersignoff' InProgress",
        "offer running; step 'Certification' InProgress",
    ]
    assert run.outputs["offer-step"] == "certification"


def test_offer_idle_then_moving_then_idle_again_is_pending_not_nothing_to_wait_for(harness: Harness) -> None:
    """Gate bug fixed: a state that changed and came back counted as "never moved" (exit 1)."""
    answers(
        harness,
        OFFER_STATUS,
        offer("notStarted", certification="NotStarted"),
        offer("running", certification="InProgress"),
        offer("notStarted", certification="NotStarted"),
    )
    run = offer_run(harness, timeout="1h")
    assert run.exit_code == 3, run.log
    assert "nothing to wait for" not in run.summary_text.split("\n")[0]


def test_catalog_counts_that_decrease_are_logged_and_the_latest_decides(harness: Harness) -> None:
    answers(
        harness,
        CATALOG_STATUS,
        {"publishedCount": 40, "rejectedCount": 3},
        {"publishedCount": 10, "rejectedCount": 1},
        {"publishedCount": 60, "rejectedCount": 2},
    )
    run = catalog_run(harness, **{"expected-offers": "50", "max-rejections": "5"})
    assert run.exit_code == 0, run.log
    assert change_lines(run, "123456/4101") == [
        "catalog 40 published, 3 rejected",
        "catalog 10 published, 1 rejected",
        "catalog 60 published, 2 rejected",
    ]
    assert (run.outputs["published-count"], run.outputs["rejected-count"]) == ("60", "2")


def test_catalog_rejections_that_drop_then_rise_over_the_limit_fail(harness: Harness) -> None:
    answers(
        harness,
        CATALOG_STATUS,
        {"publishedCount": 40, "rejectedCount": 4},
        {"publishedCount": 41, "rejectedCount": 1},
        {"publishedCount": 42, "rejectedCount": 9},
    )
    run = catalog_run(harness, **{"max-rejections": "5"})
    assert run.exit_code == 1, run.log
    assert "over max-rejections 5" in run.summary_text


# ------------------------------------------------------------------ disappearing


def test_offer_that_disappears_mid_wait_is_exit_4_with_the_apis_message(harness: Harness) -> None:
    passthrough(harness, OFFER_STATUS, 2)
    harness.sandbox.inject(
        method="GET",
        path=OFFER_STATUS,
        status=404,
        content_type=JSON_TYPE,
        times=None,
        body=b'{"error":{"code":"NotFound","message":"Offer vm-offer was not found."}}',
    )
    run = offer_run(harness)
    assert run.exit_code == 4, run.log
    assert run.outputs["result"] == "error"
    errors = "\n".join(line for line in run.log.splitlines() if line.startswith("::error"))
    assert "HTTP 404" in errors and "[NotFound] Offer vm-offer was not found" in errors
    assert "may have been deleted" in errors
    assert len(harness.clock.sleeps) == 2  # not retried


def test_catalog_that_disappears_mid_wait_is_exit_4_with_the_apis_message(harness: Harness) -> None:
    passthrough(harness, CATALOG_STATUS, 2)
    harness.sandbox.inject(
        method="GET",
        path=CATALOG_STATUS,
        status=404,
        content_type=JSON_TYPE,
        times=None,
        body=b'{"error":{"code":404,"message":"Catalog 4101 was not found.",'
        b'"errors":[{"reason":"NotFound","message":"Catalog 4101 was not found."}]}}',
    )
    run = catalog_run(harness)
    assert run.exit_code == 4, run.log
    errors = "\n".join(line for line in run.log.splitlines() if line.startswith("::error"))
    assert "HTTP 404" in errors and "Catalog 4101 was not found" in errors
    assert "may have been deleted" in errors
    assert len(harness.clock.sleeps) == 2


def test_catalog_404_before_any_status_is_still_no_status_yet(harness: Harness) -> None:
    harness.sandbox.inject(
        method="GET",
        path=CATALOG_STATUS,
        status=404,
        content_type=JSON_TYPE,
        times=2,
        body=b'{"error":{"code":404,"message":"no status yet"}}',
    )
    run = catalog_run(harness)
    assert run.exit_code == 0, run.log
    assert "no review status yet (404)" in run.log


# ------------------------------------------------------------------ expired tokens


def test_offer_401_mid_wait_refreshes_once_and_the_wait_goes_on(harness: Harness) -> None:
    harness.sandbox.token_lifetime = 30 * 86400
    passthrough(harness, OFFER_STATUS, 2)
    harness.sandbox.inject(
        method="GET",
        path=OFFER_STATUS,
        status=401,
        content_type=JSON_TYPE,
        times=1,
        body=b'{"error":{"code":"Unauthorized","message":"The token has expired."}}',
    )
    answers(harness, OFFER_STATUS, offer("succeeded"))
    run = offer_run(harness, **{"wait-until": "live"})
    assert run.exit_code == 0, run.log  # the refused third call was repeated with a new token
    assert len(harness.sandbox.tokens_issued) == 2
    tokens = [r.headers["Authorization"] for r in harness.sandbox.requests if r.path.endswith("/status")]
    assert len(tokens) == 4 and tokens[1] == tokens[2] != tokens[3]


def test_offer_401_that_persists_after_the_refresh_is_a_clear_auth_error(harness: Harness) -> None:
    harness.sandbox.token_lifetime = 30 * 86400
    passthrough(harness, OFFER_STATUS, 2)
    harness.sandbox.inject(
        method="GET",
        path=OFFER_STATUS,
        status=401,
        content_type=JSON_TYPE,
        times=None,
        body=b'{"error":{"code":"Unauthorized","message":"The token has expired."}}',
    )
    run = offer_run(harness)
    assert run.exit_code == 4, run.log
    errors = "\n".join(line for line in run.log.splitlines() if line.startswith("::error"))
    assert "HTTP 401" in errors and "The token has expired" in errors and "token was refused" in errors
    assert len(harness.sandbox.tokens_issued) == 2  # one refresh, not a loop
    assert len(harness.clock.sleeps) == 2


def ads_tokens(harness: Harness) -> list[str]:
    return [r.headers["AuthenticationToken"] for r in harness.sandbox.requests if r.path.endswith("/status")]


def test_catalog_401_mid_wait_refreshes_once_and_the_wait_goes_on(harness: Harness) -> None:
    passthrough(harness, CATALOG_STATUS, 2)
    harness.sandbox.inject(
        method="GET",
        path=CATALOG_STATUS,
        status=401,
        content_type=JSON_TYPE,
        times=1,
        body=b'{"error":{"errors":[{"reason":"AuthenticationTokenExpired","message":"expired"}],'
        b'"code":401,"message":"expired"}}',
    )
    run = catalog_run(harness, timeout="1h")
    assert run.exit_code == 0, run.log
    tokens = ads_tokens(harness)
    assert tokens[2] != tokens[3] and tokens[3:] == [tokens[3]] * len(tokens[3:])


def test_catalog_401_that_persists_after_the_refresh_is_a_clear_auth_error(harness: Harness) -> None:
    passthrough(harness, CATALOG_STATUS, 2)
    harness.sandbox.inject(
        method="GET",
        path=CATALOG_STATUS,
        status=401,
        content_type=JSON_TYPE,
        times=None,
        body=b'{"error":{"errors":[{"reason":"AuthenticationTokenExpired","message":"expired"}],'
        b'"code":401,"message":"expired"}}',
    )
    run = catalog_run(harness)
    assert run.exit_code == 4, run.log
    errors = "\n".join(line for line in run.log.splitlines() if line.startswith("::error"))
    assert "HTTP 401" in errors and "AuthenticationTokenExpired" in errors and "credentials were refused" in errors
    tokens = ads_tokens(harness)
    assert len(tokens) == 4 and len(set(tokens)) == 2  # two good calls, the refused one, one retry with a new token
    assert len(harness.clock.sleeps) == 2
