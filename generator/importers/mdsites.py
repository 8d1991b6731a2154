"""Markdown sites of other generators: a Jekyll ``_posts/`` folder, a Hugo or a Pelican
``content/`` folder, given to ``sitegen import`` as a folder.

What each keeps where (learnt from the generators' documentation and real blogs):

- **Jekyll**: ``_posts/YYYY-MM-DD-slug.md`` with YAML front matter (``title``,
  ``date``, ``categories`` and ``tags`` as lists or space-separated words,
  ``excerpt``/``description``, ``author``, ``image``, ``permalink``,
  ``redirect_from``, ``published: false``); files under the site's root
  (``/assets/...``).
- **Hugo**: ``content/<section>/slug.md`` or a bundle ``slug/index.md`` with its
  images beside it, YAML (``---``) or TOML (``+++``) front matter (``summary``,
  ``lastmod``, ``aliases``, ``cover.image``, ``images``, ``draft``); files of
  ``static/``; top-level files and ``_index.md`` are pages and lists.
- **Pelican**: ``Key: value`` lines first (``Title``, ``Date``, ``Modified``,
  ``Category`` or the folder's name, ``Tags`` separated by commas, ``Summary``,
  ``Slug``, ``Author``, ``Status``); pages in ``content/pages/``; links as
  ``{filename}/other.md`` and ``{static}/images/x.png``. Only Markdown is read:
  reStructuredText files are listed as skipped.

The front matter is mapped to sitegen's (``summary``/``excerpt`` -> description,
first category -> category, other categories and tags -> tags, an image ->
``image``, ``permalink``/``url``/``aliases``/``redirect_from`` -> ``aliases``),
and the body is rewritten by :mod:`.mdbody`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from generator.importers.mdbody import Rewriter, rewrite_body
from generator.importers.mdfields import (
    JEKYLL_NAME,
    date_from_name,
    first,
    image_alt,
    image_field,
    is_draft,
    parse_date,
    words,
)
from generator.importers.model import ImportedArticle, ImportedFile, ImportFileError, describe
from generator.slugs import slugify

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
PELICAN_FIELD = re.compile(r"^([A-Za-z_]+):\s*(.*)$")


@dataclass
class Source:
    """One Markdown file of the old site, read."""

    path: Path
    kind: str  # post or page
    slug: str
    meta: dict[str, Any]
    body: str
    key: str  # its path from the content root, for links between posts


@dataclass
class Folder:
    """The old site's folder and what it is."""

    generator: str  # jekyll, hugo or pelican
    content: Path  # where the Markdown files are
    root: Path  # the site's root, where "/assets/x.png" is looked up
    static: tuple[Path, ...] = ()
    skipped: list[str] = field(default_factory=list)


def generator_of(path: Path) -> Folder | None:
    """What generator a folder comes from (None: not a generator's content folder)."""
    if not path.is_dir():
        return None
    if path.name == "_posts" or (path / "_posts").is_dir():
        posts = path if path.name == "_posts" else path / "_posts"
        return Folder("jekyll", posts, posts.parent, (posts.parent,))
    content = path / "content" if (path / "content").is_dir() else path
    root = content.parent
    if (root / "pelicanconf.py").is_file() or _first_line_is_pelican(content):
        return Folder("pelican", content, root, (content,))
    if any((root / name).is_file() for name in ("hugo.toml", "config.toml", "hugo.yaml")) or (
        content.name == "content" and any(content.rglob("*.md"))
    ):
        return Folder("hugo", content, root, (root / "static", content))
    return None


def _first_line_is_pelican(content: Path) -> bool:
    first = next(iter(sorted(content.rglob("*.md"))), None)
    if first is None:
        return False
    head = first.read_text("utf-8", "replace").lstrip("\ufeff").split("\n", 1)[0]
    return bool(re.match(r"^Title:\s*\S", head))


def import_markdown_site(folder: Folder, base_path: str, today: date) -> ImportedFile:
    """Every post and page of ``folder`` as imported articles."""
    sources = [source for source in _read_all(folder) if source is not None]
    addresses = {s.key: _new_url(s, base_path) for s in sources}
    addresses.update({s.slug: _new_url(s, base_path) for s in sources})
    articles, authors = [], {}
    for source in sources:
        article, author = _article(folder, source, addresses, today)
        articles.append(article)
        if author:
            authors[slugify(author) or "author"] = author
    return ImportedFile(str(folder.content), tuple(articles), authors, (), tuple(folder.skipped))


