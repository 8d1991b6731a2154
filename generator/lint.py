"""LINT: look at the whole site for mistakes no single file shows.

The lints read what the build already has, as plain data: the parsed files
(front matter with the line of each field), the source text (to point at the
line of a link or heading), the assembled :class:`~generator.model.Site` and
the rendered output pages (to follow every internal link and ``#anchor``,
including the tag, category, pagination and feed pages the build generates).
Each finding names its rule of :mod:`generator.rules`; ``site.toml`` decides
its severity.

``build`` calls :func:`validate`, which raises :class:`CheckFailed` when a
finding is an error, before anything is written; ``sitegen check`` reports
the same findings.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from generator import brand, reading_level
from generator.assemble import Visibility
from generator.components import appointment
from generator.config import Config
from generator.discover import SiteSources, SourceFile, digest_of
from generator.errors import SiteError, SiteWarning
from generator.model import Site
from generator.parse import ParsedFile
from generator.readability import ReadingMemo
from generator.rules import DESCRIPTION_RANGE, RULES, TITLE_MAX

ARTICLE_KINDS = ("article", "article_index")


class Finding(SiteWarning):
    """One rule broken at one place; its ``severity`` comes from the site's settings."""

    def __init__(self, rule: str, path: str, message: str, **where) -> None:
        super().__init__(path, message, rule=rule, **where)
        self.severity = RULES[rule].severity if rule in RULES else "warning"


class CheckFailed(SiteError):
    """Findings of severity ``error``: the build stops. ``str()`` lists every finding."""

    def __init__(self, findings: list[SiteError]) -> None:
        self.findings = findings
        errors = [finding for finding in findings if finding.severity == "error"]
        super().__init__(errors[0].path, errors[0].message, rule=errors[0].rule)

    def __str__(self) -> str:
        return "\n".join(str(finding) for finding in self.findings) + "\n" + summary(self.findings)


def summary(findings: Iterable[SiteError]) -> str:
    """``2 errors, 1 warning, 0 info`` for a list of findings."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[finding.severity] += 1
    error, warning = counts["error"], counts["warning"]
    return (
        f"{error} error{'s' * (error != 1)}, {warning} warning{'s' * (warning != 1)}, "
        f"{counts['info']} info"
    )


def validate(
    config: Config,
    sources: SiteSources,
    parsed: list[ParsedFile],
    site: Site,
    outputs: dict[str, bytes],
    visibility: Visibility,
    page_problems: Iterable[SiteWarning] = (),
    memo: LintMemo | None = None,
) -> list[SiteWarning]:
    """Every finding that is not an error; raise :class:`CheckFailed` if any is.

    ``page_problems`` are what the build found in rendered pages (images without
    alt text, loads from other hosts), each carrying its rule. ``memo`` (kept by
    a long-running build) remembers the link checks of pages whose bytes did not
    change, so a rebuild checks only what changed.
    """
    findings = lint_site(config, sources, parsed, site, outputs, visibility, page_problems, memo)
    if any(finding.severity == "error" for finding in findings):
        raise CheckFailed(findings)
    return list(findings)


def lint_site(
    config: Config,
    sources: SiteSources,
    parsed: list[ParsedFile],
    site: Site,
    outputs: dict[str, bytes],
    visibility: Visibility,
    page_problems: Iterable[SiteWarning] = (),
    memo: LintMemo | None = None,
) -> list[Finding]:
    """All findings of the site, sorted by place, with the severities of ``site.toml``."""
    texts = SourceTexts(
        source for source in sources.posts + sources.pages if source.kind != "asset"
    )
    found: list[Finding] = [
        *unknown_fields(parsed),
        *lengths(parsed),
        *images(config, parsed, outputs),
        *headings(parsed),
        *empty_sections(parsed),
        *duplicate_titles(parsed),
        *reviews(config, parsed, visibility),
        *unpublished(config, parsed, visibility),
        *links(config, site, outputs, texts, memo),
        *map(_finding, reading_level.findings(config, parsed, memo.reading if memo else None)),
        *map(_finding, brand.file_findings(config.theme, sources.static)),
        *map(_finding, appointment.missing_contact(config.clinic, parsed)),
        *(_finding(problem) for problem in page_problems),
    ]
    readers = {comment.src_path for article in site.articles for comment in article.comments}
    for finding in found:
        finding.severity = config.check.severity(finding.rule)
        if finding.path in readers and finding.severity == "error":
            finding.severity = "warning"  # what a reader wrote must never stop the clinic's build
    kept = [finding for finding in found if finding.severity != "off"]
    return sorted(kept, key=_place)


def _place(finding: SiteError) -> tuple:
    """Findings in the writer's own files first, then those only a built page shows."""
    path = finding.path or ""
    built_page = not path.startswith(("content/", "site.toml", "templates/", "static/"))
    return (built_page, path, finding.line or 0, finding.column or 0, finding.rule or "")


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


