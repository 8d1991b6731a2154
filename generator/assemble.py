"""MODEL: group parsed files into articles and pages, give them URLs, build taxonomies.

Everything here is about the site as a whole: which sections belong to which
article, slugs and their collisions, who the author is, which articles are
published, and the tag and category listings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from urllib.parse import urlsplit

from generator.config import Config
from generator.discover import SourceFile
from generator.errors import ModelError
from generator.model import Article, Asset, Comment, Listing, Page, Person, Section, Site, Term
from generator.parse import ParsedFile
from generator.related import merge_term_counts
from generator.slugs import MAX_SLUG_LENGTH, RESERVED_NAMES, slug_too_long, slugify
from generator.toml_hints import person_hint

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


@dataclass(frozen=True)
class ArticleFiles:
    """The files one article is made of: its index (or single file), sections and assets."""

    index: ParsedFile
    sections: tuple[ParsedFile, ...] = ()
    assets: tuple[SourceFile, ...] = ()


def article_files(parsed: list[ParsedFile], assets: list[SourceFile]) -> list[ArticleFiles]:
    """Group parsed files and assets by article; raise if a folder has no ``index.md``."""
    folders: dict[str, list[ParsedFile]] = defaultdict(list)
    groups = []
    for item in parsed:
        if item.kind == "article":
            groups.append(ArticleFiles(item))
        elif item.kind in ("article_index", "section"):
            folders[item.article_dir].append(item)
    assets_by_folder: dict[str, list[SourceFile]] = defaultdict(list)
    for asset in assets:
        assets_by_folder[asset.article_dir].append(asset)
    for folder in sorted(folders.keys() | assets_by_folder.keys()):
        files = folders.get(folder, [])
        index = next((item for item in files if item.kind == "article_index"), None)
        if index is None:
            raise ModelError(
                folder,
                "an article folder needs an index.md with the article's front matter",
                hint="add index.md with title, description and date",
                rule="content-layout",
            )
        sections = sorted(
            (item for item in files if item.kind == "section"), key=lambda s: (s.order, s.src_path)
        )
        groups.append(ArticleFiles(index, tuple(sections), tuple(assets_by_folder.get(folder, []))))
    return groups


def build_article(config: Config, files: ArticleFiles) -> Article:
    """One article from its files; depends on nothing else of the site but ``config``."""
    return _article(config, files.index, files.sections, list(files.assets))


def link_site(
    config: Config, all_articles: list[Article], parsed: list[ParsedFile], visibility: Visibility
) -> Site:
    """Attach comments, check the articles against each other, keep the published ones,
    add pages and terms."""
    _check_one_file_per_name(all_articles)
    all_articles = _with_comments(config, all_articles, [p for p in parsed if p.kind == "comment"])
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


def _article(
    config: Config, index: ParsedFile, sections: Sequence[ParsedFile], assets: list[SourceFile]
) -> Article:
    meta = index.meta
    folder = index.article_dir or index.src_path.removesuffix(".md")
    slug = _slug(index, folder.rsplit("/", 1)[-1])
    url = f"{config.base_path}posts/{slug}/"
    dest_dir = f"posts/{slug}/"
    copied = tuple(
        Asset(a.src_path, dest_dir + a.src_path.removeprefix(folder + "/"), a.digest)
        for a in assets
    )
    body = [_intro_section(index)] if index.html.strip() and not index.article_dir else []
    body += _sections(sections)
    words = [meta["title"], meta["description"]]
    word_count = sum(len(part.split()) for part in words) + index.words
    word_count += sum(section.words for section in sections)
    return Article(
        src_path=index.src_path,
        slug=slug,
        url=url,
        dest_path=dest_dir + "index.html",
        title=meta["title"],
        description=meta["description"],
        published=_moment(meta["date"], config),
        updated=_moment(meta["updated"], config) if meta["updated"] else None,
        author=_person(config.authors, index, "author", "authors"),
        reviewed_by=_person(config.reviewers, index, "reviewed_by", "reviewers"),
        last_reviewed=_day(meta["last_reviewed"]),
        tags=tuple(_term(config, "tag", name, index) for name in meta["tags"]),
        category=_term(config, "category", meta["category"], index) if meta["category"] else None,
        image=_image_url(index, url, copied),
        image_alt=meta["image_alt"],
        draft=meta["draft"],
        pinned_related=tuple(slugify(pin) for pin in meta["related"]),
        intro_html=index.html if index.article_dir else "",
        sections=tuple(body),
        word_count=word_count,
        assets=copied,
        terms=merge_term_counts([index.terms, *(section.terms for section in sections)]),
        aliases=meta["aliases"],
    )


def _with_comments(
    config: Config, articles: list[Article], comments: list[ParsedFile]
) -> list[Article]:
    """Attach each comment file to its article, oldest first (ties by file name)."""
    by_folder: dict[str, list[Comment]] = defaultdict(list)
    for item in comments:
        published = _moment(item.meta["date"], config).astimezone(config.zone)
        name = item.src_path.rsplit("/", 1)[-1].removesuffix(".md")
        by_folder[item.article_dir].append(
            Comment(
                item.src_path, item.meta["name"], published, item.html, name,
                item.meta.get("reply_to") or "",
            )
        )  # fmt: skip
    folders = {_folder(article): article for article in articles}
    for folder, found in sorted(by_folder.items()):
        if folder not in folders:
            raise ModelError(
                found[0].src_path,
                f"this comment belongs to {folder}, which is no article",
                hint="move the comment beside its article, or delete it",
            )
    return [
        replace(article, comments=threaded(by_folder[folder])) if folder in by_folder else article
        for folder, article in folders.items()
    ]


def _check_one_file_per_name(articles: list[Article]) -> None:
    """``<name>.md`` beside a folder ``<name>/``: one would silently replace the other."""
    owners: dict[str, str] = {}
    for article in sorted(articles, key=lambda article: article.src_path):
        folder = _folder(article)
        if folder in owners:
            raise ModelError(
                article.src_path,
                f"both {owners[folder]} and {article.src_path} are the article {folder}",
                hint=f"keep one: merge {owners[folder]} into the folder, or rename it",
                rule="duplicate-url",
            )
        owners[folder] = article.src_path


def _folder(article: Article) -> str:
    """``content/posts/<name>``, whether the article is a folder or ``<name>.md``."""
    return article.src_path.removesuffix("/index.md").removesuffix(".md")


def _comment_order(comment: Comment) -> tuple[datetime, str]:
    return comment.published, comment.src_path


def threaded(comments: list[Comment]) -> tuple[Comment, ...]:
    """Comments oldest first, each followed by its replies (oldest first, at ``depth`` + 1);
    a reply to a comment the article does not have is a comment of its own."""
    by_id = {comment.id: comment for comment in comments}
    replies: dict[str, list[Comment]] = defaultdict(list)
    for comment in sorted(comments, key=_comment_order):
        parent = comment.reply_to if comment.reply_to in by_id else ""
        replies[parent if parent != comment.id else ""].append(comment)
    ordered: list[Comment] = []
    waiting = [(comment, 0) for comment in reversed(replies[""])]
    while waiting:
        comment, depth = waiting.pop()
        parent = by_id.get(comment.reply_to) if depth else None
        ordered.append(
            replace(
                comment,
                reply_to=parent.id if parent else "",
                reply_to_name=parent.name if parent else "",
                depth=depth,
            )
        )
        waiting += [(reply, depth + 1) for reply in reversed(replies.get(comment.id, []))]
    shown = {comment.src_path for comment in ordered}
    # Replies that answer each other in a circle reach no comment: shown on their own.
    ordered += [
        replace(comment, reply_to="", depth=0)
        for comment in sorted(comments, key=_comment_order)
        if comment.src_path not in shown
    ]
    return tuple(ordered)


def _intro_section(index: ParsedFile) -> Section:
    """A single-file article is one untitled section; its ## headings make the TOC."""
    return Section(index.src_path, "", "", "text", index.html, index.toc)


