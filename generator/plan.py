"""What to render: one :class:`RenderJob` per output page, its context plain data.

Planning decides every page's URL, title, breadcrumbs, structured data and
pagination; rendering then only fills templates. A job's context holds model
objects and strings only, so it can be compared, hashed or sent to a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from generator import structured_data as ld
from generator.comments import THANKS_PATH
from generator.config import Config
from generator.graph_text import ArticleGraphText
from generator.model import Article, Listing, Site, Term
from generator.output_kinds import OutputKind
from generator.publish import hosts
from generator.redirects import site_redirects

Crumb = tuple[str, str]  # (name, site-relative URL)
ArticleJobMaker = Callable[[Config, Article, tuple[Article, ...]], "RenderJob"]
ListingJobMaker = Callable[[Config, "ListingPage"], "RenderJob"]


@dataclass(frozen=True)
class PageMeta:
    """What a page's ``<head>`` says about it."""

    title: str  # the whole <title>
    description: str
    url: str
    canonical: str
    crumbs: tuple[Crumb, ...]
    # The JSON-LD graph as the page shows it; given as a dict, made that text (an article's
    # is made when its page renders: ArticleGraphText).
    jsonld: Markup | ArticleGraphText
    og_type: str = "website"
    image: str = ""  # absolute URL
    image_alt: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    indexable: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.jsonld, dict):
            # Kept as the text Jinja's ``tojson`` gives: as a graph of dicts it is dozens of
            # objects per page for the engine to keep and load between builds.
            object.__setattr__(self, "jsonld", htmlsafe_json_dumps(self.jsonld, sort_keys=True))


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    previous_url: str = ""
    next_url: str = ""


@dataclass(frozen=True)
class ListingPage:
    """All one page of a listing is planned from (:func:`listing_page_job`)."""

    folder: str  # where the listing lives ("" for the home page)
    heading: str
    term: Term | None
    home: bool
    total: int  # articles in the whole listing
    number: int
    count: int  # pages of the listing
    articles: tuple[Article, ...]  # those on this page


@dataclass(frozen=True)
class RenderJob:
    dest_path: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    kind: OutputKind = OutputKind.PAGE  # what the rendered file is: a page, or a feed

    @property
    def meta(self) -> PageMeta | None:
        return self.context.get("meta")


def plan_site(
    config: Config,
    site: Site,
    plan_article: ArticleJobMaker | None = None,
    plan_listing: ListingJobMaker | None = None,
) -> list[RenderJob]:
    """Every page of the site, in a stable order, ending with feed, sitemap and robots.

    ``plan_article(config, article, related)`` plans one article's page (default
    :func:`article_job`) and ``plan_listing(config, page)`` one page of a listing
    (default :func:`listing_page_job`); the incremental engine passes memoised ones.
    """
    plan_article = plan_article or article_job
    plan_listing = plan_listing or listing_page_job
    jobs: list[RenderJob] = []
    jobs += [
        plan_article(config, article, site.related_articles(article)) for article in site.articles
    ]
    jobs += [_page_job(config, page) for page in site.pages]
    home = Listing(None, site.articles)
    jobs += _listing_jobs(config, plan_listing, home, "", config.title, home=True)
    jobs += _taxonomy_jobs(config, plan_listing, site.tags, "tags", "Topics")
    jobs += _taxonomy_jobs(config, plan_listing, site.categories, "categories", "Categories")
    jobs.append(_not_found_job(config))
    jobs.append(_search_job(config, site))
    if config.comments:
        jobs.append(_comment_thanks_job(config))
    jobs.append(_feed_job(config, site))
    jobs.append(_sitemap_job(jobs))
    robots = {"sitemap_url": _abs(config, "sitemap.xml")}
    jobs.append(RenderJob("robots.txt", "robots.txt", robots, OutputKind.FEED))
    jobs += redirect_jobs(config, site, jobs)
    return jobs


def redirect_jobs(config: Config, site: Site, jobs: list[RenderJob]) -> list[RenderJob]:
    """A page at each old address that a file can stand for (see :mod:`generator.redirects`).

    Planned after the sitemap, with no page metadata: never listed, fed or indexed.
    """
    pages = {job.dest_path: _made_from(job) for job in jobs}
    redirects = site_redirects(config, site, pages)
    planned = [
        RenderJob(
            redirect.dest_path,
            "redirect.html",
            {"redirect": redirect, "target_url": _absolute_target(config, redirect.target)},
            _redirect_kind(redirect.dest_path),
        )
        for redirect in redirects
        if redirect.dest_path
    ]
    # The host's own redirect and header files ([publish] host), as plain text.
    for dest, text in hosts.host_files(config, redirects).items():
        planned.append(RenderJob(dest, "hosts/text.txt", {"text": text}, OutputKind.FEED))
    if config.publish.host == "netlify":  # names each fingerprinted file: rendered with them
        template = hosts.NETLIFY_HEADERS_TEMPLATE
        planned.append(RenderJob("_headers", template, hosts.HEADERS, OutputKind.FEED))
    return planned