class SourceTexts(Mapping[str, str]):
    """Each content file's text by ``src_path``, read and decoded only when a lint asks."""

    def __init__(self, sources: Iterable[SourceFile]) -> None:
        self.sources = {source.src_path: source for source in sources}
        self._texts: dict[str, str] = {}

    def __contains__(self, src_path: object) -> bool:
        return src_path in self.sources

    def __getitem__(self, src_path: str) -> str:
        if src_path not in self._texts:
            self._texts[src_path] = _text(self.sources[src_path].data)
        return self._texts[src_path]

    def digest(self, src_path: str) -> str:
        return self.sources[src_path].digest

    def __iter__(self) -> Iterator[str]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)


# Front matter ------------------------------------------------------------------------------


def unknown_fields(parsed: list[ParsedFile]) -> Iterator[Finding]:
    for item in parsed:
        for warning in item.warnings:
            yield _finding(warning, item.src_path)


def _finding(warning: SiteWarning, path: str = "") -> Finding:
    return Finding(
        warning.rule or "unknown-field",
        warning.path or path,
        warning.message,
        line=warning.line,
        column=warning.column,
        hint=warning.hint,
    )


def lengths(parsed: list[ParsedFile]) -> Iterator[Finding]:
    """Titles search engines cut, descriptions they replace."""
    low, high = DESCRIPTION_RANGE
    for item in _documents(parsed):
        title = item.meta["title"]
        if len(title) > TITLE_MAX:
            yield Finding(
                "title-length",
                item.src_path,
                f"the title is {len(title)} characters; search results show about {TITLE_MAX}",
                line=item.line_of("title"),
                column=1,
                hint="shorten it so that the first words say what the page is about",
            )
        description = item.meta.get("description") or ""
        if description and not low <= len(description) <= high:
            yield Finding(
                "description-length",
                item.src_path,
                f"the description is {len(description)} characters; "
                f"search results use {low} to {high}",
                line=item.line_of("description"),
                column=1,
                hint="one or two sentences that make a reader want to open the page",
            )


def images(
    config: Config, parsed: list[ParsedFile], outputs: dict[str, bytes]
) -> Iterator[Finding]:
    """Hero images need a description, and a site path must name a file the build writes."""
    for item in parsed:
        if item.kind not in ARTICLE_KINDS or not item.meta["image"]:
            continue
        image = item.meta["image"]
        if not item.meta["image_alt"]:
            yield Finding(
                "image-alt",
                item.src_path,
                "the article has an image but no 'image_alt'",
                line=item.line_of("image"),
                column=1,
                hint="add image_alt: a short description of what the image shows",
            )
        if image.startswith("/") and not image.startswith("//"):
            path = unquote(urlsplit(image).path)
            if _output_for(config, path, outputs) is None:
                yield Finding(
                    "image-missing",
                    item.src_path,
                    f"the image {image!r} is not a file of the site",
                    line=item.line_of("image"),
                    column=1,
                    hint=f"put the file in static/ and write {config.base_path}static/<name>, "
                    "or put it beside the article and give just its name",
                )