def _sections(files: Iterable[ParsedFile]) -> list[Section]:
    sections, used = [], set()
    for item in files:
        anchor, number = item.meta["id"], 2
        while anchor in used:
            anchor, number = f"{item.meta['id']}-{number}", number + 1
        used.add(anchor)
        sections.append(
            Section(
                src_path=item.src_path,
                id=anchor,
                title=item.meta["title"],
                kind=item.meta["kind"],
                html=item.html,
                toc=item.toc,
                questions=item.questions,
            )
        )
    return sections


def _slug(item: ParsedFile, fallback: str) -> str:
    slug = slugify(item.meta["slug"] or fallback)
    if not slug:
        raise ModelError(
            item.src_path,
            f"cannot make a URL name from {item.meta['slug'] or fallback!r}",
            line=item.line_of("slug"),
            hint="set 'slug:' to letters, digits and dashes, like slug: acne-treatment",
            rule="slug",
        )
    if slug in RESERVED_NAMES:
        raise ModelError(
            item.src_path,
            f"the URL name {slug!r} is reserved on some systems and cannot be a folder",
            line=item.line_of("slug"),
            hint="set another 'slug:' in the front matter",
            rule="slug",
        )
    if slug_too_long(slug):
        raise ModelError(
            item.src_path,
            f"the URL name is {len(slug)} characters long; at most {MAX_SLUG_LENGTH} fit "
            "a file name",
            line=item.line_of("slug"),
            hint="set a shorter 'slug:' in the front matter, like slug: acne-treatment",
            rule="slug",
        )
    return slug


