"""The lints' shortcuts give exactly what following every link and reading every line gives.

The references below are the straightforward versions: every tag of a page
parsed on its own, ``urljoin`` and ``urlsplit`` for every link of every page,
every line of a body matched for a heading. They are compared with
:mod:`generator.lint` on the pages of real sites (the sample site,
``tests/sites/*``, the invalid cases about links, and a site whose article holds
every kind of tricky link) and on generated pages, links and Markdown.
"""

from __future__ import annotations

import html
import re
import shutil
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import markdown_text
from generator.build_options import BuildOptions
from generator.config import Config
from generator.engine import pipeline
from generator.engine.pipeline import Engine
from generator.errors import SiteError
from generator.lint import link_check
from generator.lint import memo as link_memo
from generator.lint.locate import source_text
from generator.lint.resolve import Asking, Links
from generator.lint.scan import PageScan
from generator.lint.scan import scan as scan_tags
from generator.stale_reads import StaleReads
from tests.conftest import FIXED_NOW, SITES, copy_sample_site

LINK_CASES = [
    "broken-anchor",
    "broken-inline-image",
    "broken-link",
    "broken-relative-link",
    "broken-same-page-anchor",
    "comment-broken-link",
    "image-static-missing",
    "link-outside-base-path",
    "link-to-draft",
]

TRICKY_ARTICLE = """---
title: Tricky links
description: Links of every kind, so that the link lint follows each of them.
date: 2024-02-01
tags: [skin]
---
## Anchors {#anchors}

[same page](#anchors) [missing anchor](#nowhere) [bare hash](#) [escaped](#caf%C3%A9)
[up](../older/) [up missing](../nothing/) [here](./) [dot](.) [query](?page=2)
[query anchor](?page=2#anchors) [root](/blog/) [outside](/posts/older/)
[outside nowhere](/elsewhere/) [no slash](/blog/posts/older) [full](https://example.org/blog/posts/older/#intro)
[full missing](https://example.org/blog/posts/gone/) [http](http://example.org/blog/posts/older/)
[scheme relative](//example.org/blog/posts/older/#x) [other host](https://other.example/blog/x/)
[mail](mailto:a@example.org) [tel](tel:+15550100) [dots](/blog/posts/./older/../older/)
[double](/blog//posts/older/) [params](/blog/posts/older/;v=1) [feed](/blog/feed.xml?x=1)
[tag](/blog/tags/skin/#top) [older anchor](../older/#first-heading) [older missing](../older/#gone)

<a href="/blog/posts/older/?a=1&amp;b=2">amp</a> <a href="/blog/gone/?a=1&amp;b=2#x">amp</a>
<a href="https:/blog/posts/older/">odd</a> <a href="https:older/">odd</a> <a href="?">query</a>
<a href="  /blog/posts/older/">spaced</a> <a href="#a#b">two hashes</a> <a href="//">slashes</a>
<a href="/blog/posts/older/#a%20b">encoded</a> <a id="café" name="top2">named</a>
<a href="#&#9;anchors">tab</a> <a href="/&#9;/other.example/">tab slash</a> <a href="#&#1;">gone</a>
<a href="HTTPS://EXAMPLE.org/blog/posts/older/">upper</a> <a href="/blog/posts/older/#">empty</a>
<A HREF=/blog/bare/ ID=b>bare</A> <a href='/blog/posts/older/#first-heading'>single quoted</a>
<img src="/blog/static/missing.png" alt="missing"> <img src="pic.png" alt="relative">
"""


def _captured(site_dir: Path) -> dict | None:
    """What the build hands the lints, for a site that renders (its findings aside)."""
    kept: dict = {}

    def keep(config, sources, parsed, site, outputs, *rest):
        kept.update(config=config, sources=sources, site=site, outputs=outputs)
        return []

    with mock.patch.object(pipeline, "validate", keep):
        try:
            Engine(site_dir, BuildOptions(now=FIXED_NOW)).render()
        except SiteError:
            return None
    return kept


