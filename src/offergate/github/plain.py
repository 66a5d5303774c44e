"""The summary as plain text for a terminal: headings, wrapped paragraphs, aligned tables.

The same document blocks as the job summary (`offergate.core.document`), rendered for people
reading a terminal instead of for GitHub's Markdown: no escapes, no HTML entities, tables cut to
the terminal's width. Text is cleaned here (control and bidi characters dropped, line breaks
made spaces), so each line is one line; the runner still redacts and neutralises every line it
prints, and adds colour (from each line's `style`) only when it prints to a terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from offergate.core.document import RESULT_MARK, Block, Details, Heading, Link, Paragraph, Quote, Section, Table
from offergate.core.durations import format_duration
from offergate.core.verdict import Result

Style = Literal["bold", "dim", "green", "red", "yellow"]

#: The narrowest width the renderer lays out for, whatever the terminal says.
MIN_WIDTH = 40
COLUMN_GAP = "  "
CUT_MARK = "…"
#: A column is never cut narrower than this (or its own width, when that is less).
MIN_COLUMN = 6

_RESULT_STYLE: dict[Result, Style] = {
    Result.PASSED: "green",
    Result.FAILED: "red",
    Result.PENDING: "yellow",
    Result.ERROR: "red",
}

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# C0 controls (tab too), DEL, C1 controls, bidi embeddings/overrides/isolates, lone surrogates.
_DROPPED = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_BLANKS = re.compile(" {2,}")


@dataclass(frozen=True)
class Line:
    """One line of terminal text, and how to colour it when colour is on."""

    text: str
    style: Style | None = None


def _one_line(text: str) -> str:
    return _DROPPED.sub("", _LINE_BREAK.sub(" ", text).replace("\t", " "))


def clean(text: str) -> str:
    """One line of plain text: line breaks and tabs become spaces, control and bidi characters go."""
    return _BLANKS.sub(" ", _one_line(text)).strip()


def display_width(text: str) -> int:
    """Columns the text takes in a terminal: wide (East Asian, most emoji) characters take two,
    combining marks and zero-width characters none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        if ch in "\ufe0e\ufe0f":
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def cut(text: str, width: int) -> str:
    """The text cut to at most `width` columns, ending in "…" when something was left out."""
    if display_width(text) <= width:
        return text
    kept = []
    used = 0
    for ch in text:
        step = display_width(ch)
        if used + step > width - 1:
            break
        kept.append(ch)
        used += step
    return "".join(kept).rstrip() + CUT_MARK if width > 0 else ""


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def inline_text(parts: Sequence[str | Link]) -> str:
    """A paragraph's parts as text; a link shows as `text (url)`, or its URL alone."""
    shown = []
    for part in parts:
        if isinstance(part, Link):
            label, url = clean(part.text), clean(part.url)
            shown.append(url if not label or label == url else f"{label} ({url})" if url else label)
        else:
            shown.append(_one_line(part))
    return clean("".join(shown))


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Text wrapped at spaces to `width` terminal columns (wide characters count two); a word
    longer than the width (a URL) is kept whole on its own line."""
    width = max(MIN_WIDTH // 2, width)
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else indent + word
        if line and display_width(candidate) > width:
            lines.append(line)
            candidate = indent + word
        line = candidate
    lines.append(line or indent.rstrip())
    return lines


def _cell_text(value: str | Link) -> str:
    """A table cell's text; a link shows its URL (the column is narrow), or its text without one."""
    if isinstance(value, Link):
        return clean(value.url) or clean(value.text)
    return clean(str(value))


def column_widths(natural: Sequence[int], width: int) -> list[int]:
    """Column widths that fit `width` with the gaps between: the widest column gives way first."""
    widths = list(natural)
    room = width - len(COLUMN_GAP) * max(0, len(widths) - 1)
    floor = [min(w, MIN_COLUMN) for w in natural]
    while sum(widths) > room:
        widest = max(range(len(widths)), key=lambda i: widths[i] - floor[i])
        if widths[widest] <= floor[widest]:
            break  # as narrow as columns go: each line is cut at the width instead
        widths[widest] -= 1
    return widths


