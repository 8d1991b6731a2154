from __future__ import annotations

from datetime import date

import pytest

from generator.discover import SourceFile, digest_of
from generator.errors import ContentError
from generator.parse import parse_source

ARTICLE = "---\ntitle: T\ndescription: D\ndate: 2024-05-01\n---\n"


def source(text: str | bytes, kind="article", path="content/posts/a.md") -> SourceFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SourceFile(path, kind, data, digest_of(data))


def test_article_front_matter_is_typed_with_defaults():
    parsed = parse_source(source(ARTICLE + "Body *text*.\n"))
    assert parsed.meta["date"] == date(2024, 5, 1)
    assert parsed.meta["tags"] == () and parsed.meta["draft"] is False
    assert parsed.html == "<p>Body <em>text</em>.</p>"
    assert parsed.words == 2  # "Body text."


def test_bom_and_crlf_just_work():
    parsed = parse_source(source(b"\xef\xbb\xbf" + ARTICLE.replace("\n", "\r\n").encode()))
    assert parsed.meta["title"] == "T"


def test_comma_separated_tags_are_split():
    parsed = parse_source(source(ARTICLE.replace("---\n", "---\ntags: acne, scars\n", 1)))
    assert parsed.meta["tags"] == ("acne", "scars")


def test_markdown_extensions_writers_expect():
    body = (
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^n].\n\n[^n]: Note.\n\n"
        "*[HTML]: Hyper Text\n\n## Heading {#custom}\n"
    )
    parsed = parse_source(source(ARTICLE + body))
    assert "<table>" in parsed.html
    assert 'class="footnote"' in parsed.html
    assert 'id="custom"' in parsed.html
    assert [entry.id for entry in parsed.toc] == ["custom"]


def test_section_footnotes_are_prefixed_by_the_section_anchor():
    text = "---\ntitle: How it works\n---\nA[^1].\n\n[^1]: B.\n"
    parsed = parse_source(source(text, "section", "content/posts/x/01-how.md"))
    assert parsed.meta["id"] == "how-it-works"
    assert 'id="fn-how-it-works-1"' in parsed.html


def test_faq_sections_split_into_questions():
    text = (
        "---\ntitle: FAQ\nkind: faq\n---\n"
        "### Is it safe?\n\nYes, *mostly*.\n\n### Does it hurt?\n\nA little.\n"
    )
    parsed = parse_source(source(text, "section", "content/posts/x/02-faq.md"))
    assert [q.question for q in parsed.questions] == ["Is it safe?", "Does it hurt?"]
    assert parsed.questions[0].answer_html == "<p>Yes, <em>mostly</em>.</p>"


def test_unknown_fields_warn_with_a_suggestion():
    parsed = parse_source(source(ARTICLE.replace("---\n", "---\ntitel: x\n", 1)))
    assert [str(w) for w in parsed.warnings] == [
        "content/posts/a.md:2:1: warning: unknown field 'titel' [unknown-field]\n"
        "  hint: did you mean 'title'?"
    ]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("no front matter\n", "has no front matter", 1),
        ("---\ntitle: T\n", "never closed", 1),
        ("---\ntitle: [unclosed\n---\n", "not valid YAML", 3),
        ("---\n- a\n- b\n---\n", "must be fields", 2),
        ("---\ndescription: D\ndate: 2024-05-01\n---\n", "'title' is required", 2),
        (
            "---\ntitle: T\ndescription: D\ndate: yesterday\n---\n",
            "'date' must be a date like 2024-05-01, got 'yesterday'",
            4,
        ),
        (ARTICLE.replace("---\n", "---\ndraft: maybe\n", 1), "'draft' must be true or false", 2),
        (ARTICLE.replace("---\n", "---\ntags: {a: 1}\n", 1), "'tags' must be a list", 2),
    ],
)
def test_bad_files_name_the_line(text, message, line):
    with pytest.raises(ContentError) as caught:
        parse_source(source(text))
    assert message in caught.value.message
    assert caught.value.line == line
    assert str(caught.value).startswith(f"content/posts/a.md:{line}:")


def test_non_utf8_names_the_byte_offset():
    with pytest.raises(ContentError, match="offset 9") as caught:
        parse_source(source(b"---\ntitle\xff: x\n---\n"))
    assert (caught.value.line, caught.value.column) == (2, 6)
    assert "invalid byte 0xff" in caught.value.message


def test_the_byte_offset_counts_a_byte_order_mark():
    with pytest.raises(ContentError, match="offset 12") as caught:
        parse_source(source(b"\xef\xbb\xbf---\ntitle\xff: x\n---\n"))
    assert caught.value.line == 2


def test_section_kind_must_be_known():
    with pytest.raises(ContentError, match="'kind' must be one of text, faq"):
        parse_source(
            source("---\ntitle: X\nkind: quiz\n---\n", "section", "content/posts/x/01-a.md")
        )


def _nested_list(depth: int) -> str:
    return "".join("    " * level + "- a\n" for level in range(depth))


def test_markdown_nested_too_deeply_is_refused_with_the_file_named(monkeypatch):
    """Python-Markdown before 3.11.4 ran out of stack on a list nested some 300 deep; the
    error names the file and says how to fix it, whichever version meets such a file."""

    def out_of_stack(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("generator.parse.convert_markdown", out_of_stack)
    with pytest.raises(ContentError, match="nested too deeply") as caught:
        parse_source(source(ARTICLE + _nested_list(300)))
    assert caught.value.path == "content/posts/a.md" and caught.value.hint


def test_a_list_nested_300_deep_is_converted_or_refused_never_a_crash():
    try:
        parsed = parse_source(source(ARTICLE + _nested_list(300)))
    except ContentError as error:  # the Markdown in use ran out of stack
        assert "nested too deeply" in str(error)
    else:
        assert parsed.html.count("<ul>") == parsed.html.count("</ul>") > 1
