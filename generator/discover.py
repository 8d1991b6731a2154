"""LOAD: walk a site folder into source files, each read once with its digest.

The site folder layout::

    site.toml
    content/posts/<name>.md                 a single-file article
    content/posts/<name>/index.md           an article's front matter and intro
    content/posts/<name>/01-<section>.md    its sections, ordered by number
    content/posts/<name>/comments/<n>.md    approved reader comments (`sitegen comments export`)
    content/posts/<name>.comments/<n>.md    the same for a single-file article
    content/posts/<name>/<anything else>    assets copied beside the article
    content/pages/<name>.md                 a standalone page
    static/...                              the site's own static files
    templates/...                           the site's own templates

This is the only stage that reads the site's files (besides ``config`` for
``site.toml`` and Jinja's loader for templates).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from generator.errors import ContentError

SECTION_NAME = re.compile(r"^(\d+)[-_].+\.md$")
COMMENTS_FOLDER = "comments"  # inside an article folder
COMMENTS_SUFFIX = ".comments"  # beside a single-file article: <name>.comments/
IGNORED_NAMES = re.compile(r"^(\.|_|~)|~$|\.(swp|swx|tmp|bak)$")


@dataclass(frozen=True)
class SourceFile:
    """One file of the site, with its role in the content tree.

    ``kind`` is one of ``article`` (single-file article), ``article_index``,
    ``section``, ``comment``, ``asset`` (a file beside an article), ``page`` or
    ``static``.
    ``article_dir`` names the article folder (``content/posts/<name>``) for the
    files that belong to one, ``order`` is a section's number.
    """

    src_path: str
    kind: str
    data: bytes
    digest: str
    article_dir: str = ""
    order: int = 0
    static_name: str = ""  # for static files: the name templates ask for, like "style.css"


@dataclass(frozen=True)
class SiteSources:
    posts: tuple[SourceFile, ...]
    pages: tuple[SourceFile, ...]
    static: tuple[SourceFile, ...]


def discover(site_dir: Path, theme_dir: Path) -> SiteSources:
    """Read every content and static file of the site, in a stable order.

    Static files come from the default theme's ``templates/static``, the site's
    own ``templates/static`` and the site's ``static/``; a later one replaces an
    earlier one of the same name.
    """
    posts = [_source(site_dir, path) for path in _walk(site_dir / "content" / "posts")]
    pages = [_source(site_dir, path) for path in _walk(site_dir / "content" / "pages")]
    _reject_misplaced_pages(pages)
    return SiteSources(tuple(posts), tuple(pages), _static(site_dir, theme_dir))


def _static(site_dir: Path, theme_dir: Path) -> tuple[SourceFile, ...]:
    by_name: dict[str, SourceFile] = {}
    for root in (theme_dir / "static", site_dir / "templates" / "static", site_dir / "static"):
        for path in _walk(root):
            name = path.relative_to(root).as_posix()
            by_name[name] = replace(_source(site_dir, path, kind="static"), static_name=name)
    return tuple(by_name[name] for name in sorted(by_name))


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _walk(root: Path) -> list[Path]:
    """Files below ``root``, sorted, skipping editor droppings and hidden files."""
    if not root.is_dir():
        return []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not IGNORED_NAMES.search(d))
        found.extend(Path(dirpath) / name for name in filenames if not IGNORED_NAMES.search(name))
    return sorted(found)


def _source(site_dir: Path, path: Path, kind: str | None = None) -> SourceFile:
    # The default theme may live outside the site folder: name it by its full path.
    src_path = (path.relative_to(site_dir) if path.is_relative_to(site_dir) else path).as_posix()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ContentError(
            src_path,
            f"cannot read the file: {error.strerror or error}",
            hint="check that the file exists and that you may read it",
            rule="unreadable",
        ) from None
    kind, article_dir, order = (kind, "", 0) if kind else _classify(src_path)
    return SourceFile(src_path, kind, data, digest_of(data), article_dir, order)


def _classify(src_path: str) -> tuple[str, str, int]:
    parts = src_path.split("/")  # content/<posts|pages>/...
    if parts[1] == "pages":
        return ("page", "", 0) if src_path.endswith(".md") else ("asset", "", 0)
    if len(parts) == 3:
        if not src_path.endswith(".md"):
            raise ContentError(
                src_path,
                "only Markdown files (.md) and article folders belong directly in content/posts",
                hint="put images and other files inside the article's folder",
                rule="content-layout",
            )
        return "article", "", 0
    comment = _comment_of(parts)
    if comment:
        return "comment", comment, 0
    article_dir = "/".join(parts[:3])
    name = parts[-1]
    if len(parts) > 4 or not name.endswith(".md"):
        return "asset", article_dir, 0
    if name == "index.md":
        return "article_index", article_dir, 0
    match = SECTION_NAME.match(name)
    if not match:
        raise ContentError(
            src_path,
            "a section file's name must start with its number, like 01-what-is-it.md",
            hint=f"rename it to 01-{name}, numbering the sections in reading order",
            rule="content-layout",
        )
    return "section", article_dir, int(match.group(1))


def _comment_of(parts: list[str]) -> str:
    """The article folder a comment file belongs to, or ``""`` if it is no comment file.

    ``content/posts/<name>/comments/<n>.md`` and ``content/posts/<name>.comments/<n>.md``
    both belong to ``content/posts/<name>`` (a folder, or ``<name>.md``).
    """
    if not parts[-1].endswith(".md"):
        return ""
    if len(parts) == 5 and parts[3] == COMMENTS_FOLDER:
        return "/".join(parts[:3])
    if len(parts) == 4 and parts[2].endswith(COMMENTS_SUFFIX):
        return "/".join(parts[:2] + [parts[2].removesuffix(COMMENTS_SUFFIX)])
    return ""


def _reject_misplaced_pages(pages: list[SourceFile]) -> None:
    for source in pages:
        if source.kind == "asset":
            raise ContentError(
                source.src_path,
                "content/pages holds only Markdown pages",
                hint="put images and other files for pages in static/",
                rule="content-layout",
            )
