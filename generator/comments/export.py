"""`sitegen comments export`: approved comments become content files beside their article.

Each approved comment is one Markdown file, named by its id, with the name
and the time received (UTC) as front matter and the reader's text as body::

    content/posts/<name>/comments/comment-7.md     for an article folder
    content/posts/<name>.comments/comment-7.md     for a single-file article <name>.md

The build reads them as comments (never as sections). A comment rejected
after it was exported loses its file at the next export. The email is not
written: it never leaves the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.comments.articles import load_articles
from generator.comments.impostors import without_invisible
from generator.comments.store import CommentStore, StoredComment
from generator.discover import COMMENTS_FOLDER, COMMENTS_SUFFIX
from generator.model import Article
from generator.write import write_file

COMMENT_FILE = re.compile(r"^comment-(\d+)\.md$")


@dataclass
class ExportReport:
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    unchanged: int = 0
    orphans: list[StoredComment] = field(default_factory=list)  # their article is gone


def export_comments(site_dir: Path, store: CommentStore) -> ExportReport:
    """Bring every article's comment files in line with the approved comments."""
    _, articles = load_articles(site_dir, drafts=True)
    folders = {article.slug: comments_folder(site_dir, article) for article in articles}
    report = ExportReport()
    wanted: dict[Path, bytes] = {}
    for comment in store.comments("approved"):
        if comment.article in folders:
            wanted[folders[comment.article] / f"comment-{comment.id}.md"] = comment_file(comment)
        else:
            report.orphans.append(comment)
    withdrawn = {c.id for c in store.comments() if c.status != "approved"}
    for folder in sorted(set(folders.values())):
        report.removed += _remove_withdrawn(folder, withdrawn)
    for path, data in sorted(wanted.items()):
        if path.is_file() and path.read_bytes() == data:
            report.unchanged += 1
        else:
            # write.py's helper: a crash never leaves half a file for the build to read.
            write_file(path, data)
            report.written.append(path)
    return report


def comments_folder(site_dir: Path, article: Article) -> Path:
    """Where an article's comment files live (see the module docstring)."""
    source = site_dir / article.src_path
    if source.name == "index.md":
        return source.parent / COMMENTS_FOLDER
    return source.with_name(source.stem + COMMENTS_SUFFIX)


def comment_file(comment: StoredComment) -> bytes:
    """The file's bytes: the same comment always gives the same bytes. Invisible
    characters (kept by databases from before the receiver refused them) are left out."""
    meta = {"name": without_invisible(comment.name), "date": comment.received.isoformat()}
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n{without_invisible(comment.body).rstrip()}\n".encode()


def _remove_withdrawn(folder: Path, withdrawn: set[int]) -> list[Path]:
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.iterdir()):
        match = COMMENT_FILE.match(path.name)
        if match and int(match.group(1)) in withdrawn:
            path.unlink()
            removed.append(path)
    if not any(folder.iterdir()):
        folder.rmdir()
    return removed
