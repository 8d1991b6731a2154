"""Random front matter and Markdown never crash the parser or the build: only clean errors.

A clean error is a :class:`~generator.errors.SiteError` naming the file, which the
CLI prints without a traceback; anything else escaping is a bug.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import BuildOptions, build_site
from generator.discover import SourceFile, digest_of
from generator.errors import ContentError, SiteError
from generator.parse import parse_source
from generator.schema import ARTICLE_FIELDS
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
    except ContentError as error:
        assert error.path == "content/posts/fuzz.md"
        assert error.message and "\n" not in error.message
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
