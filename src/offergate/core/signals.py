"""Cancellation: SIGINT and SIGTERM (how GitHub cancels a job) stop the wait.

The first signal raises `Cancelled` in the main thread, interrupting a sleep or a request; later
signals are ignored for the rest of the process, so the summary with the last known state can
still be written. As PID 1 in a
container, Python would otherwise ignore SIGTERM.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from offergate.core.errors import Cancelled, ExitCode

_CODES = {signal.SIGINT: ExitCode.CANCELLED_SIGINT, signal.SIGTERM: ExitCode.CANCELLED_SIGTERM}


def _handler(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001 - a signal handler's signature
    for sig in _CODES:
        signal.signal(sig, signal.SIG_IGN)
    name = signal.Signals(signum).name
    raise Cancelled(name, _CODES[signal.Signals(signum)])


@contextmanager
def cancellable() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise Cancelled; handlers are restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _CODES}
    for sig in _CODES:
        signal.signal(sig, _handler)
    try:
        yield
    except Cancelled:
        raise  # handlers stay SIG_IGN: the caller is writing what it knows
    except BaseException:
        _restore(previous)
        raise
    _restore(previous)


def _restore(previous: dict[signal.Signals, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)
