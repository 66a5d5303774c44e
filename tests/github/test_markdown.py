"""Safe Markdown: untrusted text stays text, tables keep their shape, the document its size.

Tests marked `needs_cmarkgfm` render with GitHub's cmark-gfm (tables, strikethrough,
autolinks; raw HTML allowed, so an injected tag would show); they skip without it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offergate.github import markdown as md

try:
    import cmarkgfm
    from cmarkgfm.cmark import Options
except ImportError:  # pragma: no cover
    cmarkgfm = None

needs_cmarkgfm = pytest.mark.skipif(cmarkgfm is None, reason="cmarkgfm (GitHub's cmark-gfm) is not installed")

# Text rich in what Markdown, HTML and GitHub care about.
_SPECIAL = st.sampled_from(
    [
        *"\\`*_{}[]()#+-!|~=$:.<>&\"'@ \t\r\n0123456789abcw",
        "http://",
        "https://x.io/a_b",
        "www.",
        "<img src=x>",
        "<script>",
        "<details>",
        "&lt;",
        "&#124;",
        "@octocat",
        "1. ",
        "- ",
        "> ",
        "    ",
        "---",
        "===",
        "```",
        "~~~",
        "![i](x)",
        "[l](javascript:x)",
        "\u202e",
        "\x00",
        "\x85",
        "\u2028",
        "\ufeff",
        "\ud800",
        "é",
        "👍",
    ]
)
untrusted = st.one_of(st.lists(st.one_of(_SPECIAL, st.text(max_size=3)), max_size=25).map("".join), st.text())

ZWSP = "\u200b"


def render(markdown: str) -> str:
    html: str = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return html


class Html(HTMLParser):
    """Tags seen, and the text of each table cell (`<br>` as a newline)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[dict[str, str | None]] = []
        self.text = ""
        self.rows: list[list[str]] = []
        self._in_cell = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.append(dict(attrs))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in_cell = True
        elif tag == "br":
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        self._add(data)

    def _add(self, data: str) -> None:
        self.text += data
        if self._in_cell:
            self.rows[-1][-1] += data


def shown(text: str) -> str:
    """What escaped text should show: cleaned, on one line, a zero-width space after every `@`
    (before a letter it defeats a mention, before anything else an e-mail autolink such as `x@.x`)."""
    return md._one_line(text).replace("@", "@" + ZWSP)


def split_cells(row: str) -> list[str]:
    """Split a pipe-table row on unescaped `|` (a backslash escapes the next character)."""
    cells, current, i = [], "", 0
    while i < len(row):
        if row[i] == "\\":
            current += row[i : i + 2]
            i += 2
            continue
        if row[i] == "|":
            cells.append(current)
            current = ""
        else:
            current += row[i]
        i += 1
    cells.append(current)
    assert cells[0].strip() == "" and cells[-1].strip() == "", row
    return cells[1:-1]


# -- escape_inline ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("**bold** _it_ ~~s~~", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~"),
        ("@octocat and a@b", "@&#8203;octocat and a@&#8203;b"),
        ("#123 fixed", "\\#123 fixed"),
        ("1. one\r\n2. two", "1\\. one 2\\. two"),
        ("    code?", " code?"),
        ("bidi\u202eevil\u2066x\u2069", "bidievilx"),
        ("nul\x00bell\x07\ttab", "nulbell tab"),
        ("see https://x.io", "see https\\://x\\.io"),
        ("a | b", "a \\| b"),
    ],
)
def test_escape_inline_examples(raw: str, escaped: str) -> None:
    assert md.escape_inline(raw) == escaped


