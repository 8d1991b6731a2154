"""The running text of HTML block by block: the quick reading gives what HTMLParser gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.markdown_text import convert_markdown
from generator.readability import running_sentences
from generator.text_blocks import _read_plainly, _TextBlocks, text_blocks
from tests.conftest import REPO


def _parsed(html: str) -> list[str]:
    """What the HTML parser alone makes of ``html``."""
    collector = _TextBlocks()
    collector.feed(html)
    collector.close()
    return collector.blocks


def _plain(html: str) -> bool:
    return _read_plainly(html, _TextBlocks())


_NAMES = ["p", "P", "li", "code", "CODE", "pre", "h2", "table", "td", "br", "a", "em", "div"]
_NAMES += ["script", "style", "my-tag", "h2\u00a0", "span"]
_ATTRIBUTES = ["", ' class="x"', " title='a>b'", ' href="/a?b=1&amp;c=2"', " hidden"]
_ATTRIBUTES += [" id=bare", ' data-x = "y"', ' a="1"b="2"', ' title="&lt;"']
_TEXTS = ["Rest. ", "Drink &amp; eat", "a < b", "x > y", "&am", "p;", "&#39;", "&nbsp;"]
_TEXTS += ["<!-- note -->", "<?pi?>", "<!DOCTYPE html>", "\n  ", "Sleep well!", "<", "&"]


@st.composite
def _pieces(draw) -> str:
    kind = draw(st.sampled_from(["start", "end", "text", "self"]))
    name = draw(st.sampled_from(_NAMES))
    if kind == "text":
        return draw(st.sampled_from(_TEXTS))
    if kind == "end":
        return f"</{name}{draw(st.sampled_from(['', ' ', ' x', '/']))}>"
    slash = "/" if kind == "self" else ""
    return f"<{name}{draw(st.sampled_from(_ATTRIBUTES))}{draw(st.sampled_from(['', ' ']))}{slash}>"


@settings(max_examples=400)
@given(st.lists(_pieces(), max_size=30))
def test_any_html_gives_what_the_parser_gives(pieces: list[str]) -> None:
    html = "".join(pieces)
    assert text_blocks(html) == _parsed(html)


def test_markdown_output_is_read_the_quick_way() -> None:
    """The sample site's articles, as Markdown makes them, never need the parser."""
    posts = sorted((REPO / "content" / "posts").rglob("*.md"))
    assert posts
    for post in posts:
        body = post.read_text("utf-8").split("\n---\n", 1)[-1]
        html = convert_markdown(body)[0]
        assert _plain(html), post
        assert text_blocks(html) == _parsed(html), post


def test_what_the_quick_reading_leaves_to_the_parser() -> None:
    assert _plain('<p class="a">Rest &amp; <code>x</code></p><br/><img src="a.png" alt="" />')
    for html in [
        "<p>a < b</p>",  # a stray "<"
        "<!-- note --><p>Rest</p>",
        "<p>Rest</p><script>if (a<b) {}</script>",
        "<p id=bare>Rest</p>",  # an unquoted value: does its "/" close the tag?
        "<p>Rest</p class>",
        "<my-tag>Rest</my-tag>",
    ]:
        assert not _plain(html), html
        assert text_blocks(html) == _parsed(html), html


def test_a_tag_that_closes_itself_ends_what_it_opened() -> None:
    assert (
        text_blocks("<p>Go <code/>now</p>") == ["", "Go now", ""] == _parsed("<p>Go <code/>now</p>")
    )
    assert text_blocks("<p>Go <code>x</code> now</p>") == ["", "Go  now", ""]


def _sentences_by_regex(html: str) -> list[str]:
    """running_sentences as first written: white space made one space by a regex."""
    sentences = []
    for block in _parsed(html):
        text = re.sub(r"\s+", " ", block).strip()
        if not text:
            continue
        if text[-1] not in ".!?…:;\"'”’)":
            text += "."
        sentences += [part for part in re.split(r"(?<=[.!?…])[\"'”’)\]]*\s+", text) if part.strip()]
    return sentences


_SPACES = [" ", "\n", "\t", "\u00a0", "\u2028", "\x1c", "\u3000", "\x0b", "\u200b"]


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(st.sampled_from(_SPACES), st.sampled_from(["Rest.", "Go", "now!", ")", "<p>"])),
        max_size=20,
    )
)
def test_sentences_are_split_at_the_same_white_space(pieces: list[str]) -> None:
    html = "<p>" + "".join(pieces) + "</p>"
    assert running_sentences(html) == _sentences_by_regex(html)