def _patched_basic(name: str, destination: Path) -> Path:
    shutil.copytree(SITES / "basic", destination)
    shutil.copytree(SITES / "invalid" / name / "site", destination, dirs_exist_ok=True)
    return destination


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("sites")
    folders = {"sample": copy_sample_site(root / "sample")}
    for name in ("basic", "comments", "incremental"):
        folders[name] = shutil.copytree(SITES / name, root / name)
    for name in LINK_CASES:
        folders[name] = _patched_basic(name, root / name)
    tricky = folders["tricky"] = shutil.copytree(SITES / "basic", root / "tricky")
    (tricky / "content/posts/tricky.md").write_text(TRICKY_ARTICLE, "utf-8")
    captured = {name: _captured(folder) for name, folder in folders.items()}
    assert all(captured.values()), [name for name, found in captured.items() if not found]
    return captured


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sample", "basic", "comments", "incremental", "tricky"])
def test_scans_are_those_of_parsing_every_tag(sites, name):
    outputs = sites[name]["outputs"]
    tags: dict = {}  # shared, as a build shares it between pages
    for dest in sorted(outputs):
        if dest.endswith(".html"):
            assert scan_tags(outputs[dest], tags) == _reference_scan(outputs[dest]), dest


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sample", "basic", "comments", "incremental", "tricky"])
def test_page_problems_are_those_of_following_every_link(sites, name):
    config, outputs = sites[name]["config"], sites[name]["outputs"]
    scans = {dest: scan_tags(outputs[dest]) for dest in sorted(outputs) if dest.endswith(".html")}
    resolved = Links(config, scans, outputs)
    for dest, scan in scans.items():
        consulted: set[str] = set()
        expected = _reference_page_problems(config, scans, Asking(outputs, consulted), dest, scan)
        asked: set[str] = set()
        assert link_check.page_problems(resolved, dest, scan, asked) == expected, dest
        # Every output name the answer depends on is noted, so that the memo knows when
        # a page must be checked again.
        assert consulted <= asked, dest


@pytest.mark.slow
def test_the_tricky_article_has_problems_of_every_kind(sites):
    config, outputs = sites["tricky"]["config"], sites["tricky"]["outputs"]
    scans = {dest: scan_tags(outputs[dest]) for dest in sorted(outputs) if dest.endswith(".html")}
    problems, targets = _reference_page_problems(
        config, scans, outputs, "posts/tricky/index.html", scans["posts/tricky/index.html"]
    )
    messages = " | ".join(message for _, _, (message, _) in problems)
    for fragment in ("names the anchor #nowhere", "leaves the site", "/blog/gone/#x leads to no"):
        assert fragment in messages
    assert ("posts/older/index.html", scans["posts/older/index.html"]) in targets


@pytest.mark.slow
@pytest.mark.parametrize("name", [*LINK_CASES, "sample", "basic", "tricky"])
def test_findings_are_those_of_following_every_link(sites, name):
    kept = sites[name]
    texts = {
        source.src_path: source_text(source.read(StaleReads()))
        for source in kept["sources"].posts + kept["sources"].pages
        if source.kind != "asset"
    }
    arguments = (kept["config"], kept["site"], kept["outputs"], texts)
    found = [_shown(finding) for finding in link_check.links(*arguments)]
    with (
        mock.patch.object(link_memo, "scan", lambda data, tags=None: _reference_scan(data)),
        mock.patch.object(
            link_check,
            "page_problems",
            lambda links, dest, scan, asked: _reference_page_problems(
                links.config, links.scans, links.outputs, dest, scan
            ),
        ),
    ):
        expected = [_shown(finding) for finding in link_check.links(*arguments)]
    assert found == expected
    if name in LINK_CASES:
        assert found


# Generated links and pages -----------------------------------------------------------------

