"""Data-driven publishing timelines: what an offer's status looks like at a scenario second.

A scenario is one plan per step (when it starts, when it ends and how) plus the offer's
status changes. Rendering picks the words' spelling per step, because Microsoft's own
documentation mixes camelCase, PascalCase and older lower-case words.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0

# Canonical (camelCase) words; `spell` gives the other spellings.
NOT_STARTED = "notStarted"
IN_PROGRESS = "inProgress"
WAITING_FOR_REVIEW = "waitingForPublisherReview"
WAITING_FOR_APPROVAL = "waitingForApproval"
COMPLETE = "complete"
REJECTED = "rejected"
BLOCKED = "blocked"
CANCELED = "canceled"
# Offer statuses
NEVER_PUBLISHED = "neverPublished"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"

PROGRESS_STEP = 10  # progress moves in steps of 10%
ACTIVE_CAP = 90  # a step in progress never shows more than this

Stamp = Callable[[float], str]


class Spelling(Enum):
    CAMEL = "camel"  # inProgress, complete (Microsoft's JSON examples)
    PASCAL = "pascal"  # InProgress, Complete (Microsoft's tables)
    LEGACY = "legacy"  # running, completed, failed (older pages)


_LEGACY = {IN_PROGRESS: "running", COMPLETE: "completed", REJECTED: "failed"}


def spell(word: str, spelling: Spelling) -> str:
    if spelling is Spelling.PASCAL:
        return word[:1].upper() + word[1:]
    if spelling is Spelling.LEGACY:
        return _LEGACY.get(word, word)
    return word


@dataclass(frozen=True)
class StepInfo:
    id: str
    name: str
    description: str
    estimate: str


@dataclass(frozen=True)
class Note:
    """A message that appears at scenario second `at`. `html` may hold markup."""

    at: float
    level: str
    html: str

    def render(self, stamp: Stamp) -> dict[str, Any]:
        return {"messageHtml": self.html, "level": self.level, "timestamp": stamp(self.at)}


@dataclass(frozen=True)
class StepPlan:
    """One step's course: not started until `start`, `active` until `end`, then `outcome`.

    `start`/`end` None means never. `expected` is the nominal duration that progress is
    measured against (default end - start), so a step that fails early shows low progress.
    """

    info: StepInfo
    start: float | None = None
    end: float | None = None
    outcome: str = COMPLETE
    active: str = IN_PROGRESS
    expected: float | None = None
    spelling: Spelling = Spelling.CAMEL
    progress_key: str | None = "progressPercentage"  # None: the field is left out
    omit: frozenset[str] = frozenset()  # other fields left out, e.g. "messages"
    notes: tuple[Note, ...] = ()
    completion_note: bool = True

    def word(self, t: float) -> str:
        if self.start is None or t < self.start:
            return NOT_STARTED
        if self.end is None or t < self.end:
            return self.active
        return self.outcome

    def progress(self, t: float) -> int:
        word = self.word(t)
        if word == NOT_STARTED or self.start is None:
            return 0
        if word == COMPLETE:
            return 100
        if word == self.active and self.active != IN_PROGRESS:
            return 0
        at = t if word == self.active else (self.end if self.end is not None else t)
        expected = self.expected or ((self.end - self.start) if self.end is not None else DAY)
        fraction = (at - self.start) / expected if expected > 0 else 1.0
        percent = math.floor(fraction * 100 / PROGRESS_STEP) * PROGRESS_STEP
        return max(0, min(ACTIVE_CAP, percent))

    def events(self) -> list[float]:
        times = [x for x in (self.start, self.end) if x is not None]
        return times + [note.at for note in self.notes]

    def messages(self, t: float, stamp: Stamp) -> list[dict[str, Any]]:
        shown = [note for note in self.notes if note.at <= t]
        if self.completion_note and self.word(t) == COMPLETE and self.end is not None:
            shown.append(Note(self.end, "information", "Step completed."))
        return [note.render(stamp) for note in sorted(shown, key=lambda n: n.at)]

    def render(self, t: float, stamp: Stamp) -> dict[str, Any]:
        step: dict[str, Any] = {
            "estimatedTimeFrame": self.info.estimate,
            "id": self.info.id,
            "stepName": self.info.name,
            "description": self.info.description,
            "status": spell(self.word(t), self.spelling),
            "messages": self.messages(t, stamp),
        }
        if self.progress_key is not None:
            step[self.progress_key] = self.progress(t)
        for name in self.omit:
            step.pop(name, None)
        return step


@dataclass(frozen=True)
class Links:
    preview: str
    live: str


@dataclass(frozen=True)
class Scenario:
    """A whole timeline. `offer` lists (from second, offer status word) in time order."""

    name: str
    description: str
    steps: tuple[StepPlan, ...]
    offer: tuple[tuple[float, str], ...]
    spelling: Spelling = Spelling.CAMEL
    notes: tuple[Note, ...] = ()
    preview_at: float | None = None
    live_at: float | None = None
    flaky_every: int = 0  # every n-th status request answers 503 (0: never)
    version: int = 3

    def offer_status(self, t: float) -> str:
        word = self.offer[0][1]
        for since, status in self.offer:
            if since <= t:
                word = status
        return spell(word, self.spelling)

    def last_change(self, t: float) -> float:
        """The latest event at or before `t` (for `changedTime`)."""
        times = [since for since, _ in self.offer] + [note.at for note in self.notes]
        for step in self.steps:
            times += step.events()
        past = [x for x in times if x <= t]
        return max(past) if past else min(times, default=0.0)

    def render_status(self, t: float, stamp: Stamp, links: Links, emails: str) -> dict[str, Any]:
        """The body of GET .../offers/{offerId}/status at scenario second `t`."""
        shown = [note for note in self.notes if note.at <= t]
        preview = self.preview_at is not None and t >= self.preview_at
        live = self.live_at is not None and t >= self.live_at
        return {
            "status": self.offer_status(t),
            "messages": [note.render(stamp) for note in shown],
            "steps": [step.render(t, stamp) for step in self.steps],
            "previewLinks": [{"displayText": "Preview link", "uri": links.preview}] if preview else [],
            "liveLinks": [{"displayText": "Live link", "uri": links.live}] if live else [],
            "notificationEmails": emails,
        }
