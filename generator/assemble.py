"""MODEL: group parsed files into articles and pages, give them URLs, build taxonomies.

Everything here is about the site as a whole: slugs and their collisions,
which articles are published, the pages, and the tag and category listings.
Each article is built on its own by :mod:`generator.article_model` (which
sections belong to it, its slug, who the author is), its comments attached by
:mod:`generator.comment_threads`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from generator.article_model import (
    article_files,
    article_folder,
    build_article,
    moment,
    slug_error,
    slug_of,
)
from generator.comment_threads import with_comments
from generator.config import Config
from generator.discover import SourceFile
from generator.errors import ModelError
from generator.model import Article, Listing, Page, Site, Term
from generator.parse import ParsedFile

# Top-level names that the site's own listings and files use.
RESERVED_PAGE_SLUGS = frozenset(
    {"posts", "tags", "categories", "page", "static", "404", "comments", "search", "pagefind"}
)


@dataclass(frozen=True)
class Visibility:
    """Which articles a build publishes: drafts and future-dated ones only on request."""

    now: datetime
    drafts: bool = False
    future: bool = False

    def shows(self, article: Article) -> bool:
        if article.draft and not self.drafts:
            return False
        return self.future or article.published <= self.now


def assemble(
    config: Config,
    parsed: Iterable[ParsedFile],
    assets: Iterable[SourceFile],
    visibility: Visibility,
) -> Site:
    """Build the :class:`Site` from parsed files; raise :class:`ModelError` on conflicts."""
    parsed = list(parsed)
    articles = [build_article(config, files) for files in article_files(parsed, list(assets))]
    return link_site(config, articles, parsed, visibility)


def link_site(
    config: Config, all_articles: list[Article], parsed: list[ParsedFile], visibility: Visibility
) -> Site:
    """Attach comments, check the articles against each other, keep the published ones,
    add pages and terms."""
    _check_one_file_per_name(all_articles)
    all_articles = with_comments(config, all_articles, [p for p in parsed if p.kind == "comment"])
    _check_unique(all_articles, "article")
    _check_pins(all_articles, parsed)
    published = sorted(
        (article for article in all_articles if visibility.shows(article)),
        key=lambda article: (-article.published.timestamp(), article.slug),
    )
    pages = _pages(config, [p for p in parsed if p.kind == "page"], visibility)
    _check_unique(pages, "page")
    return Site(
        articles=tuple(published),
        pages=tuple(pages),
        tags=_listings(published, lambda article: article.tags),
        categories=_listings(published, lambda article: (article.category,)),
    )


def _check_one_file_per_name(articles: list[Article]) -> None:
    """``<name>.md`` beside a folder ``<name>/``: one would silently replace the other."""
    owners: dict[str, str] = {}
    for article in sorted(articles, key=lambda article: article.src_path):
        folder = article_folder(article)
        if folder in owners:
            raise ModelError(
                article.src_path,
                f"both {owners[folder]} and {article.src_path} are the article {folder}",
                hint=f"keep one: merge {owners[folder]} into the folder, or rename it",
                rule="duplicate-url",
            )
        owners[folder] = article.src_path


def _check_unique(items: list[Article] | list[Page], what: str) -> None:
    owners: dict[str, str] = {}
    for item in items:
        if item.url in owners:
            raise ModelError(
                item.src_path,
                f"this {what} has the URL {item.url}, like {owners[item.url]}",
                hint="give one of them another 'slug:' in its front matter",
                rule="duplicate-url",
            )
        owners[item.url] = item.src_path


def _check_pins(articles: list[Article], parsed: list[ParsedFile]) -> None:
    slugs = {article.slug for article in articles}
    lines = {item.src_path: item.line_of("related") for item in parsed}
    for article in articles:
        for pin in article.pinned_related:
            if pin not in slugs or pin == article.slug:
                raise ModelError(
                    article.src_path,
                    f"'related' names {pin!r}, which is not another article's slug",
                    line=lines.get(article.src_path),
                    column=1,
                    hint="use the slug from the other article's URL: /posts/<slug>/",
                    rule="related-missing",
                )


def _pages(config: Config, parsed: list[ParsedFile], visibility: Visibility) -> list[Page]:
    pages = []
    for item in parsed:
        if item.meta["draft"] and not visibility.drafts:
            continue
        slug = slug_of(item, item.src_path.rsplit("/", 1)[-1].removesuffix(".md"))
        if slug in RESERVED_PAGE_SLUGS:
            raise slug_error(
                item,
                f"the page URL /{slug}/ is used by the site itself",
                "set another 'slug:' in the page's front matter",
            )
        updated = item.meta["updated"]
        pages.append(
            Page(
                src_path=item.src_path,
                slug=slug,
                url=f"{config.base_path}{slug}/",
                dest_path=f"{slug}/index.html",
                title=item.meta["title"],
                description=item.meta["description"],
                html=item.html,
                menu=item.meta["menu"],
                updated=moment(updated, config) if updated else None,
                aliases=item.meta["aliases"],
            )
        )
    return sorted(pages, key=lambda page: page.slug)


def _listings(articles: list[Article], terms_of) -> tuple[Listing, ...]:
    """One listing per term slug, articles newest first, named by the most used spelling."""
    by_slug: dict[str, list[Article]] = defaultdict(list)
    spellings: dict[str, Counter] = defaultdict(Counter)
    first: dict[str, Term] = {}
    for article in articles:
        seen: set[str] = set()
        for term in terms_of(article):
            if term is None or term.slug in seen:
                continue
            seen.add(term.slug)
            by_slug[term.slug].append(article)
            spellings[term.slug][term.name] += 1
            first.setdefault(term.slug, term)
    listings = []
    for slug in sorted(by_slug):
        name = min(spellings[slug].items(), key=lambda item: (-item[1], item[0]))[0]
        term = Term(first[slug].kind, name, slug, first[slug].url)
        listings.append(Listing(term, tuple(by_slug[slug])))
    return tuple(listings)
