"""Redirects: old addresses that still lead readers and search engines to the new ones.

Two sources, both checked when the build plans its pages:

- ``aliases:`` in an article's or page's front matter: old addresses of that
  article (``/blog/2019/05/acne/``, ``/blog/acne.html`` or a full URL on the
  site's own host);
- ``[redirects]`` in ``site.toml``, for old addresses of things that are not
  articles (tags, categories, feeds): ``"/blog/category/skin/" = "/blog/categories/skin/"``.

Addresses are written as links in the content are: the path a browser asks for,
with ``base_url``'s path in front. Each redirect becomes a small HTML page at
the old address (a meta refresh, ``rel=canonical`` and a visible link, marked
``noindex``; never in the sitemap, feed or search), which every host serves.
An address that a plain file cannot stand for (one with a query string such as
``/?p=123``, or ending in ``.php``) needs a host that reads redirect rules:
``[publish] host`` (see :mod:`generator.publish.hosts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from generator.config import Config
from generator.errors import ModelError
from generator.link_settings import has_space_or_control
from generator.model import Site

SITE_TOML = "site.toml"
PAGE_SUFFIXES = (".html", ".htm")
# Hosts whose redirect rules match a query string (.htaccess RewriteCond, nginx $request_uri).
QUERY_HOSTS = ("apache", "nginx")


@dataclass(frozen=True)
class Redirect:
    """One old address and where it leads now.

    ``old`` is the address as a browser asks for it (path and query, percent-encoded
    as written); ``dest_path`` the redirect page's file in the output folder, or ""
    when only the host's rules can express it; ``target`` a site path or a full URL.
    """

    old: str
    dest_path: str
    target: str
    source: str  # the content file, or site.toml
    line: int | None = None

    @property
    def query(self) -> str:
        return urlsplit(self.old).query

    @property
    def path(self) -> str:
        return urlsplit(self.old).path


def site_redirects(config: Config, site: Site, pages: Mapping[str, str]) -> tuple[Redirect, ...]:
    """Every redirect of the site, checked; ``pages`` maps the build's dest_paths to their
    source (a content file, or a description of the page the site makes itself).

    Raises :class:`ModelError` for an old address that is malformed, off the site,
    taken by a real page or another redirect, or a ``[redirects]`` target that the
    build does not write.
    """
    found: dict[str, Redirect] = {}
    for redirect in _declared(config, site, pages):
        _check_free(redirect, found, pages)
        found[redirect.old] = redirect
    return tuple(found[old] for old in sorted(found))


def _declared(config: Config, site: Site, pages: Mapping[str, str]) -> Iterable[Redirect]:
    for item in (*site.articles, *site.pages):
        for alias in item.aliases:
            yield _redirect(config, alias, item.url, item.src_path, None)
    for rule in config.redirects:
        target = _target(config, rule.new, rule.line, pages)
        yield _redirect(config, rule.old, target, SITE_TOML, rule.line)


def _redirect(config: Config, old: str, target: str, source: str, line: int | None) -> Redirect:
    def fail(problem: str, hint: str) -> ModelError:
        return ModelError(
            source, f"the old address {old!r} {problem}", line=line, hint=hint, rule="redirect"
        )

    path, query = _site_path(config, old, fail)
    if query and config.publish.host not in QUERY_HOSTS:
        raise fail(
            "has a query string, which only a host's redirect rules can match",
            'in site.toml under [publish], set host = "apache" (or "nginx"); or drop it',
        )
    relative = unquote(path[len(config.base_path) :])
    parts = PurePosixPath(relative).parts if relative else ()
    if any(part in ("..", ".") for part in parts) or "\x00" in relative:
        raise fail("is not a plain path", f"write it like {config.base_path}2019/05/acne/")
    dest = "" if query else _page_file(relative)
    if dest is None and config.publish.host == "static":
        raise fail(
            "ends in a file type a redirect page cannot stand for",
            'in site.toml under [publish], set host = "apache" (or "nginx", "netlify")',
        )
    return Redirect(path + (f"?{query}" if query else ""), dest or "", target, source, line)


def _site_path(config: Config, address: str, fail) -> tuple[str, str]:
    """``address`` as (path, query) on the site's host; raise through ``fail`` if off it."""
    _refuse_spaces(address, fail)
    parts = urlsplit(address.strip())
    if parts.fragment or address.strip().endswith("#"):
        raise fail("has a #fragment, which browsers never send", "drop the part from '#' on")
    if parts.scheme or parts.netloc:
        site = urlsplit(config.base_url)
        if parts.scheme not in ("http", "https") or parts.hostname != site.hostname:
            raise fail(
                f"is not on the site's host {site.hostname}",
                "another host must redirect its own addresses; give a path on this site",
            )
    path = parts.path or "/"
    if not path.startswith(config.base_path):
        raise fail(
            f"is outside the site's base path {config.base_path}",
            f"write {config.base_path}{path.lstrip('/')} (addresses start with the base path)",
        )
    return path, parts.query


