"""The command line: `offergate [--input value ...]`, `offergate demo`, `offergate sandbox`, `offergate help`.

With no arguments inside GitHub Actions the inputs come from the runner's `INPUT_*` variables;
flags given on the command line win over them. The gate's flags are read with argparse, from
the input table (`config.inputs.INPUTS`): each input is a flag in its group of `--help`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import sys
import traceback
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import NoReturn, TextIO

from offergate import __version__
from offergate.config.inputs import INPUTS, Group, InputSpec, env_name, inputs_from_env, secret_values
from offergate.config.parse import parse_config
from offergate.config.values import shown
from offergate.core.clock import SYSTEM_CLOCK, Clock
from offergate.core.errors import ExitCode, InputError
from offergate.core.signals import held_signals
from offergate.github import markdown as md
from offergate.github.runner import Runner

SUBCOMMANDS = ("demo", "sandbox", "help")
HELP_TOPICS = ("gate", "demo", "sandbox")

USAGE = """\
offergate [--INPUT VALUE ...] [--summary-file PATH] [--debug]
       offergate demo
       offergate sandbox [--port PORT] [--time-scale N] [--scenario NAME ...]
       offergate help [gate|demo|sandbox]
       offergate --version"""

DESCRIPTION = """\
Waits for Azure Marketplace offers to reach publisher sign-off (or go live) and fails on
Failed, Canceled, Rejected or Blocked; waits for Merchant Center catalogs' reviews and fails
when their rejections go over max-rejections. Give the offer gate's inputs, the catalog gate's,
or both.

Every input is a flag, --name value or --name=value; inputs also come from the runner's
INPUT_* variables (INPUT_PUBLISHER-ID, or INPUT_PUBLISHER_ID), and a flag wins over its variable."""

EPILOG = """\
Exit codes:
  0    passed
  1    failed (a review failed, or rejections over max-rejections)
  2    bad input
  3    pending when the wait ended (on-pending: fail)
  4    an API could not be used
  130  cancelled by SIGINT
  143  cancelled by SIGTERM

Other commands:
  offergate demo       gate two offers and a catalog against a fast sandbox, offline
  offergate sandbox    serve the sandbox APIs on 127.0.0.1 to try the gate against
  offergate help TOPIC this help (gate), or the demo's or the sandbox's"""

DEMO_DESCRIPTION = """\
Start the sandbox (emulators of the Cloud Partner Portal API, the Content API and the token
endpoints) on 127.0.0.1 with a clock that runs fast, gate two offers and a catalog against it,
and print the log and the job summary. Needs no network and no credentials; takes no options."""

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,30}")
_OPTION = re.compile(r"--?[A-Za-z0-9][A-Za-z0-9_-]{0,40}")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help lines wrapped at words only (never inside `INPUT_OFFER-ID`), each given line kept a line."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=34, width=100)

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap

        lines: list[str] = []
        for line in text.splitlines():
            lines += textwrap.wrap(line, width, break_on_hyphens=False, break_long_words=False) or [""]
        return lines


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are InputErrors, printed by the gate's own error output (exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise InputError(None, f"{message[:300]}; see offergate --help")


def _input_help(spec: InputSpec) -> str:
    default = f", default: {spec.default}" if spec.default else ""
    return f"{spec.description}\n[{env_name(spec.name)}{default}]".replace("%", "%%")


def gate_parser() -> argparse.ArgumentParser:
    """The main command's flags: one per input, grouped as `Group` orders them, then the command line's own."""
    parser = _Parser(
        prog="offergate",
        usage=USAGE,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_Formatter,
        add_help=False,
        allow_abbrev=False,
    )
    groups = {group: parser.add_argument_group(group.value) for group in Group}
    for spec in INPUTS:
        groups[spec.group].add_argument(
            f"--{spec.name}", dest=spec.name, metavar=spec.metavar, default=None, help=_input_help(spec)
        )
    output = groups[Group.OUTPUT]
    output.add_argument(
        "--summary-file",
        dest="summary_file",
        metavar="PATH",
        help="Write the job summary to PATH (replaced) when GITHUB_STEP_SUMMARY is not set, instead of to the "
        "log. Command line only.",
    )
    output.add_argument(
        "--debug",
        action="store_true",
        help="Show debug lines (each request and retry), as RUNNER_DEBUG=1 does. Command line only.",
    )
    general = parser.add_argument_group("general")
    general.add_argument("-h", "--help", action="store_true", help="Show this help and exit.")
    general.add_argument("--version", action="store_true", help="Print offergate's version and exit.")
    return parser


def demo_parser() -> argparse.ArgumentParser:
    return _Parser(prog="offergate demo", description=DEMO_DESCRIPTION, formatter_class=_Formatter)


def gate_help() -> str:
    return gate_parser().format_help()


_VALUE_FLAGS = frozenset([*(f"--{spec.name}" for spec in INPUTS), "--summary-file"])
_FLAG_NAMES = (*(spec.name for spec in INPUTS), "summary-file", "debug", "help", "version")


@dataclass(frozen=True)
class GateArgs:
    """The main command's arguments: input flags given (empty ones too), and the command line's own."""

    flags: dict[str, str] = field(default_factory=dict)
    summary_file: str | None = None
    debug: bool = False
    help: bool = False
    version: bool = False


def _glued(argv: Sequence[str]) -> tuple[list[str], list[int]]:
    """`--name value` as `--name=value`: the next argument is the value even when it starts with '-' (a secret may).

    Also where each glued argument starts in `argv` (1-based), for messages.
    """
    glued: list[str] = []
    positions: list[int] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        positions.append(index + 1)
        if arg in _VALUE_FLAGS:
            if index + 1 == len(argv):
                raise InputError(arg[2:], f"{arg} needs a value")
            index += 1
            arg = f"{arg}={argv[index]}"
        glued.append(arg)
        index += 1
    return glued, positions


def _refuse_extra(extra: str, position: int, *, positional: bool) -> NoReturn:
    import difflib  # lazily: only a mistyped argument needs it

    if extra.startswith("-") and extra != "-" and not positional:
        option = extra.partition("=")[0]
        close = difflib.get_close_matches(option.lstrip("-"), _FLAG_NAMES, n=1)
        hint = f" (did you mean --{close[0]}?)" if close else ""
        said = option if _OPTION.fullmatch(option) else shown(option, 40)
        raise InputError(None, f"unknown option {said}{hint}; see offergate --help")
    said = f"'{extra}'" if _WORD.fullmatch(extra) else f"number {position}"
    if extra in SUBCOMMANDS:
        hint = f" (a command comes first: offergate {extra} ...)"
    else:
        close = difflib.get_close_matches(extra, SUBCOMMANDS, n=1) if _WORD.fullmatch(extra) else []
        hint = f" (did you mean offergate {close[0]}?)" if close else ""
    raise InputError(
        None,
        f"unexpected argument {said}{hint}: inputs are given as --name value, and the commands are "
        f"{', '.join(SUBCOMMANDS)}; see offergate --help",
    )


def parse_gate_args(argv: Sequence[str]) -> GateArgs:
    """The main command's arguments; InputError (exit 2) for anything it does not take."""
    glued, positions = _glued(argv)
    if "-h" in glued or "--help" in glued:
        return GateArgs(help=True)
    namespace, extras = gate_parser().parse_known_args(glued)
    after_dashes = extras[:1] == ["--"]  # what follows `--` is positional, and no positional is taken
    if after_dashes:
        extras = extras[1:]
    if extras:
        _refuse_extra(extras[0], positions[glued.index(extras[0])], positional=after_dashes)
    values = vars(namespace)
    return GateArgs(
        flags={spec.name: values[spec.name] for spec in INPUTS if values[spec.name] is not None},
        summary_file=namespace.summary_file,
        debug=namespace.debug,
        help=namespace.help,
        version=namespace.version,
    )


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
    command, rest = (args[0], args[1:]) if args else ("", [])
    if command == "help":
        return help_command(rest, stream)
    if command == "demo":
        if _asks_help(rest):
            return help_command(["demo"], stream)
        from offergate.demo import run_demo

        return run_demo(rest, stream)
    if command == "sandbox":
        if _asks_help(rest):
            return help_command(["sandbox"], stream)
        from offergate.sandbox import run_sandbox_command

        return run_sandbox_command(rest, out=stream)
    with held_signals():  # a signal before or after the wait never ends the process with nothing written
        return run_gate_command(args, environ, clock or SYSTEM_CLOCK, stream)