def table_lines(table: Table, width: int) -> list[Line]:
    """An aligned table: a header, a rule, then one line per row, cut to `width` columns."""
    count = len(table.headers)
    if count == 0:
        return []
    headers = [clean(h) for h in table.headers]
    rows = [[_cell_text(cell) for cell in list(row)[:count]] + [""] * (count - len(row)) for row in table.rows]
    natural = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(count)]
    widths = column_widths(natural, width)

    def line(cells: Sequence[str]) -> str:
        shown = [_pad(cut(cell, widths[i]), widths[i]) for i, cell in enumerate(cells)]
        return cut(COLUMN_GAP.join(shown).rstrip(), width)

    result = [Line(line(headers), "bold"), Line(cut(COLUMN_GAP.join("─" * w for w in widths), width), "dim")]
    result += [Line(line(row)) for row in rows]
    return result


def heading_lines(level: int, words: str, width: int, style: Style = "bold") -> list[Line]:
    """A heading, wrapped and underlined (`=` for the top levels, `-` below) so it shows without colour too."""
    shown = wrap(clean(words), width)
    rule = "=" if level <= 2 else "-"
    longest = max((display_width(line) for line in shown), default=0)
    return [*(Line(line, style) for line in shown), Line(rule * min(width, longest), "dim")]


SAID_ABOVE = "(the error is above)"


def block_lines(block: Block, width: int, said: frozenset[str] = frozenset()) -> list[Line]:
    """One block as lines of text, each at most `width` columns (a long URL may overflow).

    A paragraph that is one of the messages in `said` (printed just before, as an error) is not
    repeated: it becomes a pointer to it.
    """
    match block:
        case Heading():
            return heading_lines(block.level, block.text, width)
        case Paragraph():
            words = inline_text(block.parts)
            if words in said:
                return [Line(SAID_ABOVE, "dim")]
            return [Line(text, "dim" if block.emphasis else None) for text in wrap(words, width)]
        case Quote():
            return [Line(text) for line in block.lines for text in wrap(clean(line), width, indent="  > ")]
        case Table():
            return table_lines(block, width)
        case Details():
            lines = [Line(cut(clean(block.summary), width - 1) + ":", "bold")]
            for index, inner in enumerate(block.blocks):
                if index:
                    lines.append(Line(""))
                lines += block_lines(inner, width, said)
            return lines


def section_lines(section: Section, width: int, said: frozenset[str] = frozenset()) -> list[Line]:
    lines: list[Line] = []
    for index, block in enumerate(section):
        if index and not isinstance(section[index - 1], Heading):
            lines.append(Line(""))
        lines += block_lines(block, width, said)
    return lines


def render(
    result: Result,
    headline: str,
    sections: Sequence[Section],
    *,
    elapsed: float,
    settings_line: str,
    notes: Sequence[str],
    width: int,
    said: Collection[str] = (),
) -> list[Line]:
    """The whole summary as terminal lines, laid out for `width` columns (at least `MIN_WIDTH`).

    `said`: error messages already printed, which the sections do not repeat.
    """
    width = max(MIN_WIDTH, width)
    already = frozenset(clean(message) for message in said)
    lines = [Line("")]
    verdict = f"{RESULT_MARK[result]} offergate: {result.value} — {headline}"
    lines += heading_lines(2, verdict, width, _RESULT_STYLE[result])
    lines += [Line(text) for text in wrap(f"{settings_line} Waited {format_duration(elapsed)}.", width)]
    for note in notes:
        lines += [Line(text, "yellow") for text in wrap(clean(note), width)]
    for section in sections:
        lines.append(Line(""))
        lines += section_lines(section, width, already)
    return lines
