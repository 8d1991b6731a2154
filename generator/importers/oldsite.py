"""The old WordPress site as addresses: what each of its URLs was, read from the export.

A WXR export names the blog's own address (``wp:base_blog_url``), each post's
and page's permalink (``<link>``), each attachment's file (``wp:attachment_url``)
and every category and tag. From these, :class:`OldSite` answers, for any URL
found in a post, what it pointed at on the old site::

    >>> site.resolve("https://clinic.example.com/2019/05/acne/", base)   # doctest: +SKIP
    Target(kind='item', key='101')
    >>> site.resolve("/wp-content/uploads/2019/05/face-300x200.jpg", base)  # doctest: +SKIP
    Target(kind='file', key='https://clinic.example.com/wp-content/uploads/2019/05/face.jpg')

Links to posts are recognised in every permalink form WordPress answers to:
the export's own permalinks, ``?p=ID``, ``?page_id=ID``, ``/archives/ID`` and
any path ending in a post's name (``/2019/05/acne/``, ``/acne.html``), which
covers permalink structures the blog used before. Size variants of an upload
(``photo-300x200.jpg``, ``photo-scaled.jpg``) lead to the original file.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import SplitResult, parse_qs, unquote, urljoin, urlsplit

# The size WordPress appends to a resized copy, and the "-scaled" of a large original.
SIZE_VARIANT = re.compile(r"-(?:\d+x\d+|scaled|e\d{10,})(?=\.[A-Za-z0-9]+$)")
UPLOAD_DATE_FOLDER = re.compile(r"^(.*?/)(\d{4}/\d{2}/[^/]+)$")
PAGE_SUFFIXES = (".html", ".htm", ".php", ".asp", ".aspx")
FEED_PATHS = ("feed", "rss", "atom", "feed/rss2", "feed/atom", "comments/feed")


@dataclass(frozen=True)
class Attachment:
    """A file of the media library: where it lives and what describes it."""

    id: str
    url: str  # the original file's absolute URL
    alt: str = ""  # _wp_attachment_image_alt
    caption: str = ""  # the attachment's excerpt
    page: str = ""  # the attachment page's permalink


@dataclass(frozen=True)
class Target:
    """What an old URL pointed at.

    ``kind`` is ``item`` (a post or page; ``key`` its id), ``file`` (``key`` the
    file's absolute URL on the old host), ``term`` (``key`` ``category:slug`` or
    ``tag:slug``), ``home``, ``feed``, ``missing`` (on the old site, but nothing
    the export knows) or ``outside`` (another site: left alone).
    """

    kind: str
    key: str = ""
    fragment: str = ""


@dataclass
class OldSite:
    """Every address of the old site that the export describes."""

    base_url: str  # the blog's root, ending in "/"
    hosts: set[str] = field(default_factory=set)  # host names the blog answered on
    file_hosts: set[str] = field(default_factory=set)  # hosts serving only its uploads
    items: dict[str, str] = field(default_factory=dict)  # post/page id -> permalink
    by_path: dict[str, str] = field(default_factory=dict)  # permalink path -> id
    by_name: dict[str, str] = field(default_factory=dict)  # post_name -> id (posts first)
    attachments: dict[str, Attachment] = field(default_factory=dict)  # id -> attachment
    files: dict[str, str] = field(default_factory=dict)  # file key -> original URL
    terms: dict[str, str] = field(default_factory=dict)  # "category:nicename" -> name
    uploads_base: str = ""  # the URL the media library's year/month folders are under

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    # -- building ---------------------------------------------------------------------------

    def add_item(self, item_id: str, kind: str, name: str, link: str) -> None:
        self.items[item_id] = link
        self._add_host(link)
        if link and not urlsplit(link).query:
            self.by_path.setdefault(_path_key(urlsplit(link).path), item_id)
        if name and (kind == "post" or name not in self.by_name):
            self.by_name[unquote(name).lower()] = item_id

    def add_attachment(self, attachment: Attachment) -> None:
        self.attachments[attachment.id] = attachment
        parts = urlsplit(attachment.url)
        if parts.netloc and parts.netloc not in self.hosts:
            self.file_hosts.add(parts.netloc)
        self.files[_file_key(parts.path)] = attachment.url
        if attachment.page and not urlsplit(attachment.page).query:
            self.by_path.setdefault(_path_key(urlsplit(attachment.page).path), attachment.id)

    def add_host_of(self, url: str) -> None:
        self._add_host(url)

    def finish(self) -> None:
        """Work out where the media library lives, once every attachment is known."""
        self.file_hosts -= self.hosts
        folders = Counter(
            match.group(1)
            for url in self.files.values()
            if (match := UPLOAD_DATE_FOLDER.match(url))
        )
        if folders:
            self.uploads_base = folders.most_common(1)[0][0]
        else:
            self.uploads_base = urljoin(self.base_url, "wp-content/uploads/")

    def _add_host(self, url: str) -> None:
        host = urlsplit(url).netloc
        if host:
            self.hosts.add(host)

    # -- answering --------------------------------------------------------------------------

    def resolve(self, url: str, page: str) -> Target:
        """What ``url``, written on the page whose old address is ``page``, pointed at."""
        url = url.strip()
        if not url or url.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:(?!//)", url, re.I):
            return Target("outside")
        absolute = urljoin(page or self.base_url, url)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            return Target("outside")
        path = unquote(parts.path)
        if parts.netloc in self.file_hosts:
            return self._file(parts, anywhere=True)
        if parts.netloc not in self.hosts:
            # A copy of an upload on a CDN or a mirror: the export's file, if it lists it.
            found = self._file(parts, anywhere=False)
            return found if found.kind == "file" else Target("outside")
        base = self.base_path
        if not (path + "/").startswith(base):
            return Target("outside")  # another part of the same host
        found = self._by_query(parse_qs(parts.query), parts.fragment)
        if found is not None:
            return found
        return self._by_path(parts, base)

    def _by_query(self, query: dict[str, list[str]], fragment: str) -> Target | None:
        for name in ("p", "page_id", "attachment_id"):
            value = query.get(name, [""])[0]
            if value in self.items:
                return Target("item", value, fragment)
            if value in self.attachments:
                return Target("file", self.attachments[value].url, fragment)
            if value:
                return Target("missing")
        for name, domain in (("cat", "category"), ("tag", "tag"), ("category_name", "category")):
            value = query.get(name, [""])[0]
            if value:
                key = f"{domain}:{value}"
                return Target("term", key, fragment) if key in self.terms else Target("missing")
        return None

    def _by_path(self, parts: SplitResult, base: str) -> Target:
        path, fragment = unquote(parts.path), parts.fragment
        inside = path[len(base) :].strip("/") if len(path) >= len(base) else ""
        if not inside:
            return Target("home", "", fragment)
        if posixpath.splitext(inside)[1].lower() not in ("", *PAGE_SUFFIXES):
            return self._file(parts, anywhere=True)
        key = _path_key(path)
        if key in self.by_path:
            found = self.by_path[key]
            if found in self.attachments:
                return Target("file", self.attachments[found].url, fragment)
            return Target("item", found, fragment)
        if inside in FEED_PATHS:
            return Target("feed")
        segments = inside.split("/")
        if segments[0] in ("category", "tag") and len(segments) >= 2:
            domain = "category" if segments[0] == "category" else "tag"
            term = f"{domain}:{segments[-1]}"
            return Target("term", term, fragment) if term in self.terms else Target("missing")
        if segments[0] == "archives" and segments[-1] in self.items:
            return Target("item", segments[-1], fragment)
        name = posixpath.splitext(segments[-1])[0].lower()
        if name in self.by_name:
            return Target("item", self.by_name[name], fragment)
        return Target("missing")

    def _file(self, parts: SplitResult, anywhere: bool) -> Target:
        """The original upload a file URL names (a size variant leads to it); with
        ``anywhere``, a file the export does not list is taken where it is."""
        path, fragment = unquote(parts.path), parts.fragment
        for candidate in (path, SIZE_VARIANT.sub("", path)):
            key = _file_key(candidate)
            if key in self.files:
                return Target("file", self.files[key], fragment)
            scaled = re.sub(r"(\.[A-Za-z0-9]+)$", r"-scaled\1", candidate)
            if _file_key(scaled) in self.files:
                return Target("file", self.files[_file_key(scaled)], fragment)
        if anywhere:
            # An upload the export does not list (a theme's or a plugin's): fetched as it is.
            return Target("file", parts._replace(query="", fragment="").geturl(), fragment)
        return Target("missing")

    def upload_path(self, path_or_url: str) -> str:
        """A file's path inside the media library (``2019/05/face.jpg``), for --uploads
        and for the name it keeps in static/; never with ``..`` (it could leave both)."""
        segments = unquote(urlsplit(path_or_url).path).split("/")
        path = "/" + "/".join(part for part in segments if part not in ("", ".", ".."))
        base = urlsplit(self.uploads_base).path
        if base and path.startswith(base):
            return path[len(base) :]
        marker = "/wp-content/uploads/"
        if marker in path:
            return path.split(marker, 1)[1]
        return path.lstrip("/")


def _path_key(path: str) -> str:
    """A permalink path compared as WordPress does: decoded, lower-case, no end slash."""
    return unquote(path).rstrip("/").lower() or "/"


def _file_key(path: str) -> str:
    """A file compared across hosts and mirrors: the part after the uploads folder."""
    path = unquote(path)
    marker = "/wp-content/uploads/"
    if marker in path:
        return "uploads:" + path.split(marker, 1)[1]
    match = UPLOAD_DATE_FOLDER.match(path)
    return "uploads:" + match.group(2) if match else path


def read_old_site(channel: ET.Element, ns: dict[str, str]) -> OldSite:
    """Every address the export describes (``ns`` maps ``wp`` and ``excerpt`` to the
    export's namespace URIs)."""

    def wp(element: ET.Element, name: str) -> str:
        return (element.findtext(f"{{{ns['wp']}}}{name}") or "").strip()

    base = wp(channel, "base_blog_url") or (channel.findtext("link") or "").strip()
    site = OldSite(base_url=base.rstrip("/") + "/")
    site.add_host_of(site.base_url)
    for term in channel.findall(f"{{{ns['wp']}}}category"):
        site.terms[f"category:{wp(term, 'category_nicename')}"] = wp(term, "cat_name")
    for term in channel.findall(f"{{{ns['wp']}}}tag"):
        site.terms[f"tag:{wp(term, 'tag_slug')}"] = wp(term, "tag_name")
    for item in channel.findall("item"):
        _add_item(site, item, ns, wp)
    site.finish()
    return site


def _add_item(site: OldSite, item: ET.Element, ns: dict[str, str], wp) -> None:
    kind, item_id = wp(item, "post_type"), wp(item, "post_id")
    link = (item.findtext("link") or "").strip()
    for category in item.findall("category"):
        domain = "category" if category.get("domain") == "category" else "tag"
        nicename = category.get("nicename") or ""
        if category.get("domain") in ("category", "post_tag") and nicename:
            site.terms.setdefault(f"{domain}:{nicename}", " ".join((category.text or "").split()))
    if kind == "attachment":
        meta = {
            wp(entry, "meta_key"): (entry.findtext(f"{{{ns['wp']}}}meta_value") or "")
            for entry in item.findall(f"{{{ns['wp']}}}postmeta")
        }
        caption = item.findtext(f"{{{ns['excerpt']}}}encoded") if ns.get("excerpt") else ""
        url = wp(item, "attachment_url") or (item.findtext("guid") or "").strip()
        if url:
            alt = meta.get("_wp_attachment_image_alt", "").strip()
            site.add_attachment(Attachment(item_id, url, alt, (caption or "").strip(), link))
    elif kind in ("post", "page"):
        site.add_item(item_id, kind, wp(item, "post_name"), link)
        guid = (item.findtext("guid") or "").strip()
        blog_path = urlsplit(site.base_url).path.rstrip("/")
        if blog_path and urlsplit(guid).path.rstrip("/") == blog_path:
            site.add_host_of(guid)  # the blog under another of its host names