def reviews(config: Config, parsed: list[ParsedFile], visibility: Visibility) -> Iterator[Finding]:
    """Medical articles name their reviewer and are reviewed again every ``review_interval``."""
    settings = config.check
    today = visibility.now.astimezone(config.zone).date()
    for item in parsed:
        meta = item.meta
        if item.kind not in ARTICLE_KINDS or meta["draft"]:
            continue
        if not settings.is_medical(meta["category"], meta["tags"]):
            continue
        missing = [name for name in ("reviewed_by", "last_reviewed") if not meta[name]]
        if missing:
            yield Finding(
                "medical-review",
                item.src_path,
                "a medical article needs " + " and ".join(f"'{name}'" for name in missing),
                line=item.line_of("reviewed_by") or item.line_of("title"),
                column=1,
                hint="add reviewed_by: <a key under [reviewers]> and last_reviewed: 2024-05-01",
            )
        reviewed = meta["last_reviewed"]
        if reviewed:
            reviewed = reviewed.date() if isinstance(reviewed, datetime) else reviewed
            if _add_months(reviewed, settings.review_interval) < today:
                yield Finding(
                    "review-age",
                    item.src_path,
                    f"the medical review of {reviewed.isoformat()} is older than "
                    f"{settings.review_interval} months",
                    line=item.line_of("last_reviewed"),
                    column=1,
                    hint="have the reviewer check the article again, then update last_reviewed",
                )


def valid_until(
    config: Config, parsed: list[ParsedFile], visibility: Visibility
) -> datetime | None:
    """The first moment after ``visibility.now`` at which the passing of time alone changes
    the build: an article's date comes (it is published) or a medical review falls due.

    Errs early, never late: every dated article and every review counts, whatever
    its kind, draft state or category.
    """
    now = visibility.now
    moments = []
    for item in parsed:
        if item.kind not in ARTICLE_KINDS:
            continue
        published = _moment(item.meta["date"], config)
        if published > now and not visibility.future:
            moments.append(published)
        reviewed = item.meta["last_reviewed"]
        if reviewed:
            reviewed = reviewed.date() if isinstance(reviewed, datetime) else reviewed
            due = _add_months(reviewed, config.check.review_interval)
            if due < date.max:
                moments.append(_moment(due + timedelta(days=1), config))
    return min((moment for moment in moments if moment > now), default=None)


def unpublished(
    config: Config, parsed: list[ParsedFile], visibility: Visibility
) -> Iterator[Finding]:
    """Articles and pages this build leaves out, so that nobody wonders where they went."""
    for item in parsed:
        if item.kind not in (*ARTICLE_KINDS, "page"):
            continue
        if item.meta["draft"] and not visibility.drafts:
            yield Finding(
                "unpublished",
                item.src_path,
                "a draft: not published",
                line=item.line_of("draft"),
                column=1,
                hint="remove 'draft: true' to publish it; --drafts shows drafts in a build",
            )
        elif item.kind != "page" and not visibility.future:
            published = _moment(item.meta["date"], config)
            if published > visibility.now:
                yield Finding(
                    "unpublished",
                    item.src_path,
                    f"dated {published.date().isoformat()}: not published before that day",
                    line=item.line_of("date"),
                    column=1,
                    hint="--future shows future-dated articles in a build",
                )


def duplicate_titles(parsed: list[ParsedFile]) -> Iterator[Finding]:
    first: dict[str, str] = {}
    for item in _documents(parsed):
        key = " ".join(item.meta["title"].casefold().split())
        if key in first:
            yield Finding(
                "duplicate-title",
                item.src_path,
                f"the title is the same as that of {first[key]}",
                line=item.line_of("title"),
                column=1,
                hint="readers and search engines tell pages apart by their titles",
            )
        else:
            first[key] = item.src_path


def _documents(parsed: list[ParsedFile]) -> Iterator[ParsedFile]:
    """Files that become a page of their own: articles and pages, not sections."""
    return (item for item in parsed if item.kind in (*ARTICLE_KINDS, "page"))


# Markdown bodies --------------------------------------------------------------------------


def empty_sections(parsed: list[ParsedFile]) -> Iterator[Finding]:
    for item in parsed:
        if item.kind != "section":
            continue
        if not item.html.strip():
            yield Finding(
                "empty-section",
                item.src_path,
                f"the section '{item.meta['title']}' has no text",
                line=item.line_of("title"),
                column=1,
                hint="write the section below its front matter, or delete the file",
            )
        elif item.meta["kind"] == "faq" and not item.questions:
            yield Finding(
                "empty-section",
                item.src_path,
                "the FAQ section has no questions",
                line=item.line_of("kind"),
                column=1,
                hint="write each question as a '### ' heading with its answer below",
            )


