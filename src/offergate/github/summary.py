"""The job summary: a verdict line, then one section per watched thing.

Every piece of API text goes through `offergate.github.markdown`, which escapes it, and the whole
document is bounded so GitHub never drops it for being too large.
"""

from __future__ import annotations

from offergate.catalogs.rules import CatalogObservation
from offergate.core.durations import format_duration
from offergate.core.gate import WatchState
from offergate.core.verdict import Result
from offergate.core.wording import plural
from offergate.github import markdown as md
from offergate.offers.cloud_partner_portal.model import OfferStatus, Step, norm

RESULT_MARK = {
    Result.PASSED: "✅",
    Result.FAILED: "❌",
    Result.PENDING: "⏳",
    Result.ERROR: "⚠️",
}

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


def status_marker(status: str) -> str:
    """A marker for a status; an unknown status gets a question mark and is shown as it is."""
    return _STATUS_MARK.get(norm(status), "❔")


def verdict_line(result: Result, headline: str) -> str:
    return md.heading(2, f"{RESULT_MARK[result]} offergate: {result.value} — {headline}")


def offer_section(state: WatchState, display_text: str) -> str:
    """Heading, reason, failure details, the step table and the links for one offer."""
    title = state.watcher.key + (f" ({display_text})" if display_text else "")
    parts = [md.heading(3, f"{RESULT_MARK[state.result]} {title}: {state.result.value}")]
    parts.append(md.escape_inline(state.reason))
    if state.verdict is not None and state.verdict.details:
        parts.append("\n".join(f"> {md.escape_inline(d)}" for d in state.verdict.details))
    observation = state.observation
    if isinstance(observation, OfferStatus):
        parts.append(md.escape_inline(f"Offer status: {status_marker(observation.status)} {observation.status}"))
        if observation.steps:
            parts.append(step_table(observation.steps))
        else:
            parts.append("_The API reported no steps._")
        links = [md.link(link.text, link.uri) for link in observation.preview_links]
        if links:
            parts.append("Preview: " + " · ".join(links))
        live = [md.link(link.text, link.uri) for link in observation.live_links]
        if live:
            parts.append("Live: " + " · ".join(live))
    elif state.error is not None:
        parts.append("_No status could be read._")
    return "\n\n".join(parts) + "\n"


def step_table(steps: tuple[Step, ...]) -> str:
    rows = []
    for step in steps:
        latest = step.messages[-1].text if step.messages else ""
        progress = f"{step.progress}%" if step.progress is not None else ""
        rows.append([step.label, f"{status_marker(step.status)} {step.status}", progress, step.estimated_time, latest])
    return md.table(["Step", "Status", "Progress", "Estimated time", "Latest message"], rows)


MAX_GROUP_ROWS = 50
SAMPLE_IDS = 3


def catalog_section(state: WatchState, report_dir: str, max_rows: int) -> str:
    """Counts, rejections grouped by message, and the first rejected items in a collapsible block."""
    parts = [md.heading(3, f"{RESULT_MARK[state.result]} catalog {state.watcher.key}: {state.result.value}")]
    parts.append(md.escape_inline(state.reason))
    observation = state.observation
    if not isinstance(observation, CatalogObservation):
        if state.error is not None:
            parts.append("_No status could be read._")
        return "\n\n".join(parts) + "\n"
    if observation.no_status_yet:
        return "\n\n".join(parts) + "\n"
    status = observation.status
    parts.append(md.table(["Published", "Rejected"], [[str(status.published), str(status.rejected)]]))
    if observation.report_problem:
        parts.append(md.escape_inline(f"⚠️ {observation.report_problem}; the verdict comes from the counts."))
    digest = observation.digest
    if digest is None:
        return "\n\n".join(parts) + "\n"
    parts.append(
        md.escape_inline(
            f"Report: {plural(digest.rows, 'rejected item')}, {plural(digest.errors, 'error')}, "
            f"{plural(digest.warnings, 'warning')}."
        )
    )
    groups = [
        [g.message, g.type, str(g.count), ", ".join(g.sample_item_ids[:SAMPLE_IDS])]
        for g in digest.groups[:MAX_GROUP_ROWS]
    ]
    if groups:
        parts.append(md.table(["Message", "Type", "Count", "Sample item ids"], groups))
    if len(digest.groups) > MAX_GROUP_ROWS:
        parts.append(md.escape_inline(f"{len(digest.groups) - MAX_GROUP_ROWS} more messages are in the report."))
    items = [[i.item_id, i.type, i.message, i.values, i.title, i.price, i.link] for i in digest.first_items[:max_rows]]
    if items:
        table = md.table(["Item id", "Type", "Message", "Values", "Title", "Price", "Link"], items)
        shown = len(items)
        kept = digest.rows or shown
        left = max(0, kept - shown)
        note = f"\n\n{md.escape_inline(f'{left} more rows are left out here.')}" if left else ""
        parts.append(md.details(f"First {shown} rejected items", table + note))
    parts.append(
        md.escape_inline(
            f"The report as Microsoft sent it is in {report_dir}/{state.watcher.key.split('/', 1)[1]}.zip, "
            "its digest beside it in .summary.json."
        )
    )
    return "\n\n".join(parts) + "\n"


def render(
    result: Result,
    headline: str,
    sections: list[str],
    *,
    elapsed: float,
    settings_line: str,
    notes: list[str],
) -> str:
    """The whole summary, bounded in size."""
    doc = md.BoundedDocument()
    doc.add(verdict_line(result, headline))
    doc.add(md.escape_inline(f"{settings_line} Waited {format_duration(elapsed)}.") + "\n")
    for note in notes:
        doc.add(md.escape_inline(note) + "\n")
    for section in sections:
        doc.add(section, cuttable=True)
    return doc.render()
