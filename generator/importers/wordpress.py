"""WordPress exports (WXR): every post and page of a blog, with its metadata.

WXR is RSS with WordPress's own elements. Its ``wp`` namespace is
``http://wordpress.org/export/1.2/`` in most exports and ``https://...`` in
some (the theme unit test data): both are accepted, as are versions 1.0-1.2.

- Published posts become articles at ``/posts/<their WordPress slug>/``; pages
  go to ``content/pages/``, a child page's slug prefixed with its parents'.
- Drafts, pending, private and scheduled posts, and posts without a title or
  content, are imported with ``draft: true`` and a warning. A password-protected
  post is imported as a draft *without* its content, so it can never be published.
- Gutenberg block comments are dropped with all other comments; shortcodes are
  converted (``[caption]``, ``[embed]``, ``[code]``, media) or removed.
- Attachments, menu items and other item types are left out and counted.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from io import BytesIO
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from generator.assemble import RESERVED_PAGE_SLUGS
from generator.importers.embeds import link_embeds
from generator.importers.guards import check_nesting
from generator.importers.markup import (
    Context,
    heading_depths,
    lead_text,
    parse_html,
    plain,
    section_level,
    split_sections,
    to_markdown,
)
from generator.importers.migration import (
    FilePlan,
    OldAddresses,
    Placed,
    Target,
    aliases,
    mark_decorative,
    moved_host_warnings,
    new_url,
    plan_move,
    term_redirects,
)
from generator.importers.model import (
    ImportedArticle,
    ImportedFile,
    ImportedSection,
    ImportFileError,
    describe,
)
from generator.importers.oldsite import OldSite, read_old_site
from generator.importers.relink import NewAddresses, file_uses, relink
from generator.importers.shortcodes import Attachment, convert_shortcodes
from generator.importers.unpublishable import unpublishable
from generator.importers.wpcomments import read_comments
from generator.slugs import slugify

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
NO_DATE = "0000-00-00 00:00:00"
DRAFT_STATES = {
    "draft": "a draft",
    "pending": "pending review",
    "private": "private",
    "future": "scheduled",
}
LEFT_OUT_STATES = {"trash", "auto-draft", "inherit"}

SELF_CLOSING_BLOCK = re.compile(r"<!--\s*wp:([a-z][a-z0-9/-]*)[^>]*?/-->")


def import_wordpress(
    path: str, data: bytes, zone: ZoneInfo, today: date, target: Target | None = None
) -> ImportedFile:
    """Read a WXR export; every post and page becomes an :class:`ImportedArticle`.

    With a ``target`` (the new site's address), links to the old site are
    rewritten and its files planned (see :mod:`.migration`); without one, file
    references stay as they are and are listed for the user to fetch.
    """
    namespaces = _namespaces(path, data)
    channel = ET.fromstring(data).find("channel")
    if channel is None:
        raise ImportFileError(path, "not a WordPress export: no <channel> in the RSS")
    reader = _Reader(path, namespaces, zone, today, target or Target())
    return reader.read(channel)


def is_wordpress_export(data: bytes) -> bool:
    head = data[:4096].decode("utf-8", "replace")
    return "<rss" in head and "wordpress.org/export/" in head


def _namespaces(path: str, data: bytes) -> dict[str, str]:
    """The export's namespace URIs by role, read from its own declarations."""
    found = {"content": CONTENT_NAMESPACE, "dc": DC_NAMESPACE, "wp": "", "excerpt": ""}
    try:
        for _event, (_prefix, uri) in ET.iterparse(BytesIO(data), events=("start-ns",)):
            if WP_NAMESPACE.match(uri):
                found["wp"] = uri
            elif EXCERPT_NAMESPACE.match(uri):
                found["excerpt"] = uri
    except ET.ParseError as error:
        line, column = error.position
        raise ImportFileError(
            path,
            f"not well-formed XML: {str(error).split(':')[0]}",
            line=line,
            column=column + 1,
            hint="export the file again from WordPress (Tools > Export)",
        ) from None
    if not found["wp"]:
        raise ImportFileError(
            path,
            "not a WordPress export: no wordpress.org/export/1.x namespace",
            hint="export the file from WordPress with Tools > Export > All content",
        )
    return found


@dataclass
class _Prepared:
    """An item to import, read but not yet converted."""

    item: ET.Element
    kind: str
    id: str
    link: str
    raw: str
    document: object
    title: str
    draft_reasons: list[str]
    slug: str = ""
    notes: list[str] = field(default_factory=list)


class _Reader:
    def __init__(
        self, path: str, namespaces: dict[str, str], zone: ZoneInfo, today: date, target: Target
    ):
        self.path = path
        self.ns = namespaces
        self.zone = zone
        self.today = today
        self.target = target
        self.base_path = urlsplit(target.base_url).path or "/"
        self.slugs: dict[str, set[str]] = {"post": set(), "page": set()}
        self.addresses = OldAddresses(target.base_url, target.query_addresses)
        self.titles: dict[str, str] = {}  # the old address of each published item -> title
        self.attachments: dict[str, Attachment] = {}

    def read(self, channel: ET.Element) -> ImportedFile:
        names = self._author_names(channel)
        items = channel.findall("item")
        pages = {
            self._wp(item, "post_id"): (self._wp(item, "post_name"), self._wp(item, "post_parent"))
            for item in items
            if self._wp(item, "post_type") == "page"
        }
        old = read_old_site(channel, self.ns)
        self.attachments = _gallery_images(items, old, self._wp)
        prepared, skipped, machinery = self._importable(items, pages)
        self.titles = {e.link: e.title for e in prepared if e.link and not e.draft_reasons}
        plan, addresses = self._plan(old, prepared)
        articles, authors, counts = [], {}, Counter(machinery)
        for entry in prepared:
            article, author = self._article(entry, old, plan, addresses)
            articles.append(article)
            counts.update(article.counts)
            if author:
                authors[author] = names.get(author, author)
        keys = {slugify(login) or "author": name for login, name in authors.items()}
        redirects, warnings = {}, []
        if self.target.old_addresses:
            redirects = term_redirects(old, addresses.terms, self.addresses)
            warnings = moved_host_warnings(self.path, old.base_url, self.target.base_url)
        return ImportedFile(
            self.path,
            tuple(articles),
            keys,
            tuple(warnings),
            tuple(skipped),
            redirects=redirects,
            language=(channel.findtext("language") or "").strip(),
            counts=dict(counts),
        )

    def _importable(
        self, items: list[ET.Element], pages
    ) -> tuple[list[_Prepared], list[str], Counter]:
        """The posts and pages to import, read; what was left out and why; counts."""
        prepared, left_out, skipped = [], Counter(), []
        machinery: Counter = Counter()
        for item in items:
            kind = self._wp(item, "post_type")
            status = self._wp(item, "status")
            if kind not in ("post", "page"):
                left_out[kind or "unknown"] += 1
                continue
            if status in LEFT_OUT_STATES:
                skipped.append(f"{self._where(item)}: left out ({status})")
                continue
            raw = self._text(item, f"{{{self.ns['content']}}}encoded")
            check_nesting(self.path, raw, within=self._where(item).split(": ", 1)[-1])
            only = unpublishable(raw)
            if only is not None:  # a form, widget, style or script: nothing to read
                skipped.append(f"{self._where(item)}: not published: {only.why}")
                machinery[f"not published ({only.kind})"] += 1
                continue
            prepared.append(self._prepare(item, kind, pages))
        if left_out:
            listed = ", ".join(f"{n} {kind}" for kind, n in sorted(left_out.items()))
            skipped.append(f"{self.path}: left out items that are not posts or pages: {listed}")
        return prepared, skipped, machinery

    def _prepare(self, item: ET.Element, kind: str, pages) -> _Prepared:
        protected = bool(self._wp(item, "post_password"))
        raw = "" if protected else self._text(item, f"{{{self.ns['content']}}}encoded")
        html, notes = _clean_content(raw, self.attachments, self._wp(item, "post_id"))
        check_nesting(self.path, html, within=self._where(item).split(": ", 1)[-1])
        document = parse_html(html)
        title = " ".join(self._text(item, "title").split())
        draft_reasons = self._draft_reasons(item, title, document, protected)
        title = title or f"Untitled {kind} {self._wp(item, 'post_id')}"
        where = self._where(item)
        entry = _Prepared(
            item,
            kind,
            self._wp(item, "post_id"),
            self._text(item, "link").strip(),
            raw,
            document,
            title,
            draft_reasons,
            notes=[f"{where}: {note}" for note in notes],
        )
        entry.slug = self._slug(item, kind, title, pages, entry.notes)
        return entry

    def _plan(self, old: OldSite, prepared: list[_Prepared]) -> tuple[FilePlan, NewAddresses]:
        placed = [
            Placed(
                entry.id,
                entry.kind,
                entry.slug,
                not entry.draft_reasons,
                tuple(file_uses(entry.document, old, entry.link))
                if self.target.place_files
                else (),
            )
            for entry in prepared
        ]
        used: dict[str, set[str]] = {"category": set(), "tags": set()}
        for entry in prepared:
            if entry.kind == "post" and not entry.draft_reasons:
                categories = self._terms(entry.item, "category")
                used["category"].update(slugify(name) for name in categories[:1])
                tags = categories[1:] + self._terms(entry.item, "post_tag")
                used["tags"].update(slugify(name) for name in tags)
        plan, new, self.addresses = plan_move(placed, used, old, self.addresses)
        return plan, new

    def _author_names(self, channel: ET.Element) -> dict[str, str]:
        names = {}
        for author in channel.findall(f"{{{self.ns['wp']}}}author"):
            login = self._wp(author, "author_login")
            names[login] = self._wp(author, "author_display_name") or login
        return names

    # -- one item ---------------------------------------------------------------------------

    def _article(
        self, entry: _Prepared, old: OldSite, plan: FilePlan, addresses: NewAddresses
    ) -> tuple[ImportedArticle, str]:
        item, kind, document = entry.item, entry.kind, entry.document
        where = self._where(item)
        linked = link_embeds(document, lambda url: self.titles.get(url))
        found = relink(document, old, entry.link, addresses, lambda url: plan.ref(entry.id, url))
        if not self.target.place_files:
            found.files = []
        fields = self._front_matter(item, kind, entry.title, document, entry.draft_reasons)
        self._keep_old_address(entry, fields)
        context = Context(autop="<!-- wp:" not in entry.raw)  # classic posts: blank lines are <p>s
        context.known_titles, context.media = self.titles, linked
        intro, sections = self._body(kind, document, context)
        intro, sections = mark_decorative(intro, sections, found.without_alt)
        warnings = list(entry.notes)
        if entry.draft_reasons:
            warnings.append(f"{where}: imported as a draft: " + ", ".join(entry.draft_reasons))
        warnings += [f"{where}: embedded media kept as a link: {url}" for url in context.media]
        comments = read_comments(
            item,
            self.ns["wp"],
            lambda comment: relink(comment, old, entry.link, addresses, lambda url: url),
            on_a_page=kind == "page",
        )
        article = ImportedArticle(
            source=where,
            kind=kind,
            slug=entry.slug,
            front_matter=fields,
            intro=intro,
            sections=sections,
            warnings=tuple(warnings),
            images=tuple(dict.fromkeys(u for u in context.images if u not in found.without_alt))
            if not self.target.place_files
            else (),
            files=tuple(
                (url, old.upload_path(url), plan.dest[url]) for url in dict.fromkeys(found.files)
            ),
            dead_links=tuple(found.dead),
            without_alt=tuple(found.without_alt),
            comments=comments.comments,
            counts=comments.counts,
        )
        return article, self._text(item, f"{{{DC_NAMESPACE}}}creator").strip()

    def _keep_old_address(self, entry: _Prepared, fields: dict) -> None:
        """The old permalink as an ``aliases:`` entry, or a note on why it cannot be one."""
        if not self.target.old_addresses or entry.draft_reasons:
            return
        new = new_url(entry.kind, entry.slug, self.base_path)
        kept, why = aliases(entry.link, new, self.addresses)
        if kept:
            fields["aliases"] = kept
        elif why and not why.startswith("is on another host"):  # said once, in read()
            entry.notes.append(f"{self._where(entry.item)}: the old address {entry.link} {why}")

    def _draft_reasons(self, item: ET.Element, title: str, document, protected: bool) -> list[str]:
        """Why the post must not be published as it is (none for a finished post)."""
        reasons = []
        status = self._wp(item, "status")
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

    def _front_matter(
        self, item: ET.Element, kind: str, title: str, document, draft_reasons: list[str]
    ) -> dict:
        protected = bool(self._wp(item, "post_password"))
        excerpt = "" if protected else self._text(item, f"{{{self.ns['excerpt']}}}encoded")
        excerpt = plain(parse_html(excerpt))
        description = describe(excerpt or lead_text(document)) or title
        published = self._date(item, "post_date") or self.today
        modified = self._date(item, "post_modified")
        if kind == "page":
            fields = {"title": title, "description": description, "menu": "none"}
            if modified:
                fields["updated"] = modified
        else:
            fields = {"title": title, "description": description, "date": published}
            if modified and _later(modified, published):
                fields["updated"] = modified
            author = self._text(item, f"{{{DC_NAMESPACE}}}creator").strip()
            if author:
                fields["author"] = slugify(author) or "author"
            categories = self._terms(item, "category")
            tags = _unique(categories[1:] + self._terms(item, "post_tag"), categories[:1])
            if categories:
                fields["category"] = categories[0]
            if tags:
                fields["tags"] = tags
        if draft_reasons:
            fields["draft"] = True
        return fields

    def _body(
        self, kind: str, document, context: Context
    ) -> tuple[str, tuple[ImportedSection, ...]]:
        if kind == "page":
            context.depths = heading_depths(document, 1, 2)  # no sections: headings from ##
            context.first_depth = 2
            return to_markdown(document, context), ()
        level = section_level(document)
        context.depths = heading_depths(document, level, 3)
        intro, sections = split_sections(document, level)
        return to_markdown(intro, context, after=1), tuple(
            ImportedSection(title, to_markdown(body, context)) for title, body in sections
        )

    def _slug(
        self,
        item: ET.Element,
        kind: str,
        title: str,
        pages: dict[str, tuple[str, str]],
        warnings: list[str],
    ) -> str:
        where = self._where(item)
        name = unquote(self._wp(item, "post_name"))
        if kind == "page":
            name = "-".join(self._page_path(self._wp(item, "post_id"), pages)) or name
        slug = slugify(name) or slugify(title) or f"{kind}-{self._wp(item, 'post_id')}"
        if name and slug != name:
            warnings.append(f"{where}: the slug {name!r} became {slug!r} (URLs are ASCII)")
        if kind == "page" and slug in RESERVED_PAGE_SLUGS:
            warnings.append(
                f"{where}: /{slug}/ is used by the site itself; the page is /{slug}-page/"
            )
            slug += "-page"
        taken = self.slugs[kind]
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

    def _page_path(self, post_id: str, pages: dict[str, tuple[str, str]]) -> list[str]:
        """A page's slug and its parents', outermost first (a cycle stops the walk)."""
        names, seen = [], set()
        while post_id in pages and post_id not in seen:
            seen.add(post_id)
            name, post_id = pages[post_id]
            names.insert(0, unquote(name))
        return [name for name in names if name]

    def _terms(self, item: ET.Element, domain: str) -> list[str]:
        names = [
            " ".join((c.text or "").split())
            for c in item.findall("category")
            if c.get("domain") == domain
        ]
        return list(dict.fromkeys(name for name in names if name))

    def _date(self, item: ET.Element, name: str) -> datetime | None:
        """The time WordPress showed: the blog's local ``post_date`` with the offset that
        ``post_date_gmt`` gives; in the site's timezone when the export has no GMT time."""
        local = self._wp(item, name)
        moment = _parse_date(local) if local and local != NO_DATE else None
        if moment is None:
            return None
        gmt = self._wp(item, f"{name}_gmt")
        universal = _parse_date(gmt) if gmt and gmt != NO_DATE else None
        if universal is None:
            return moment
        offset = moment - universal
        if abs(offset) > timedelta(hours=14) or offset.total_seconds() % 900:
            return universal.replace(tzinfo=UTC).astimezone(self.zone)  # not an offset
        return moment.replace(tzinfo=timezone(offset))

    def _where(self, item: ET.Element) -> str:
        return f"{self.path}: {self._wp(item, 'post_type') or 'item'} {self._wp(item, 'post_id')}"

    def _wp(self, element: ET.Element, name: str) -> str:
        return self._text(element, f"{{{self.ns['wp']}}}{name}").strip()

    @staticmethod
    def _text(element: ET.Element, tag: str) -> str:
        found = element.find(tag)
        return (found.text or "") if found is not None else ""


def _unique(names: list[str], taken: list[str]) -> list[str]:
    """``names`` without repeats, comparing as URLs do ("Acne" and "acne" are one tag)."""
    seen = {slugify(name) for name in taken}
    unique = []
    for name in names:
        if slugify(name) not in seen:
            seen.add(slugify(name))
            unique.append(name)
    return unique


def _parse_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _later(modified: datetime, published: datetime | date) -> bool:
    if not isinstance(published, datetime):
        return modified.date() > published
    if (modified.tzinfo is None) != (published.tzinfo is None):
        return modified.replace(tzinfo=None) > published.replace(tzinfo=None)
    return modified > published


# -- content ------------------------------------------------------------------------------------


def _gallery_images(items, old: OldSite, wp) -> dict[str, Attachment]:
    """The export's attachments, for ``[gallery]``: id -> file, alt, caption, parent post."""
    parents = {wp(item, "post_id"): wp(item, "post_parent") for item in items}
    return {
        key: Attachment(found.url, found.alt, found.caption, parents.get(key, ""))
        for key, found in old.attachments.items()
    }


def _clean_content(
    html: str, attachments: dict[str, Attachment] | None = None, post_id: str = ""
) -> tuple[str, list[str]]:
    """Convert or remove shortcodes (see :mod:`.shortcodes`); note what was not carried over."""
    notes = []
    dynamic = sorted(set(SELF_CLOSING_BLOCK.findall(html)) - {"more", "nextpage", "spacer"})
    if dynamic:
        notes.append("blocks generated by WordPress were dropped: " + ", ".join(dynamic))
    html, lost = convert_shortcodes(html, attachments, post_id)
    return html, notes + lost
