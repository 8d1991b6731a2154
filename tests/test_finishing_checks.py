"""The finishing pass's shortcuts give exactly what reading every page the plain way gives.

References below: the loads of a page found by the plain regexes and
``html.parser`` for every page, and every page's ``<img>`` tags looked for
with ``html.parser``. They are compared with :mod:`generator.privacy` and
:mod:`generator.image_markup` on the sample site's pages and on generated pages.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import image_markup, privacy
from generator.config import Config
from generator.image_markup import responsive_pages
from generator.images import ImageCatalog

NAMES = ["img", "IMG", "\u0130mg", "link", "script", "style", "div", "p", "video", "source"]
NAMES += ["iframe", "tracK", "a", "picture", "/picture", "/script", "/style", "\u017ftyle"]
ATTRIBUTES = ["src", "srcset", "href", "rel", "style", "STYLE", "\u017ftyle", "poster", "data"]
ATTRIBUTES += ["alt", "class", "sizes", "loading", "tyle", "x-style"]
VALUES = [
    "https://x.example/a.png", "//y.example/b", "/c.png", "stylesheet", "icon", "canonical",
    "url(https://s.example/c.png)", "background:url('https://s.example/d.png')", "a &amp; b",
    "&#47;&#47;z.example/e", "a > b", "1x, https://w.example/f.png 2x", "", "a\tb",
    "@import 'https://i.example/g.css'",
]  # fmt: skip
TEXT = ["x", "\n", " ", "<!-- ", " -->", "body{background:url(https://t.example/h.png)}"]
TEXT += ["<", ">", "'", '"', "style=", "<style", "&#47;"]
separators = st.sampled_from([" ", "  ", "\n", "\t", "\xa0", "/"])
values = st.sampled_from(VALUES)
value = st.one_of(
    st.just(""),
    values.map(lambda v: f'="{v}"'),
    values.map(lambda v: f"='{v}'"),
    values.map(lambda v: "=" + v.replace(" ", "")),
    values.map(lambda v: f' = "{v}"'),
    values.map(lambda v: f'\xa0=\x1c"{v}"'),
)
attribute = st.tuples(separators, st.sampled_from(ATTRIBUTES), value).map("".join)
tag = st.tuples(
    st.just("<"),
    st.sampled_from(NAMES),
    st.lists(attribute, max_size=4).map("".join),
    st.sampled_from([">", " >", "/>", ""]),
).map("".join)
markup = st.lists(st.one_of(tag, st.sampled_from(TEXT)), max_size=30).map("".join)


@pytest.mark.slow
def test_the_sample_pages_load_what_the_plain_reading_finds(sample_build):
    pages = sorted(sample_build.output_dir.rglob("*.html"))
    assert pages
    for path in pages:
        html = path.read_text("utf-8")
        assert privacy.loaded_urls(html) == _reference_loaded_urls(html), path
        assert privacy._page_urls(html, path.read_bytes()) == _reference_loaded_urls(html), path


TRICKY_PAGES = [
    '<link rel="stylesheet" href="https://f.example/a.css"><script src="//j.example/t.js">',
    '<div sty<!-- -->le="background:url(https://s.example/c.png)">x</div>',
    '<img src="&#47;&#47;z.example/e" alt=""> <img src="/a.png" alt="">',
    "<\u017ftyle>body{background:url(https://t.example/h.png)}</style>",
    "<\u017ftyle><div title='<img src=\"https://c.example/\">'></style>",
    '<p style\xa0="background:url(https://s.example/c.png)"><p STYLE\x1c=url(//s.example/d)>',
    "<script>var a = '<img src=https://no.example/>'</script><img src=https://yes.example/>",
    '<img title="<script>" src="https://q.example/a.png">x</script>',
]


@pytest.mark.parametrize("html", TRICKY_PAGES)
def test_tricky_markup_loads_what_the_plain_reading_finds(html):
    assert privacy.loaded_urls(html) == _reference_loaded_urls(html)


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(html=markup)
def test_any_markup_loads_what_the_plain_reading_finds(html):
    assert privacy.loaded_urls(html) == _reference_loaded_urls(html)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(html=markup)
def test_any_page_gets_the_images_the_plain_reading_gives(tmp_path_factory, html):
    config = Config(site_dir=tmp_path_factory.getbasetemp(), title="T", base_url="https://x.org/")
    data = html.encode("utf-8")
    pages, problems = responsive_pages({"a/index.html": data}, ImageCatalog(), config, {})
    expected, expected_problems = _reference_responsive(data, config)
    assert pages == {"a/index.html": expected}
    assert [_shown(p) for p in problems] == [_shown(p) for p in expected_problems]


def test_an_image_tag_in_any_case_is_still_rewritten(tmp_path):
    config = Config(site_dir=tmp_path, title="T", base_url="https://x.org/")
    data = b'<p><IMG src="/a.svg" alt="A"> <img src=/b.svg></p>'
    pages, problems = responsive_pages({"a/index.html": data}, ImageCatalog(), config, {})
    assert pages["a/index.html"].count(b'loading="lazy"') == 2
    assert len(problems) == 1


def _shown(problem) -> tuple:
    return (problem.path, problem.line, problem.message, problem.hint, problem.rule)


# The references: the plain versions ----------------------------------------------------------

_TAGS = "|".join([*privacy.LOADING_ATTRIBUTES, "link"])
_REFERENCE_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_REFERENCE_SCRIPT_TEXT = re.compile(
    r"""(<script\b(?:[^>"']|"[^"]*"|'[^']*')*>).*?(</script\s*>)""", re.DOTALL | re.IGNORECASE
)
_REFERENCE_MARKUP = re.compile(
    rf"""<(?:(?:{_TAGS})\b|[a-z][a-z0-9-]*\s(?:[^>"']|"[^"]*"|'[^']*')*?\bstyle\s*=)"""
    r"""(?:[^>"']|"[^"]*"|'[^']*')*>|<style\b.*?</style\s*>""",
    re.IGNORECASE | re.DOTALL,
)


def _reference_loaded_urls(html: str) -> list[str]:
    quiet = _REFERENCE_SCRIPT_TEXT.sub(r"\1\2", _REFERENCE_COMMENT.sub("", html))
    pieces = _REFERENCE_MARKUP.findall(quiet)
    finder = _ReferenceLoads()
    finder.feed("\n".join(p + "</script>" if p[:7].lower() == "<script" else p for p in pieces))
    finder.close()
    return finder.urls


class _ReferenceLoads(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        for name in privacy.LOADING_ATTRIBUTES.get(tag, ()):
            if name in values:
                value = values[name]
                self.urls += privacy._srcset_urls(value) if name == "srcset" else [value]
        rels = set(values.get("rel", "").lower().split())
        if tag == "link" and rels & privacy.LOADING_RELS:
            self.urls.append(values.get("href", ""))
        if "style" in values:
            self.urls += privacy._css_urls(values["style"])
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.urls += privacy._css_urls(data)


def _reference_responsive(data: bytes, config: Config) -> tuple[bytes, list]:
    html, problems = data.decode("utf-8"), []
    if "<img" in html.lower():
        html = image_markup._rewrite(
            html, "a/index.html", "/a/", ImageCatalog(), config, {}, (), problems
        )
    return html.encode("utf-8"), problems
