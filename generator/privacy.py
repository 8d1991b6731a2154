"""Privacy by default: a built page loads nothing from another host unless the site allows it.

A reader's browser tells every host it fetches from who they are and what they
read; on a clinic's site that is health information. So fonts, scripts,
images, frames and stylesheets must come from the site itself, or from a host
listed in ``site.toml``::

    allowed_hosts = ["video.clinic-partner.example"]

A foreign load breaks the rule ``third-party``: an error, unless ``[check.rules]``
says otherwise (say, while a migrated site still shows images from its old host).

Links (``<a href>``, ``rel="canonical"``, feeds) load nothing and are not checked.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from generator.config import Config
from generator.discover import SourceFile
from generator.errors import SiteWarning
from generator.output_kinds import OutputKind
from generator.outputs import Outputs
from generator.stale_reads import StaleReads

# Attributes that make a browser fetch something, by element.
LOADING_ATTRIBUTES = {
    "audio": ("src",),
    "embed": ("src",),
    "iframe": ("src",),
    "img": ("src", "srcset"),
    "input": ("src",),
    "object": ("data",),
    "script": ("src",),
    "source": ("src", "srcset"),
    "track": ("src",),
    "video": ("src", "poster"),
}
# <link rel> values that fetch their href when the page loads.
LOADING_RELS = frozenset(
    {
        "stylesheet",
        "icon",
        "preload",
        "prefetch",
        "modulepreload",
        "preconnect",
        "dns-prefetch",
        "manifest",
        "apple-touch-icon",
    }
)
RULE = "third-party"
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)


def check_hosts(
    config: Config,
    outputs: Outputs,
    sources: tuple[SourceFile, ...],
    stale: StaleReads | None = None,
) -> list[SiteWarning]:
    """Every foreign URL a page or stylesheet loads, once per source file (rule ``third-party``).

    Each problem names the content file and line that hold the URL, or else the
    built page (the URL then comes from a template). Files read again are checked
    against their digest into ``stale``, the build run's log (``outputs.stale`` if None).
    """
    stale = stale if stale is not None else outputs.stale
    allowed = {urlsplit(config.base_url).hostname, *config.allowed_hosts}
    problems: dict[tuple[str, str], SiteWarning] = {}
    for dest_path in sorted(outputs):
        kind = outputs.kind(dest_path)
        if kind not in (OutputKind.PAGE, OutputKind.STYLESHEET):
            continue
        data = outputs.read(dest_path, stale)
        text = data.decode("utf-8", "replace")
        for url in _page_urls(text, data) if kind is OutputKind.PAGE else _css_urls(text):
            host = _host(url)
            if host is not None and host not in allowed:
                source, problem = _foreign(dest_path, url, host, sources, stale)
                problems.setdefault((source, url), problem)
    return list(problems.values())


def loaded_urls(html: str) -> list[str]:
    """Every URL a browser fetches to show this page (``srcset`` candidates one by one)."""
    return _page_urls(html, html.encode("utf-8", "surrogatepass"))


def _page_urls(html: str, data: bytes) -> list[str]:
    """:func:`loaded_urls` of a page whose UTF-8 bytes are ``data``."""
    pieces = _loading_markup(html, data)
    plain = [_PLAIN_TAG.fullmatch(piece) for piece in pieces]
    if all(plain):  # most pages: only the template's own <link> and <script> tags
        return [url for tag in plain for url in _urls_of(tag[1], _plain_attributes(tag[2]))]
    finder = _Loads()
    # A lone <script> start tag would make the parser read the rest as script text.
    finder.feed("\n".join(p + "</script>" if p[:7].lower() == "<script" else p for p in pieces))
    finder.close()
    return finder.urls


# Comments and script text load nothing by themselves (a script's src is kept).
# Possessive quantifiers never give characters back; here no part of a match
# could end anywhere but where it ends greedily, so they match what plain ones
# would, without retrying. A script's text runs to the first "</script>".
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_QUOTED_OR_NOT = r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+"""  # a tag's text up to its ">"
_SCRIPT_TEXT = re.compile(
    rf"""(<script\b{_QUOTED_OR_NOT}>)[^<]*+(?:<(?!/script\s*>)[^<]*+)*+(</script\s*>)""",
    re.IGNORECASE,
)
# Start tags that may load something, any tag with a style attribute, and <style>
# blocks; quoted attribute values may hold ">".
_LOADING_TAGS = "|".join([*LOADING_ATTRIBUTES, "link"])
_FIRST_LETTERS = "".join(sorted({name[0] for name in [*LOADING_ATTRIBUTES, "link"]}))
_LOADING_TAG = rf"""<(?=[{_FIRST_LETTERS}])(?:{_LOADING_TAGS})\b{_QUOTED_OR_NOT}>"""
_STYLED_TAG = rf"""<[a-z][a-z0-9-]*\s(?:[^>"']|"[^"]*"|'[^']*')*?\bstyle\s*={_QUOTED_OR_NOT}>"""
_STYLE_BLOCK = r"""<style\b.*?</style\s*>"""
_LOADING_MARKUP = re.compile(
    "|".join([_LOADING_TAG, _STYLED_TAG, _STYLE_BLOCK]), re.IGNORECASE | re.DOTALL
)
_LOADING_TAGS_ONLY = re.compile(_LOADING_TAG, re.IGNORECASE)
# What follows "tyle" in "style=" (any byte of a character beyond ASCII may be a space).
_EQUALS = re.compile(rb"[\t-\r\x1c-\x20\x80-\xff]*=")
# A start tag html.parser reads exactly as written: a loading tag's lowercase name,
# then lowercase attributes, each bare or with a double-quoted value that holds
# no character reference (no "&") and no "<" or ">".
_PLAIN_TAG = re.compile(rf"""<({_LOADING_TAGS})((?: [a-z][a-z-]*(?:="[^"&<>]*")?)*)>""")
_PLAIN_ATTRIBUTE = re.compile(r' ([a-z][a-z-]*)(?:="([^"]*)")?')


