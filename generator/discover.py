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
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.boundary import leads_outside, outside_error, real_root, refuse_outside
from generator.errors import ContentError, TemplateError
from generator.input_look import IGNORED_NAMES, Listed, listed_tree, walk_listed
from generator.input_look import stamp_of as _stamp
from generator.runnable_files import refuse_runnable_file
from generator.stale_reads import StaleReads
from generator.svg_safety import is_svg, refuse_unsafe_svg

SECTION_NAME = re.compile(r"^(\d+)[-_].+\.md$")
COMMENTS_FOLDER = "comments"  # inside an article folder
COMMENTS_SUFFIX = ".comments"  # beside a single-file article: <name>.comments/


@dataclass(frozen=True)
class SourceFile:
    """One file of the site, with its role in the content tree.

    ``kind`` is one of ``article`` (single-file article), ``article_index``,
    ``section``, ``comment``, ``asset`` (a file beside an article), ``page`` or
    ``static``.
    ``article_dir`` names the article folder (``content/posts/<name>``) for the
    files that belong to one, ``order`` is a section's number.

    A file found unchanged since the last build (same size, modification time
    and inode) is known by its digest alone: :meth:`read` reads it when asked, noting
    it in the build run's :class:`~generator.stale_reads.StaleReads` if it changed.
    """

    src_path: str
    kind: str
    raw: bytes | None = field(repr=False, compare=False)
    digest: str
    article_dir: str = ""
    order: int = 0
    static_name: str = ""  # for static files: the name templates ask for, like "style.css"
    file: str = field(default="", repr=False, compare=False)  # absolute path, to read it again
    stat: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def data(self) -> bytes:  # the bytes it holds; one known by digest alone: read()
        assert self.raw is not None, f"{self.src_path} is known by digest: read it with read()"
        return self.raw

    def read(self, stale: StaleReads, *, keep: bool = True) -> bytes:
        """Its bytes (kept unless ``keep=False``); a file that no longer has its digest is noted
        in ``stale``, its bytes now (``b""`` if gone) not kept: the engine starts over."""
        if self.raw is not None:
            return self.raw
        try:
            data = Path(self.file).read_bytes()
        except OSError:
            stale.add(self.src_path)
            return b""
        if digest_of(data) != self.digest:
            stale.add(self.src_path)
            return data
        object.__setattr__(self, "raw", data if keep else None)  # None: it held none
        return data

    def without_data(self) -> SourceFile:
        """The same file known by digest only (what a saved build state keeps); itself
        when it holds no bytes, so that a saved state knows it (engine.records)."""
        if not self.file or self.raw is None:
            return self
        return SourceFile(
            self.src_path,
            self.kind,
            None,
            self.digest,
            self.article_dir,
            self.order,
            self.static_name,
            self.file,
            self.stat,
        )


@dataclass(frozen=True)
class SiteSources:
    """The site's files as one build run sees them, with its log of reads that found a file
    changed (:mod:`generator.stale_reads`)."""

    posts: tuple[SourceFile, ...]
    pages: tuple[SourceFile, ...]
    static: tuple[SourceFile, ...]
    stale: StaleReads = field(default_factory=StaleReads, compare=False, repr=False)


# A file modified this little before a build started reading is not trusted by its
# stat next time: a second write within a coarse file system timestamp would keep it.
TIMESTAMP_SLACK_NS = 2_000_000_000


@dataclass(frozen=True)
class KnownFiles:
    """Files an earlier build read, taken again without reading while their stat is the same.

    A file modified at or after ``before_ns`` is read again all the same: a second
    write within the file system's timestamp resolution would keep the stat.
    """

    files: Mapping[str, SourceFile]  # by src_path
    before_ns: int
    stamps: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # this build's stat
    folders: Mapping[str, Listed] = field(default_factory=dict)  # the listings they came from


def discover(site_dir: Path, theme_dir: Path, known: KnownFiles | None = None) -> SiteSources:
    """Read every content and static file of the site, in a stable order.

    Static files come from the default theme's ``templates/static``, the site's
    own ``templates/static`` and the site's ``static/``; a later one replaces an
    earlier one of the same name. Files in ``known`` whose stat did not change
    are not read (see :class:`SourceFile`).
    """
    outside: list[str] = []  # links leading out of the site, all named in one error
    content, listed = site_dir / "content", known.folders if known else None
    post_files = _walk(content / "posts", site_dir, outside, listed)
    page_files = _walk(content / "pages", site_dir, outside, listed)
    _walk(site_dir / "static", site_dir, outside, listed)
    _walk(site_dir / "templates", site_dir, outside, listed)  # Jinja reads them: no link leads out
    if outside:
        raise outside_error(outside)
    posts = [_source(site_dir, path, known=known) for path in post_files]
    pages = [_source(site_dir, path, known=known) for path in page_files]
    _reject_misplaced_pages(pages)
    return SiteSources(tuple(posts), tuple(pages), discover_static(site_dir, theme_dir, known))


