"""How the catalog backend presents a catalog: summary section, rejection annotations, output row."""

from __future__ import annotations

from typing import Any

from offergate.catalogs.rules import CatalogObservation
from offergate.catalogs.watcher import CatalogWatcher
from offergate.core.backend import Annotation, AnnotationLevel
from offergate.core.document import RESULT_MARK, Block, Details, Heading, Link, Section, Table, remark, text
from offergate.core.durations import format_duration
from offergate.core.watch import WatchState
from offergate.core.wording import plural

MAX_GROUP_ROWS = 50
SAMPLE_IDS = 3
MAX_REASON_ANNOTATIONS = 10


def catalog_section(state: WatchState[CatalogObservation], report_dir: str, max_rows: int) -> Section:
    """Counts, rejections grouped by message, and the first rejected items in a collapsible block."""
    parts: list[Block] = [
        Heading(3, f"{RESULT_MARK[state.result]} catalog {state.key}: {state.result.value}"),
        text(state.reason),
    ]
    observation = state.observation
    if observation is None:
        if state.error is not None:
            parts.append(remark("No status could be read."))
        return tuple(parts)
    if observation.no_status_yet:
        return tuple(parts)
    status = observation.status
    parts.append(Table(("Published", "Rejected"), ((str(status.published), str(status.rejected)),)))
    if observation.report_problem:
        parts.append(text(f"⚠️ {observation.report_problem}; the verdict comes from the counts."))
    digest = observation.digest
    if digest is None:
        return tuple(parts)
    parts.append(
        text(
            f"Report: {plural(digest.rows, 'rejected item')}, {plural(digest.errors, 'error')}, "
            f"{plural(digest.warnings, 'warning')}."
        )
    )
    groups = tuple(
        (g.message, g.type, str(g.count), ", ".join(g.sample_item_ids[:SAMPLE_IDS]))
        for g in digest.groups[:MAX_GROUP_ROWS]
    )
    if groups:
        parts.append(Table(("Message", "Type", "Count", "Sample item ids"), groups))
    if len(digest.groups) > MAX_GROUP_ROWS:
        parts.append(text(f"{len(digest.groups) - MAX_GROUP_ROWS} more messages are in the report."))
    items = tuple(
        (i.item_id, i.type, i.message, i.values, i.title, i.price, Link(i.link, i.link) if i.link else "")
        for i in digest.first_items[:max_rows]
    )
    if items:
        body: list[Block] = [Table(("Item id", "Type", "Message", "Values", "Title", "Price", "Link"), items)]
        shown = len(items)
        left = max(0, (digest.rows or shown) - shown)
        if left:
            body.append(text(f"{left} more rows are left out here."))
        parts.append(Details(f"First {shown} rejected items", tuple(body)))
    catalog_id = state.key.split("/", 1)[1]
    parts.append(
        text(
            f"The report as Microsoft sent it is in {report_dir}/{catalog_id}.zip, "
            "its digest beside it in .summary.json."
        )
    )
    return tuple(parts)


def rejection_annotations(
    key: str, observation: CatalogObservation | None, *, failed: bool, max_rejections: int
) -> list[Annotation]:
    """The report's problem, and the most frequent rejection messages, one annotation each.

    Rejections of Type Error are errors only when the catalog `failed` (they made the step fail);
    within the threshold they are warnings, as are rejections of any other Type.
    """
    if observation is None:
        return []
    found = []
    if observation.report_problem:
        found.append(Annotation("warning", observation.report_problem, f"catalog {key}: report"))
    if observation.digest is None:
        return found
    errors = [g for g in observation.digest.groups if g.type.lower() == "error"]
    warnings = [g for g in observation.digest.groups if g.type.lower() != "error"]
    if failed:
        level: AnnotationLevel = "error"
        title = f"catalog {key}: rejected offers"
    else:
        level, title = "warning", f"catalog {key}: rejected offers, within max-rejections {max_rejections}"
    found += [Annotation(level, f"{g.count} × {g.message}", title) for g in errors[:MAX_REASON_ANNOTATIONS]]
    found += [
        Annotation("warning", f"{g.count} × {g.message}", f"catalog {key}: warnings")
        for g in warnings[:MAX_REASON_ANNOTATIONS]
    ]
    return found


ONLY_AT_THE_DEADLINE = (
    "catalog gate: with no expected-offers, a catalog passes only when the wait ends, after {timeout} "
    "(it fails as soon as its rejections go over max-rejections {max_rejections}). To pass sooner, give "
    "expected-offers (the number of offers in the feed), or timeout: 0 to check once."
)


def start_notices(expected_offers: int | None, timeout: float, max_rejections: int) -> list[str]:
    """What the settings mean for how the wait can end, said before it begins."""
    if expected_offers is None and timeout > 0:
        return [ONLY_AT_THE_DEADLINE.format(timeout=format_duration(timeout), max_rejections=max_rejections)]
    return []


def output_row(state: WatchState[CatalogObservation], watcher: CatalogWatcher) -> dict[str, Any]:
    """One catalog in the `catalogs` output (null counts when no status was seen)."""
    seen = state.observation
    if seen is not None and seen.no_status_yet:
        seen = None
    digest = seen.digest if seen else None
    return {
        "id": watcher.catalog_id,
        "published": seen.status.published if seen else None,
        "rejected": seen.status.rejected if seen else None,
        "errors": digest.errors if digest else None,
        "warnings": digest.warnings if digest else None,
        "result": state.result.value,
    }
