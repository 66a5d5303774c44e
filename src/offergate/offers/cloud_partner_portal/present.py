"""How the Cloud Partner Portal backend presents an offer: summary section and output row."""

from __future__ import annotations

from offergate.core.document import RESULT_MARK, Heading, Link, Paragraph, Quote, Section, Table, remark, text
from offergate.core.watch import WatchState
from offergate.offers.cloud_partner_portal.model import OfferStatus, Step
from offergate.offers.cloud_partner_portal.watcher import OfferWatcher
from offergate.offers.present import status_marker, status_word


def offer_section(state: WatchState[OfferStatus], display_text: str) -> Section:
    """Heading, reason, failure details, the step table and the links for one offer."""
    title = state.key + (f" ({display_text})" if display_text else "")
    parts: list[Heading | Paragraph | Quote | Table] = [
        Heading(3, f"{RESULT_MARK[state.result]} {title}: {state.result.value}"),
        text(state.reason),
    ]
    if state.verdict is not None and state.verdict.details:
        parts.append(Quote(state.verdict.details))
    observation = state.observation
    if observation is not None:
        parts.append(text(f"Offer status: {status_marker(observation.status)} {status_word(observation.status)}"))
        parts.append(step_table(observation.steps) if observation.steps else remark("The API reported no steps."))
        if observation.preview_links:
            parts.append(links("Preview: ", [Link(link.text, link.uri) for link in observation.preview_links]))
        if observation.live_links:
            parts.append(links("Live: ", [Link(link.text, link.uri) for link in observation.live_links]))
    elif state.error is not None:
        parts.append(remark("No status could be read."))
    return tuple(parts)


def links(label: str, found: list[Link]) -> Paragraph:
    """`Preview: a · b`."""
    inline: list[str | Link] = [label]
    for index, link in enumerate(found):
        if index:
            inline.append(" · ")
        inline.append(link)
    return Paragraph(tuple(inline))


def step_table(steps: tuple[Step, ...]) -> Table:
    rows = []
    for step in steps:
        latest = step.messages[-1].text if step.messages else ""
        progress = f"{step.progress}%" if step.progress is not None else ""
        status = f"{status_marker(step.status)} {status_word(step.status)}"
        rows.append((step.label, status, progress, step.estimated_time, latest))
    return Table(("Step", "Status", "Progress", "Estimated time", "Latest message"), tuple(rows))


def output_row(state: WatchState[OfferStatus], watcher: OfferWatcher) -> dict[str, str]:
    """One offer in the `offers` output: the status as the API spelt it."""
    observation = state.observation
    step = observation.current_step() if observation else None
    return {
        "id": watcher.offer_id,
        "status": observation.status if observation else "",
        "step": step.id if step else "",
        "result": state.result.value,
    }