def headings(parsed: list[ParsedFile]) -> Iterator[Finding]:
    """Headings go down one level at a time; the page's title is its only ``<h1>``.

    A section's title is its ``<h2>``, so its own headings start at ``###``;
    an article or page starts below its ``<h1>`` title. Where each heading
    stands was noted when the file was parsed (``ParsedFile.headings``).
    """
    for item in parsed:
        if item.kind in (*ARTICLE_KINDS, "section", "page"):
            yield from _headings(item)


def _headings(item: ParsedFile) -> Iterator[Finding]:
    previous = 2 if item.kind == "section" else 1
    for line, column, level in item.headings:
        if level == 1:
            yield Finding(
                "heading-order",
                item.src_path,
                "a '#' heading makes a second <h1>: the title is the page's <h1>",
                line=line,
                column=column,
                hint="start with '##' (or '###' in a section file)",
            )
        elif level > previous + 1:
            yield Finding(
                "heading-order",
                item.src_path,
                f"the heading skips from level {previous} to level {level}",
                line=line,
                column=column,
                hint=f"use {'#' * (previous + 1)} here; screen readers navigate by level",
            )
        previous = max(level, 1)


# Links ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scan:
    """The ids a page defines and the links it holds (tag, attribute value)."""

    ids: frozenset[str]
    refs: tuple[tuple[str, str], ...]


# Start tags with attributes: text in code blocks has its '<' escaped and JSON-LD
# has it as \u003c, so neither is mistaken for a tag. A regex scan is many times
# faster than html.parser, which matters because every page of the site is scanned.
# A tag without attributes holds no id or link (and no '<' that could start
# another tag), so it is not matched. Every part of a tag can end only where it
# ends greedily (a name cut short is followed by a name's character, which no
# later part accepts, and so on), so the possessive quantifiers, which never
# give characters back, find the same tags as plain ones, without the retries.
_TAG = re.compile(
    r"""<(
        [a-zA-Z][a-zA-Z0-9-]*+                                  # the tag's name
        (?:\s++[^\s=/>"']++                                     # each attribute's name
            (?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'>]++))?+     # and its value
        )++
    )\s*+/?+>""",
    re.VERBOSE,
)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_LINKING = {"a": "href", "link": "href", "img": "src", "script": "src"}
_ID_ATTRIBUTES = {"a": ("id", "name")}
_NOTHING: tuple[tuple[str, ...], None] = ((), None)  # what most tags hold
# Where a link leads: (message, hint) if nowhere, the page whose anchors the answer read,
# and the output names looked up to know it.
_Verdict = tuple[tuple[str, str] | None, str | None, tuple[str, ...]]
# How many distinct tags a memo remembers before it starts again (about 10 MB).
_TAGS_KEPT = 1 << 15
# A path from the root (not "//", no "." or ".." segment) or a http(s) URL with a plain
# host, of characters urljoin leaves as they are.
_PLAIN_REF = re.compile(
    r"(?:https?://[A-Za-z0-9.-]+)?/(?!/)[A-Za-z0-9_~!$&'()*+,=@%/.-]*|https?://[A-Za-z0-9.-]+"
)
# urlsplit drops these wherever they are in a URL.
_DROPPED = str.maketrans("", "", "\t\r\n")


