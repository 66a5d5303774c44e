"""Results and verdicts shared by every gate."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Result(str, Enum):
    PASSED = "passed"
    PENDING = "pending"
    ERROR = "error"
    FAILED = "failed"


# How bad each result is when several are combined into the step's result.
SEVERITY = {Result.PASSED: 0, Result.PENDING: 1, Result.ERROR: 2, Result.FAILED: 3}


def worst(results: list[Result]) -> Result:
    return max(results, key=SEVERITY.__getitem__, default=Result.PASSED)


@dataclass(frozen=True)
class Verdict:
    """What one watcher concludes from one observation.

    `reason` is a sentence for the log and summary; `details` are the quoted messages behind a
    failure; `idle` marks a pending verdict where nothing has started (nothing to wait for);
    `at_deadline` is what a pending verdict becomes when the wait ends (a catalog that never
    crossed its threshold passes).
    """

    result: Result
    reason: str
    details: tuple[str, ...] = ()
    idle: bool = False
    at_deadline: Result = Result.PENDING
