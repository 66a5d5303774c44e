"""Tell the user the outcome: the final log line, annotations, step outputs and the job summary."""

from __future__ import annotations

import json
from typing import Any

from offergate.catalogs.client import CatalogWatcher
from offergate.catalogs.rules import CatalogObservation
from offergate.config.parse import Config
from offergate.core.durations import format_duration
from offergate.core.gate import WatchState
from offergate.core.outcome import OnPending, Outcome
from offergate.core.verdict import Result
from offergate.core.wording import plural
from offergate.github import summary as summary_md
from offergate.github.runner import ANNOTATION_LIMIT, AnnotationLevel, Runner
from offergate.offers.cloud_partner_portal.client import OfferWatcher
from offergate.offers.cloud_partner_portal.model import OfferStatus
from offergate.offers.settings import WaitUntil

MAX_REASON_ANNOTATIONS = 10


def offer_states(outcome: Outcome) -> list[WatchState]:
    return [s for s in outcome.states if isinstance(s.watcher, OfferWatcher)]


def catalog_states(outcome: Outcome) -> list[WatchState]:
    return [s for s in outcome.states if isinstance(s.watcher, CatalogWatcher)]


def headline(config: Config, outcome: Outcome) -> str:
    if outcome.cancelled is not None:
        return f"cancelled by {outcome.cancelled.signal_name}; the last known state is below"
    if outcome.setup_error is not None and not outcome.states:
        return "the API could not be used"
    if outcome.result is Result.FAILED:
        failed = [s.watcher.key for s in outcome.states if s.result is Result.FAILED]
        return f"failed: {', '.join(failed)}"
    if outcome.result is Result.ERROR:
        return "the API could not be used"
    if outcome.result is Result.PENDING:
        return f"no verdict within {format_duration(config.timeout)}"
    parts = []
    offers = offer_states(outcome)
    if offers and config.offers is not None:
        target = "publisher sign-off" if config.offers.wait_until is WaitUntil.PUBLISHER_SIGNOFF else "live"
        parts.append(f"{plural(len(offers), 'offer')} reached {target}")
    catalogs = catalog_states(outcome)
    if catalogs:
        parts.append(f"{plural(len(catalogs), 'catalog')} within the rejection threshold")
    return "; ".join(parts)


def report(config: Config, runner: Runner, outcome: Outcome) -> None:
    runner.info(f"offergate: {outcome.result.value} — {headline(config, outcome)}")
    annotate(config, runner, outcome)
    notes = dropped_annotations_notes(runner)
    for note in notes:
        runner.info(f"offergate: {note}")
    write_outputs(config, runner, outcome)
    if config.write_summary:
        runner.write_summary(render_summary(config, outcome, notes))


def dropped_annotations_notes(runner: Runner) -> list[str]:
    """A sentence per annotation level over GitHub's per-step limit, naming how many were left out."""
    notes = []
    levels: tuple[AnnotationLevel, ...] = ("error", "warning", "notice")
    for level in levels:
        dropped = runner.annotations_dropped(level)
        if dropped:
            notes.append(
                f"GitHub shows at most {ANNOTATION_LIMIT} {level} annotations per step: "
                f"{plural(dropped, f'more {level} annotation')} left out; the summary has every result."
            )
    return notes


def annotate(config: Config, runner: Runner, outcome: Outcome) -> None:
    if outcome.setup_error is not None:
        runner.annotate("error", outcome.setup_error.describe(), title="offergate: API error")
    if outcome.cancelled is not None:
        runner.annotate("warning", f"cancelled by {outcome.cancelled.signal_name} before a verdict")
        return
    for state in outcome.states:
        what = "offer" if isinstance(state.watcher, OfferWatcher) else "catalog"
        key = state.watcher.key
        if state.result is Result.FAILED:
            details = state.verdict.details if state.verdict and state.verdict.result is Result.FAILED else ()
            if isinstance(state.observation, CatalogObservation):
                details = ()  # catalog reasons are annotated one by one below
            message = state.reason + "".join(f"\n{d}" for d in details)
            runner.annotate("error", message, title=f"{what} {key} failed")
        elif state.result is Result.ERROR:
            runner.annotate("error", state.reason, title=f"{what} {key}: API error")
        elif state.result is Result.PENDING:
            text = f"no verdict within {format_duration(config.timeout)}: {state.reason}"
            if config.on_pending is OnPending.FAIL:
                runner.annotate("error", text, title=f"{what} {key} still pending")
            elif config.on_pending is OnPending.WARN:
                runner.annotate("warning", text, title=f"{what} {key} still pending")
            else:
                runner.annotate("notice", text, title=f"{what} {key} still pending")
        if isinstance(state.observation, CatalogObservation):
            _annotate_rejections(runner, key, state.observation)


