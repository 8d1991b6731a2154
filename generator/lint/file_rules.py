"""The findings of the rules that read the site's files and model, never its outputs.

They need no rendered page and no search index, so the build makes them while
Pagefind indexes the pages (see ``Engine._checked``); :func:`~generator.lint.lint_site`
then adds the rules that look at the outputs. The groups keep the order in which
``lint_site`` lists every rule, so that findings at the same place come out in
the same order whichever way they were made.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import brand, reading_level, starter_text
from generator.assemble import Visibility
from generator.config import Config
from generator.discover import SiteSources
from generator.lint.dates import unpublished
from generator.lint.file_memo import FIRST, LAST, MIDDLE, FileRulesMemo, duplicate_titles, of_rules
from generator.lint.findings import Finding, as_finding
from generator.lint.locate import SourceTexts
from generator.lint.memo import LintMemo
from generator.parse import ParsedFile
from generator.reading_level import ArticleGrade


@dataclass(frozen=True)
class FileFindings:
    """What the rules on files found, in three groups around the rules on outputs:
    ``first``, the hero images' rule, ``middle``, the link check, ``last``."""

    texts: SourceTexts  # the content files' text, read once for every rule
    first: list[Finding]
    middle: list[Finding]
    last: list[Finding]


def source_texts(sources: SiteSources) -> SourceTexts:
    """The content files' text, read only when a rule asks (a stale read goes to the run's log)."""
    content = (source for source in sources.posts + sources.pages if source.kind != "asset")
    return SourceTexts(content, sources.stale)


def grade_articles(
    config: Config, parsed: list[ParsedFile], memo: LintMemo | None, texts: SourceTexts
) -> tuple[ArticleGrade, ...] | None:
    """Grade the articles ``memo`` does not know yet (on every core, in forked workers);
    return every article's grade, for :func:`file_findings` (None when not graded).

    The reading-level rule would grade them itself; done first, before anything
    starts a thread (forking is not safe then), the rule finds them all known."""
    if memo is not None and config.check.severity(reading_level.RULE) != "off":
        return reading_level.article_grades(config, parsed, *_reading_memo(memo, texts))
    return None  # a rule that is off: reading_level.findings lets go of the memo's files


def file_findings(
    config: Config,
    sources: SiteSources,
    parsed: list[ParsedFile],
    visibility: Visibility,
    memo: LintMemo | None = None,
    texts: SourceTexts | None = None,
    grades: tuple[ArticleGrade, ...] | None = None,
) -> FileFindings:
    """Every finding of the rules that look at files and the model only; ``grades`` are
    what :func:`grade_articles` returned for the same files, if it was called (grading
    every article again, even from the memo, cost half a second at 10,000 articles)."""
    texts = texts if texts is not None else source_texts(sources)
    files = memo.files if memo is not None else FileRulesMemo()
    files.start(config, visibility)
    verdicts = files.of_files(config, parsed, visibility)
    if grades:  # each graded article's findings are kept with its grade
        reading = list(files.of_grades(config, grades))
    elif grades is None:
        graded = reading_level.findings(config, parsed, *_reading_memo(memo, texts))
        reading = map(as_finding, graded)
    else:
        reading = map(as_finding, reading_level.findings_of(config, grades))
    return FileFindings(
        texts,
        first=list(of_rules(verdicts, FIRST)),
        middle=[
            *of_rules(verdicts, MIDDLE[:2]),
            *duplicate_titles(verdicts),
            *of_rules(verdicts, MIDDLE[2:]),
            *unpublished(config, parsed, visibility),
        ],
        last=[
            *reading,
            *map(as_finding, starter_text.findings(config, parsed, texts, memo and memo.starter)),
            *map(as_finding, brand.file_findings(config.theme, sources.static, sources.stale)),
            *of_rules(verdicts, LAST),
        ],
    )


def _reading_memo(memo: LintMemo | None, texts: SourceTexts) -> tuple:
    """The reading-level rule's memo, and the digests by which it knows a text unchanged."""
    if memo is None:
        return None, None
    return memo.reading, texts.digests()
