"""What a gate run ended with."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from offergate.core.errors import ApiError, Cancelled, ExitCode
from offergate.core.verdict import Result
from offergate.core.watch import Watch


class OnPending(str, Enum):
    """What a pending result (no verdict when the wait ended) does to the step."""

    FAIL = "fail"
    WARN = "warn"
    PASS = "pass"  # noqa: S105 - the verdict "pass", not a password


def exit_code_for(result: Result, on_pending: OnPending) -> ExitCode:
    if result is Result.PASSED:
        return ExitCode.PASSED
    if result is Result.FAILED:
        return ExitCode.FAILED
    if result is Result.ERROR:
        return ExitCode.API_ERROR
    return ExitCode.PENDING if on_pending is OnPending.FAIL else ExitCode.PASSED


@dataclass
class Outcome:
    result: Result
    exit_code: ExitCode
    states: list[Watch] = field(default_factory=list)
    setup_error: ApiError | None = None
    cancelled: Cancelled | None = None
    elapsed: float = 0.0
