"""The runner's interface: log lines, workflow commands, step outputs and the job summary.

Text from APIs is untrusted. Everything printed here goes through `neutralise`
(`offergate.github.commands`), so the runner can run no workflow command from it, and through
`Runner.redact`, so no remembered secret is printed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO
from urllib.parse import quote, quote_plus, unquote, unquote_plus

from offergate.github.commands import escape_data, escape_property, neutralise
from offergate.github.markdown import cut_block

if TYPE_CHECKING:
    from offergate.github.plain import Line, Style

AnnotationLevel = Literal["error", "warning", "notice"]

#: GitHub drops a step summary above this size (the runner's UnsupportedSummarySize error).
SUMMARY_LIMIT_BYTES = 1024 * 1024
#: GitHub shows at most this many annotations of one level per step.
ANNOTATION_LIMIT = 10
#: Lines of a multi-line secret shorter than this (after stripping) are not masked alone.
MIN_MASKED_LINE = 4

_OUTPUT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_SURROGATE = re.compile("[\ud800-\udfff]")

#: Columns assumed for text laid out for a terminal when neither COLUMNS nor a terminal says.
DEFAULT_WIDTH = 100
_ANSI: dict[str, str] = {"bold": "1", "dim": "2", "green": "32", "red": "31", "yellow": "33"}
_LEVEL_STYLE: dict[str, Style] = {"error": "red", "warning": "yellow", "notice": "bold"}


def _secret_forms(secret: str) -> list[str]:
    """The secret, its lines when several, and the encodings of each seen in URLs and JSON."""
    bases = [secret]
    lines = _LINE_BREAK.split(secret)
    if len(lines) > 1:
        bases += [line for line in lines if len(line.strip()) >= MIN_MASKED_LINE]
    unique: list[str] = []
    for base in bases:
        encoded = [unquote(base), unquote_plus(base), json.dumps(base)[1:-1]]
        with contextlib.suppress(UnicodeEncodeError):  # a lone surrogate that was never a byte: no URL form
            encoded += [quote(base, safe="", errors="surrogateescape"), quote_plus(base, errors="surrogateescape")]
        for form in [base, *encoded]:
            if form.strip() and form not in unique:
                unique.append(form)
    return unique


def _mask_values(form: str) -> list[str]:
    """What to mask for one form: itself when one line, else each line long enough."""
    lines = _LINE_BREAK.split(form)
    if len(lines) == 1:
        return [form]
    return [line for line in lines if len(line.strip()) >= MIN_MASKED_LINE]


class Runner:
    """Talks to the GitHub runner (or a terminal, outside Actions).

    Never raises on a file problem: it warns, records the warning in `problems` and
    carries on. `outputs` holds every step output set.
    """

    def __init__(self, env: Mapping[str, str], out: TextIO | None = None, summary_file: str | None = None) -> None:
        self.in_actions: bool = env.get("GITHUB_ACTIONS") == "true"
        self.outputs: dict[str, str] = {}
        self.problems: list[str] = []
        self._out = out if out is not None else sys.stdout
        self._output_path = env.get("GITHUB_OUTPUT") or None
        self._summary_path = env.get("GITHUB_STEP_SUMMARY") or None
        self._summary_file = summary_file
        self._summary_file_started = False
        self._debug_outside = "1" in (env.get("RUNNER_DEBUG"), env.get("OFFERGATE_DEBUG"))
        self._secrets: set[str] = set()
        self._masked: set[str] = set()
        self._longest_first: list[str] = []
        self._annotations: dict[str, int] = {"error": 0, "warning": 0, "notice": 0}
        self.colour: bool = _wants_colour(env, self._out)
        self.width: int = _terminal_width(env, self._out)

    # -- secrets -------------------------------------------------------------------

    def mask(self, secret: str) -> None:
        """Remember a secret for `redact`; in Actions, print `::add-mask::` for it first.

        Empty or whitespace-only values are ignored. Any other value is redacted and masked
        whatever its length (a short secret is still a secret). Each form (plain,
        URL-encoded, percent-decoded, JSON-escaped) is masked; a multi-line form is masked
        line by line, leaving out lines under 4 characters (a lone `}` would blank every
        brace of the log). Outside Actions nothing is printed: the command would show it.
        """
        if not secret.strip():
            return
        fresh = False
        for form in _secret_forms(secret):
            for value in [form, *(_mask_values(form) if "\n" in form or "\r" in form else [])]:
                if value not in self._secrets:
                    self._secrets.add(value)
                    fresh = True
            if self.in_actions:
                for value in _mask_values(form):
                    if value not in self._masked:
                        self._masked.add(value)
                        self._emit(f"::add-mask::{escape_data(value)}")
        if fresh:
            self._longest_first = sorted(self._secrets, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """Replace every remembered secret (and its encodings) with `***`, longest first.

        Plain replacements, not one big regex: a long wait acquires a token every hour, and
        recompiling an ever-growing alternation for each of them costs more than the wait.
        """
        for secret in self._longest_first:
            if secret in text:
                text = text.replace(secret, "***")
        return text

    # -- log -----------------------------------------------------------------------

    def info(self, line: str) -> None:
        """Print one log line of untrusted text: redacted and neutralised."""
        self._emit(self._line(line))

    def debug(self, line: str) -> None:
        """`::debug::` in Actions; outside, a `debug:` line only with RUNNER_DEBUG/OFFERGATE_DEBUG=1."""
        if self.in_actions:
            self._emit(f"::debug::{escape_data(self._line(line))}")
        elif self._debug_outside:
            self._emit(f"debug: {self._line(line)}")

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        """A collapsible log group in Actions; a `== title` header outside."""
        if not self.in_actions:
            self._emit(f"== {self._line(title)}")
            yield
            return
        self._emit(f"::group::{escape_data(self._line(title))}")
        try:
            yield
        finally:
            self._emit("::endgroup::")

    def annotate(self, level: AnnotationLevel, message: str, title: str | None = None) -> None:
        """An error/warning/notice annotation; at most 10 per level, later ones only counted.

        The message may have several lines; each is neutralised. Outside Actions it prints
        `level: title: message`, continuation lines indented.
        """
        if level not in self._annotations:
            raise ValueError(f"unknown annotation level {level!r}")
        self._annotations[level] += 1
        if self._annotations[level] > ANNOTATION_LIMIT:
            return
        lines = [self._line(part) for part in _LINE_BREAK.split(self.redact(message))]
        head = self._line(title) if title else ""
        if self.in_actions:
            props = f" title={escape_property(head)}" if head else ""
            data = escape_data("\n".join(lines))
            self._emit(f"::{level}{props}::{data}")
            return
        shown = _coloured(level, _LEVEL_STYLE[level]) if self.colour else level
        first = f"{shown}: {head}: {lines[0]}" if head else f"{shown}: {lines[0]}"
        self._emit(first)
        for line in lines[1:]:
            self._emit(f"  {line}")

    def annotations_dropped(self, level: AnnotationLevel) -> int:
        """How many annotations of this level were over the limit and not printed."""
        return max(0, self._annotations.get(level, 0) - ANNOTATION_LIMIT)

    # -- outputs and summary ---------------------------------------------------------

    def set_output(self, name: str, value: str) -> None:
        """Set a step output (heredoc form, random `ghadelimiter_<uuid4>` delimiter).

        Raises ValueError for a name that is not `[A-Za-z_][A-Za-z0-9_-]*` or for a name or
        value holding the delimiter. Values are redacted as the log is (an output can carry
        API text, and an API may echo a token), then written as they are otherwise: an
        output is data, so it is not neutralised. Without GITHUB_OUTPUT the output is only
        remembered (with a warning in Actions, where GITHUB_OUTPUT should be set).
        """
        if not _OUTPUT_NAME.fullmatch(name):
            raise ValueError(f"invalid output name {name!r}")
        value = self.redact(value)
        import uuid  # lazily: the first output is written after the first request

        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        if delimiter in name or delimiter in value:
            raise ValueError("the output name or value contains the heredoc delimiter")
        self.outputs[name] = value
        if self._output_path is None:
            if self.in_actions:
                self._problem("GITHUB_OUTPUT is not set: the step outputs could not be written")
            return
        record = f"{name}<<{delimiter}\n{value}\n{delimiter}\n"
        try:
            with Path(self._output_path).open("a", encoding="utf-8", errors="backslashreplace", newline="") as f:
                f.write(record)
        except OSError as error:
            # one warning for the file, not one per output
            self._problem(f"could not write the step outputs to {self._output_path}: {_reason(error)}")

    def write_summary(self, markdown: str) -> None:
        """Append redacted Markdown to the job summary, cut to stay within 1 MiB.

        Goes to GITHUB_STEP_SUMMARY; without it to `summary_file` (overwritten by the
        first write); without that to the log, each line neutralised (with a warning in
        Actions, where GITHUB_STEP_SUMMARY should be set).
        """
        text = self.redact(markdown)
        if text and not text.endswith("\n"):
            text += "\n"
        if self._summary_path is not None:
            self._append_summary(self._summary_path, text, overwrite=False)
        elif self._summary_file is not None:
            self._append_summary(self._summary_file, text, overwrite=not self._summary_file_started)
            self._summary_file_started = True
        else:
            if self.in_actions:
                self._problem("GITHUB_STEP_SUMMARY is not set: the job summary is printed to the log instead")
            for line in _LINE_BREAK.split(text.rstrip("\n")):
                self._emit(self._line(line))

    @property
    def summary_goes_to_a_file(self) -> bool:
        """Whether `write_summary` writes a file (the runner's, or `--summary-file`), not the log."""
        return self._summary_path is not None or self._summary_file is not None

    def print_text(self, lines: Sequence[Line]) -> None:
        """Print text laid out for people (the summary outside Actions): each line redacted and
        neutralised, coloured by its style only on a terminal without NO_COLOR.

        In Actions (no GITHUB_STEP_SUMMARY) it warns first that the summary is printed instead.
        """
        if self.in_actions:
            self._problem("GITHUB_STEP_SUMMARY is not set: the job summary is printed to the log instead")
        for line in lines:
            text = self._line(line.text)
            self._emit(_coloured(text, line.style) if self.colour and text else text)

    def _append_summary(self, path: str, text: str, *, overwrite: bool) -> None:
        try:
            used = 0
            if not overwrite and Path(path).is_file():
                used = Path(path).stat().st_size
            data = text.encode("utf-8", "replace")
            if used + len(data) > SUMMARY_LIMIT_BYTES:
                cut = cut_summary(data, SUMMARY_LIMIT_BYTES - used)
                if cut is None:
                    self._problem(f"the job summary in {path} is full ({used} bytes); a section was left out")
                    return
                self._problem(f"the job summary was cut to stay under {SUMMARY_LIMIT_BYTES} bytes")
                data = cut
            with Path(path).open("wb" if overwrite else "ab") as f:
                f.write(data)
        except OSError as error:
            self._problem(f"could not write the job summary to {path}: {_reason(error)}")

    # -- helpers ---------------------------------------------------------------------

    def _line(self, text: str) -> str:
        return self.redact(neutralise(self.redact(text)))

    def _problem(self, message: str) -> None:
        message = self.redact(message)
        if message in self.problems:
            return
        self.problems.append(message)
        if self._annotations["warning"] >= ANNOTATION_LIMIT:
            self.info(f"offergate warning: {message}")  # over the cap: still said, in the log
            return
        self.annotate("warning", message, title="offergate")

    def _emit(self, line: str) -> None:
        try:
            self._out.write(_SURROGATE.sub("\ufffd", line) + "\n")
            self._out.flush()
        except (OSError, ValueError):
            pass  # stdout is gone: there is nowhere left to report it


CUT_NOTE = (
    "\n**The summary was cut here to stay under GitHub's 1 MiB limit for a step summary; the log has the rest.**\n"
)


def cut_summary(data: bytes, budget: int) -> bytes | None:
    """Cut UTF-8 Markdown at a line boundary so that it, closing tags and a note fit `budget`.

    Closes `<details>` left open by the cut. None when not even the note fits.
    """
    return cut_block(data, budget, CUT_NOTE)


def _wants_colour(env: Mapping[str, str], out: TextIO) -> bool:
    """Colour only on a terminal, never with NO_COLOR (any non-empty value) or TERM=dumb."""
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    try:
        return out.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _terminal_width(env: Mapping[str, str], out: TextIO) -> int:
    """COLUMNS when set, else the terminal's width, else `DEFAULT_WIDTH`."""
    columns = env.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if out.isatty():
            return os.get_terminal_size(out.fileno()).columns
    except (AttributeError, ValueError, OSError):
        pass
    return DEFAULT_WIDTH


def _coloured(text: str, style: Style | None) -> str:
    return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if style else text


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__
