"""The bracket table sitegen gives Python-Markdown's link processors: the library's answer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown import __version_info__ as markdown_version
from markdown.inlinepatterns import LinkInlineProcessor

from generator.link_brackets import BracketEnds
from generator.markdown_text import new_converter

_LIBRARY_TABLE = getattr(LinkInlineProcessor, "_findBracketEnds", None)

bracket_texts = st.text(alphabet="[]a (", max_size=40)


def _by_definition(text: str) -> list[int | None]:
    """The first index after each index where fewer brackets are open than at it."""
    depths = [0]
    for char in text:
        depths.append(depths[-1] + (char == "[") - (char == "]"))
    return [
        next((later for later in range(index + 1, len(text) + 1) if depths[later] < depth), None)
        for index, depth in enumerate(depths)
    ]


def _table(text: str) -> list[int | None]:
    ends = BracketEnds(text)
    return [ends[index] for index in range(len(text) + 1)]


@given(bracket_texts)
def test_the_table_is_the_definition(text):
    assert _table(text) == _by_definition(text)


@pytest.mark.skipif(_LIBRARY_TABLE is None, reason="this Python-Markdown has no bracket table")
@given(bracket_texts)
def test_the_table_is_the_librarys(text):
    assert _table(text) == _LIBRARY_TABLE(text)


def test_a_few_tables_by_hand():
    assert _table("") == [None]
    assert _table("[a]") == [None, 3, 3, None]
    assert _table("]]") == [1, 2, None]  # each ] lowers the depth below the start's
    assert _table("[[") == [None, None, None]


def test_the_converter_uses_it_wherever_the_library_has_a_table():
    processors = [
        processor
        for processor in new_converter().markdown.inlinePatterns
        if isinstance(processor, LinkInlineProcessor)
    ]
    assert len(processors) >= 4  # links, images, references, their short forms
    for processor in processors:
        found = getattr(processor, "_findBracketEnds", None)
        assert (found is BracketEnds) == (_LIBRARY_TABLE is not None)


def test_a_python_markdown_that_has_the_table_since_3_11_still_has_it():
    """The table :class:`BracketEnds` stands in for is private to the library: a release
    that renamed it would leave the converter on the library's own, slower table, with
    every page the same. This fails then, so that the new name is looked for."""
    if markdown_version[:2] >= (3, 11):
        assert _LIBRARY_TABLE is not None, "Python-Markdown's bracket table was renamed"


link_markdown = st.lists(
    st.sampled_from(
        [
            "[a](/a/)",
            "![b](b.png)",
            "[c [d] e](/c/)",
            "[unclosed",
            "]",
            "[",
            "[ref]",
            "[ref][]",
            "![ref]",
            "text",
            " ",
            "\n\n",
            "`[code]`",
            '[t](/t/ "title [x]")',
            "[^1]",
        ]
    ),
    max_size=14,
).map(lambda parts: "".join(parts) + "\n\n[ref]: /ref/\n\n[^1]: A note [with](/n/) a link.\n")


@given(link_markdown)
def test_pages_convert_as_with_the_librarys_own_table(text):
    ours = new_converter()
    stock = new_converter()
    for processor in stock.markdown.inlinePatterns:
        vars(processor).pop("_findBracketEnds", None)
    assert ours.markdown.convert(text) == stock.markdown.convert(text)


def test_the_modules_examples():
    import doctest

    from generator import link_brackets

    result = doctest.testmod(link_brackets)
    assert result.attempted > 0
    assert result.failed == 0
