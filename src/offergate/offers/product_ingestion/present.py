"""How the Product Ingestion backend presents an offer: summary section, output row, warnings."""

from __future__ import annotations

from urllib.parse import quote

from offergate.core.backend import Annotation
from offergate.core.document import RESULT_MARK, Heading, Link, Paragraph, Quote, Section, Table, remark, text
from offergate.core.watch import WatchState
from offergate.offers.present import status_marker
from offergate.offers.product_ingestion.model import IngestionStatus
from offergate.offers.product_ingestion.rules import (
    Criteria,
    StepRow,
    chosen_submission,
    current_step,
    step_rows,
    unknown_words,
)

PARTNER_CENTER = "https://partner.microsoft.com/dashboard/commercial-marketplace/offers"


def partner_center_url(product_guid: str) -> str:
    """The offer's overview page in Partner Center."""
    return f"{PARTNER_CENTER}/{quote(product_guid, safe='')}/overview"


def offer_section(state: WatchState[IngestionStatus], criteria: Criteria) -> Section:
    """Heading, reason, failure details, the submission judged, the step table and the Partner Center link."""
    observation = state.observation
    alias = observation.product.alias if observation else ""
    title = state.key + (f" ({alias})" if alias and alias != state.key else "")
    parts: list[Heading | Paragraph | Quote | Table] = [
        Heading(3, f"{RESULT_MARK[state.result]} {title}: {state.result.value}"),
        text(state.reason),
    ]
    if state.verdict is not None and state.verdict.details:
        parts.append(Quote(state.verdict.details))
    if observation is not None:
        chosen = chosen_submission(observation, criteria)
        if chosen is not None:
            created = f", created {chosen.created:%Y-%m-%d %H:%M} UTC" if chosen.created else ""
            parts.append(text(f"Submission judged: {chosen.id} (target {chosen.target}{created})."))
        parts.append(step_table(step_rows(observation, criteria)))
        parts.append(
            text("Partner Center: ", Link("the offer's overview", partner_center_url(observation.product.guid)))
        )
    elif state.error is not None:
        parts.append(remark("No status could be read."))
    return tuple(parts)


def step_table(rows: tuple[StepRow, ...]) -> Table:
    cells = tuple(
        (row.name, f"{status_marker(row.mark)} {row.status}" if row.mark else row.status, row.submission)
        for row in rows
    )
    return Table(("Step", "Status", "Submission or job"), cells)


def output_row(state: WatchState[IngestionStatus], criteria: Criteria) -> dict[str, str]:
    """One offer in the `offers` output: id, status (`<target> <state>`), step, result, submission-id."""
    observation = state.observation
    chosen = chosen_submission(observation, criteria) if observation else None
    return {
        "id": state.key,
        "status": f"{chosen.target} {chosen.state()}" if chosen else "",
        "step": current_step(step_rows(observation, criteria)) if observation else "",
        "result": state.result.value,
        "submission-id": chosen.id if chosen else "",
    }


def unknown_value_warnings(state: WatchState[IngestionStatus], criteria: Criteria) -> list[Annotation]:
    """A warning when the last observation held a value the rules do not know (it counts as pending)."""
    if state.observation is None:
        return []
    words = unknown_words(state.observation, criteria)
    if not words:
        return []
    return [
        Annotation(
            "warning",
            f"the Product Ingestion API reported {', '.join(words)}, which offergate does not know; "
            "the offer counts as pending. If this persists, please report it.",
            f"offer {state.key}: unknown value",
        )
    ]