class LintMemo:
    """Link checks remembered between builds of one site, keyed by exactly what they read.

    A page's scan is kept while its bytes are the same; its link problems while
    its scan, the settings, the scans of the pages its ``#anchors`` point into
    and the output files it asked about (whether ``x/index.html`` exists) are
    the same. A page with problems is checked again whenever the site gains or
    loses a file, as the hints name pages with a similar name.
    """

    def __init__(self) -> None:
        self._scans: dict[str, tuple[str, _Scan]] = {}
        self._pages: dict[str, tuple[_Scan, tuple, list, frozenset[str]]] = {}
        self._config: Config | None = None
        self._names: frozenset[str] = frozenset()
        self._tags: dict[str, tuple] = {}
        self._refs: dict[tuple[str, str], tuple[str, str]] = {}  # each distinct link once
        self.reading = ReadingMemo()  # the reading-level rule's scores

    def __getstate__(self) -> dict:
        # What each distinct tag holds only saves time within a build: not worth saving.
        return {**self.__dict__, "_tags": {}, "_refs": {}}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def scan(self, dest: str, digest: str, load: Callable[[], bytes]) -> _Scan:
        """The scan of page ``dest`` whose bytes have ``digest`` (``load()`` gives them)."""
        found = self._scans.get(dest)
        if found is None or found[0] != digest:
            if len(self._tags) > _TAGS_KEPT:
                self._tags.clear()
            found = self._scans[dest] = (digest, _scan(load(), self._tags))
        return found[1]

    def remember_scan(self, dest: str, digest: str, scan: _Scan) -> None:
        """The scan of a page made elsewhere (by the worker that rendered it).

        Most links are on every page (navigation, tags): each distinct one is kept
        once, not once per page, which matters for a site of thousands of pages."""
        refs = self._refs
        shared = tuple(refs.setdefault(ref, ref) for ref in scan.refs)
        ids = frozenset(sys.intern(name) for name in scan.ids)
        self._scans[dest] = (digest, _Scan(ids, shared))

    def start(self, config: Config, outputs: Mapping[str, bytes]) -> None:
        names = frozenset(outputs)
        if config != self._config:
            self._pages.clear()
        elif names != self._names:
            # A copy: the difference of two large sets keeps their table, and each
            # ``isdisjoint`` below would walk all of its empty slots (3.7 s at 10,000
            # articles for a change of six names).
            changed = set(names ^ self._names)
            self._pages = {
                dest: found
                for dest, found in self._pages.items()
                if not found[2] and found[3].isdisjoint(changed)
            }
        self._config, self._names = config, names
        for dest in [dest for dest in self._scans if dest not in outputs]:
            del self._scans[dest]

    def problems(self, dest: str, scan: _Scan, scans: dict[str, _Scan], check) -> list:
        """The link problems of one page; ``check(asked)`` finds them, noting in the set
        ``asked`` the output files it looked for."""
        found = self._pages.get(dest)
        if (
            found is None
            or found[0] is not scan
            or any(scans.get(target) is not seen for target, seen in found[1])
        ):
            asked: set[str] = set()
            problems, targets = check(asked)
            found = self._pages[dest] = (scan, targets, problems, frozenset(asked))
        return found[2]


class _Asking(Mapping[str, bytes]):
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


def links(
    config: Config,
    site: Site,
    outputs: dict[str, bytes],
    texts: dict[str, str],
    memo: LintMemo | None = None,
) -> Iterator[Finding]:
    """Every internal link and ``#anchor`` of every built page must lead somewhere.

    A link found in a content file is reported at its line there; one the
    templates make is reported once, at the first built page that has it.
    """
    memo = memo if memo is not None else LintMemo()
    memo.start(config, outputs)
    scans = {
        dest: memo.scan(dest, _digest(outputs, dest), lambda dest=dest: outputs[dest])
        for dest in sorted(outputs)
        if dest.endswith(".html")
    }
    resolved = _Links(config, scans, outputs)
    sources = _sources_of_pages(site)
    reported: set[tuple[str, str]] = set()
    for dest, scan in scans.items():

        def check(asked, dest=dest, scan=scan):
            return _page_problems(resolved, dest, scan, asked)

        for tag, ref, problem in memo.problems(dest, scan, scans, check):
            message, hint = problem
            rule = "image-missing" if tag == "img" else "broken-link"
            path, line, column = _locate(ref, sources.get(dest, ()), texts)
            if (path or dest, ref) in reported:
                continue
            reported.add((path or dest, ref))
            if path is None:
                path, message = dest, f"{message} (a link the templates make, in the built page)"
            yield Finding(rule, path, message, line=line, column=column, hint=hint)


def _digest(outputs: Mapping[str, bytes], dest: str) -> str:
    """An output's digest: known to the engine's outputs, else computed."""
    known = getattr(outputs, "digest", None)
    return known(dest) if known is not None else digest_of(outputs[dest])


def _page_problems(resolved: _Links, dest: str, scan: _Scan, asked: set[str]):
    """``([(tag, ref, (message, hint))], [(target page, its scan)])`` for one page: its
    broken links, and the pages whose anchors the answer depended on."""
    page_url = resolved.config.base_url + dest.removesuffix("index.html")
    problems, targets = [], []
    anywhere, verdict = resolved.anywhere, resolved.verdict
    for tag, ref in scan.refs:
        problem, target, names = anywhere.get(ref) or verdict(page_url, ref)
        asked.update(names)
        if problem is None and target is None:
            continue
        if problem is not None:
            problems.append((tag, ref, problem))
        if target is not None:
            targets.append((target, resolved.scans[target]))
    return problems, tuple(targets)


