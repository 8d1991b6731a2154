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

The package, one job a module: :mod:`~generator.lint.findings` (what a lint
reports), :mod:`~generator.lint.front_matter` and :mod:`~generator.lint.body`
(rules on one file), :mod:`~generator.lint.dates` (rules that time changes,
and until when a build holds), :mod:`~generator.lint.file_rules` (the rules that
need no output, made while the search index is built), and the link check:
:mod:`~generator.lint.scan` (a page's ids and links),
:mod:`~generator.lint.resolve` (where a link leads),
:mod:`~generator.lint.memo` (what is kept between builds),
:mod:`~generator.lint.locate` (the line a link was written on) and
:mod:`~generator.lint.link_check` (the findings).
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.assemble import Visibility
from generator.config import Config
from generator.discover import SiteSources
from generator.errors import SiteWarning
from generator.lint.dates import valid_until
from generator.lint.file_rules import FileFindings, file_findings, grade_articles, source_texts
from generator.lint.findings import CheckFailed, Finding, as_finding, place, summary
from generator.lint.front_matter import ARTICLE_KINDS, images
from generator.lint.link_check import links
from generator.lint.locate import SourceTexts
from generator.lint.memo import LintMemo
from generator.lint.scan import PageScan, scan_page
from generator.model import Site
from generator.outputs import Outputs
from generator.parse import ParsedFile

__all__ = [
    "ARTICLE_KINDS",
    "CheckFailed",
    "FileFindings",
    "Finding",
    "LintMemo",
    "PageScan",
    "SourceTexts",
    "file_findings",
    "grade_articles",
    "lint_site",
    "scan_page",
    "source_texts",
    "summary",
    "valid_until",
    "validate",
]


def validate(
    config: Config,
    sources: SiteSources,
    parsed: list[ParsedFile],
    site: Site,
    outputs: Outputs,
    visibility: Visibility,
    page_problems: Iterable[SiteWarning] = (),
    memo: LintMemo | None = None,
    files: FileFindings | None = None,
) -> list[SiteWarning]:
    """Every finding that is not an error; raise :class:`CheckFailed` if any is.

    ``page_problems`` are what the build found in rendered pages (images without
    alt text, loads from other hosts), each carrying its rule. ``memo`` (kept by
    a long-running build) remembers the link checks of pages whose bytes did not
    change, so a rebuild checks only what changed. ``files``: see :func:`lint_site`.
    """
    findings = lint_site(
        config, sources, parsed, site, outputs, visibility, page_problems, memo, files
    )
    if any(finding.severity == "error" for finding in findings):
        raise CheckFailed(findings)
    return list(findings)


def lint_site(
    config: Config,
    sources: SiteSources,
    parsed: list[ParsedFile],
    site: Site,
    outputs: Outputs,
    visibility: Visibility,
    page_problems: Iterable[SiteWarning] = (),
    memo: LintMemo | None = None,
    files: FileFindings | None = None,
) -> list[Finding]:
    """All findings of the site, sorted by place, with the severities of ``site.toml``.

    ``files`` are the findings of the rules on files (:func:`file_findings`), when
    they were made already."""
    if files is None:
        files = file_findings(config, sources, parsed, visibility, memo)
    found: list[Finding] = [
        *files.first,
        *images(config, parsed, outputs),
        *files.middle,
        *links(config, site, outputs, files.texts, memo),
        *files.last,
        *(as_finding(problem) for problem in page_problems),
    ]
    readers = {comment.src_path for article in site.articles for comment in article.comments}
    for finding in found:
        finding.severity = config.check.severity(finding.rule)
        if finding.path in readers and finding.severity == "error":
            finding.severity = "warning"  # what a reader wrote must never stop the clinic's build
    kept = [finding for finding in found if finding.severity != "off"]
    return sorted(kept, key=place)
