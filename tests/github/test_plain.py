"""The summary as plain text for a terminal: no Markdown, aligned tables cut to the width, colour rules."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offergate.core.document import Details, Heading, Link, Paragraph, Quote, Table, remark, text
from offergate.core.verdict import Result
from offergate.github import plain
from offergate.github.runner import Runner

HOSTILE = "Men's <b>shoes</b> & socks: 5 * 2 = 10 [x](y) `code` #1 _a_ https://www.contoso.com/a.b?c=1"
# what our Markdown renderer would leave behind: backslash escapes and HTML entities
MARKDOWN_LEFTOVERS = re.compile(r"\\[!-/:-@\[-`{-~]|&(?:lt|gt|amp|quot|#\d+);")


def lines_of(blocks: tuple, width: int = 80) -> list[str]:  # type: ignore[type-arg]
    return [line.text for line in plain.section_lines(blocks, width)]


def column_starts(header: str) -> list[int]:
    return [m.start() for m in re.finditer(r"(?:^|(?<=  ))\S", header)]


def test_text_shows_as_itself_without_escapes_or_entities() -> None:
    shown = lines_of(
        (
            Heading(3, HOSTILE),
            text(HOSTILE),
            Quote((HOSTILE,)),
            Table(("Message", "Count"), ((HOSTILE, "1"),)),
            Details(HOSTILE, (text("inside"),)),
        ),
        width=400,
    )
    joined = "\n".join(shown)
    assert not MARKDOWN_LEFTOVERS.search(joined)
    assert shown[0] == HOSTILE
    assert HOSTILE in shown  # the paragraph, whole at this width
    assert "  > " + HOSTILE in shown
    assert any(line.startswith(HOSTILE) and line.endswith("1") for line in shown)  # the table row
    assert HOSTILE + ":" in shown  # the collapsed block's title


def test_control_and_bidi_characters_are_dropped_and_lines_stay_lines() -> None:
    shown = lines_of((text("one\ntwo\r\nthree\x1b[31m \u202eevil\u2028end\x00"),))
    assert shown == ["one two three[31m evil end"]


def test_links_show_their_text_and_url() -> None:
    shown = lines_of((Paragraph(("Preview: ", Link("Preview link", "https://example.com/p?x=1"))),))
    assert shown == ["Preview: Preview link (https://example.com/p?x=1)"]
    assert lines_of((Paragraph((Link("", "https://example.com/"),)),)) == ["https://example.com/"]


def test_table_columns_are_aligned() -> None:
    table = Table(
        ("Step", "Status", "Progress"),
        (("Validate", "✅ Complete", "100%"), ("Certification", "🔄 InProgress", "10%"), ("Go Live", "", "")),
    )
    header, rule, *rows = lines_of((table,))
    starts = column_starts(header)
    assert len(starts) == 3
    assert rule.replace(" ", "") == "─" * len(rule.replace(" ", ""))
    for row in rows:
        cells = [c for c in re.split(r" {2,}", row) if c]
        for cell, start in zip(cells, starts, strict=False):
            # the cell starts where its header does, counted in terminal columns
            assert plain.display_width(row[: row.index(cell)]) == start
    assert rows[1].startswith("Certification  🔄 InProgress  10%")


@given(
    width=st.integers(min_value=plain.MIN_WIDTH, max_value=200),
    cells=st.lists(st.lists(st.text(min_size=0, max_size=80), min_size=4, max_size=4), min_size=1, max_size=5),
)
def test_tables_fit_the_width(width: int, cells: list[list[str]]) -> None:
    table = Table(("Item id", "Message", "Values", "Link"), tuple(tuple(row) for row in cells))
    for line in lines_of((table,), width=width):
        assert plain.display_width(line) <= width


def test_a_wide_table_is_cut_with_a_mark_and_keeps_its_narrow_columns() -> None:
    long = "x" * 200
    header, _rule, row = lines_of((Table(("Id", "Message"), (("A-1", long),)),), width=50)
    assert plain.display_width(row) == 50 and row.endswith("…")
    assert row.startswith("A-1  x")
    assert header.rstrip() == "Id   Message"


def test_paragraphs_wrap_at_the_width() -> None:
    words = " ".join(["rejection"] * 40)
    shown = lines_of((text(words), remark(words)), width=60)
    assert len(shown) > 4 and all(len(line) <= 60 for line in shown)


def test_the_whole_summary_has_a_verdict_heading_and_the_settings() -> None:
    lines = plain.render(
        Result.PASSED,
        "1 offer reached publisher sign-off",
        [(Heading(3, "✅ contoso/vm: passed"), text("the offer is waiting for publisher sign-off"))],
        elapsed=90.0,
        settings_line="Offer gate for publisher contoso: wait until publisher-signoff.",
        notes=(),
        width=80,
    )
    shown = [line.text for line in lines]
    verdict = shown.index("✅ offergate: passed — 1 offer reached publisher sign-off")
    assert set(shown[verdict + 1]) == {"="}
    assert lines[verdict].style == "green"
    assert "Waited 1m30s." in " ".join(shown)
    assert "✅ contoso/vm: passed" in shown


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "tty", "coloured"),
    [
        ({}, True, True),
        ({"NO_COLOR": "1"}, True, False),
        ({"TERM": "dumb"}, True, False),
        ({}, False, False),
    ],
)
def test_colour_only_on_a_terminal_and_never_with_no_color(env: dict[str, str], tty: bool, coloured: bool) -> None:
    out = Terminal() if tty else io.StringIO()
    runner = Runner(env, out)
    runner.print_text([plain.Line("heading", "bold"), plain.Line("plain")])
    printed = out.getvalue()
    assert ("\x1b[1mheading\x1b[0m" in printed) is coloured
    assert ("\x1b" in printed) is coloured
    assert "plain\n" in printed


def test_colour_codes_are_ours_alone() -> None:
    out = Terminal()
    runner = Runner({}, out)
    runner.print_text([plain.Line("api said \x1b[2J", "bold")])
    assert out.getvalue() == "\x1b[1mapi said \\x1b[2J\x1b[0m\n"  # the API's escape is shown, not run


@pytest.mark.parametrize(("env", "width"), [({"COLUMNS": "72"}, 72), ({}, 100), ({"COLUMNS": "wide"}, 100)])
def test_width_from_columns_or_a_default(env: dict[str, str], width: int) -> None:
    assert Runner(env, io.StringIO()).width == width


def test_annotation_levels_are_coloured_on_a_terminal_only() -> None:
    out = Terminal()
    Runner({}, out).annotate("error", "it broke", title="offergate")
    assert out.getvalue() == "\x1b[31merror\x1b[0m: offergate: it broke\n"
    plain_out = Terminal()
    Runner({"NO_COLOR": "1"}, plain_out).annotate("warning", "careful")
    assert plain_out.getvalue() == "warning: careful\n"


@given(
    words=st.one_of(
        st.text(max_size=200), st.lists(st.sampled_from(["中文", "👍", "é", "ab", " "]), max_size=120).map("".join)
    ),
    width=st.integers(min_value=plain.MIN_WIDTH, max_value=120),
)
def test_any_text_gives_clean_lines_within_the_width_but_for_long_words(words: str, width: int) -> None:
    blocks = (Heading(3, words), text(words), Quote((words,)), Details(words, (Table(("a",), ((words,),)),)))
    for line in lines_of(blocks, width=width):
        assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", line)
        long_word = any(plain.display_width(word) > width - 4 for word in line.split())
        assert plain.display_width(line) <= width or long_word


def test_wide_characters_count_two_columns_when_wrapping() -> None:
    shown = lines_of((text("中文字 " * 30),), width=40)
    assert len(shown) > 3
    assert all(plain.display_width(line) <= 40 for line in shown)
    assert plain.display_width(shown[0]) > 30  # filled, not cut at half the width
