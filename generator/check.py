"""``sitegen check``: every problem of a site at once, as text or JSON.

A build stops at the first file it cannot read or parse; ``check`` reports
every problem in one run (see :mod:`generator.check_all`), then (when the site
can be assembled) renders it in memory and runs the lints of
:mod:`generator.lint`, exactly as a build does. Nothing is written into the site: the
engine's caches go to a temporary folder (:mod:`generator.scratch`).

The JSON report (``--format json``) has this shape::

    {
      "version": 1,
      "site": "path/to/site",
      "summary": {"error": 1, "warning": 2, "info": 0},
      "findings": [
        {"path": "content/posts/acne/index.md", "line": 4, "column": 1,
         "severity": "error", "rule": "front-matter-type",
         "message": "'date' must be a date like 2024-05-01, got 'yesterday'",
         "hint": null}
      ]
    }

``line`` and ``column`` are ``null`` where a finding has no place in a file;
``path`` is relative to the site folder (or names a built page for a link
the templates make).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from generator.build import BuildOptions, render_site
from generator.check_all import site_problems
from generator.config import load_config
from generator.errors import SiteError, each_error
from generator.lint import CheckFailed, summary
from generator.parse import ParsedFile
from generator.readability import formula_for
from generator.reading_level import ArticleGrade, article_grades
from generator.scratch import scratch_cache

JSON_VERSION = 1


@dataclass(frozen=True)
class ReadingReport:
    """Every article's reading grade, for the JSON report."""

    formula: str
    limit: float
    articles: tuple[ArticleGrade, ...]


@dataclass(frozen=True)
class CheckReport:
    site: str
    findings: tuple[SiteError, ...]
    reading: ReadingReport | None = None  # None: the site's language cannot be scored

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == "error")


def check_site(site_dir: Path, options: BuildOptions | None = None) -> CheckReport:
    """Check the site in ``site_dir`` as a build with ``options`` would see it."""
    options = options or BuildOptions()
    parsed: list[ParsedFile] = []
    findings = tuple(_findings(site_dir.resolve(), options, parsed))
    return CheckReport(str(site_dir), findings, _reading(site_dir, parsed))


def _findings(site_dir: Path, options: BuildOptions, parsed: list[ParsedFile]) -> list[SiteError]:
    """The findings; the files that parse are added to ``parsed``."""
    try:
        config = load_config(site_dir)
    except SiteError as error:
        return [error]
    problems = site_problems(config, site_dir, drafts=options.drafts)
    parsed += problems.parsed
    if problems.errors:
        return problems.all()
    try:
        # Rendering keeps caches (images, templates): a scratch cache folder takes them.
        with scratch_cache(options.cache_folder(site_dir)) as cache:
            _, _, found = render_site(site_dir, replace(options, cache_dir=cache))
    except CheckFailed as failed:
        return list(failed.findings)
    except SiteError as error:  # the site cannot be rendered (a template, an image)
        return [*each_error(error), *problems.warnings]
    return list(found)


def _reading(site_dir: Path, parsed: list[ParsedFile]) -> ReadingReport | None:
    try:
        config = load_config(site_dir)
    except SiteError:
        return None
    formula = formula_for(config.language)
    if formula is None:
        return None
    return ReadingReport(formula.name, config.check.reading_grade, article_grades(config, parsed))


def format_text(report: CheckReport) -> str:
    """Compiler-style lines, ``path:line:col: severity: message [rule]``, then a summary."""
    lines = [str(finding) for finding in report.findings]
    lines.append(f"{report.site}: {summary(report.findings)}")
    return "\n".join(lines)


def format_json(report: CheckReport) -> str:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in report.findings:
        counts[finding.severity] += 1
    data = {
        "version": JSON_VERSION,
        "site": report.site,
        "summary": counts,
        "findings": [
            {
                "path": finding.path,
                "line": finding.line,
                "column": finding.column,
                "severity": finding.severity,
                "rule": finding.rule,
                "message": finding.message,
                "hint": finding.hint,
            }
            for finding in report.findings
        ],
        "reading_level": _reading_json(report.reading),
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _reading_json(reading: ReadingReport | None) -> dict | None:
    if reading is None:
        return None
    return {
        "formula": reading.formula,
        "limit": reading.limit,
        "articles": [
            {
                "path": article.path,
                "grade": article.score.grade,
                "words": article.score.words,
                "sections": [
                    {"path": section.src_path, "grade": section.score.grade}
                    for section in article.sections
                ],
            }
            for article in reading.articles
        ],
    }
