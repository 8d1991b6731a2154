"""Each output's kind is given where it is planned, and the build's later stages go by it.

A page is what the finishing pass rewrites, the link check follows, the search
indexes and the summary counts; a stylesheet is checked for foreign hosts; the
other kinds are written as they are.
"""

from __future__ import annotations

import doctest

from generator import output_kinds
from generator.output_kinds import OutputKind, copied_kind
from tests.conftest import build
from tests.sync_tools import age


def test_the_sample_site_has_outputs_of_every_kind(sample_build):
    outputs = sample_build.outputs
    kinds = {dest: outputs.kind(dest) for dest in outputs}
    assert {kinds[d] for d in ("feed.xml", "sitemap.xml", "robots.txt")} == {OutputKind.FEED}
    assert kinds["index.html"] is kinds["404.html"] is OutputKind.PAGE
    assert kinds["posts/what-is-micro-needling/index.html"] is OutputKind.PAGE
    search = [dest for dest in outputs if dest.startswith("pagefind/")]
    assert search and all(kinds[dest] is OutputKind.SEARCH for dest in search)
    stylesheets = outputs.of_kind(OutputKind.STYLESHEET)
    assert stylesheets and all(dest.startswith("static/") for dest in stylesheets)
    assert outputs.of_kind(OutputKind.IMAGE), "the sample's images are converted"
    assert outputs.of_kind(OutputKind.ASSET), "and copied as they are"
    assert sample_build.page_count == len(outputs.of_kind(OutputKind.PAGE))


def test_a_copied_file_is_a_page_or_a_stylesheet_by_what_it_is():
    assert copied_kind("static/google1234.html") is OutputKind.PAGE
    assert copied_kind("static/site.3f2a9c1e0b.css") is OutputKind.STYLESHEET
    assert copied_kind("static/site.3f2a9c1e0b.js") is OutputKind.ASSET
    assert copied_kind("posts/acne/hero.svg") is OutputKind.ASSET
    assert doctest.testmod(output_kinds).failed == 0


def test_the_stages_go_by_the_kind_and_a_build_with_nothing_to_do_knows_it(copy_site):
    site = copy_site("basic")
    (site / "static").mkdir()
    # A verification page copied as it is: a page like the others.
    (site / "static/google1234.html").write_text(
        '<!doctype html><html lang="en"><title>Verify</title><a href="/blog/nowhere/">x</a>'
    )
    # A stylesheet that loads from another host: the finishing pass looks at it.
    (site / "static/extra.css").write_text("@import 'https://fonts.example.net/a.css';\n")
    toml = site / "site.toml"
    toml.write_text(
        toml.read_text()
        + '\n[check.rules]\nthird-party = "warning"\nbroken-link = "warning"\n'
        + '\n[redirects]\n"/blog/old.htm" = "/blog/about/"\n'
    )
    age(site)  # files written just now are looked at again by the next build
    first = build(site)
    outputs = first.outputs
    assert outputs.kind("static/google1234.html") is OutputKind.PAGE
    assert outputs.kind("old.htm") is OutputKind.FEED  # an old .htm address: not counted
    assert outputs.kind("feed.xml") is OutputKind.FEED
    extra = [dest for dest in outputs if dest.startswith("static/extra.")]
    assert [outputs.kind(dest) for dest in extra] == [OutputKind.STYLESHEET]
    warned = {(w.rule, w.path) for w in first.warnings}
    assert ("third-party", "static/extra.css") in warned
    assert ("broken-link", "static/google1234.html") in warned  # its links are followed
    pages = [dest for dest in outputs if outputs.kind(dest) is OutputKind.PAGE]
    assert first.page_count == len(pages) and "static/google1234.html" in pages

    again = build(site)
    assert again.built_site is None, "nothing changed: the saved summary answers"
    assert _by_kind(again.outputs) == _by_kind(outputs)
    assert again.page_count == first.page_count


def _by_kind(outputs) -> dict[OutputKind, set[str]]:
    return {kind: set(dests) for kind, dests in outputs.kinds().items()}
