"""The front matter of one WordPress post or page: fields, why it is a draft, its slug.

- Drafts, pending, private and scheduled posts, and posts without a title or
  content, are drafts (:func:`draft_reasons`). A password-protected post is
  one *without* its content, so it can never be published.
- A post's slug is its WordPress slug made ASCII; a child page's is prefixed
  with its parents'; a slug taken twice gets a number (:class:`Slugs`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from urllib.parse import unquote

from generator.assemble import RESERVED_PAGE_SLUGS
from generator.importers.markup import lead_text, parse_html, plain
from generator.importers.model import describe
from generator.importers.wxr import WxrFields
from generator.slugs import slugify

DRAFT_STATES = {
    "draft": "a draft",
    "pending": "pending review",
    "private": "private",
    "future": "scheduled",
}


def draft_reasons(
    wxr: WxrFields, item: ET.Element, title: str, document, protected: bool
) -> list[str]:
    """Why the post must not be published as it is (none for a finished post)."""
    reasons = []
    status = wxr.wp(item, "status")
    if status in DRAFT_STATES:
        reasons.append(DRAFT_STATES[status])
    if protected:
        reasons.append("password-protected (its content was not imported)")
    if not title:
        reasons.append("untitled")
    empty = not plain(document) and not any(n.tag == "img" for n in document.iter())
    if empty and not protected:
        reasons.append("empty")
    return reasons


def front_matter(
    wxr: WxrFields,
    item: ET.Element,
    kind: str,
    title: str,
    document,
    reasons: list[str],
    today: date,
) -> dict:
    """The item's fields; ``reasons`` are its :func:`draft_reasons`."""
    protected = bool(wxr.wp(item, "post_password"))
    excerpt = "" if protected else wxr.text(item, f"{{{wxr.ns['excerpt']}}}encoded")
    excerpt = plain(parse_html(excerpt))
    description = describe(excerpt or lead_text(document)) or title
    published = wxr.date(item, "post_date") or today
    modified = wxr.date(item, "post_modified")
    if kind == "page":
        fields = {"title": title, "description": description, "menu": "none"}
        if modified:
            fields["updated"] = modified
    else:
        fields = {"title": title, "description": description, "date": published}
        if modified and _later(modified, published):
            fields["updated"] = modified
        author = wxr.creator(item)
        if author:
            fields["author"] = slugify(author) or "author"
        categories = wxr.terms(item, "category")
        tags = _unique(categories[1:] + wxr.terms(item, "post_tag"), categories[:1])
        if categories:
            fields["category"] = categories[0]
        if tags:
            fields["tags"] = tags
    if reasons:
        fields["draft"] = True
    return fields


class Slugs:
    """The slugs given so far, by kind (``post``, ``page``): each new one is unique."""

    def __init__(self, wxr: WxrFields) -> None:
        self.wxr = wxr
        self.taken: dict[str, set[str]] = {"post": set(), "page": set()}

    def slug(
        self,
        item: ET.Element,
        kind: str,
        title: str,
        pages: dict[str, tuple[str, str]],
        warnings: list[str],
    ) -> str:
        """The item's slug; ``pages`` gives each page's (name, parent id) by id."""
        wxr = self.wxr
        where = wxr.where(item)
        name = unquote(wxr.wp(item, "post_name"))
        if kind == "page":
            name = "-".join(_page_path(wxr.wp(item, "post_id"), pages)) or name
        slug = slugify(name) or slugify(title) or f"{kind}-{wxr.wp(item, 'post_id')}"
        if name and slug != name:
            warnings.append(f"{where}: the slug {name!r} became {slug!r} (URLs are ASCII)")
        if kind == "page" and slug in RESERVED_PAGE_SLUGS:
            warnings.append(
                f"{where}: /{slug}/ is used by the site itself; the page is /{slug}-page/"
            )
            slug += "-page"
        taken = self.taken[kind]
        if slug in taken:
            number = 2
            while f"{slug}-{number}" in taken:
                number += 1
            warnings.append(
                f"{where}: the slug {slug!r} is taken by another {kind}; using {slug}-{number}"
            )
            slug = f"{slug}-{number}"
        taken.add(slug)
        return slug


def _page_path(post_id: str, pages: dict[str, tuple[str, str]]) -> list[str]:
    """A page's slug and its parents', outermost first (a cycle stops the walk)."""
    names, seen = [], set()
    while post_id in pages and post_id not in seen:
        seen.add(post_id)
        name, post_id = pages[post_id]
        names.insert(0, unquote(name))
    return [name for name in names if name]


def _unique(names: list[str], taken: list[str]) -> list[str]:
    """``names`` without repeats, comparing as URLs do ("Acne" and "acne" are one tag)."""
    seen = {slugify(name) for name in taken}
    unique = []
    for name in names:
        if slugify(name) not in seen:
            seen.add(slugify(name))
            unique.append(name)
    return unique


def _later(modified: datetime, published: datetime | date) -> bool:
    if not isinstance(published, datetime):
        return modified.date() > published
    if (modified.tzinfo is None) != (published.tzinfo is None):
        return modified.replace(tzinfo=None) > published.replace(tzinfo=None)
    return modified > published