def _asks_help(args: Sequence[str]) -> bool:
    return any(arg in ("-h", "--help") for arg in args)


def help_command(topics: Sequence[str], out: TextIO) -> int:
    """`offergate help [gate|demo|sandbox]`: that command's help, exit 0."""
    topic = topics[0] if topics and topics[0] not in ("-h", "--help") else "gate"
    if len(topics) > 1 or topic not in HELP_TOPICS:
        said = shown(" ".join(topics), 40)
        out.write(f"offergate help: no help on {said}: give one of {', '.join(HELP_TOPICS)}\n")
        return int(ExitCode.BAD_INPUT)
    if topic == "demo":
        out.write(demo_parser().format_help())
    elif topic == "sandbox":
        from offergate.sandbox.command import parser as sandbox_parser

        out.write(sandbox_parser().format_help())
    else:
        out.write(gate_help())
    return int(ExitCode.PASSED)


def run_gate_command(args: Sequence[str], env: Mapping[str, str], clock: Clock, out: TextIO) -> int:
    try:
        parsed = parse_gate_args(args)
    except InputError as error:
        runner = Runner(env, out)
        return _bad_input(runner, error)
    if parsed.help:
        out.write(gate_help())
        return int(ExitCode.PASSED)
    if parsed.version:
        out.write(f"offergate {__version__}\n")
        return int(ExitCode.PASSED)
    if parsed.debug:  # what the runner's own debug switch does, for the runner and everything handed env
        env = {**env, "RUNNER_DEBUG": "1", "OFFERGATE_DEBUG": "1"}
    runner = Runner(env, out, summary_file=parsed.summary_file)
    given = {**inputs_from_env(env), **parsed.flags}
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
        if runner.summary_goes_to_a_file:  # a terminal has the annotation above; Markdown is for the file
            runner.write_summary(md.heading(2, "⚠️ offergate: internal error") + "\n" + md.escape_inline(what) + "\n")
    return int(ExitCode.API_ERROR)


def _bad_input(runner: Runner, error: InputError) -> int:
    runner.annotate("error", str(error), title="offergate: bad input")
    runner.set_output("result", "error")
    return int(ExitCode.BAD_INPUT)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