def scan_page(data: bytes, tags: dict[str, tuple]) -> _Scan:
    """The ids and links of a page (:class:`LintMemo` takes it, whoever made it)."""
    if len(tags) > _TAGS_KEPT:
        tags.clear()
    return _scan(data, tags)


def _scan(data: bytes, tags: dict[str, tuple] | None = None) -> _Scan:
    """The ids and links of a page; ``tags`` remembers what each distinct start tag holds,
    since most tags of a page (its navigation, tag and category links) are on every page."""
    tags = {} if tags is None else tags
    ids: set[str] = set()
    refs: list[tuple[str, str]] = []
    for tag in _TAG.findall(data.decode("utf-8", errors="replace")):
        found = tags.get(tag)
        if found is None:
            found = tags[tag] = _tag_links(tag)
        if found is not _NOTHING:
            ids.update(found[0])
            if found[1] is not None:
                refs.append(found[1])
    return _Scan(frozenset(ids), tuple(refs))


def _tag_links(tag: str) -> tuple[tuple[str, ...], tuple[str, str] | None]:
    """The ids a start tag (``a href="/x/" id=y``) defines and the ``(name, URL)`` it
    links to, if any."""
    name, text = tag.split(None, 1)  # str.split and the regex's \s agree on what a space is
    name = name.lower()
    attribute = _LINKING.get(name)
    if "=" not in text or (attribute is None and "id" not in text.lower()):
        return _NOTHING  # most tags: no link, and no attribute whose name is "id"
    wanted = _ID_ATTRIBUTES.get(name, ("id",))
    values = {}
    for key, first, second, bare in _ATTRIBUTE.findall(text):
        key = key.lower()
        if key == attribute or key in wanted:
            values[key] = first or second or bare
    values = {key: html.unescape(value) for key, value in values.items()}
    ids = tuple(values[key] for key in wanted if values.get(key))
    link = (name, values[attribute]) if values.get(attribute) else None
    return (ids, link) if ids or link else _NOTHING


class _Links:
    """Where the links of one build lead, each distinct link worked out once.

    Most links of a page are the site's navigation, tag and category links,
    the same on every page: a link that ``urljoin`` resolves without the page's
    path (``/posts/x/``, ``https://...``, ``tel:...``) is judged once for the
    whole site (``anywhere``), and an ``#anchor`` is its page's URL with a fragment.
    """

    def __init__(self, config: Config, scans: dict[str, _Scan], outputs: dict[str, bytes]):
        self.config, self.scans, self.outputs = config, scans, outputs
        self.origin = urlsplit(config.base_url)
        self.root = f"{self.origin.scheme}://{self.origin.netloc}"
        self.anywhere: dict[str, _Verdict] = {}  # ref -> verdict, for refs alike on every page
        self._pages: dict[str, _Place] = {}  # page URL -> where its own URL leads
        self._verdicts: dict[str, _Verdict] = {}  # URL -> verdict
        self._places: dict[str, _Place] = {}  # URL before its '#' -> where it leads

    def verdict(self, page_url: str, ref: str) -> _Verdict:
        """``(message, hint)`` if ``ref`` on ``page_url`` leads nowhere, and the page whose
        anchors the answer read (when the link has a ``#fragment`` and leads to a page)."""
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

    def _verdict(self, url: str) -> _Verdict:
        found = self._verdicts.get(url)
        if found is None:
            base, _, fragment = url.partition("#")
            fragment = fragment.translate(_DROPPED)  # as urlsplit(url).fragment
            found = self._verdicts[url] = self._judge(self._place(base), fragment)
        return found

    def _judge(self, place: _Place, fragment: str) -> _Verdict:
        problem = self._problem(place, fragment) if place.ours else None
        target = place.target if fragment and place.target in self.scans else None
        return (problem, target, place.asked)

    def _place(self, base: str) -> _Place:
        """Where a URL without a fragment leads."""
        place = self._places.get(base)
        if place is None:
            parts = urlsplit(base)
            path = unquote(parts.path)
            ours = parts.scheme in ("http", "https") and parts.netloc == self.origin.netloc
            asked: set[str] = set()  # the output names any verdict on this place depends on
            looking = _Asking(self.outputs, asked)
            target = _output_for(self.config, path, looking)
            if ours and target is None and not path.startswith(self.config.base_path):
                _output_for(self.config, self.config.base_path + path.lstrip("/"), looking)
            place = _Place(parts.path, path, target, ours, tuple(sorted(asked)))
            self._places[base] = place
        return place

    def _problem(self, place: _Place, fragment: str) -> tuple[str, str] | None:
        """``(message, hint)`` if a link to this site's host leads nowhere."""
        if place.target is not None:
            return self._anchor_problem(place, fragment) if fragment else None
        config, path = self.config, place.path
        shown = place.raw_path + (f"#{fragment}" if fragment else "")
        if not path.startswith(config.base_path):
            inside = config.base_path + path.lstrip("/")
            if _output_for(config, inside, self.outputs) is not None:
                return (
                    f"the link {shown} leaves the site, which lives under {config.base_path}",
                    f"write {inside}",
                )
            return None  # another part of the same host: not this site's business
        return (f"the link {shown} leads to no page of the site", _nearest(path, self.scans))

    def _anchor_problem(self, place: _Place, fragment: str) -> tuple[str, str] | None:
        anchor = unquote(fragment)
        scan = self.scans.get(place.target)
        if not anchor or scan is None or anchor in scan.ids:
            return None
        known = sorted(scan.ids)
        listed = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
        return (
            f"the link {place.raw_path}#{fragment} names the anchor #{anchor}, "
            "which the page does not have",
            f"anchors on that page: {listed}" if known else "the page has no anchors",
        )