def discover_content(site_dir: Path, path: Path) -> list[SourceFile]:
    """The content files at or below ``path``, to read again one changed place of a site.

    ``path`` lies under ``content/posts`` or ``content/pages``; a path that is
    gone, ignored (hidden, editor backups) or elsewhere gives no files.
    """
    content = site_dir / "content"
    if not path.is_relative_to(content):
        return []
    parts = path.relative_to(content).parts
    if len(parts) < 2 or parts[0] not in ("posts", "pages"):
        return []
    if any(IGNORED_NAMES.search(part) for part in parts):
        return []
    if path.is_dir():
        files = _walk(path, site_dir)
    elif path.is_file():
        refuse_outside(real_root(site_dir), str(path), _src_path(site_dir, str(path)))
        files = [str(path)]
    else:
        return []
    sources = [_source(site_dir, file) for file in files]
    if parts[0] == "pages":
        _reject_misplaced_pages(sources)
    return sources


def template_stamps(site_dir: Path, theme_dir: Path) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The stat of every template file (the site's and the theme's, static files aside):
    if it is the same as at the last build, no template changed since."""
    stamps = []
    for root in (site_dir / "templates", theme_dir):
        static = f"{root}/static/"
        for path in _walk(root, site_dir if root != theme_dir else None):
            if not path.startswith(static):
                stamps.append((path, _stamp(os.stat(path))))
    return tuple(stamps)


def discover_static(
    site_dir: Path, theme_dir: Path, known: KnownFiles | None = None
) -> tuple[SourceFile, ...]:
    """The static files alone (see :func:`discover`)."""
    by_name: dict[str, SourceFile] = {}
    for root in (theme_dir / "static", site_dir / "templates" / "static", site_dir / "static"):
        inside = f"{root}/"
        inside_site = None if root.is_relative_to(theme_dir) else site_dir
        for path in _walk(root, inside_site, folders=known.folders if known else None):
            name = path[len(inside) :]
            source = _source(site_dir, path, kind="static", known=known)
            if source.static_name != name:
                source = replace(source, static_name=name)
            by_name[name] = source
    return tuple(by_name[name] for name in sorted(by_name))


def default_theme_dir() -> Path:
    """The default theme: inside the installed package, or ``templates/`` of a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "theme", package.parent / "templates"):
        if (candidate / "base.html").is_file():
            return candidate
    raise TemplateError(None, f"the default theme is missing from {package}")


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _walk(
    root: Path,
    site_dir: Path | None = None,
    outside: list[str] | None = None,
    folders: Mapping[str, Listed] | None = None,
) -> list[str]:
    """Files below ``root`` as paths, sorted by their parts (as :class:`Path` sorts them),
    skipping editor droppings and hidden files; links to folders are not followed.
    Folders listed in ``folders`` (an :class:`~generator.input_look.InputLook`'s) are
    not listed again.

    With ``site_dir``, a link (to a file or a folder) leading out of it is never
    listed: it is added to ``outside`` by its ``src_path``, or, without that list,
    an error (see :mod:`generator.boundary`).
    """
    found: list[str] = []
    links: list[str] = []
    if site_dir is not None and root.is_symlink():
        links.append(str(root))  # content/ itself, say, may be a link leading out
    if not folders or not walk_listed(folders, str(root), found, links):
        walk_listed(listed_tree(str(root)), str(root), found, links)
    if site_dir is not None and links:
        boundary = real_root(site_dir)
        leading_out = sorted(
            (link for link in links if leads_outside(boundary, link)),
            key=lambda path: path.split("/"),
        )
        if leading_out and outside is None:
            raise outside_error([_src_path(site_dir, link) for link in leading_out])
        if leading_out:
            outside += [_src_path(site_dir, link) for link in leading_out]
            refused = tuple(leading_out)
            found = [path for path in found if not _below(path, refused)]
    found.sort(key=lambda path: path.split("/"))
    return found


def _below(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == folder or path.startswith(folder + "/") for folder in folders)


def _src_path(site_dir: Path, path: str) -> str:
    inside = str(site_dir) + "/"
    return path[len(inside) :] if path.startswith(inside) else path


def _source(
    site_dir: Path, path: str, kind: str | None = None, known: KnownFiles | None = None
) -> SourceFile:
    # The default theme may live outside the site folder: name it by its full path.
    inside = str(site_dir) + "/"
    src_path = path[len(inside) :] if path.startswith(inside) else path
    try:
        stamp = (known.stamps.get(path) if known else None) or _stamp(os.stat(path))
        before = known.files.get(src_path) if known is not None else None
        if before is not None and before.stat == stamp and stamp[0] < known.before_ns:
            return before
        data = Path(path).read_bytes()
    except OSError as error:
        raise ContentError(
            src_path,
            f"cannot read the file: {error.strerror or error}",
            hint="check that the file exists and that you may read it",
            rule="unreadable",
        ) from None
    kind, article_dir, order = (kind, "", 0) if kind else _classify(src_path)
    if kind == "asset":  # a writer's file, published as it is
        refuse_runnable_file(src_path)
    if is_svg(src_path):  # checked once, when read: a file known by digest passed before
        refuse_unsafe_svg(src_path, data)
    return SourceFile(
        src_path, kind, data, digest_of(data), article_dir, order, file=path, stat=stamp
    )


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