def _redirect_kind(dest_path: str) -> OutputKind:
    """A redirect page at an old ``.html`` address is a page like the others; one at an
    old ``.htm`` address is written as it is, out of the checks, the search and the count."""
    return OutputKind.PAGE if dest_path.endswith(".html") else OutputKind.FEED


def _made_from(job: RenderJob) -> str:
    item = job.context.get("article") or job.context.get("page")
    return item.src_path if item is not None else f"the site's own page {job.dest_path}"


def _absolute_target(config: Config, target: str) -> str:
    return config.origin + target if target.startswith("/") else target


def article_job(config: Config, article: Article, related: tuple[Article, ...]) -> RenderJob:
    crumbs = [("Home", config.base_path)]
    if article.category:
        crumbs.append((article.category.name, article.category.url))
    crumbs.append((article.title, article.url))
    meta = PageMeta(
        title=f"{article.title} | {config.title}",
        description=article.description,
        url=article.url,
        canonical=config.origin + article.url,
        crumbs=tuple(crumbs),
        jsonld=ArticleGraphText(config, article, tuple(_absolute_crumbs(config, crumbs))),
        og_type="article",
        image=ld.absolute(config, article.image) if article.image else "",
        image_alt=article.image_alt,
        published=article.published,
        modified=article.modified,
    )
    context = {"meta": meta, "article": article, "related": related}
    return RenderJob(article.dest_path, "article.html", context)


def _page_job(config: Config, page) -> RenderJob:
    crumbs = [("Home", config.base_path), (page.title, page.url)]
    meta = PageMeta(
        title=f"{page.title} | {config.title}",
        description=page.description or config.description,
        url=page.url,
        canonical=config.origin + page.url,
        crumbs=tuple(crumbs),
        jsonld=ld.page_graph(config, page, _absolute_crumbs(config, crumbs)),
        modified=page.updated,
    )
    return RenderJob(page.dest_path, "page.html", {"meta": meta, "page": page})


def _listing_jobs(
    config: Config,
    plan_listing: ListingJobMaker,
    listing: Listing,
    folder: str,
    heading: str,
    *,
    home: bool = False,
) -> list[RenderJob]:
    """A listing split into pages of ``posts_per_page``: ``folder/``, ``folder/page/2/``, ..."""
    size = config.posts_per_page
    chunks = [listing.articles[i : i + size] for i in range(0, len(listing.articles), size)] or [()]
    total = len(listing.articles)
    return [
        plan_listing(
            config,
            ListingPage(folder, heading, listing.term, home, total, number, len(chunks), articles),
        )
        for number, articles in enumerate(chunks, start=1)
    ]


def listing_page_job(config: Config, page: ListingPage) -> RenderJob:
    """One page of a listing (the home page's, a tag's or a category's)."""
    page_url = _page_urls(config, page.folder)
    number, count, home, heading = page.number, page.count, page.home, page.heading
    url = page_url(number)
    pagination = Pagination(
        number,
        count,
        page_url(number - 1) if number > 1 else "",
        page_url(number + 1) if number < count else "",
    )
    crumbs = _listing_crumbs(config, page.term, heading, url, number, home)
    suffix = f" (page {number})" if number > 1 else ""
    title = config.title + suffix if home else f"{heading}{suffix} | {config.title}"
    meta = PageMeta(
        title=title,
        description=_listing_description(config, page.total, heading, home),
        url=url,
        canonical=config.origin + url,
        crumbs=tuple(crumbs),
        jsonld=ld.home_graph(config)
        if home and number == 1
        else ld.listing_graph(
            config, config.origin + url, heading + suffix, _absolute_crumbs(config, crumbs)
        ),
        modified=max((a.modified for a in page.articles), default=None),
    )
    context = {
        "meta": meta,
        "heading": heading,
        "term": page.term,
        "articles": page.articles,
        "pagination": pagination,
        "is_home": home,
    }
    return RenderJob(url.removeprefix(config.base_path) + "index.html", "list.html", context)


def _page_urls(config: Config, folder: str):
    base = config.base_path + (folder + "/" if folder else "")
    return lambda number: base if number == 1 else f"{base}page/{number}/"


