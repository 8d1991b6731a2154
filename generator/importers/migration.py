"""Where the old site's posts, pages, terms and files go in the new one.

Plain data in, plain data out: given which posts and pages are imported (and
under which slugs) and which files each uses, this module decides

- each file's place: beside the one article that uses it, or under
  ``static/uploads/`` (the media library's own year/month folders) when several
  articles or a page use it, and the address each article writes for it;
- the new URL of every published post and page, category and tag;
- the old addresses that must keep working: each post's and page's old
  permalink becomes an ``aliases:`` entry of its front matter, each category's
  and tag's old listing a line of ``[redirects]`` in ``site.toml``.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from generator.assemble import RESERVED_PAGE_SLUGS
from generator.importers.model import ImportedSection
from generator.importers.oldsite import OldSite
from generator.importers.relink import NewAddresses
from generator.importers.sitefiles import markdown_url
from generator.slugs import slugify

UNSAFE_NAME = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class Target:
    """The new site an export is imported into."""

    base_url: str = ""
    place_files: bool = False  # False: references to the old site's files stay as they are
    old_addresses: bool = False  # write aliases and [redirects] for the old addresses
    query_addresses: bool = False  # the host can redirect addresses with ?p=12


@dataclass(frozen=True)
class Placed:
    """An imported article or page as the plan sees it."""

    id: str
    kind: str  # "post" or "page"
    slug: str
    published: bool
    files: tuple[str, ...]  # old file URLs it uses


@dataclass(frozen=True)
class FilePlan:
    """Where each old file is written (relative to the site) and how each article names it."""

    dest: dict[str, str]  # old URL -> path in the site folder
    refs: dict[tuple[str, str], str]  # (article id, old URL) -> address in its Markdown

    def ref(self, article_id: str, url: str) -> str:
        return self.refs.get((article_id, url), url)


def new_url(kind: str, slug: str, base_path: str) -> str:
    return f"{base_path}posts/{slug}/" if kind == "post" else f"{base_path}{slug}/"


def plan_files(articles: list[Placed], site: OldSite, base_path: str) -> FilePlan:
    """Beside the only post that uses a file, else in ``static/uploads/``."""
    users = Counter(url for article in articles for url in article.files)
    dest: dict[str, str] = {}
    refs: dict[tuple[str, str], str] = {}
    for article in articles:
        taken: set[str] = set()
        for url in article.files:
            if users[url] == 1 and article.kind == "post":
                name = _free_name(_safe_name(posixpath.basename(urlsplit(url).path)), taken)
                dest[url] = f"content/posts/{article.slug}/{name}"
                refs[(article.id, url)] = name
            else:
                path = "/".join(_safe_name(part) for part in site.upload_path(url).split("/"))
                dest[url] = f"static/uploads/{path}"
                refs[(article.id, url)] = f"{base_path}static/uploads/{path}"
    return FilePlan(dest, refs)


def plan_move(
    articles: list[Placed],
    published_terms: dict[str, set[str]],
    site: OldSite,
    addresses: OldAddresses,
) -> tuple[FilePlan, NewAddresses, OldAddresses]:
    """Files, new URLs and the old addresses left free for redirects, in one go."""
    base_path = urlsplit(addresses.base_url).path or "/"
    plan = plan_files(articles, site, base_path)
    terms = term_urls(site, published_terms, base_path)
    new = new_addresses(articles, terms, base_path)
    taken = {url.rstrip("/") for url in new.items.values()}
    taken |= {f"{base_path}{folder}" for folder in RESERVED_PAGE_SLUGS}
    return plan, new, replace(addresses, taken=frozenset(taken))


def new_addresses(
    articles: list[Placed], term_urls: dict[str, str], base_path: str
) -> NewAddresses:
    items = {a.id: new_url(a.kind, a.slug, base_path) for a in articles if a.published}
    return NewAddresses(items, term_urls, base_path, f"{base_path}feed.xml")


def term_urls(site: OldSite, published_terms: dict[str, set[str]], base_path: str) -> dict:
    """``category:nicename`` -> the new listing of that name, for the terms that have one.

    ``published_terms`` holds the names used by published posts, by kind
    (``category``, ``tags``): a second WordPress category becomes a tag here.
    """
    found = {}
    for key, name in site.terms.items():
        slug = slugify(name)
        if slug and slug in published_terms["category"]:
            found[key] = f"{base_path}categories/{slug}/"
        elif slug and slug in published_terms["tags"]:
            found[key] = f"{base_path}tags/{slug}/"
    return found


@dataclass(frozen=True)
class OldAddresses:
    """Which old addresses the new site can keep, by the rules its build checks."""

    base_url: str  # the new site's
    queries: bool = False  # the host reads redirect rules that match ?p=12
    taken: frozenset[str] = frozenset()  # new pages' paths: an old address must be free

    def path(self, url: str) -> tuple[str, str]:
        """``(path to redirect, "")`` or ``("", why it cannot be kept)``."""
        parts, base = urlsplit(url), urlsplit(self.base_url)
        parts = parts._replace(path=re.sub(r"/{2,}", "/", parts.path))  # "//greek/" is a path
        if parts.hostname and parts.hostname != base.hostname:
            return "", "is on another host, which must redirect its own addresses"
        base_path = base.path or "/"
        if not (parts.path or "/").startswith(base_path):
            return "", f"is outside the new site's base path {base_path}"
        if parts.query and not self.queries:
            return "", 'has a query string: set host = "apache" or "nginx" under [publish]'
        old = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if old.rstrip("/") in self.taken or (parts.path or "/") == base_path and not parts.query:
            return "", "is an address of the new site"
        return old, ""


def aliases(link: str, new: str, addresses: OldAddresses) -> tuple[list[str], str]:
    """The old permalink of a post or page, to redirect to ``new``; or why it cannot be."""
    if not link:
        return [], ""
    old, why = addresses.path(link)
    if not old and why == "is an address of the new site":
        return [], ""  # the same address: nothing to redirect
    if old.rstrip("/") == new.rstrip("/"):
        return [], ""
    return ([old] if old else []), why


def term_redirects(site: OldSite, urls: dict[str, str], addresses: OldAddresses) -> dict:
    """Old category and tag listings (``/category/acne/``) -> their new listings."""
    redirects = {}
    for key, url in sorted(urls.items()):
        domain, nicename = key.split(":", 1)
        old, _ = addresses.path(f"{site.base_url}{domain}/{nicename}/")
        if old:
            redirects[old] = url
    return redirects


def moved_host_warnings(path: str, old_base_url: str, new_base_url: str) -> list[str]:
    """One warning when the blog lived on another host than the new site: no old address
    can redirect from here."""
    if urlsplit(old_base_url).hostname == urlsplit(new_base_url).hostname:
        return []
    return [
        f"{path}: the blog lived at {old_base_url} and the site's base_url is "
        f"{new_base_url}: the old addresses can only redirect from the old host (to keep "
        "them here, set base_url to the blog's address and import again with --force)"
    ]


def mark_decorative(
    intro: str, sections: tuple[ImportedSection, ...], refs: list[str]
) -> tuple[str, tuple[ImportedSection, ...]]:
    """``![](photo.jpg)`` -> ``![](photo.jpg){decorative}`` for images nothing describes,
    so that the build passes; the summary lists them for the writer to describe."""
    if not refs:
        return intro, sections
    choices = "|".join(re.escape(markdown_url(ref)) for ref in sorted(set(refs)))
    pattern = re.compile(r"!\[\]\((" + choices + r")\)(?!\{)")

    def mark(text: str) -> str:
        return pattern.sub(lambda m: m.group(0) + "{decorative}", text)

    return mark(intro), tuple(ImportedSection(s.title, mark(s.body)) for s in sections)


def _safe_name(name: str) -> str:
    """A file name that stays one file: no separators, not hidden or ignored by the build
    (``.x``, ``_x``), never a Markdown file that the build would read as content."""
    safe = UNSAFE_NAME.sub("-", unquote(name)).lstrip("._-").rstrip("-") or "file"
    return safe + ".txt" if safe.lower().endswith(".md") else safe


def _free_name(name: str, taken: set[str]) -> str:
    stem, suffix = posixpath.splitext(name)
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate, number = f"{stem}-{number}{suffix}", number + 1
    taken.add(candidate.lower())
    return candidate
