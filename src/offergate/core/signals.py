"""Cancellation: SIGINT and SIGTERM (how GitHub cancels a job) stop the wait, never the report.

The first signal during the wait raises `Cancelled` in the main thread, interrupting a sleep or a
request; later signals are ignored for the rest of the process, so the summary with the last
known state can still be written. As PID 1 in a container, Python would otherwise ignore SIGTERM.

Outside the wait, from the start of a gate command to its last byte written, signals are held
(`held_signals`): one that comes while the outputs and the summary are written is remembered and
does not kill the process half-way (the report is finished first, with the verdict already
reached); one that comes before the wait began cancels it as soon as it begins.
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
_held: list[signal.Signals] = []  # signals held and not yet turned into a cancellation
_seen: list[signal.Signals] = []  # every signal that came within `held_signals`


def _handler(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001 - a signal handler's signature
    _ignore()
    _seen.append(signal.Signals(signum))
    raise _cancelled(signal.Signals(signum))


def _hold(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001 - a signal handler's signature
    _held.append(signal.Signals(signum))
    _seen.append(signal.Signals(signum))


def _ignore() -> None:
    for sig in _CODES:
        signal.signal(sig, signal.SIG_IGN)


def _cancelled(sig: signal.Signals) -> Cancelled:
    return Cancelled(sig.name, _CODES[sig])


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def held_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM are remembered instead of ending the process
    (`cancellable` turns them into a cancellation). After it, the handlers are restored; once a
    signal came they stay ignored instead, for the few instructions left before the exit, so
    the exit code stays the one the report gave."""
    if not _main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _CODES}
    _held.clear()
    _seen.clear()
    for sig in _CODES:
        signal.signal(sig, _hold)
    try:
        yield
    finally:
        if _seen:
            _ignore()
        else:
            _restore(previous)


def held() -> str | None:
    """The first signal held and not turned into a cancellation (`SIGTERM`), if any."""
    return _held[0].name if _held else None


@contextmanager
def cancellable() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise Cancelled; handlers are restored after.

    A signal held before the block (see `held_signals`) cancels at once, as the block begins.
    """
    if not _main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _CODES}
    for sig in _CODES:
        signal.signal(sig, _handler)
    try:
        if _held:
            _ignore()
            raise _cancelled(_held.pop(0))
        yield
    except Cancelled:
        _held.clear()
        raise  # handlers stay SIG_IGN: the caller is writing what it knows
    except BaseException:
        _restore(previous)
        raise
    _restore(previous)


def _restore(previous: dict[signal.Signals, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)