PIECES = [
    "/", "/blog/", "blog/", "posts/", "older/", "../", "./", ".", "..", "#", "#first-heading",
    "?", "?a=1", ";v", "%20", "%C3%A9", ":", "//", "https:", "http:", "tel:", "example.org",
    "EXAMPLE.org", "other.example", "\t", "\n", " ", "&", "#x", "index.html", "feed.xml",
    "@", "~", "'", "+", ",", "=", "-", "_",
]  # fmt: skip
refs = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(links=st.lists(st.tuples(st.integers(0, 10**6), refs), min_size=1, max_size=40))
def test_any_link_is_judged_as_following_it_plainly_would(sites, links):
    config, outputs = sites["tricky"]["config"], sites["tricky"]["outputs"]
    scans = {dest: scan_tags(outputs[dest]) for dest in sorted(outputs) if dest.endswith(".html")}
    pages = sorted(scans)
    resolved = Links(config, scans, outputs)  # one for all links: its memory is tested
    for number, ref in links:
        dest = pages[number % len(pages)]
        scan = PageScan(frozenset(), (("a", ref),))
        consulted: set[str] = set()
        looking = Asking(outputs, consulted)
        expected = _reference_page_problems(config, scans, looking, dest, scan)
        asked: set[str] = set()
        assert link_check.page_problems(resolved, dest, scan, asked) == expected, (dest, ref)
        assert consulted <= asked, (dest, ref)


TAG_NAMES = ["a", "A", "img", "link", "script", "h2", "H2", "p", "br", "li", "/a", "a-b"]
ATTRIBUTE_NAMES = ["href", "HREF", "src", "id", "ID", "Id", "name", "NAME", "class", "idx", "x-id"]
ATTRIBUTE_VALUES = ["/y/", "#z", "a&amp;b", "&#1;", "", "a b", "<", ">", "x", "/", "=", "'"]
TEXT = ["x", "<", ">", '"', "'", "</a>", "=", " ", "\n", "id=", "<a", "&amp;"]
tag_value = st.sampled_from(ATTRIBUTE_VALUES)
attribute = st.tuples(
    st.sampled_from([" ", "  ", "\n", "\t", "\xa0", "\x1c", "/"]),
    st.sampled_from(ATTRIBUTE_NAMES),
    st.one_of(
        st.just(""),
        tag_value.map(lambda v: f'="{v}"'),
        tag_value.map(lambda v: f"='{v}'"),
        tag_value.map(lambda v: "=" + v.replace(" ", "")),
        tag_value.map(lambda v: f' =\t"{v}"'),
    ),
).map("".join)
tag = st.tuples(
    st.just("<"),
    st.sampled_from(TAG_NAMES),
    st.lists(attribute, max_size=4).map("".join),
    st.sampled_from([">", "/>", " />", " >", ""]),
).map("".join)
markup = st.lists(st.one_of(tag, st.sampled_from(TEXT)), max_size=30).map("".join)


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(pages=st.lists(markup, min_size=1, max_size=4))
def test_any_markup_is_scanned_as_parsing_every_tag_would(pages):
    tags: dict = {}
    for page in pages:
        data = page.encode("utf-8")
        assert scan_tags(data, tags) == _reference_scan(data), page


@pytest.mark.slow
def test_str_split_and_the_tag_regex_agree_on_spaces():
    spaces = re.compile(r"\s")
    assert all(chr(c).isspace() == bool(spaces.match(chr(c))) for c in range(sys.maxunicode + 1))


LINES = ["# A", "## B", "  ### C", "    #### D", "#E", "###### F #", "####### G", "```", " ~~~"]
LINES += ["````", "~~~~ x", "   ```py", "text", "", "---", "- list", "\t# tab", "  ##"]


FRONT = ["---\ntitle: T\n---", "---\ntitle: T", "---\n---", "---", "", "# T\n----  "]


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(front=st.sampled_from(FRONT), lines=st.lists(st.sampled_from(LINES), max_size=30))
def test_headings_are_those_of_reading_every_line(front, lines):
    text = "\n".join([front, *lines])
    assert list(markdown_text.body_headings(text)) == list(_reference_body_headings(text))