def _listing_crumbs(
    config: Config, term: Term | None, heading: str, url: str, number: int, home: bool
) -> list[Crumb]:
    crumbs = [("Home", config.base_path)]
    if home or term is None:
        return crumbs + ([(f"Page {number}", url)] if number > 1 else [])
    index_name, index_folder = (
        ("Topics", "tags") if term.kind == "tag" else ("Categories", "categories")
    )
    crumbs += [(index_name, f"{config.base_path}{index_folder}/"), (heading, term.url)]
    return crumbs + ([(f"Page {number}", url)] if number > 1 else [])


def _listing_description(config: Config, count: int, heading: str, home: bool) -> str:
    if home:
        return config.description or f"Articles from {config.clinic.name}."
    noun = "article" if count == 1 else "articles"
    return f"{count} {noun} about {heading} from {config.clinic.name}."


def _taxonomy_jobs(
    config: Config,
    plan_listing: ListingJobMaker,
    listings: tuple[Listing, ...],
    folder: str,
    heading: str,
) -> list[RenderJob]:
    if not listings:
        return []
    url = f"{config.base_path}{folder}/"
    crumbs = [("Home", config.base_path), (heading, url)]
    meta = PageMeta(
        title=f"{heading} | {config.title}",
        description=f"All {heading.lower()} of articles from {config.clinic.name}.",
        url=url,
        canonical=config.origin + url,
        crumbs=tuple(crumbs),
        jsonld=ld.listing_graph(
            config, config.origin + url, heading, _absolute_crumbs(config, crumbs)
        ),
        modified=max(listing.articles[0].modified for listing in listings),
    )
    index = RenderJob(
        f"{folder}/index.html",
        "terms.html",
        {"meta": meta, "heading": heading, "listings": listings},
    )
    jobs = [index]
    for listing in listings:
        term = listing.term
        jobs += _listing_jobs(config, plan_listing, listing, f"{folder}/{term.slug}", term.name)
    return jobs


def _not_found_job(config: Config) -> RenderJob:
    meta = PageMeta(
        title=f"Page not found | {config.title}",
        description="The page you asked for does not exist.",
        url=config.base_path + "404.html",
        canonical=_abs(config, "404.html"),
        crumbs=(),
        jsonld=ld.home_graph(config),
        indexable=False,
    )
    return RenderJob("404.html", "404.html", {"meta": meta})


def _search_job(config: Config, site: Site) -> RenderJob:
    """The search page; its script reads the Pagefind index that the build adds.

    Its ``modified`` is the newest article's, as the index changes with them.
    """
    url = f"{config.base_path}search/"
    crumbs = [("Home", config.base_path), ("Search", url)]
    meta = PageMeta(
        title=f"Search | {config.title}",
        description=f"Search the articles of {config.clinic.name}.",
        url=url,
        canonical=config.origin + url,
        crumbs=tuple(crumbs),
        jsonld=ld.listing_graph(
            config, config.origin + url, "Search", _absolute_crumbs(config, crumbs)
        ),
        modified=max((article.modified for article in site.articles), default=None),
    )
    return RenderJob("search/index.html", "search.html", {"meta": meta})


def _comment_thanks_job(config: Config) -> RenderJob:
    """Where the comment receiver sends a reader after a post (see comments/receiver.py)."""
    url = config.base_path + THANKS_PATH
    meta = PageMeta(
        title=f"Thank you for your comment | {config.title}",
        description="Your comment will appear under the article once the clinic has read it.",
        url=url,
        canonical=config.origin + url,
        crumbs=(),
        jsonld=ld.home_graph(config),
        indexable=False,
    )
    return RenderJob(THANKS_PATH + "index.html", "comment_thanks.html", {"meta": meta})


def _feed_job(config: Config, site: Site) -> RenderJob:
    articles = site.articles[: config.feed_limit] if config.feed_limit else site.articles
    updated = max((article.modified for article in articles), default=None)
    context = {"articles": articles, "updated": updated, "feed_url": _abs(config, "feed.xml")}
    return RenderJob("feed.xml", "feed.xml", context, OutputKind.FEED)


def _sitemap_job(jobs: list[RenderJob]) -> RenderJob:
    entries = sorted(
        (job.meta.canonical, job.meta.modified)
        for job in jobs
        if job.meta is not None and job.meta.indexable
    )
    return RenderJob("sitemap.xml", "sitemap.xml", {"entries": entries}, OutputKind.FEED)


def _absolute_crumbs(config: Config, crumbs: list[Crumb]) -> list[ld.Crumb]:
    return [(name, config.origin + url) for name, url in crumbs]


def _abs(config: Config, path: str) -> str:
    return config.base_url + path
