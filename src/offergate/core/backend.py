"""The seam between the gate and the APIs it reads: a backend, and what it presents at the end.

A backend (the Cloud Partner Portal offers, the Content API catalogs, …) starts its watches
(checking ids against the API), and when the wait is over presents what it observed: its part
of the headline, its settings sentence, one summary section per watched thing, its step outputs
and its annotations. The app, the poll loop and `offergate.github` loop over backends and never
test a backend's type, so a new API is a new backend and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from offergate.core.document import Section
from offergate.core.durations import format_duration
from offergate.core.outcome import OnPending
from offergate.core.verdict import Result
from offergate.core.watch import Watch, WatchState

AnnotationLevel = Literal["error", "warning", "notice"]
Obs = TypeVar("Obs")


@dataclass(frozen=True)
class Annotation:
    level: AnnotationLevel
    message: str
    title: str | None = None


@dataclass(frozen=True)
class Ending:
    """How the wait ended, as far as presenting it goes."""

    timeout: float
    on_pending: OnPending


@dataclass(frozen=True)
class Presentation:
    passed: str  # the headline's part when everything passed: "2 offers reached publisher sign-off"
    settings: str  # the summary's sentence on what was asked: "Offer gate for publisher contoso: …"
    sections: tuple[Section, ...] = ()
    outputs: tuple[tuple[str, str], ...] = ()
    annotations: tuple[Annotation, ...] = ()


class Backend(Protocol):
    @property
    def watched(self) -> str:
        """What this backend watches, for the log's group title: "2 offers of contoso (until live)"."""

    @property
    def adaptive(self) -> bool:
        """Whether its watchers report steps, so that `poll-strategy: adaptive` changes anything."""

    def notices(self, timeout: float) -> Sequence[str]:
        """What the settings mean for how a wait of `timeout` seconds can end, said before it begins."""

    def start(self) -> Sequence[Watch]:
        """Check what was asked for against the API and make one watch per thing; raises ApiError."""

    def present(self, ending: Ending) -> Presentation:
        """What it observed, once the wait is over (also after an error or a cancellation)."""


def verdict_annotations(state: WatchState[Obs], noun: str, ending: Ending, *, details: bool = True) -> list[Annotation]:
    """The annotation a watched thing's result calls for: failed, API error, or still pending."""
    key = state.key
    if state.result is Result.FAILED:
        quoted = state.verdict.details if details and state.verdict and state.verdict.result is Result.FAILED else ()
        message = state.reason + "".join(f"\n{d}" for d in quoted)
        return [Annotation("error", message, f"{noun} {key} failed")]
    if state.result is Result.ERROR:
        return [Annotation("error", state.reason, f"{noun} {key}: API error")]
    if state.result is Result.PENDING:
        text = f"no verdict within {format_duration(ending.timeout)}: {state.reason}"
        levels: dict[OnPending, AnnotationLevel] = {
            OnPending.FAIL: "error",
            OnPending.WARN: "warning",
            OnPending.PASS: "notice",
        }
        level = levels[ending.on_pending]
        return [Annotation(level, text, f"{noun} {key} still pending")]
    return []