def _shown(finding) -> tuple:
    return (finding.rule, finding.path, finding.line, finding.column, finding.message, finding.hint)


# The references: the plain versions ----------------------------------------------------------

_REFERENCE_TAG = re.compile(
    r"""<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*/?>"""
)
_REFERENCE_ATTRIBUTE = re.compile(
    r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"""
)
_REFERENCE_LINKING = {"a": "href", "link": "href", "img": "src", "script": "src"}


def _reference_scan(data: bytes) -> PageScan:
    ids: set[str] = set()
    refs: list[tuple[str, str]] = []
    for match in _REFERENCE_TAG.finditer(data.decode("utf-8", errors="replace")):
        tag, text = match.group(1).lower(), match.group(2)
        if not text or ("=" not in text):
            continue
        values = {
            name.lower(): html.unescape(first or second or bare or "")
            for name, first, second, bare in _REFERENCE_ATTRIBUTE.findall(text)
        }
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                ids.add(values[name])
        attribute = _REFERENCE_LINKING.get(tag)
        if attribute and values.get(attribute):
            refs.append((tag, values[attribute]))
    return PageScan(frozenset(ids), tuple(refs))


def _reference_body_headings(text: str):
    lines = text.split("\n")
    start = next(
        (
            number
            for number, line in enumerate(lines[1:], start=1)
            if markdown_text._BOUNDARY.match(line)
        ),
        len(lines),
    )
    fence = ""
    for number in range(start + 1, len(lines)):
        line = lines[number]
        opening = markdown_text._FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        match = markdown_text._HEADING.match(line)
        if match and match.group(2):
            yield number + 1, match.start(1) + 1, len(match.group(1))


def _reference_page_problems(config: Config, scans, outputs, dest: str, scan):
    from urllib.parse import unquote, urljoin, urlsplit

    origin = urlsplit(config.base_url)
    page_url = config.base_url + dest.removesuffix("index.html")
    problems, targets = [], []
    for tag, ref in scan.refs:
        url = urljoin(page_url, ref)
        problem = _reference_link_problem(config, origin, scans, outputs, url)
        if problem is not None:
            problems.append((tag, ref, problem))
        fragment_target = _reference_output_for(config, unquote(urlsplit(url).path), outputs)
        if urlsplit(url).fragment and fragment_target in scans:
            targets.append((fragment_target, scans[fragment_target]))
    return problems, tuple(targets)


def _reference_link_problem(config: Config, origin, scans, outputs, url: str):
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != origin.netloc:
        return None
    path = unquote(parts.path)
    shown = parts.path + (f"#{parts.fragment}" if parts.fragment else "")
    target = _reference_output_for(config, path, outputs)
    if target is None:
        if not path.startswith(config.base_path):
            inside = config.base_path + path.lstrip("/")
            if _reference_output_for(config, inside, outputs) is not None:
                return (
                    f"the link {shown} leaves the site, which lives under {config.base_path}",
                    f"write {inside}",
                )
            return None
        return (f"the link {shown} leads to no page of the site", _reference_nearest(path, scans))
    fragment = unquote(parts.fragment)
    if fragment and target in scans and fragment not in scans[target].ids:
        known = sorted(scans[target].ids)
        listed = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
        return (
            f"the link {shown} names the anchor #{fragment}, which the page does not have",
            f"anchors on that page: {listed}" if known else "the page has no anchors",
        )
    return None


def _reference_output_for(config: Config, path: str, outputs) -> str | None:
    if not path.startswith(config.base_path):
        return None
    dest = path[len(config.base_path) :]
    if not dest or dest.endswith("/"):
        dest += "index.html"
    return next((name for name in (dest, dest + "/index.html") if name in outputs), None)


def _reference_nearest(path: str, scans) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    pages = sorted(dest.removesuffix("index.html") for dest in scans if name and name in dest)
    return (
        f"pages with a similar name: {', '.join(pages[:4])}"
        if pages
        else ("check the spelling, and that the page is not a draft or dated in the future")
    )
