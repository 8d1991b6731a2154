"""The site model: frozen, plain data built by ``assemble`` and read by ``render``.

No I/O and no Jinja here. The vocabulary used everywhere:

- ``src_path``: a source file's path relative to the site folder, with ``/``
  (``content/posts/microneedling/01-what-is.md``);
- ``dest_path``: an output file's path relative to the output folder
  (``posts/microneedling/index.html``);
- ``url``: the path a browser asks for, with the base URL's path in front
  (``/posts/microneedling/``); ``absolute_url`` adds scheme and host.

An :class:`Article` is a blog post; its body is made of :class:`Section` objects,
one per section file of an article folder (a single-file article has one
untitled section). A :class:`Page` is a standalone page such as "About" that is
not listed, tagged or fed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property


@dataclass(frozen=True)
class Person:
    """An author or medical reviewer, declared once in ``site.toml`` and referred to by key."""

    key: str
    name: str
    credentials: str = ""
    job_title: str = ""
    bio: str = ""
    url: str = ""

    @property
    def display_name(self) -> str:
        """``"Priya Raman, MD, FAAD"``: the name as a byline shows it."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


@dataclass(frozen=True)
class Address:
    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""

    @property
    def lines(self) -> tuple[str, ...]:
        city = " ".join(part for part in (self.region, self.postal_code) if part)
        city_line = ", ".join(part for part in (self.locality, city) if part)
        return tuple(part for part in (self.street, city_line, self.country) if part)


@dataclass(frozen=True)
class Clinic:
    """The organisation behind the site, shown on every page and in structured data."""

    name: str
    url: str = ""
    telephone: str = ""
    email: str = ""
    address: Address = field(default_factory=Address)
    logo: str = ""
    booking_url: str = ""
    opening_hours: tuple[str, ...] = ()
    medical_specialty: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """A tag or a category: its name as written, and where its listing lives."""

    kind: str  # "tag" or "category"
    name: str
    slug: str
    url: str


@dataclass(frozen=True)
class TocEntry:
    id: str
    title: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class Question:
    """One question and answer of a ``kind: faq`` section."""

    question: str
    answer_html: str
    answer_text: str


@dataclass(frozen=True)
class Section:
    """Part of an article: one section file, rendered under its own ``<h2>``."""

    src_path: str
    id: str
    title: str
    kind: str  # "text" or "faq"
    html: str
    toc: tuple[TocEntry, ...] = ()
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Asset:
    """A file copied verbatim into the output, such as an image beside an article."""

    src_path: str
    dest_path: str
    digest: str


@dataclass(frozen=True)
class Comment:
    """A reader's comment under an article, approved by the clinic and exported to a file.

    ``html`` comes from Markdown with raw HTML escaped, images dropped and links
    marked ``rel="nofollow ugc"``; the commenter's email is never part of it.
    """

    src_path: str
    name: str
    published: datetime
    html: str
    id: str = ""  # the file name without .md: the comment's anchor on the page
    reply_to: str = ""  # the id of the comment it answers, when that is on the same article
    reply_to_name: str = ""
    depth: int = 0  # 0 for a comment, 1 for a reply to it, and so on


@dataclass(frozen=True)
class Article:
    src_path: str
    slug: str
    url: str
    dest_path: str
    title: str
    description: str
    published: datetime
    updated: datetime | None
    author: Person | None
    reviewed_by: Person | None
    last_reviewed: date | None
    tags: tuple[Term, ...]
    category: Term | None
    image: str  # a URL, or "" when the article has none
    image_alt: str
    draft: bool
    pinned_related: tuple[str, ...]
    intro_html: str
    sections: tuple[Section, ...]
    word_count: int  # words of title, description and body
    assets: tuple[Asset, ...] = ()
    terms: bytes = b""  # packed word counts for related posts (see related.term_counts)
    comments: tuple[Comment, ...] = ()  # approved ones, oldest first
    aliases: tuple[str, ...] = ()  # old addresses that redirect here, as written

    @property
    def modified(self) -> datetime:
        return self.updated or self.published

    @property
    def toc(self) -> tuple[TocEntry, ...]:
        entries: list[TocEntry] = []
        for section in self.sections:
            if section.title:
                entries.append(TocEntry(section.id, section.title, section.toc))
            else:
                entries.extend(section.toc)
        return tuple(entries)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)


@dataclass(frozen=True)
class Page:
    src_path: str
    slug: str
    url: str
    dest_path: str
    title: str
    description: str
    html: str
    menu: str = "footer"  # "main", "footer" or "none"
    updated: datetime | None = None
    aliases: tuple[str, ...] = ()  # old addresses that redirect here, as written


@dataclass(frozen=True)
class Listing:
    """All articles filed under one term (or all articles, for the home page)."""

    term: Term | None
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Site:
    """Everything the renderer needs, already validated and linked."""

    articles: tuple[Article, ...]  # published, newest first
    pages: tuple[Page, ...]
    tags: tuple[Listing, ...]  # by tag slug
    categories: tuple[Listing, ...]  # by category slug
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)  # slug -> slugs

    def article(self, slug: str) -> Article:
        return self._articles_by_slug[slug]

    def related_articles(self, article: Article) -> tuple[Article, ...]:
        return tuple(self.article(slug) for slug in self.related.get(article.slug, ()))

    @cached_property
    def _articles_by_slug(self) -> dict[str, Article]:
        return {article.slug: article for article in self.articles}
