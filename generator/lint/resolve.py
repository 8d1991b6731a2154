"""Where a link of a built page leads: a page of the site, an anchor on it, or nowhere."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from generator.config import Config
from generator.lint.scan import PageScan


class Problem(NamedTuple):
    """Why a link leads nowhere, and what to do about it."""

    message: str
    hint: str


class Verdict(NamedTuple):
    """Where a link leads."""

    problem: Problem | None  # None: it leads somewhere (or off the site)
    target: str | None  # the page whose anchors the answer read (for a link with a #fragment)
    asked: tuple[str, ...]  # the output names looked up to know it


class Place(NamedTuple):
    """Where a URL without its fragment leads."""

    raw_path: str  # as written, for messages
    path: str  # unquoted
    target: str | None  # the output file served at that path
    ours: bool  # on the site's own host
    asked: tuple[str, ...]  # output names looked up to know the above


# A path from the root (not "//", no "." or ".." segment) or a http(s) URL with a plain
# host, of characters urljoin leaves as they are.
_PLAIN_REF = re.compile(
    r"(?:https?://[A-Za-z0-9.-]+)?/(?!/)[A-Za-z0-9_~!$&'()*+,=@%/.-]*|https?://[A-Za-z0-9.-]+"
)
# urlsplit drops these wherever they are in a URL.
_DROPPED = str.maketrans("", "", "\t\r\n")


class Asking(Mapping[str, bytes]):
    """The outputs, noting every name a check asks about (``name in outputs``)."""

    def __init__(self, outputs: Mapping[str, bytes], asked: set[str]) -> None:
        self._outputs, self._asked = outputs, asked

    def __contains__(self, name: object) -> bool:
        self._asked.add(name)  # type: ignore[arg-type]
        return name in self._outputs

    def __getitem__(self, name: str) -> bytes:
        self._asked.add(name)
        return self._outputs[name]

    def __iter__(self) -> Iterator[str]:
        raise TypeError("a page's link check must ask for names, not list them all")

    def __len__(self) -> int:
        return len(self._outputs)


class Links:
    """Where the links of one build lead, each distinct link worked out once.

    Most links of a page are the site's navigation, tag and category links,
    the same on every page: a link that ``urljoin`` resolves without the page's
    path (``/posts/x/``, ``https://...``, ``tel:...``) is judged once for the
    whole site (``anywhere``), and an ``#anchor`` is its page's URL with a fragment.
    """

    def __init__(self, config: Config, scans: dict[str, PageScan], outputs: dict[str, bytes]):
        self.config, self.scans, self.outputs = config, scans, outputs
        self.origin = urlsplit(config.base_url)
        self.root = f"{self.origin.scheme}://{self.origin.netloc}"
        self.anywhere: dict[str, Verdict] = {}  # ref -> verdict, for refs alike on every page
        self._pages: dict[str, Place] = {}  # page URL -> where its own URL leads
        self._verdicts: dict[str, Verdict] = {}  # URL -> verdict
        self._places: dict[str, Place] = {}  # URL before its '#' -> where it leads

    def verdict(self, page_url: str, ref: str) -> Verdict:
        """Where ``ref`` on the page at ``page_url`` leads."""
        found = self.anywhere.get(ref)
        if found is not None:
            return found
        if ref[:1] == "#" and len(ref) > 1 and ref == ref.translate(_DROPPED):
            # urljoin keeps all of the page's URL but its fragment, then adds this one.
            page = self._pages.get(page_url)
            if page is None:
                page = self._pages[page_url] = self._place(urljoin(page_url, "#"))
            return self._judge(page, ref[1:])
        if _PLAIN_REF.fullmatch(ref) and "/." not in ref:
            # What urljoin gives for a plain path from the root or a plain http(s) URL.
            found = self.anywhere[ref] = self._verdict(self.root + ref if ref[0] == "/" else ref)
            return found
        found = self._verdict(urljoin(page_url, ref))
        if _same_on_every_page(ref, self.origin.scheme):
            self.anywhere[ref] = found
        return found

    def _verdict(self, url: str) -> Verdict:
        found = self._verdicts.get(url)
        if found is None:
            base, _, fragment = url.partition("#")
            fragment = fragment.translate(_DROPPED)  # as urlsplit(url).fragment
            found = self._verdicts[url] = self._judge(self._place(base), fragment)
        return found

    def _judge(self, place: Place, fragment: str) -> Verdict:
        problem = self._problem(place, fragment) if place.ours else None
        target = place.target if fragment and place.target in self.scans else None
        return Verdict(problem, target, place.asked)

    def _place(self, base: str) -> Place:
        """Where a URL without a fragment leads."""
        place = self._places.get(base)
        if place is None:
            parts = urlsplit(base)
            path = unquote(parts.path)
            ours = parts.scheme in ("http", "https") and parts.netloc == self.origin.netloc
            asked: set[str] = set()  # the output names any verdict on this place depends on
            looking = Asking(self.outputs, asked)
            target = output_for(self.config, path, looking)
            if ours and target is None and not path.startswith(self.config.base_path):
                output_for(self.config, self.config.base_path + path.lstrip("/"), looking)
            place = Place(parts.path, path, target, ours, tuple(sorted(asked)))
            self._places[base] = place
        return place

    def _problem(self, place: Place, fragment: str) -> Problem | None:
        """Why a link to this site's host leads nowhere, if it does."""
        if place.target is not None:
            return self._anchor_problem(place, fragment) if fragment else None
        config, path = self.config, place.path
        shown = place.raw_path + (f"#{fragment}" if fragment else "")
        if not path.startswith(config.base_path):
            inside = config.base_path + path.lstrip("/")
            if output_for(config, inside, self.outputs) is not None:
                return Problem(
                    f"the link {shown} leaves the site, which lives under {config.base_path}",
                    f"write {inside}",
                )
            return None  # another part of the same host: not this site's business
        return Problem(f"the link {shown} leads to no page of the site", _nearest(path, self.scans))

    def _anchor_problem(self, place: Place, fragment: str) -> Problem | None:
        anchor = unquote(fragment)
        scan = self.scans.get(place.target)  # type: ignore[arg-type]
        if not anchor or scan is None or anchor in scan.ids:
            return None
        known = sorted(scan.ids)
        listed = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
        return Problem(
            f"the link {place.raw_path}#{fragment} names the anchor #{anchor}, "
            "which the page does not have",
            f"anchors on that page: {listed}" if known else "the page has no anchors",
        )


def _same_on_every_page(ref: str, scheme: str) -> bool:
    """Whether ``urljoin`` resolves ``ref`` alike on every page of a site whose pages
    share ``scheme`` (http or https) and host: ``ref`` names another scheme
    (``tel:``), a host, or a path from the root (``/posts/x/``)."""
    parts = urlsplit(ref)
    return parts.scheme not in ("", scheme) or bool(parts.netloc) or parts.path.startswith("/")


def output_for(config: Config, path: str, outputs: Mapping[str, bytes]) -> str | None:
    """The output file a URL path is served from, if the build writes one."""
    if not path.startswith(config.base_path):
        return None
    dest = path[len(config.base_path) :]
    if not dest or dest.endswith("/"):
        dest += "index.html"
    # /posts/a is served as /posts/a/index.html by common web servers, too.
    return next((name for name in (dest, dest + "/index.html") if name in outputs), None)


def _nearest(path: str, scans: dict[str, PageScan]) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    pages = sorted(dest.removesuffix("index.html") for dest in scans if name and name in dest)
    return (
        f"pages with a similar name: {', '.join(pages[:4])}"
        if pages
        else ("check the spelling, and that the page is not a draft or dated in the future")
    )
