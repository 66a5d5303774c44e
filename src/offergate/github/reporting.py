"""Tell the user the outcome: the final log line, annotations, step outputs and the job summary.

Each backend presents what it observed (`offergate.core.backend.Presentation`); this module only
puts the presentations together and hands them to the runner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from offergate.core.backend import Presentation
from offergate.core.durations import format_duration
from offergate.core.outcome import Outcome
from offergate.core.verdict import Result
from offergate.core.wording import plural
from offergate.github import plain
from offergate.github import summary as summary_md
from offergate.github.runner import ANNOTATION_LIMIT, AnnotationLevel, Runner


@dataclass(frozen=True)
class RunSettings:
    """What the summary's settings sentence says of the whole run."""

    timeout: float
    poll_interval: float
    write_summary: bool


def headline(outcome: Outcome, presentations: Sequence[Presentation], timeout: float) -> str:
    if outcome.cancelled is not None:
        return f"cancelled by {outcome.cancelled.signal_name}; the last known state is below"
    if outcome.setup_error is not None and not outcome.states:
        return "the API could not be used"
    if outcome.result is Result.FAILED:
        failed = [s.key for s in outcome.states if s.result is Result.FAILED]
        return f"failed: {', '.join(failed)}"
    if outcome.result is Result.ERROR:
        return "the API could not be used"
    if outcome.result is Result.PENDING:
        return f"no verdict within {format_duration(timeout)}"
    return "; ".join(p.passed for p in presentations)


def report(runner: Runner, outcome: Outcome, presentations: Sequence[Presentation], settings: RunSettings) -> None:
    runner.info(f"offergate: {outcome.result.value} — {headline(outcome, presentations, settings.timeout)}")
    annotate(runner, outcome, presentations)
    notes = dropped_annotations_notes(runner)
    for note in notes:
        runner.info(f"offergate: {note}")
    runner.set_output("result", outcome.result.value)
    for presentation in presentations:
        for name, value in presentation.outputs:
            runner.set_output(name, value)
    if not settings.write_summary:
        return
    if runner.summary_goes_to_a_file:
        runner.write_summary(render_summary(outcome, presentations, settings, notes))
    else:
        # the API error and the notes were just printed above: the text does not repeat them
        runner.print_text(render_text(outcome, presentations, settings, width=runner.width))


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


def annotate(runner: Runner, outcome: Outcome, presentations: Sequence[Presentation]) -> None:
    if outcome.setup_error is not None:
        runner.annotate("error", outcome.setup_error.describe(), title="offergate: API error")
    if outcome.cancelled is not None:
        runner.annotate("warning", f"cancelled by {outcome.cancelled.signal_name} before a verdict")
        return
    for presentation in presentations:
        for annotation in presentation.annotations:
            runner.annotate(annotation.level, annotation.message, title=annotation.title)


def settings_line(presentations: Sequence[Presentation], settings: RunSettings) -> str:
    said = [p.settings for p in presentations]
    said.append(f"Poll every {format_duration(settings.poll_interval)}, timeout {format_duration(settings.timeout)}.")
    return " ".join(said)


def render_summary(
    outcome: Outcome, presentations: Sequence[Presentation], settings: RunSettings, extra_notes: Sequence[str] = ()
) -> str:
    """The job summary in Markdown, for the runner's summary file or `--summary-file`."""
    notes = [outcome.setup_error.describe()] if outcome.setup_error is not None else []
    notes += extra_notes
    return summary_md.render(
        outcome.result,
        headline(outcome, presentations, settings.timeout),
        [section for p in presentations for section in p.sections],
        elapsed=outcome.elapsed,
        settings_line=settings_line(presentations, settings),
        notes=notes,
    )


def render_text(
    outcome: Outcome, presentations: Sequence[Presentation], settings: RunSettings, *, width: int
) -> list[plain.Line]:
    """The same summary as plain text for a terminal, without the notes and errors the log already has."""
    said = [a.message for p in presentations for a in p.annotations if a.level == "error"]
    return plain.render(
        outcome.result,
        headline(outcome, presentations, settings.timeout),
        [section for p in presentations for section in p.sections],
        elapsed=outcome.elapsed,
        settings_line=settings_line(presentations, settings),
        notes=(),
        width=width,
        said=said,
    )
