"""The job summary in Markdown: a verdict line, the settings, notes, then each backend's sections.

Every piece of API text goes through `offergate.github.markdown`, which escapes it, and the whole
document is bounded so GitHub never drops it for being too large.
"""

from __future__ import annotations

from collections.abc import Sequence

from offergate.core.document import RESULT_MARK, Block, Details, Heading, Link, Paragraph, Quote, Section, Table
from offergate.core.durations import format_duration
from offergate.core.verdict import Result
from offergate.github import markdown as md

TABLE_LINK_CHARS = 80  # a link's text in a table cell is cut to this


def verdict_line(result: Result, headline: str) -> str:
    return md.heading(2, f"{RESULT_MARK[result]} offergate: {result.value} — {headline}")


def block_markdown(block: Block) -> str:
    """One block as safe Markdown."""
    match block:
        case Heading():
            return md.heading(block.level, block.text)
        case Paragraph():
            inline = "".join(
                md.link(part.text, part.url) if isinstance(part, Link) else md.escape_inline(part)
                for part in block.parts
            )
            return f"_{inline}_" if block.emphasis else inline
        case Quote():
            return "\n".join(f"> {md.escape_inline(line)}" for line in block.lines)
        case Table():
            return md.table(block.headers, [[_cell(value) for value in row] for row in block.rows])
        case Details():
            return md.details(block.summary, section_markdown(block.blocks))


def _cell(value: str | Link) -> str:
    return md.Safe(md.link(value.text, value.url, max_chars=TABLE_LINK_CHARS)) if isinstance(value, Link) else value


def section_markdown(section: Section) -> str:
    return "\n\n".join(block_markdown(block) for block in section) + "\n"


def render(
    result: Result,
    headline: str,
    sections: Sequence[Section],
    *,
    elapsed: float,
    settings_line: str,
    notes: Sequence[str],
) -> str:
    """The whole summary, bounded in size."""
    doc = md.BoundedDocument()
    doc.add(verdict_line(result, headline))
    doc.add(md.escape_inline(f"{settings_line} Waited {format_duration(elapsed)}.") + "\n")
    for note in notes:
        doc.add(md.escape_inline(note) + "\n")
    for section in sections:
        doc.add(section_markdown(section), cuttable=True)
    return doc.render()