class _Place(NamedTuple):
    """Where a URL without its fragment leads."""

    raw_path: str  # as written, for messages
    path: str  # unquoted
    target: str | None  # the output file served at that path
    ours: bool  # on the site's own host
    asked: tuple[str, ...]  # output names looked up to know the above


def _same_on_every_page(ref: str, scheme: str) -> bool:
    """Whether ``urljoin`` resolves ``ref`` alike on every page of a site whose pages
    share ``scheme`` (http or https) and host: ``ref`` names another scheme
    (``tel:``), a host, or a path from the root (``/posts/x/``)."""
    parts = urlsplit(ref)
    return parts.scheme not in ("", scheme) or bool(parts.netloc) or parts.path.startswith("/")


def _output_for(config: Config, path: str, outputs: dict[str, bytes]) -> str | None:
    """The output file a URL path is served from, if the build writes one."""
    if not path.startswith(config.base_path):
        return None
    dest = path[len(config.base_path) :]
    if not dest or dest.endswith("/"):
        dest += "index.html"
    # /posts/a is served as /posts/a/index.html by common web servers, too.
    return next((name for name in (dest, dest + "/index.html") if name in outputs), None)


def _nearest(path: str, scans: dict[str, _Scan]) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    pages = sorted(dest.removesuffix("index.html") for dest in scans if name and name in dest)
    return (
        f"pages with a similar name: {', '.join(pages[:4])}"
        if pages
        else ("check the spelling, and that the page is not a draft or dated in the future")
    )


def _sources_of_pages(site: Site) -> dict[str, tuple[str, ...]]:
    """Output page -> the content files whose text it shows."""
    sources = {
        article.dest_path: (
            article.src_path,
            *dict.fromkeys(s.src_path for s in article.sections if s.src_path),
            *(comment.src_path for comment in article.comments),
        )
        for article in site.articles
    }
    sources.update({page.dest_path: (page.src_path,) for page in site.pages})
    return sources


def _locate(
    ref: str, candidates: Iterable[str], texts: dict[str, str]
) -> tuple[str | None, int | None, int | None]:
    for src_path in candidates:
        text = texts.get(src_path, "")
        offset = text.find(ref)
        if offset < 0:
            offset = text.find(ref.replace("&", "&amp;"))
        if offset >= 0:
            line = text.count("\n", 0, offset) + 1
            return src_path, line, offset - (text.rfind("\n", 0, offset) + 1) + 1
    return None, None, None


# Dates ------------------------------------------------------------------------------------


def _moment(value: date | datetime, config: Config) -> datetime:
    """Like the build: a date without a time is midnight in the site's timezone."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=config.zone)
    return datetime.combine(value, time(), tzinfo=config.zone)


def _add_months(day: date, months: int) -> date:
    """``day`` plus ``months``, on the month's last day when it has fewer days."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if year > date.max.year:
        return date.max
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
