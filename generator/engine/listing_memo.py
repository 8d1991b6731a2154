"""The listing pages' render jobs, kept between builds: a page is planned again only when
what it shows changed.

A listing page (the home page's, a tag's, a category's: see
:func:`~generator.plan.listing_page_job`) is made from the settings, its place
in the listing and the articles on it. An article that did not change is the
very same object from one build to the next (the engine's article memo keeps
it, and a saved state gives it back as one object), so a page whose articles
are the same objects, with the same numbers, term and settings, is the same job:
the memo gives back the job of last time, which the render pass then knows
unchanged without fingerprinting it. A thousand articles make some 500 such pages.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.config import Config
from generator.plan import ListingPage, RenderJob, listing_page_job

ListingKey = tuple[str, int]  # (folder of the listing, number of the page)


class ListingMemo:
    """Each listing page's job by its folder and number, with what it was planned from."""

    def __init__(self, jobs: dict[ListingKey, tuple[str, ListingPage, RenderJob]] | None = None):
        # (folder, number) -> (digest of the settings, the page planned, its job)
        self.jobs = jobs if jobs is not None else {}

    def planner(self, config_digest: str) -> Callable[[Config, ListingPage], RenderJob]:
        """A ``listing_page_job`` for :func:`~generator.plan.plan_site` that keeps what it
        planned; what this build does not ask for is forgotten."""
        previous, used = self.jobs, {}
        self.jobs = used

        def plan_listing(config: Config, page: ListingPage) -> RenderJob:
            key = (page.folder, page.number)
            found = previous.get(key)
            if found is None or found[0] != config_digest or not same_page(found[1], page):
                found = (config_digest, page, listing_page_job(config, page))
            used[key] = found
            return found[2]

        return plan_listing


def same_page(before: ListingPage, page: ListingPage) -> bool:
    """Whether two listing pages are planned from the same things: equal fields, and on
    them the very same article objects (comparing articles by value would cost more
    than planning the page)."""
    return (
        before.folder == page.folder
        and before.heading == page.heading
        and before.term == page.term
        and before.home == page.home
        and before.total == page.total
        and before.number == page.number
        and before.count == page.count
        and len(before.articles) == len(page.articles)
        and all(old is new for old, new in zip(before.articles, page.articles, strict=True))
    )
