"""A summary section as plain data: headings, paragraphs, links, tables, quotes, collapsed blocks.

Backends describe what they observed with these blocks; `offergate.github` renders them as
escaped Markdown for the job summary, or as plain text for a terminal. Every string here is raw
(possibly hostile) text: escaping is the renderer's job, never the builder's.
"""

from __future__ import annotations

from dataclasses import dataclass

from offergate.core.verdict import Result


@dataclass(frozen=True)
class Link:
    """A link; a renderer shows it as a link only for a safe https URL, as plain text otherwise."""

    text: str
    url: str


Inline = str | Link


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Inline, ...]
    emphasis: bool = False  # a remark about the section ("No status could be read.")


@dataclass(frozen=True)
class Quote:
    """Quoted API messages, one a line."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]  # a cell is text or a link


@dataclass(frozen=True)
class Details:
    """A collapsed block: shown when opened (in a terminal: shown as is, under its summary line)."""

    summary: str
    blocks: tuple[Block, ...]


Block = Heading | Paragraph | Quote | Table | Details
Section = tuple[Block, ...]


def text(*parts: Inline) -> Paragraph:
    return Paragraph(tuple(parts))


def remark(words: str) -> Paragraph:
    return Paragraph((words,), emphasis=True)


RESULT_MARK = {
    Result.PASSED: "✅",
    Result.FAILED: "❌",
    Result.PENDING: "⏳",
    Result.ERROR: "⚠️",
}
