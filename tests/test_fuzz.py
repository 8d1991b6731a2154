"""Random front matter, Markdown, file names, SVG files and comment fields never crash the
parser, the build or the comment receiver: only clean errors.

A clean error is a :class:`~generator.errors.SiteError` naming the file, which the
CLI prints without a traceback; anything else escaping is a bug.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.build import BuildOptions, build_site
from generator.comments.impostors import INVISIBLE, invisible_problem, skeleton
from generator.comments.receiver import ReceiverSettings, Refused, validate
from generator.comments.text import render_comment
from generator.discover import SourceFile, digest_of
from generator.errors import ContentError, SiteError, each_error
from generator.parse import parse_source
from generator.schema import ARTICLE_FIELDS
from generator.svg_safety import svg_problem
from tests.conftest import FIXED_NOW, SITES

FIELD_NAMES = [field.name for field in ARTICLE_FIELDS] + ["kind", "id", "menu", "titel"]
MARKDOWN_ALPHABET = st.sampled_from(
    list("#*_[]()!>-+`~|:<>&\"' \n\t{}.=\\0123456789aZé") + ["\n\n", "## ", "    ", "```\n", "[^1]"]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(min_value=datetime(1, 1, 2)),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
front_matters = st.dictionaries(
    st.sampled_from(FIELD_NAMES) | st.text(max_size=10), values, max_size=8
).map(lambda fields: yaml.safe_dump(fields, allow_unicode=True))
raw_front_matters = st.text(st.sampled_from(list("abc: -[]{}'\"#&*!|>\n\t%@`,?")), max_size=60)
bodies = st.lists(MARKDOWN_ALPHABET, max_size=80).map("".join)


def _file(front_matter: str, body: str) -> bytes:
    return f"---\n{front_matter}---\n{body}".encode()


@st.composite
def content_files(draw) -> bytes:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.binary(max_size=200))
    front_matter = draw(raw_front_matters if choice < 3 else front_matters)
    if not front_matter.endswith("\n"):
        front_matter += "\n"
    return _file(front_matter, draw(bodies))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    data=content_files(),
    kind=st.sampled_from(["article", "article_index", "section", "page"]),
)
def test_the_parser_gives_a_result_or_a_clean_error(data, kind):
    source = SourceFile("content/posts/fuzz.md", kind, data, digest_of(data), "content/posts/x", 1)
    try:
        parsed = parse_source(source)
    except SiteError as error:  # one ContentError, or several of one file together
        for each in each_error(error):
            assert isinstance(each, ContentError)
            assert each.path == "content/posts/fuzz.md"
            assert each.message and "\n" not in each.message
        return
    assert isinstance(parsed.html, str)


# Mostly well-formed articles, so that the build gets past parsing to the model,
# the templates and the lints; odd values are still drawn for every field.
words = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
valid_articles = st.fixed_dictionaries(
    {
        "title": words.filter(str.strip),
        "description": words,
        "date": st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    },
    optional={
        "tags": st.lists(words, max_size=3),
        "category": words,
        "slug": words,
        "image": st.sampled_from(["", "/blog/static/x.png", "https://example.com/a.png", "a b"]),
        "image_alt": words,
        "draft": st.booleans(),
        "related": st.lists(st.sampled_from(["single", "older", "draft", "nope"]), max_size=2),
        "author": st.sampled_from(["ann", "bob"]),
        "reviewed_by": st.sampled_from(["rev", "ann"]),
        "last_reviewed": st.dates(min_value=date(1900, 1, 1)),
        "updated": st.datetimes(min_value=datetime(1900, 1, 1)),
    },
).map(lambda fields: yaml.safe_dump(fields, allow_unicode=True))


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(front_matter=valid_articles | front_matters, body=bodies)
def test_the_build_gives_a_site_or_a_clean_error(tmp_path, front_matter, body):
    site = tmp_path / "site"
    if not site.exists():
        shutil.copytree(SITES / "basic", site)
    (site / "content/posts/fuzz.md").write_bytes(_file(front_matter, body))
    try:
        build_site(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    except SiteError as error:
        assert str(error).startswith(("content/", "site.toml", "<site>")), str(error)


# -- file names, SVG files and comment fields -------------------------------------------------

RESERVED_STEMS = ["CON", "nul", "Com1", "lpt9", "PRN", "aux", "-", "_x", "~", "..", "index"]
file_names = st.one_of(
    st.sampled_from(RESERVED_STEMS),
    st.text(st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)), max_size=300),
    st.text(st.sampled_from("abcXYZ-_. 针Жé"), min_size=180, max_size=300),
)
ARTICLE = (
    b"---\ntitle: A fuzzed name\ndescription: An article whose file name is drawn.\n"
    b"date: 2024-04-02\n---\nText.\n"
)


def _write_or_skip(path, data: bytes) -> None:
    """Write ``path``; a name the file system refuses (too long in bytes) is not a case."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except (OSError, UnicodeEncodeError):
        assume(False)


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stem=file_names, as_folder=st.booleans())
def test_any_file_name_gives_a_site_or_a_clean_error(tmp_path, stem, as_folder):
    site = tmp_path / "site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(SITES / "basic", site)
    posts = site / "content/posts"
    _write_or_skip(posts / stem / "index.md" if as_folder else posts / f"{stem}.md", ARTICLE)
    try:
        build_site(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    except SiteError as error:
        assert str(error).startswith(("content/", "<site>")), str(error)


SVG_PARTS = st.sampled_from(
    [
        '<svg xmlns="http://www.w3.org/2000/svg">', "</svg>", "<script>", "</script>",
        "<circle r='4'/>", ' onload="x()"', "<a href='javascript:x()'>", "</a>",
        "<foreignObject>", "</foreignObject>", "<use href='#a'/>", "<use href='b.svg#a'/>",
        "<style>@import 'x.css';</style>", "<!DOCTYPE svg [<!ENTITY a 'b'>]>", "&a;",
        "<?xml version='1.0'?>", "<?xml-stylesheet href='x.css'?>", "<![CDATA[", "]]>",
        "<!--", "-->", "<image href='data:image/png;base64,AA=='/>", "<", ">", "&", "\0",
        " style='fill:url(http://x)'", "é", "\ufeff",
    ]
)  # fmt: skip
svg_files = st.one_of(st.lists(SVG_PARTS, max_size=12).map("".join).map(str.encode), st.binary())


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(data=svg_files)
def test_the_svg_check_answers_for_any_bytes(data):
    found = svg_problem(data)
    assert found is None or (isinstance(found, str) and found)
    if found is None:  # what passes holds nothing active
        lowered = data.lower()
        assert b"<script" not in lowered and b"javascript:" not in lowered
        assert b"onload" not in lowered and b"foreignobject" not in lowered


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=svg_files)
def test_any_svg_file_gives_a_site_or_a_clean_error(tmp_path, data):
    site = tmp_path / "site"
    if not site.exists():
        shutil.copytree(SITES / "basic", site)
    (site / "content/posts/faq-article/hero.svg").write_bytes(data)
    try:
        build_site(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    except SiteError as error:
        assert error.path == "content/posts/faq-article/hero.svg", str(error)
        return
    assert (tmp_path / "out/posts/faq-article/hero.svg").read_bytes() == data


any_text = st.text(max_size=120) | st.text(
    st.sampled_from(list("Daniel Reyes,MD <>[]()!*\n\r\t") + list(INVISIBLE) + ["а", "е", "ı"]),
    max_size=60,
)
RECEIVER = ReceiverSettings(
    path="/comments",
    thanks_url="https://example.org/comments/thanks/",
    origins=frozenset({"https://example.org"}),
    articles=frozenset({"skin-care"}),
    rate_limit=5,
    rate_window=60,
    max_length=2000,
    people=(("Daniel Reyes", "reviewer Daniel Reyes"), ("Comments Test Clinic", "the clinic")),
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    article=st.sampled_from(["skin-care", "nope"]) | any_text,
    name=any_text,
    email=st.sampled_from(["ann@example.net"]) | any_text,
    comment=any_text,
)
def test_comment_fields_give_a_comment_or_a_clean_refusal(article, name, email, comment):
    form = {"article": article, "name": name, "email": email, "comment": comment}
    try:
        accepted = validate(form, RECEIVER)
    except Refused as refused:
        assert refused.status in (400, 422) and refused.message
        return
    for value in (accepted.name, accepted.body):
        assert not invisible_problem(value)
    assert isinstance(render_comment(accepted.body), str)
    if skeleton("Daniel Reyes") in skeleton(accepted.name):
        assert accepted.warning.startswith("the name looks like")
