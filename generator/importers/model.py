"""What every importer produces: plain data about articles, written to files by ``writer``.

An importer reads one outside file (plain text, an HTML page, a WordPress
export) and returns :class:`ImportedArticle` objects: front matter as a dict,
an optional intro and the sections, each as Markdown. It never writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from generator.errors import SiteError

DESCRIPTION_LENGTH = 160


class ImportFileError(SiteError):
    """A file given to ``sitegen import`` cannot be read or is not what it claims to be."""


@dataclass(frozen=True)
class ImportedSection:
    """Part of an imported article: one section file, its title and Markdown body."""

    title: str
    body: str


@dataclass(frozen=True)
class ImportedComment:
    """A reader's approved comment, as a comment file beside its article holds it.

    ``id`` names the file (``comment-<id>.md``); ``reply_to`` is the id of the
    comment it answers. The commenter's e-mail and IP address are never kept.
    """

    id: str
    name: str
    published: datetime  # UTC
    body: str  # Markdown
    reply_to: str = ""


@dataclass(frozen=True)
class ImportedArticle:
    """An article (``kind="post"``) or a page (``kind="page"``) ready to be written.

    ``source`` names where it came from in messages (``export.xml: post 12``);
    ``images`` lists the image URLs its text refers to, for the user to fetch.
    """

    source: str
    kind: str
    slug: str
    front_matter: dict[str, Any]
    intro: str = ""
    sections: tuple[ImportedSection, ...] = ()
    warnings: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    files: tuple[tuple[str, str, str], ...] = ()  # (old URL, upload path, path in the site)
    dead_links: tuple[tuple[str, str, str], ...] = ()  # (old URL, text, why): links removed
    without_alt: tuple[str, ...] = ()  # images nothing describes, marked {decorative}
    comments: tuple[ImportedComment, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # e.g. comments left out, by why
    copies: tuple[tuple[str, str], ...] = ()  # (a local file, its path in the site) to copy


@dataclass(frozen=True)
class ImportedFile:
    """Everything one file gave: its articles, authors to add to site.toml, file-level notes."""

    path: str
    articles: tuple[ImportedArticle, ...]
    authors: dict[str, str] = field(default_factory=dict)  # key -> display name
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # what was left out on purpose, with the reason
    redirects: dict[str, str] = field(default_factory=dict)  # old address -> new URL
    language: str = ""  # the language the source says it is written in
    counts: dict[str, int] = field(default_factory=dict)


def describe(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """The first sentences of ``text`` that fit in ``limit`` characters (at least one, cut).

    >>> describe("Micro needling renews skin. It takes months. " * 5, 60)
    'Micro needling renews skin. It takes months.'
    """
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    chosen = ""
    for sentence in sentences:
        candidate = f"{chosen} {sentence}".strip()
        if len(candidate) > limit:
            break
        chosen = candidate
    if chosen or not sentences[0]:
        return chosen
    cut = sentences[0][: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
