"""Every problem of a site in one run, for ``sitegen check``.

A build stops at the first problem it cannot go on from; ``check`` must not
make a writer fix and run again to learn of the next. Each stage is run on
whatever the previous one could read, and what each finds is kept:

1. discovery, file by file when the site as a whole cannot be listed;
2. parsing of every content file (every wrong field of a file, not the first);
3. the people articles name (``author``, ``reviewed_by``), read from each
   file's own front matter, so that a file with a wrong date is still checked
   and every file naming an unknown person is named;
4. each article on its own, then the site as a whole (URLs, related posts);
5. the lints that need only the parsed files (headings, FAQ questions,
   lengths), so that they come in the same run as the errors above.

When nothing above is an error, the caller renders the site and runs every
lint as a build does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from generator.article_model import article_files, build_article, person_error
from generator.assemble import Visibility, link_site
from generator.config import Config
from generator.discover import IGNORED_NAMES, SiteSources, discover, discover_content
from generator.errors import SiteError, SiteWarning, each_error
from generator.lint.body import empty_sections, headings
from generator.lint.findings import Finding
from generator.lint.front_matter import duplicate_titles, lengths
from generator.parse import ParsedFile, front_matter_text, parse_source
from generator.render import default_theme_dir

PEOPLE = (("author", "authors"), ("reviewed_by", "reviewers"))
_YAML_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # every value a string


@dataclass
class Problems:
    errors: list[SiteError] = field(default_factory=list)
    warnings: list[SiteError] = field(default_factory=list)
    parsed: list[ParsedFile] = field(default_factory=list)  # the files that parse

    def add(self, found: Iterable[SiteError]) -> None:
        """Keep each problem: one that stops a build is an error, a lint's finding a warning
        (whatever severity ``site.toml`` gives it: the lints of a build run on)."""
        for problem in found:
            (self.warnings if isinstance(problem, SiteWarning) else self.errors).append(problem)

    def all(self) -> list[SiteError]:
        """Errors first, each reported once, in the order of their files and lines."""
        seen, unique = set(), []
        for problem in sorted(self.errors, key=_place) + self.warnings:
            key = (problem.path, problem.line, problem.column, problem.message)
            if key not in seen:
                seen.add(key)
                unique.append(problem)
        return unique


def site_problems(config: Config, site_dir: Path, drafts: bool = False) -> Problems:
    """What stops the site from being built, and what lints can say without building it."""
    problems = Problems()
    sources = _sources(site_dir, problems)
    content = [source for source in sources if source.kind != "asset"]
    parsed = problems.parsed
    for source in content:
        try:
            item = parse_source(source)
        except SiteError as error:
            problems.add(each_error(error))
            continue
        parsed.append(item)
        problems.add(_as_finding(config, warning) for warning in item.warnings)
    problems.add(_unknown_people(config, content))
    if not problems.errors:
        assets = [source for source in sources if source.kind == "asset"]
        problems.add(_model_problems(config, parsed, assets, drafts))
    if problems.errors:  # the site will not be rendered: say now what the lints would
        problems.add(_parsed_lints(config, parsed))
    problems.warnings = [w for w in problems.warnings if w.severity != "off"]
    return problems


def _sources(site_dir: Path, problems: Problems) -> list:
    try:
        found: SiteSources = discover(site_dir, default_theme_dir())
        return [*found.posts, *found.pages]
    except SiteError as error:
        stopped = error  # list the files one by one below, to name every one out of place
    sources = []
    before = len(problems.errors)
    for folder in ("posts", "pages"):
        root = site_dir / "content" / folder
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            parts = path.relative_to(site_dir).parts
            if path.is_dir() or any(IGNORED_NAMES.search(part) for part in parts):
                continue
            try:
                listed = discover_content(site_dir, path)
            except SiteError as error:
                problems.add(each_error(error))
                continue
            if folder == "pages" and any(source.kind == "asset" for source in listed):
                problems.add([_misplaced_page_file(listed[0].src_path)])
                continue
            sources += listed
    if len(problems.errors) == before or stopped.rule == "symlink-outside":
        problems.add(each_error(stopped))  # not a file of content/ (a link, static/)
    return sources


def _misplaced_page_file(src_path: str) -> SiteError:
    return SiteError(
        src_path,
        "content/pages holds only Markdown pages",
        hint="put images and other files for pages in static/",
        rule="content-layout",
    )


def _unknown_people(config: Config, content: list) -> list[SiteError]:
    found = []
    for source in content:
        if source.kind not in ("article", "article_index"):
            continue
        for field_name, table in PEOPLE:
            written = _raw_field(source, field_name)
            people = config.authors if table == "authors" else config.reviewers
            if written is not None and written[0] and written[0] not in people:
                key, line = written
                found.append(person_error(people, source.src_path, key, field_name, table, line))
    return found


def _raw_field(source, name: str) -> tuple[str, int] | None:
    """A front matter field's value as written and its line, whatever else is wrong."""
    try:
        node = yaml.compose(front_matter_text(source), Loader=_YAML_LOADER)
    except (SiteError, yaml.YAMLError):
        return None  # parsing reports that
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if key.value == name and isinstance(value, yaml.ScalarNode):
            return value.value, key.start_mark.line + 1  # '---' is line 1
    return None


def _model_problems(
    config: Config, parsed: list[ParsedFile], assets: list, drafts: bool
) -> list[SiteError]:
    try:
        groups = article_files(parsed, assets)
    except SiteError as error:
        return [error]
    found, articles = [], []
    for files in groups:
        try:
            articles.append(build_article(config, files))
        except SiteError as error:
            found.append(error)
    if not found:
        try:
            link_site(config, articles, parsed, Visibility(datetime.now(UTC), drafts=drafts))
        except SiteError as error:
            found.append(error)
    return found


def _parsed_lints(config: Config, parsed: list[ParsedFile]) -> list[SiteError]:
    found = [
        *lengths(parsed),
        *headings(parsed),
        *empty_sections(parsed),
        *duplicate_titles(parsed),
    ]
    for finding in found:
        finding.severity = config.check.severity(finding.rule)
    return found


def _as_finding(config: Config, warning: SiteError) -> SiteError:
    """A parse warning with the severity ``site.toml`` gives its rule."""
    if warning.rule is None:
        return warning
    finding = Finding(
        warning.rule,
        warning.path or "",
        warning.message,
        line=warning.line,
        column=warning.column,
        hint=warning.hint,
    )
    finding.severity = config.check.severity(warning.rule)
    return finding


def _place(problem: SiteError) -> tuple:
    return (problem.path or "", problem.line or 0, problem.column or 0)
