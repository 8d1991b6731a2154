"""WordPress exports (WXR): every post and page of a blog, with its metadata.

WXR is RSS with WordPress's own elements (:mod:`.wxr` reads them).

- Published posts become articles at ``/posts/<their WordPress slug>/``; pages
  go to ``content/pages/``, a child page's slug prefixed with its parents'.
- Drafts, pending, private and scheduled posts, and posts without a title or
  content, are imported with ``draft: true`` and a warning. A password-protected
  post is imported as a draft *without* its content, so it can never be published
  (:mod:`.wpfields`).
- Gutenberg block comments are dropped with all other comments; shortcodes are
  converted (``[caption]``, ``[embed]``, ``[code]``, media) or removed.
- Attachments, menu items and other item types are left out and counted.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from generator.importers.embeds import link_embeds
from generator.importers.guards import check_nesting
from generator.importers.markup import (
    Context,
    heading_depths,
    parse_html,
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
)
from generator.importers.oldsite import OldSite, read_old_site
from generator.importers.relink import NewAddresses, file_uses, relink
from generator.importers.shortcodes import Attachment, convert_shortcodes
from generator.importers.unpublishable import unpublishable
from generator.importers.wpcomments import read_comments
from generator.importers.wpfields import Slugs, draft_reasons, front_matter
from generator.importers.wxr import WxrFields, namespaces
from generator.slugs import slugify

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
    found = namespaces(path, data)
    channel = ET.fromstring(data).find("channel")
    if channel is None:
        raise ImportFileError(path, "not a WordPress export: no <channel> in the RSS")
    reader = _Reader(WxrFields(path, found, zone), today, target or Target())
    return reader.read(channel)


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
    def __init__(self, wxr: WxrFields, today: date, target: Target):
        self.wxr = wxr
        self.path = wxr.path
        self.today = today
        self.target = target
        self.base_path = urlsplit(target.base_url).path or "/"
        self.slugs = Slugs(wxr)
        self.addresses = OldAddresses(target.base_url, target.query_addresses)
        self.titles: dict[str, str] = {}  # the old address of each published item -> title
        self.attachments: dict[str, Attachment] = {}

    def read(self, channel: ET.Element) -> ImportedFile:
        names = self._author_names(channel)
        items = channel.findall("item")
        wp = self.wxr.wp
        pages = {
            wp(item, "post_id"): (wp(item, "post_name"), wp(item, "post_parent"))
            for item in items
            if wp(item, "post_type") == "page"
        }
        old = read_old_site(channel, self.wxr.ns)
        self.attachments = _gallery_images(items, old, self.wxr.wp)
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
            kind = self.wxr.wp(item, "post_type")
            status = self.wxr.wp(item, "status")
            if kind not in ("post", "page"):
                left_out[kind or "unknown"] += 1
                continue
            if status in LEFT_OUT_STATES:
                skipped.append(f"{self.wxr.where(item)}: left out ({status})")
                continue
            raw = self.wxr.content(item)
            check_nesting(self.path, raw, within=self.wxr.where(item).split(": ", 1)[-1])
            only = unpublishable(raw)
            if only is not None:  # a form, widget, style or script: nothing to read
                skipped.append(f"{self.wxr.where(item)}: not published: {only.why}")
                machinery[f"not published ({only.kind})"] += 1
                continue
            prepared.append(self._prepare(item, kind, pages))
        if left_out:
            listed = ", ".join(f"{n} {kind}" for kind, n in sorted(left_out.items()))
            skipped.append(f"{self.path}: left out items that are not posts or pages: {listed}")
        return prepared, skipped, machinery

    def _prepare(self, item: ET.Element, kind: str, pages) -> _Prepared:
        protected = bool(self.wxr.wp(item, "post_password"))
        raw = "" if protected else self.wxr.content(item)
        html, notes = _clean_content(raw, self.attachments, self.wxr.wp(item, "post_id"))
        check_nesting(self.path, html, within=self.wxr.where(item).split(": ", 1)[-1])
        document = parse_html(html)
        title = " ".join(self.wxr.text(item, "title").split())
        reasons = draft_reasons(self.wxr, item, title, document, protected)
        title = title or f"Untitled {kind} {self.wxr.wp(item, 'post_id')}"
        where = self.wxr.where(item)
        entry = _Prepared(
            item,
            kind,
            self.wxr.wp(item, "post_id"),
            self.wxr.text(item, "link").strip(),
            raw,
            document,
            title,
            reasons,
            notes=[f"{where}: {note}" for note in notes],
        )
        entry.slug = self.slugs.slug(item, kind, title, pages, entry.notes)
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
                categories = self.wxr.terms(entry.item, "category")
                used["category"].update(slugify(name) for name in categories[:1])
                tags = categories[1:] + self.wxr.terms(entry.item, "post_tag")
                used["tags"].update(slugify(name) for name in tags)
        plan, new, self.addresses = plan_move(placed, used, old, self.addresses)
        return plan, new

    def _author_names(self, channel: ET.Element) -> dict[str, str]:
        names = {}
        for author in channel.findall(f"{{{self.wxr.ns['wp']}}}author"):
            login = self.wxr.wp(author, "author_login")
            names[login] = self.wxr.wp(author, "author_display_name") or login
        return names

    # -- one item ---------------------------------------------------------------------------

    def _article(
        self, entry: _Prepared, old: OldSite, plan: FilePlan, addresses: NewAddresses
    ) -> tuple[ImportedArticle, str]:
        item, kind, document = entry.item, entry.kind, entry.document
        where = self.wxr.where(item)
        linked = link_embeds(document, lambda url: self.titles.get(url))
        found = relink(document, old, entry.link, addresses, lambda url: plan.ref(entry.id, url))
        if not self.target.place_files:
            found.files = []
        fields = front_matter(
            self.wxr, item, kind, entry.title, document, entry.draft_reasons, self.today
        )
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
            self.wxr.ns["wp"],
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
        return article, self.wxr.creator(item)

    def _keep_old_address(self, entry: _Prepared, fields: dict) -> None:
        """The old permalink as an ``aliases:`` entry, or a note on why it cannot be one."""
        if not self.target.old_addresses or entry.draft_reasons:
            return
        new = new_url(entry.kind, entry.slug, self.base_path)
        kept, why = aliases(entry.link, new, self.addresses)
        if kept:
            fields["aliases"] = kept
        elif why and not why.startswith("is on another host"):  # said once, in read()
            entry.notes.append(f"{self.wxr.where(entry.item)}: the old address {entry.link} {why}")

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