@given(untrusted)
def test_escape_inline_is_one_line_without_raw_html(text: str) -> None:
    escaped = md.escape_inline(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert "<" not in escaped and ">" not in escaped
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", escaped)


@needs_cmarkgfm
@settings(max_examples=300)
@given(untrusted)
def test_escape_inline_renders_as_the_text_itself(text: str) -> None:
    html = render("x" + md.escape_inline(text) + "x")
    parsed = Html(html)
    assert parsed.tags == ["p"]
    assert parsed.text.strip("\n") == "x" + shown(text) + "x"


@needs_cmarkgfm
@given(untrusted)
def test_escape_inline_starts_no_block(text: str) -> None:
    html = render(md.escape_inline(text))
    assert set(Html(html).tags) <= {"p"}


# -- cell and table ---------------------------------------------------------------------------


def test_cell_examples() -> None:
    assert md.cell("a|b\nc") == "a\\|b<br>c"
    assert md.cell("&" * 20, max_chars=5) == "&amp;" * 4 + "…"
    assert md.cell("<br>") == "&lt;br&gt;"
    assert md.cell("x" * 300) == "x" * 300


def test_table_shape() -> None:
    table = md.table(["A", "B"], [["1"], ["1", "2", "3"], ("x|y", "z\nw")])
    assert table.splitlines() == [
        "| A | B |",
        "| --- | --- |",
        "| 1 |  |",
        "| 1 | 2 |",
        "| x\\|y | z<br>w |",
    ]
    assert md.table([], [["x"]]) == ""


@settings(max_examples=100)
@given(st.lists(untrusted, min_size=1, max_size=4), st.lists(st.lists(untrusted, max_size=5), max_size=4))
def test_table_keeps_its_columns(headers: list[str], rows: list[list[str]]) -> None:
    table = md.table(headers, rows)
    lines = table.rstrip("\n").split("\n")
    assert len(lines) == 2 + len(rows)
    for line in lines:
        assert "\r" not in line
        assert len(split_cells(line)) == len(headers)
    assert "<" not in table.replace("<br>", "")


@needs_cmarkgfm
@settings(max_examples=100)
@given(st.lists(untrusted, min_size=1, max_size=3), st.lists(st.lists(untrusted, max_size=4), max_size=3))
def test_table_renders_with_its_shape_and_text(headers: list[str], rows: list[list[str]]) -> None:
    parsed = Html(render(md.table(headers, rows)))
    assert set(parsed.tags) <= {"table", "thead", "tbody", "tr", "th", "td", "br"}
    assert len(parsed.rows) == 1 + len(rows)
    assert all(len(row) == len(headers) for row in parsed.rows)
    padded = [(row + [""] * len(headers))[: len(headers)] for row in rows]
    raw_cells = [c for row in [headers, *padded] for c in row]
    for raw, seen in zip(raw_cells, [c for row in parsed.rows for c in row], strict=True):
        assert seen.strip() == shown_cell(raw).strip()


def shown_cell(raw: str) -> str:
    """What a cell should show: cut to 300 characters, each line as `shown`."""
    text = md._clean(raw)
    if len(text) > 300:
        text = text[:299] + "…"
    return "\n".join(shown(line) for line in md._LINE_BREAK.split(text))


@needs_cmarkgfm
def test_injection_attempts_in_cells_stay_text() -> None:
    evil = [
        "<img src=x onerror=alert(1)>",
        "<script>x</script>",
        "<details open>",
        "a | b | c",
        "![i](http://x/i.png)",
        "[click](javascript:alert(1))",
        "`code | pipe`",
        "\\|",
        "---|---",
        "<br><br>",
    ]
    html = render(md.table(["h1", "h2"], [[e, e] for e in evil]))
    parsed = Html(html)
    assert set(parsed.tags) <= {"table", "thead", "tbody", "tr", "th", "td"}
    assert [len(r) for r in parsed.rows] == [2] * (1 + len(evil))
    assert [r[0] for r in parsed.rows[1:]] == evil


# -- code, link, details, heading ------------------------------------------------------------


def test_code_fences_longer_than_any_backtick_run() -> None:
    assert md.code("a `` b") == "``` a `` b ```"
    assert md.code("plain") == "` plain `"


@needs_cmarkgfm
@given(untrusted.filter(lambda t: md._one_line(t).strip() != ""))
def test_code_cannot_be_broken_out_of(text: str) -> None:
    parsed = Html(render("x " + md.code(text)))
    assert parsed.tags == ["p", "code"]
    assert parsed.text.strip("\n") == "x " + md._one_line(text)


def test_link_only_for_web_urls() -> None:
    assert md.link("Docs", "https://example.com/a b(c)") == "[Docs](https://example.com/a%20b%28c%29)"
    assert md.link("x", "javascript:alert(1)") == "x \\(javascript\\:alert\\(1\\)\\)"
    assert md.link("", "data:text/html,x") == "data\\:text/html,x"
    assert md.link("x", "https://github.com@evil.example/") == "x \\(https\\://github\\.com@&#8203;evil\\.example/\\)"
    assert md.link("", "https://ok.example/p") == "[https\\://ok\\.example/p](https://ok.example/p)"
    assert "](" not in md.link("x", "https://ok.example/\ud800") + md.link("x", "https://ok.example/\x00")
    assert "](" not in md.link("x", "http://") + md.link("x", "ftp://ok.example/")
    # only https is linked: a plain-http URL stays text
    assert md.link("Docs", "http://example.com/") == "Docs \\(http\\://example\\.com/\\)"
    assert "](" not in md.link("long", "https://ok.example/" + "a" * md.MAX_LINK_URL)
    assert md.link("a" * 20, "https://ok.example/", max_chars=5) == "[aaaa…](https://ok.example/)"


@needs_cmarkgfm
@given(untrusted, st.one_of(untrusted, untrusted.map(lambda t: "https://h.example/" + t)))
def test_links_only_ever_go_to_web_urls(text: str, url: str) -> None:
    parsed = Html(render(md.link(text, url)))
    assert set(parsed.tags) <= {"p", "a"}
    hrefs = [a.get("href") or "" for tag, a in zip(parsed.tags, parsed.attrs, strict=True) if tag == "a"]
    assert len(hrefs) <= 1
    for href in hrefs:
        assert re.match(r"https://[^\s@/?#\\]+", href), href
        assert not re.search(r"[\s()<>\"'`|\\]", href), href


@needs_cmarkgfm
@given(untrusted)
def test_details_summary_stays_text(summary: str) -> None:
    block = md.details(summary, md.table(["a"], [["b"]]))
    parsed = Html(render(block + "\nafter\n"))
    assert parsed.tags[:2] == ["details", "summary"]
    assert "details" not in parsed.tags[2:] and parsed.tags.count("summary") == 1
    assert "table" in parsed.tags and parsed.tags[-1] == "p"


def test_details_shape() -> None:
    assert md.details("<b>x</b> @me", "body\n") == (
        "<details><summary>&lt;b&gt;x&lt;/b&gt; @&#8203;me</summary>\n\nbody\n\n</details>\n"
    )


@needs_cmarkgfm
@given(st.integers(-3, 9), untrusted)
def test_heading_is_one_heading(level: int, text: str) -> None:
    tags = Html(render(md.heading(level, text) + "next\n")).tags
    assert tags[0] == f"h{min(6, max(1, level))}" and tags[1:] == ["p"]


def test_heading_shape() -> None:
    assert md.heading(2, "passed #1") == "## passed \\#1\n"
    assert md.heading(9, "x") == "###### x\n"


# -- BoundedDocument --------------------------------------------------------------------------


def test_document_joins_blocks_with_blank_lines() -> None:
    doc = md.BoundedDocument()
    assert doc.add("## head\n") and doc.add("para") and doc.add("")
    assert doc.render() == "## head\n\npara\n"
    assert doc.left_out == 0


def test_document_leaves_out_what_does_not_fit() -> None:
    doc = md.BoundedDocument(limit_bytes=4096)
    assert doc.add("a" * 1000)
    assert not doc.add("é" * 1500)  # 3000 bytes
    assert doc.add("b" * 1000)
    assert not doc.add("c" * 3000)
    text = doc.render()
    assert doc.left_out == 2
    assert text.endswith("\n\n2 section(s) left out to keep the summary under 1 MiB.\n")
    assert len(text.encode()) <= 4096


@settings(max_examples=50)
@given(st.lists(st.text(min_size=1, max_size=3000), max_size=30), st.integers(1500, 20_000))
def test_document_never_exceeds_its_limit(blocks: list[str], limit: int) -> None:
    doc = md.BoundedDocument(limit_bytes=limit)
    added = [doc.add(b) for b in blocks]
    text = doc.render(lambda n: f"**{n} left out**")
    assert len(text.encode("utf-8", "replace")) <= limit
    assert doc.left_out == added.count(False)


def test_document_custom_note_and_oversized_note() -> None:
    doc = md.BoundedDocument(limit_bytes=2048)
    doc.add("x" * 2000)
    assert doc.render(lambda n: f"{n} more") == "1 more\n"
    assert doc.render(lambda n: "y" * 5000).startswith("1 section(s) left out")


def test_document_cuts_a_cuttable_block_at_a_line_and_closes_details() -> None:
    doc = md.BoundedDocument(limit_bytes=4096)
    assert doc.add("## head")
    rows = [["x" * 40, str(i)] for i in range(200)]
    block = md.details("items", md.table(["a", "b"], rows))
    assert doc.add(block, cuttable=True)
    assert doc.cut == 1 and doc.left_out == 0
    assert not doc.add("later " * 100)  # no room left: left out, counted
    text = doc.render()
    assert len(text.encode()) <= 4096
    assert text.count("<details>") == text.count("</details>") == 1
    assert "The rest of this section was cut" in text and "1 section(s) left out" in text
    lines = text.splitlines()
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines if line.startswith("|"))


@settings(max_examples=50)
@given(st.lists(st.text(min_size=1, max_size=3000), max_size=30), st.integers(1500, 20_000))
def test_document_with_cuttable_blocks_never_exceeds_its_limit(blocks: list[str], limit: int) -> None:
    doc = md.BoundedDocument(limit_bytes=limit)
    added = [doc.add(b, cuttable=True) for b in blocks]
    text = doc.render()
    assert len(text.encode("utf-8", "replace")) <= limit
    assert doc.left_out == added.count(False)


@needs_cmarkgfm
def test_a_cut_table_stays_a_table_and_the_note_is_outside_it() -> None:
    doc = md.BoundedDocument(limit_bytes=3000)
    doc.add(md.table(["h1", "h2"], [[f"row {i}", "y" * 30] for i in range(100)]), cuttable=True)
    parsed = Html(render(doc.render()))
    assert all(len(row) == 2 for row in parsed.rows) and 1 < len(parsed.rows) < 101
    assert "The rest of this section was cut" in parsed.text
    assert not any("The rest" in cell for row in parsed.rows for cell in row)
