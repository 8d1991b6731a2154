"""The findings of the rules on one file, kept between builds by what they were made from.

A rule on one file reads that file's parsed form and the settings (and, for
the medical review rule, today's date): its findings for a file stay the same
while the file's :class:`~generator.parse.ParsedFile` (a new object whenever
the file's bytes change), the settings and the day do. At 10,000 articles the
rules found ~24,000 things on every build, which cost about a second to make
again; a build after an edit now makes them for the edited files only.

A reading-level finding is kept the same way, under the article's grade
(:class:`~generator.reading_level.ArticleGrade`, a new object whenever one of
the article's files changes).

Each file's findings are a :class:`Verdict`, a record of the saved snapshot:
written once, then saved by reference (see :mod:`generator.engine.records`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from generator import reading_level
from generator.assemble import Visibility
from generator.components import appointment
from generator.config import Config
from generator.lint.body import empty_sections, headings
from generator.lint.dates import reviews
from generator.lint.findings import Finding, as_finding
from generator.lint.front_matter import (
    documents,
    duplicates,
    lengths,
    title_key_of,
    unknown_fields,
)
from generator.parse import ParsedFile
from generator.reading_level import ArticleGrade


class Verdict(NamedTuple):
    """What the rules found in what they read (a parsed file, or an article's grade)."""

    made_from: Any  # the ParsedFile or ArticleGrade, kept to tell that it is the same one
    found: tuple[tuple[Finding, ...], ...]  # per rule, in the order of the rules
    title_key: str | None = None  # the title as duplicate_titles compares it, if it has one


# The rules on one file, each called with that file alone: in the order in which
# file_findings lists them, so that their findings come out as they always did.
FIRST = ("unknown-fields", "lengths")
MIDDLE = ("headings", "empty-sections", "reviews")
LAST = ("appointment",)
_RULES: dict[str, Callable[[Config, Any, list[ParsedFile]], Iterable]] = {
    "unknown-fields": lambda config, visibility, one: unknown_fields(one),
    "lengths": lambda config, visibility, one: lengths(one),
    "headings": lambda config, visibility, one: headings(one),
    "empty-sections": lambda config, visibility, one: empty_sections(one),
    "reviews": lambda config, visibility, one: reviews(config, one, visibility),
    "appointment": lambda config, visibility, one: map(
        as_finding, appointment.missing_contact(config.clinic, one)
    ),
}
_ORDER = {name: position for position, name in enumerate(_RULES)}


class FileRulesMemo:
    """Per-file findings kept while the settings and the day they were made on are the same."""

    def __init__(self) -> None:
        self._files: dict[str, Verdict] = {}
        self._grades: dict[str, Verdict] = {}
        self._made_on: tuple | None = None  # (settings, day)

    def start(self, config: Config, visibility: Visibility) -> None:
        """Forget every finding made with other settings, or on another day (the review
        rule's findings and hints depend on the day)."""
        made_on = (config, visibility.now.astimezone(config.zone).date())
        if self._made_on != made_on:
            self._files.clear()
            self._grades.clear()
        self._made_on = made_on

    def of_files(self, config: Config, parsed: list[ParsedFile], visibility) -> list[Verdict]:
        """Each parsed file's verdict, made again only for files not seen before."""
        known, verdicts = self._files, []
        for item in parsed:
            verdict = known.get(item.src_path)
            if verdict is None or verdict.made_from is not item:
                verdict = known[item.src_path] = _judged(config, item, visibility)
            verdicts.append(verdict)
        if len(known) > len(verdicts):
            paths = {item.src_path for item in parsed}
            for path in [path for path in known if path not in paths]:
                del known[path]  # a removed file
        return verdicts

    def of_grades(self, config: Config, grades: tuple[ArticleGrade, ...]) -> Iterator[Finding]:
        """The reading-level findings of the articles' grades, as
        :func:`~generator.reading_level.findings_of` gives them for graded articles (when
        none is graded, that function says why once for the site: call it instead)."""
        known = self._grades
        for grade in grades:
            verdict = known.get(grade.path)
            if verdict is None or verdict.made_from is not grade:
                found = tuple(map(as_finding, reading_level.findings_of(config, (grade,))))
                verdict = known[grade.path] = Verdict(grade, (found,))
            yield from verdict.found[0]
        if len(known) > len(grades):
            paths = {grade.path for grade in grades}
            for path in [path for path in known if path not in paths]:
                del known[path]


def of_rules(verdicts: list[Verdict], names: tuple[str, ...]) -> Iterator[Finding]:
    """The findings of the rules ``names``, rule by rule, file by file."""
    for name in names:
        position = _ORDER[name]
        for verdict in verdicts:
            yield from verdict.found[position]


def duplicate_titles(verdicts: list[Verdict]) -> Iterator[Finding]:
    """:func:`~generator.lint.front_matter.duplicate_titles` from the titles the verdicts kept."""
    titled = [verdict for verdict in verdicts if verdict.title_key is not None]
    return duplicates((verdict.made_from, verdict.title_key) for verdict in titled)


def _judged(config: Config, item: ParsedFile, visibility) -> Verdict:
    one = [item]
    found = tuple(tuple(rule(config, visibility, one)) for rule in _RULES.values())
    title_key = next((title_key_of(document) for document in documents(one)), None)
    return Verdict(item, found, title_key)