def _read_all(folder: Folder) -> list[Source | None]:
    found = []
    for path in sorted(folder.content.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.parts):
            continue
        if path.suffix.lower() in (".rst", ".rest"):
            folder.skipped.append(f"{path}: reStructuredText is not imported (Markdown only)")
        elif path.suffix.lower() in MARKDOWN_SUFFIXES:
            found.append(_read(folder, path))
    return found


def _read(folder: Folder, path: Path) -> Source | None:
    text = path.read_text("utf-8-sig").replace("\r\n", "\n")
    key = path.relative_to(folder.content).as_posix()
    if folder.generator == "pelican":
        meta, body = _pelican_fields(text)
    else:
        meta, body = _front_matter(str(path), text)
    if path.name == "_index.md" or meta.get("headless"):
        folder.skipped.append(f"{path}: a list page of the old site, not an article")
        return None
    kind, slug = _kind_and_slug(folder, path, meta)
    return Source(path, kind, slug, meta, body, key)


def _front_matter(name: str, text: str) -> tuple[dict, str]:
    marks = {"---": "yaml", "+++": "toml"}
    first = text.split("\n", 1)[0].strip()
    if first not in marks:
        return {}, text
    end = re.search(rf"^{re.escape(first)}\s*$", text[len(first) + 1 :], re.MULTILINE)
    if end is None:
        raise ImportFileError(name, f"the front matter opened by {first} is never closed")
    raw = text[len(first) + 1 : len(first) + 1 + end.start()]
    body = text[len(first) + 1 + end.end() :].lstrip("\n")
    try:
        meta = yaml.safe_load(raw) if marks[first] == "yaml" else tomllib.loads(raw)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as error:
        raise ImportFileError(name, f"the front matter cannot be read: {error}") from None
    return (meta if isinstance(meta, dict) else {}), body


def _pelican_fields(text: str) -> tuple[dict, str]:
    lines = text.split("\n")
    meta: dict[str, Any] = {}
    for index, line in enumerate(lines):
        match = PELICAN_FIELD.match(line)
        if not match:
            return meta, "\n".join(lines[index:]).lstrip("\n")
        meta[match.group(1).lower()] = match.group(2).strip()
    return meta, ""


def _kind_and_slug(folder: Folder, path: Path, meta: dict) -> tuple[str, str]:
    relative = path.relative_to(folder.content)
    stem = path.parent.name if path.stem == "index" and len(relative.parts) > 1 else path.stem
    if folder.generator == "jekyll":
        match = JEKYLL_NAME.match(stem)
        stem = match.group(2) if match else stem
        kind = "post"
    elif folder.generator == "pelican":
        kind = "page" if relative.parts[0] == "pages" else "post"
    else:
        kind = (
            "page" if len(relative.parts) == 1 or relative.parts[0] in ("pages", "page") else "post"
        )
    slug = (
        slugify(str(meta.get("slug") or stem)) or slugify(str(meta.get("title", ""))) or "imported"
    )
    return kind, slug


def _new_url(source: Source, base_path: str) -> str:
    return (
        f"{base_path}posts/{source.slug}/"
        if source.kind == "post"
        else f"{base_path}{source.slug}/"
    )


def _article(
    folder: Folder, source: Source, addresses: dict[str, str], today: date
) -> tuple[ImportedArticle, str]:
    meta, where = source.meta, str(source.path)
    copies: dict[Path, str] = {}
    rewriter = Rewriter(
        post_address=lambda name: _address_of(name, source, addresses),
        find_file=lambda ref: _find_file(folder, source.path, ref),
        place=lambda found: _place(found, source, copies),
    )
    body = rewrite_body(source.body, rewriter)
    fields, warnings = _fields(folder, source, body, today)
    image = image_field(meta)
    if image:
        found = _find_file(folder, source.path, image)
        fields["image"] = _place(found, source, copies) if found else image
        fields["image_alt"] = image_alt(meta) or fields["title"]
    old = _old_addresses(source)
    if old:
        fields["aliases"] = old
    warnings += [f"{where}: {note}" for note in dict.fromkeys(rewriter.warnings)]
    article = ImportedArticle(
        source=where,
        kind=source.kind,
        slug=source.slug,
        front_matter=fields,
        intro=body,
        warnings=tuple(warnings),
        copies=tuple((str(path), dest) for path, dest in copies.items()),
    )
    return article, str(meta.get("author") or first(meta.get("authors")) or "")


