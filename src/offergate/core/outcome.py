"""What a gate run ended with."""

from __future__ import annotations

from dataclasses import dataclass, field

from offergate.core.errors import ApiError, Cancelled, ExitCode
from offergate.core.gate import WatchState
from offergate.core.verdict import Result


@dataclass
class Outcome:
    result: Result
    exit_code: ExitCode
    states: list[WatchState] = field(default_factory=list)
    setup_error: ApiError | None = None
    cancelled: Cancelled | None = None
    elapsed: float = 0.0
