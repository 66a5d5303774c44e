"""The command line: `offergate [--input value ...]`, `offergate demo`, `offergate sandbox`.

With no arguments inside GitHub Actions the inputs come from the runner's `INPUT_*` variables;
flags given on the command line win over them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import TextIO

from offergate import __version__
from offergate.config.inputs import INPUT_NAMES, INPUTS, inputs_from_env, secret_values
from offergate.config.parse import parse_config
from offergate.core.clock import SYSTEM_CLOCK, Clock
from offergate.core.errors import ExitCode, InputError
from offergate.core.signals import held_signals
from offergate.github import markdown as md
from offergate.github.runner import Runner

USAGE = """\
usage: offergate [--INPUT VALUE ...] [--summary-file PATH]
       offergate demo
       offergate sandbox [--port PORT] [--time-scale N] [--scenario NAME ...]

Waits for Azure Marketplace offers to reach publisher sign-off (or go live) and fails on
Failed, Canceled, Rejected or Blocked. Inputs (also read from INPUT_* variables in GitHub Actions):
{inputs}

Exit codes: 0 passed, 1 failed, 2 bad input, 3 pending at the deadline (on-pending: fail),
4 the API could not be used, 130/143 cancelled by SIGINT/SIGTERM.
"""


def usage() -> str:
    lines = [f"  --{spec.name:<26} default: {spec.default}" if spec.default else f"  --{spec.name}" for spec in INPUTS]
    return USAGE.format(inputs="\n".join(lines))


def parse_flags(argv: Sequence[str]) -> tuple[dict[str, str], str | None]:
    """`--name value` or `--name=value` for every input, plus `--summary-file`."""
    flags: dict[str, str] = {}
    summary_file: str | None = None
    args = list(argv)
    while args:
        arg = args.pop(0)
        if not arg.startswith("--"):
            raise InputError(None, f"unexpected argument '{arg}': inputs are given as --name value")
        name, has_value, value = arg[2:].partition("=")
        if name != "summary-file" and name not in INPUT_NAMES:
            import difflib  # lazily: only a mistyped option needs it

            close = difflib.get_close_matches(name, sorted(INPUT_NAMES), n=1)
            hint = f" (did you mean --{close[0]}?)" if close else ""
            raise InputError(None, f"unknown option --{name}{hint}; see offergate --help")
        if not has_value:
            if not args:
                raise InputError(name, f"--{name} needs a value")
            value = args.pop(0)
        if name == "summary-file":
            summary_file = value
        else:
            flags[name] = value
    return flags, summary_file


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    out: TextIO | None = None,
) -> int:
    """Entry point of the `offergate` command; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    environ = dict(os.environ) if env is None else dict(env)
    stream = sys.stdout if out is None else out
    if args and args[0] in ("-h", "--help", "help"):
        stream.write(usage())
        return ExitCode.PASSED
    if args and args[0] == "--version":
        stream.write(f"offergate {__version__}\n")
        return ExitCode.PASSED
    if args and args[0] == "demo":
        from offergate.demo import run_demo

        return run_demo(args[1:], stream)
    if args and args[0] == "sandbox":
        from offergate.sandbox import run_sandbox_command

        return run_sandbox_command(args[1:])
    with held_signals():  # a signal before or after the wait never ends the process with nothing written
        return run_gate_command(args, environ, clock or SYSTEM_CLOCK, stream)


def run_gate_command(args: Sequence[str], env: Mapping[str, str], clock: Clock, out: TextIO) -> int:
    try:
        flags, summary_file = parse_flags(args)
    except InputError as error:
        runner = Runner(env, out)
        return _bad_input(runner, error)
    runner = Runner(env, out, summary_file=summary_file)
    given = {**inputs_from_env(env), **flags}
    for secret in secret_values(given):
        runner.mask(secret.strip())
    if env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"):
        runner.mask(env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"])
    try:
        config = parse_config(given, env)
    except InputError as error:
        return _bad_input(runner, error)

    from offergate.app import run_gate

    with libraries_through(runner):
        try:
            return int(run_gate(config, runner, clock, env).exit_code)
        except Exception as error:  # noqa: BLE001 - a bug: say so without a raw traceback that could hold a secret
            return _internal_error(runner, error)


class _RunnerLog(logging.Handler):
    """Library log records (urllib3's retries name URLs) as redacted, neutralised debug lines."""

    def __init__(self, runner: Runner) -> None:
        super().__init__(logging.DEBUG)
        self._runner = runner

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # logging must never break the gate
            self._runner.debug(f"{record.name}: {record.getMessage()}")


@contextmanager
def libraries_through(runner: Runner) -> Iterator[None]:
    """Within the block, urllib3's log and Python warnings go through the runner, never raw to stderr."""
    logger = logging.getLogger("urllib3")
    handler = _RunnerLog(runner)
    propagate, level = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    if level == logging.NOTSET:
        logger.setLevel(logging.WARNING)
    show = warnings.showwarning

    def through_runner(  # noqa: PLR0917 - warnings.showwarning's signature
        message: Warning | str,
        category: type[Warning],
        filename: str,  # noqa: ARG001 - warnings.showwarning's signature
        lineno: int,  # noqa: ARG001 - warnings.showwarning's signature
        file: TextIO | None = None,  # noqa: ARG001 - warnings.showwarning's signature
        line: str | None = None,  # noqa: ARG001 - warnings.showwarning's signature
    ) -> None:
        runner.debug(f"{category.__name__}: {message}")

    warnings.showwarning = through_runner
    try:
        yield
    finally:
        warnings.showwarning = show
        logger.removeHandler(handler)
        logger.propagate = propagate
        logger.setLevel(level)


def _internal_error(runner: Runner, error: Exception) -> int:
    """An unexpected exception: its traceback redacted and neutralised in the log, an error, exit 4."""
    trace: TracebackType | None = error.__traceback__
    for chunk in traceback.format_exception(type(error), error, trace):
        for line in chunk.rstrip("\n").split("\n"):
            runner.info(line)
    what = f"{type(error).__name__}: {error}"
    runner.annotate("error", what, title="offergate: internal error")
    if "result" not in runner.outputs:
        runner.set_output("result", "error")
        runner.write_summary(md.heading(2, "⚠️ offergate: internal error") + "\n" + md.escape_inline(what) + "\n")
    return int(ExitCode.API_ERROR)


def _bad_input(runner: Runner, error: InputError) -> int:
    runner.annotate("error", str(error), title="offergate: bad input")
    runner.set_output("result", "error")
    return int(ExitCode.BAD_INPUT)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