def _loading_markup(html: str, data: bytes) -> list[str]:
    """Only the parts of a page that can load something: the parser then reads a tenth.

    Parsing whole pages with ``html.parser`` was the slowest step of a large build.
    A page without a style attribute or a <style> block is searched for loading tags
    alone, which takes half the time.
    """
    quiet, comments = _COMMENT.subn("", html)
    quiet = _SCRIPT_TEXT.sub(r"\1\2", quiet)
    # (Taking out a comment could join the text around it into "style=".)
    styled = comments > 0 or _may_style(data)
    return (_LOADING_MARKUP if styled else _LOADING_TAGS_ONLY).findall(quiet)


def _may_style(data: bytes) -> bool:
    """Whether a page (its UTF-8 bytes) may have a style attribute or a <style> block.

    Both need "style" in any case, and a case-blind search also takes "ſ" for "s":
    so some "tyle" must come after "<s" or "<ſ", or before "=" with only spaces
    between.
    """
    low = data.lower()
    at = low.find(b"tyle")
    while at >= 0:
        before = low[max(at - 3, 0) : at]
        if before.endswith((b"<s", "<ſ".encode())) or _EQUALS.match(low, at + 4):
            return True
        at = low.find(b"tyle", at + 4)
    return False


def _plain_attributes(text: str) -> dict[str, str]:
    return {name: value for name, value in _PLAIN_ATTRIBUTE.findall(text)}


def _urls_of(tag: str, values: dict[str, str]) -> list[str]:
    """The URLs a start tag loads, given its attributes (a bare one has the value "")."""
    urls = []
    for name in LOADING_ATTRIBUTES.get(tag, ()):
        if name in values:
            urls += _srcset_urls(values[name]) if name == "srcset" else [values[name]]
    rels = set(values.get("rel", "").lower().split())
    if tag == "link" and rels & LOADING_RELS:
        urls.append(values.get("href", ""))
    if "style" in values:
        urls += _css_urls(values["style"])
    return urls


class _Loads(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.urls += _urls_of(tag, {name: value or "" for name, value in attrs})
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.urls += _css_urls(data)


def _srcset_urls(srcset: str) -> list[str]:
    return [candidate.split()[0] for candidate in srcset.split(",") if candidate.strip()]


def _css_urls(css: str) -> list[str]:
    return [first or second for first, second in CSS_URL.findall(css)]


def _host(url: str) -> str | None:
    """The host a URL points at, or None for a same-site or data: URL."""
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname:
        return parts.hostname
    return None


def _foreign(
    dest_path: str, url: str, host: str, sources: tuple[SourceFile, ...], stale: StaleReads
) -> tuple[str, SiteWarning]:
    """Where the URL is written (a content file, or "templates") and the problem to report."""
    message = f"loads {url} from {host}, another host: readers' browsers would contact it"
    hint = f'host it on the site instead, or add "{host}" to allowed_hosts in site.toml'
    for source in sources:
        text = source.read(stale).decode("utf-8", "replace")
        if url in text and not source.src_path.startswith("/"):
            line = text.count("\n", 0, text.index(url)) + 1
            return source.src_path, SiteWarning(
                source.src_path, message, line=line, hint=hint, rule=RULE
            )
    # A template's URL is on many pages: it is reported once, at the first of them.
    return "templates", SiteWarning(
        dest_path,
        message,
        hint=hint + " (the URL comes from a template, in the built page)",
        rule=RULE,
    )
