"""MODEL, one article: its files grouped, its slug and URL, its people, terms and image.

An article depends on nothing of the site but its own files and ``site.toml``,
so the engine builds again only those whose files changed::

    for files in article_files(parsed, assets):   # index, sections, files beside it
        article = build_article(config, files)

:mod:`generator.assemble` then checks the articles against each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlsplit

from generator.config import Config
from generator.discover import SourceFile
from generator.errors import ModelError
from generator.model import Article, Asset, Person, Section, Term
from generator.parse import ParsedFile
from generator.related import merge_term_counts
from generator.slugs import MAX_SLUG_LENGTH, RESERVED_NAMES, slug_too_long, slugify
from generator.toml_hints import person_hint


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


def _article(
    config: Config, index: ParsedFile, sections: Sequence[ParsedFile], assets: list[SourceFile]
) -> Article:
    meta = index.meta
    folder = index.article_dir or index.src_path.removesuffix(".md")
    slug = slug_of(index, folder.rsplit("/", 1)[-1])
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
        published=moment(meta["date"], config),
        updated=moment(meta["updated"], config) if meta["updated"] else None,
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


def article_folder(article: Article) -> str:
    """``content/posts/<name>``, whether the article is a folder or ``<name>.md``."""
    return article.src_path.removesuffix("/index.md").removesuffix(".md")


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


def slug_of(item: ParsedFile, fallback: str) -> str:
    """The URL name of an article or page: its ``slug:`` or ``fallback``, made ASCII."""
    slug = slugify(item.meta["slug"] or fallback)
    if not slug:
        raise slug_error(
            item,
            f"cannot make a URL name from {item.meta['slug'] or fallback!r}",
            "set 'slug:' to letters, digits and dashes, like slug: acne-treatment",
        )
    if slug in RESERVED_NAMES:
        raise slug_error(
            item,
            f"the URL name {slug!r} is reserved on some systems and cannot be a folder",
            "set another 'slug:' in the front matter",
        )
    if slug_too_long(slug):
        raise slug_error(
            item,
            f"the URL name is {len(slug)} characters long; at most {MAX_SLUG_LENGTH} fit "
            "a file name",
            "set a shorter 'slug:' in the front matter, like slug: acne-treatment",
        )
    return slug


def slug_error(item: ParsedFile, message: str, hint: str) -> ModelError:
    """A wrong URL name, pointed at the file's ``slug:`` line."""
    return ModelError(item.src_path, message, line=item.line_of("slug"), hint=hint, rule="slug")


def moment(value: date | datetime, config: Config) -> datetime:
    """A front-matter date or time as a moment, in the site's timezone unless it says one."""
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
