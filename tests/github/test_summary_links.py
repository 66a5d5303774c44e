"""A summary that links: https links from the API are clickable, with their text escaped; nothing else is.

Rendered with cmark-gfm, GitHub's own renderer.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from offergate.core.document import Link, Paragraph, Table
from offergate.github.summary import section_markdown
from tests.github.test_markdown import Html, needs_cmarkgfm, render, untrusted


@needs_cmarkgfm
def test_preview_and_product_links_are_clickable() -> None:
    section = (
        Paragraph(("Preview: ", Link("Preview link", "https://azuremarketplace.microsoft.com/app?preview=1"))),
        Table(("Item id", "Link"), (("TR-1", Link("https://www.contoso.com/p/1", "https://www.contoso.com/p/1")),)),
    )
    html = render(section_markdown(section))
    assert '<a href="https://azuremarketplace.microsoft.com/app?preview=1">Preview link</a>' in html
    assert '<td><a href="https://www.contoso.com/p/1">https://www.contoso.com/p/1</a></td>' in html


@needs_cmarkgfm
def test_link_text_is_escaped_and_shows_as_itself() -> None:
    label = "Men's *bold* <b>x</b> | [a](https://evil.example)"
    section = (Table(("Link",), ((Link(label, "https://www.contoso.com/p?a=1|2"),),)),)
    parsed = Html(render(section_markdown(section)))
    assert parsed.tags.count("a") == 1 and "b" not in parsed.tags and "em" not in parsed.tags
    assert parsed.rows[1] == [label]
    (href,) = [a["href"] for tag, a in zip(parsed.tags, parsed.attrs, strict=True) if tag == "a"]
    assert href == "https://www.contoso.com/p?a=1%7C2"


@needs_cmarkgfm
def test_anything_not_https_stays_plain_text() -> None:
    for url in ("http://www.contoso.com/p", "javascript:alert(1)", "data:text/html,x", "ftp://x.example/"):
        section = (Paragraph((Link("go", url),)), Table(("Link",), ((Link(url, url),),)))
        parsed = Html(render(section_markdown(section)))
        assert "a" not in parsed.tags, url
        assert url in parsed.text


@needs_cmarkgfm
@given(untrusted, st.one_of(untrusted, untrusted.map(lambda t: "https://h.example/" + t)))
def test_a_table_cell_link_keeps_the_table_shape(text: str, url: str) -> None:
    parsed = Html(render(section_markdown((Table(("a", "b"), ((Link(text, url), "after"),)),))))
    assert len(parsed.rows) == 2 and len(parsed.rows[1]) == 2
    assert parsed.rows[1][1] == "after"
    assert parsed.tags.count("a") <= 1