def _fields(folder: Folder, source: Source, body: str, today: date) -> tuple[dict, list[str]]:
    meta, where = source.meta, str(source.path)
    warnings: list[str] = []
    title = " ".join(str(meta.get("title") or source.slug.replace("-", " ").capitalize()).split())
    summary = meta.get("description") or meta.get("summary") or meta.get("excerpt") or ""
    description = describe(" ".join(str(summary).split())) or describe(_first_paragraph(body))
    fields: dict[str, Any] = {"title": title, "description": description or title}
    if source.kind == "post":
        published = parse_date(meta.get("date")) or date_from_name(source.path.stem)
        if published is None:
            warnings.append(f"{where}: no date; dated {today.isoformat()}, the day of the import")
        fields["date"] = published or today
    updated = parse_date(
        meta.get("lastmod") or meta.get("modified") or meta.get("last_modified_at")
    )
    if updated:
        fields["updated"] = updated
    author = meta.get("author") or first(meta.get("authors"))
    if author and source.kind == "post":
        fields["author"] = slugify(str(author)) or "author"
    if source.kind == "post":
        categories = words(meta.get("categories") or meta.get("category"), folder.generator)
        if folder.generator == "pelican" and not categories and len(Path(source.key).parts) > 1:
            categories = [Path(source.key).parts[0]]
        tags = words(meta.get("tags"), folder.generator)
        if categories:
            fields["category"] = categories[0]
        rest = [
            t
            for t in dict.fromkeys(categories[1:] + tags)
            if slugify(t) != slugify(categories[0] if categories else "")
        ]
        if rest:
            fields["tags"] = rest
    else:
        fields["menu"] = "none"
    if is_draft(meta):
        fields["draft"] = True
        warnings.append(f"{where}: a draft on the old site: imported with draft: true")
    return fields, warnings


def _first_paragraph(body: str) -> str:
    for block in body.split("\n\n"):
        block = block.strip()
        if block and not block.startswith(("#", "!", "```", "<", "|", "-", "*", ">")):
            return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)
    return ""


def _old_addresses(source: Source) -> list[str]:
    """The post's old URLs (``permalink``, ``url``, ``aliases``, ``redirect_from``): the
    build answers them with a redirect."""
    meta = source.meta
    found: list[str] = []
    for name in ("permalink", "url", "aliases", "redirect_from", "save_as"):
        value = meta.get(name)
        values = value if isinstance(value, list) else [value] if value else []
        found += [str(v).strip() for v in values if str(v).strip()]
    paths = [("/" + path.lstrip("/")) if not re.match(r"^\w+://", path) else path for path in found]
    return [path for path in dict.fromkeys(paths) if ":" not in path.split("/", 1)[0]]


def _address_of(name: str, source: Source, addresses: dict[str, str]) -> str | None:
    """The new address of the post a link or tag names (path, file name or slug)."""
    name = name.strip().strip("\"'")
    candidates = [name.lstrip("/"), str(PurePosixPath(source.key).parent / name).lstrip("./")]
    stem = PurePosixPath(name).stem
    match = JEKYLL_NAME.match(stem)
    candidates += [stem, match.group(2) if match else stem, slugify(stem)]
    return next((addresses[c] for c in candidates if c in addresses), None)


def _find_file(folder: Folder, page: Path, ref: str) -> Path | None:
    """The local file an image or link path stands for (beside the post, or under a
    static folder of the old site)."""
    ref = ref.split("#", 1)[0].split("?", 1)[0]
    if not ref or "://" in ref:
        return None
    candidates = [page.parent / ref] if not ref.startswith("/") else []
    candidates += [base / ref.lstrip("/") for base in (folder.root, *folder.static)]
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
        except OSError:
            continue
        if resolved.is_file() and resolved.is_relative_to(folder.root.resolve()):
            return resolved
    return None


def _place(found: Path, source: Source, copies: dict[Path, str]) -> str:
    """Where a file goes in the site (beside a post, in static/ for a page) and how the
    article refers to it."""
    if found in copies:
        return _reference(copies[found], source)
    name = found.name
    taken = set(copies.values())
    folder = f"content/posts/{source.slug}" if source.kind == "post" else "static/imported"
    number = 1
    while f"{folder}/{name}" in taken:
        number += 1
        name = f"{found.stem}-{number}{found.suffix}"
    copies[found] = f"{folder}/{name}"
    return _reference(copies[found], source)


def _reference(dest: str, source: Source) -> str:
    return dest.rsplit("/", 1)[1] if source.kind == "post" else "/" + dest.removeprefix("static/")