def _annotate_rejections(runner: Runner, key: str, observation: CatalogObservation) -> None:
    if observation.report_problem:
        runner.annotate("warning", observation.report_problem, title=f"catalog {key}: report")
    if observation.digest is None:
        return
    errors = [g for g in observation.digest.groups if g.type.lower() == "error"]
    warnings = [g for g in observation.digest.groups if g.type.lower() != "error"]
    for group in errors[:MAX_REASON_ANNOTATIONS]:
        runner.annotate("error", f"{group.count} × {group.message}", title=f"catalog {key}: rejected offers")
    for group in warnings[:MAX_REASON_ANNOTATIONS]:
        runner.annotate("warning", f"{group.count} × {group.message}", title=f"catalog {key}: warnings")


def write_outputs(config: Config, runner: Runner, outcome: Outcome) -> None:
    runner.set_output("result", outcome.result.value)
    if config.offers is not None:
        rows = []
        for state in offer_states(outcome):
            observation = state.observation if isinstance(state.observation, OfferStatus) else None
            step = observation.current_step() if observation else None
            assert isinstance(state.watcher, OfferWatcher)
            rows.append(
                {
                    "id": state.watcher.offer_id,
                    "status": observation.status if observation else "",
                    "step": step.id if step else "",
                    "result": state.result.value,
                }
            )
        runner.set_output("offer-status", rows[0]["status"] if rows else "")
        runner.set_output("offer-step", rows[0]["step"] if rows else "")
        runner.set_output("offers", json.dumps(rows, ensure_ascii=False))
    if config.catalogs is not None:
        catalogs: list[dict[str, Any]] = []
        for state in catalog_states(outcome):
            assert isinstance(state.watcher, CatalogWatcher)
            seen = state.observation if isinstance(state.observation, CatalogObservation) else None
            if seen is not None and seen.no_status_yet:
                seen = None
            digest = seen.digest if seen else None
            catalogs.append(
                {
                    "id": state.watcher.catalog_id,
                    "published": seen.status.published if seen else None,
                    "rejected": seen.status.rejected if seen else None,
                    "errors": digest.errors if digest else None,
                    "warnings": digest.warnings if digest else None,
                    "result": state.result.value,
                }
            )
        runner.set_output("published-count", str(sum(c["published"] or 0 for c in catalogs)))
        runner.set_output("rejected-count", str(sum(c["rejected"] or 0 for c in catalogs)))
        runner.set_output("catalogs", json.dumps(catalogs, ensure_ascii=False))
        runner.set_output("report-path", config.catalogs.report_dir)


def render_summary(config: Config, outcome: Outcome, extra_notes: list[str] | None = None) -> str:
    settings = []
    if config.offers is not None:
        settings.append(
            f"Offer gate for publisher {config.offers.publisher_id}: wait until {config.offers.wait_until.value}."
        )
    if config.catalogs is not None:
        settings.append(
            f"Catalog gate for store {config.catalogs.merchant_id}: max-rejections "
            f"{config.catalogs.max_rejections}"
            + (", counting errors only" if config.catalogs.ignore_warnings else "")
            + (f", expecting {config.catalogs.expected_offers} offers" if config.catalogs.expected_offers else "")
            + "."
        )
    settings.append(f"Poll every {format_duration(config.poll_interval)}, timeout {format_duration(config.timeout)}.")
    notes = [outcome.setup_error.describe()] if outcome.setup_error is not None else []
    notes += extra_notes or []
    sections = []
    for state in outcome.states:
        if isinstance(state.watcher, OfferWatcher):
            sections.append(summary_md.offer_section(state, state.watcher.display_text))
        elif isinstance(state.watcher, CatalogWatcher) and config.catalogs is not None:
            sections.append(
                summary_md.catalog_section(state, config.catalogs.report_dir, config.catalogs.max_table_rows)
            )
    return summary_md.render(
        outcome.result,
        headline(config, outcome),
        sections,
        elapsed=outcome.elapsed,
        settings_line=" ".join(settings),
        notes=notes,
    )
