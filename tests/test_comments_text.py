"""Comment Markdown renders to HTML without active content, whatever a reader writes."""

from __future__ import annotations

import doctest
import importlib
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.comments.text import ALLOWED_TAGS, markup_problem, render_comment


class _Elements(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.elements.append(("<!--", {}))

    def handle_pi(self, data):
        self.elements.append(("<?", {}))

    def handle_decl(self, decl):
        self.elements.append(("<!", {}))


def active_content(html: str) -> list[str]:
    """What in ``html`` could run, load or mislead: anything but plain formatting and web links."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    problems = []
    for tag, attrs in parser.elements:
        if tag not in ALLOWED_TAGS:
            problems.append(f"<{tag}>")
        allowed = {"href", "rel"} if tag == "a" else set()
        problems += [f"{tag} {name}=" for name in attrs if name not in allowed]
        if tag == "a":
            href = (attrs.get("href") or "").strip().lower()
            if not href.startswith(("http://", "https://")):
                problems.append(f"a href={href!r}")
            if attrs.get("rel") != "nofollow ugc":
                problems.append(f"a rel={attrs.get('rel')!r}")
    return problems


TRICKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<iframe src=https://evil.example></iframe>",
    "<div>\n<script>alert(1)</script>\n</div>",
    "<!-- <script>alert(1)</script> -->",
    "<style>body{display:none}</style>",
    "<svg/onload=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "![tracker](https://evil.example/pixel.gif)",
    "![x](javascript:alert(1))",
    "![ref][p]\n\n[p]: https://evil.example/p.gif",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1) )",
    "[click](java&#115;cript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[click](vbscript:msgbox(1))",
    "[click](//evil.example)",
    "[click](/posts/other/)",
    "[click][r]\n\n[r]: javascript:alert(1)",
    '[click](https://ok.example "title" onmouseover="alert(1)")',
    '[click](https://ok.example/"onmouseover="alert(1))',
    "<javascript:alert(1)>",
    "<mailto:someone@example.org>",
    "<someone@example.org>",
    "# A heading that takes over the page",
    "Setext heading\n===",
    "```\n<script>alert(1)</script>\n```",
    "`<script>`",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\x02wzxhzdk:0\x03",
    "{: onclick=alert(1) }\nParagraph {: onclick=alert(1) }",
    "Text[^1]\n\n[^1]: <script>alert(1)</script>",
]


@pytest.mark.parametrize("text", TRICKS)
def test_tricks_render_without_active_content(text):
    assert active_content(render_comment(text)) == []


def test_raw_html_is_shown_as_text():
    html = render_comment("I tried <b>this</b> & <script>alert(1)</script>")
    assert (
        html == "<p>I tried &lt;b&gt;this&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_images_become_their_alt_text_and_headings_paragraphs():
    assert render_comment("![a pixel](https://t.example/p.gif) seen") == "<p>a pixel seen</p>"
    assert render_comment("# Big") == "<p>Big</p>"


def test_web_links_stay_with_nofollow_ugc_and_others_become_text():
    assert render_comment("[the study](https://journal.example/a?b=1&c=2)") == (
        '<p><a href="https://journal.example/a?b=1&amp;c=2" rel="nofollow ugc">the study</a></p>'
    )
    assert render_comment("[click](javascript:alert(1)) and [me](/x)") == "<p>click and me</p>"


def test_plain_formatting_survives():
    html = render_comment("Thanks, **very** *useful*.\n\n> quoted\n\n- one\n- two\n\n`code`")
    assert "<strong>very</strong>" in html and "<em>useful</em>" in html
    assert "<blockquote>" in html and "<li>two</li>" in html and "<code>code</code>" in html


_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "#",
        ";",
        '"',
        "'",
        "=",
        "/",
        "!",
        "[",
        "]",
        "(",
        ")",
        ":",
        "`",
        "*",
        "_",
        "\n",
        " ",
        "script",
        "img",
        "a",
        "href",
        "src",
        "onerror",
        "javascript",
        "data",
        "http",
        "https://x.example",
        "<!--",
        "-->",
        "&#",
        "x",
        "\t",
        "{:",
        "}",
        "<?",
        "?>",
        "\\",
        "|",
    ]
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_no_text_renders_to_active_content(text):
    assert active_content(render_comment(text)) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<script>alert(1)</script>", "HTML tags"),
        ("<!-- x -->", "HTML tags"),
        ("![x](https://t.example/p.gif)", "images"),
        ("[x](javascript:alert(1))", "links other than http(s)"),
        ("[x][r]\n\n[r]: data:text/html,hi", "links other than http(s)"),
        ("Plain words, a < b, I <3 it, [a note] (aside)", ""),
        ("See [the study](https://journal.example/a)", ""),
    ],
)
def test_markup_problem_names_what_the_receiver_turns_away(text, problem):
    assert markup_problem(text) == problem


def test_the_checker_itself_finds_active_content():
    assert active_content('<p onclick="x">hi</p><img src=x>') == ["p onclick=", "<img>", "img src="]
    assert active_content('<a href="javascript:x" rel="nofollow ugc">x</a>') == [
        "a href='javascript:x'"
    ]


@pytest.mark.slow
@pytest.mark.parametrize("module", ["text", "store", "receiver"])
def test_docstring_examples_hold(module):
    found = doctest.testmod(importlib.import_module(f"generator.comments.{module}"))
    assert found.attempted > 0 and found.failed == 0