def _moment(value: date | datetime, config: Config) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=config.zone)
    return datetime.combine(value, time(), tzinfo=config.zone)


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _person(people: dict[str, Person], item: ParsedFile, field: str, table: str) -> Person | None:
    key = item.meta[field]
    if not key:
        return None
    if key not in people:
        raise person_error(people, item.src_path, key, field, table, item.line_of(field))
    return people[key]


def person_error(
    people: dict[str, Person], src_path: str, key: str, field: str, table: str, line: int | None
) -> ModelError:
    """``author: <key>`` (or ``reviewed_by``) names nobody in ``site.toml``."""
    known = ", ".join(people) or "none yet"
    return ModelError(
        src_path,
        f"'{field}: {key}' names nobody in site.toml's [{table}] (known: {known})",
        line=line,
        column=1,
        hint=person_hint(table, field, str(key)),
        rule="unknown-person",
    )


def _term(config: Config, kind: str, name: str, index: ParsedFile) -> Term:
    slug = slugify(name) or "-"
    folder = "tags" if kind == "tag" else "categories"
    if slug_too_long(slug) or slug in RESERVED_NAMES:
        field = "tags" if kind == "tag" else "category"
        raise ModelError(
            index.src_path,
            f"the {kind} {name[:60]!r} cannot name a folder: "
            + (f"over {MAX_SLUG_LENGTH} characters" if slug_too_long(slug) else "a reserved name"),
            line=index.line_of(field),
            hint=f"give '{field}:' a shorter {kind}, of a few words",
            rule="slug",
        )
    return Term(kind, name, slug, f"{config.base_path}{folder}/{slug}/")


def _image_url(index: ParsedFile, article_url: str, assets: tuple[Asset, ...]) -> str:
    image = index.meta["image"]
    if not image or image.startswith("/") or urlsplit(image).scheme in ("http", "https"):
        return image or ""
    beside = {asset.dest_path.split("/", 2)[2] for asset in assets}
    if image not in beside:
        raise ModelError(
            index.src_path,
            f"the image {image!r} is not in the article's folder",
            line=index.line_of("image"),
            column=1,
            hint="put the file beside index.md, or give a /static/... path or a full URL",
            rule="image-beside",
        )
    return article_url + image


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
        slug = _slug(item, item.src_path.rsplit("/", 1)[-1].removesuffix(".md"))
        if slug in RESERVED_PAGE_SLUGS:
            raise ModelError(
                item.src_path,
                f"the page URL /{slug}/ is used by the site itself",
                line=item.line_of("slug"),
                hint="set another 'slug:' in the page's front matter",
                rule="slug",
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
                updated=_moment(updated, config) if updated else None,
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