def _refuse_spaces(address: str, fail) -> None:
    """An address holds no space, tab, line break or other control character: a browser
    would drop or encode it, and a line break in a host's rules (.htaccess, nginx) would
    end the rule there and make the rest a rule of its own."""
    if has_space_or_control(address.strip()):
        raise fail(
            "holds a space or a control character (a line break, a tab)",
            "write a space as %20, and leave out line breaks and tabs",
        )


def _page_file(relative: str) -> str | None:
    """The file a redirect page for ``relative`` goes in; None if no page can stand there."""
    if relative == "" or relative.endswith("/"):
        return relative + "index.html"
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix in PAGE_SUFFIXES:
        return relative
    if suffix:
        return None
    return relative + "/index.html"  # servers answer /old with a redirect to /old/


def _target(config: Config, new: str, line: int | None, pages: Mapping[str, str]) -> str:
    parts = urlsplit(new.strip())

    def fail(problem: str, hint: str) -> ModelError:
        return ModelError(
            SITE_TOML,
            f"the redirect target {new!r} {problem}",
            line=line,
            hint=hint,
            rule="redirect",
        )

    if parts.scheme and parts.scheme not in ("http", "https"):
        # A javascript: or data: address would run in the reader's browser from the
        # redirect page's link (the project's rule: nothing typed runs on the site).
        raise fail(
            f"is a {parts.scheme}: address, not a web page",
            f"give a page of this site, as a link would ({config.base_path}tags/acne/), "
            "or a full https:// address of another site",
        )
    if parts.scheme and parts.hostname != urlsplit(config.base_url).hostname:
        _refuse_spaces(new, fail)  # an address of this site: _site_path refuses them
        return new.strip()  # another site: nothing more to check here

    path, query = _site_path(config, new, fail)
    relative = unquote(path[len(config.base_path) :])
    candidates = (relative, relative + "index.html", relative + "/index.html")
    if not any(candidate in pages for candidate in candidates):
        raise fail(
            "is not a page or file this build writes",
            f"give the new address of a page, as a link would: {config.base_path}tags/acne/",
        )
    return path + (f"?{query}" if query else "")


def _check_free(redirect: Redirect, found: dict[str, Redirect], pages: Mapping[str, str]) -> None:
    other = found.get(redirect.old) or next(
        (r for r in found.values() if redirect.dest_path and r.dest_path == redirect.dest_path),
        None,
    )
    if other is not None:
        raise ModelError(
            redirect.source,
            f"the old address {redirect.old} is given twice: here and in {other.source}",
            line=redirect.line,
            hint="keep it in one place: the article it now belongs to",
            rule="redirect",
        )
    if redirect.dest_path in pages:
        raise ModelError(
            redirect.source,
            f"the old address {redirect.old} is a page of the site: "
            f"{pages[redirect.dest_path]} is there",
            line=redirect.line,
            hint="an old address must be one the site no longer uses; remove it",
            rule="redirect",
        )
