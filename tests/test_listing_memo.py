"""Listing pages' jobs kept between builds: the same job while the page shows the very same
articles, a new one as soon as one of them changed."""

from __future__ import annotations

from dataclasses import replace

from generator.build import BuildOptions, render_site
from generator.config import load_config
from generator.engine.listing_memo import ListingMemo
from generator.model import Listing
from generator.plan import RenderJob, plan_site
from tests.conftest import FIXED_NOW, copy_sample_site


def _listing_jobs(jobs: list[RenderJob]) -> dict[str, RenderJob]:
    return {job.dest_path: job for job in jobs if job.template == "list.html"}


def test_a_listing_page_is_planned_again_only_when_an_article_on_it_changed(tmp_path):
    site_dir = copy_sample_site(tmp_path / "site")
    _, site, _ = render_site(site_dir, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    config = load_config(site_dir)
    memo = ListingMemo()
    first = _listing_jobs(plan_site(config, site, plan_listing=memo.planner("settings")))
    again = _listing_jobs(plan_site(config, site, plan_listing=memo.planner("settings")))
    assert first.keys() == again.keys() and len(first) > 3
    assert all(again[dest] is first[dest] for dest in first)  # nothing changed: the same jobs

    # One article retitled, as a new object (the engine's article memo makes a new one).
    edited = site.articles[0]
    retitled = replace(edited, title="A title never seen before")

    def swap(articles):
        return tuple(retitled if article is edited else article for article in articles)

    changed_site = replace(
        site,
        articles=swap(site.articles),
        tags=tuple(Listing(t.term, swap(t.articles)) for t in site.tags),
        categories=tuple(Listing(c.term, swap(c.articles)) for c in site.categories),
    )
    after = _listing_jobs(plan_site(config, changed_site, plan_listing=memo.planner("settings")))
    fresh = _listing_jobs(plan_site(config, changed_site))
    assert after == fresh  # what a build from nothing plans
    showing = {dest for dest, job in fresh.items() if retitled in job.context["articles"]}
    assert "index.html" in showing and len(showing) < len(fresh)
    assert {dest for dest in after if after[dest] is not first[dest]} == showing

    other_settings = _listing_jobs(plan_site(config, changed_site, plan_listing=memo.planner("x")))
    assert all(other_settings[dest] is not after[dest] for dest in after)  # settings changed
