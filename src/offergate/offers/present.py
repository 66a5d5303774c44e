"""What every offer backend shows the same way: status markers, the offer outputs, the headline."""

from __future__ import annotations

import json

from offergate.core.wording import norm, plural
from offergate.offers.settings import WaitUntil

_STATUS_MARK = {
    "complete": "✅",
    "completed": "✅",
    "succeeded": "✅",
    "inprogress": "🔄",
    "running": "🔄",
    "waitingforpublisherreview": "🟡",
    "waitingforapproval": "🟡",
    "notstarted": "⚪",
    "neverpublished": "⚪",
    "rejected": "❌",
    "failed": "❌",
    "blocked": "⛔",
    "canceled": "🚫",
    "cancelled": "🚫",
}


# One spelling per status, the documentation's (Cloud Partner Portal API, Retrieve offer status:
# "Offer status" and "Step status"); the API answers in several ("complete", "Complete", "inProgress").
_STATUS_WORD = {
    norm(word): word
    for word in (
        "NeverPublished",
        "NotStarted",
        "WaitingForPublisherReview",
        "WaitingForApproval",
        "Running",
        "InProgress",
        "Succeeded",
        "Complete",
        "Blocked",
        "Rejected",
        "Canceled",
        "Failed",
    )
}
_STATUS_WORD.update({"completed": "Complete", "cancelled": "Canceled"})


def status_word(status: str) -> str:
    """A status in the documentation's spelling (`complete` → `Complete`); an unknown one as it is."""
    return _STATUS_WORD.get(norm(status), status)


def status_marker(status: str) -> str:
    """A marker for a status; an unknown status gets a question mark and is shown as it is."""
    return _STATUS_MARK.get(norm(status), "❔")


def offer_outputs(rows: list[dict[str, str]]) -> tuple[tuple[str, str], ...]:
    """`offer-status` and `offer-step` of the first offer, and `offers`: a JSON list of every row."""
    return (
        ("offer-status", rows[0]["status"] if rows else ""),
        ("offer-step", rows[0]["step"] if rows else ""),
        ("offers", json.dumps(rows, ensure_ascii=False)),
    )


def reached(count: int, wait_until: WaitUntil) -> str:
    """The headline's part when every offer passed."""
    target = "publisher sign-off" if wait_until is WaitUntil.PUBLISHER_SIGNOFF else "live"
    return f"{plural(count, 'offer')} reached {target}"
