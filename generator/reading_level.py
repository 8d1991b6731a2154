"""The ``reading-level`` rule: articles written above the site's school grade.

Each published article's running text (its intro and sections together) is
scored by :mod:`generator.readability` in the site's ``language``; above
``reading_grade`` of ``[check]`` in ``site.toml`` (default 8, what
health-literacy guidance asks of patient material) the rule warns once per
article, at its hardest section, naming that section's hardest sentences.
An article of fewer than ``MIN_WORDS`` words is scored but not warned about.

A site in a language that cannot be scored gets one warning saying so, at
``site.toml``. ``sitegen check --format json`` lists every article's grade
(:func:`article_grades`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from generator.config import CONFIG_NAME, Config
from generator.errors import SiteWarning
from generator.parallel import map_forked
from generator.parse import ParsedFile
from generator.readability import (
    FORMULAS,
    Formula,
    Score,
    formula_for,
    hardest_sentences,
    running_sentences,
    sentences_score,
)

RULE = "reading-level"
_SCORED_KINDS = ("article", "article_index", "section")
_SENTENCE_SHOWN = 90  # characters of a hard sentence quoted in a hint
# Below this many words a grade says little (one long word moves it by grades): not warned.
MIN_WORDS = 100


@dataclass(frozen=True)
class SectionGrade:
    src_path: str
    title: str
    line: int | None
    score: Score


@dataclass(frozen=True)
class ArticleGrade:
    """One article's grade, and each of its files' with running text."""

    path: str  # the article's folder, or its file for a single-file article
    score: Score
    sections: tuple[SectionGrade, ...]

    @property
    def hardest(self) -> SectionGrade:
        return max(self.sections, key=lambda section: section.score.grade)


class ReadingMemo:
    """Article grades kept between builds (in the lint memo, with the engine's state), each
    under the article's path and a key standing for what was graded (:func:`_key`): a
    rebuild grades only the articles that changed, which matters at thousands of articles
    (~5 ms each).

    It keeps too each article's parsed files as last graded (drafts too), which the
    engine's state gives back as the same objects while the files are unchanged: a
    rebuild looks only at the articles of which a file is another object, rather than
    keying every article again (half a second at 10,000 articles)."""

    _files: dict[str, tuple[ParsedFile, ...]] = {}  # a memo saved before these were kept
    _formula = ""

    def __init__(self) -> None:
        self._grades: dict[str, tuple[bytes, ArticleGrade]] = {}
        self._files = {}  # each article's files, by its path, as last graded
        self._formula = ""  # the name of the formula they were graded with

    def known(self, path: str, key: bytes) -> ArticleGrade | None:
        """The grade kept for ``path`` made from ``key``; ``None`` if none, or for another key."""
        found = self._grades.get(path)
        return found[1] if found is not None and found[0] == key else None

    def keep(self, path: str, key: bytes, grade: ArticleGrade) -> None:
        self._grades[path] = (key, grade)

    def forget(self, path: str) -> None:
        self._grades.pop(path, None)

    def keep_only(self, paths: set[str]) -> None:
        """Forget the grades of removed articles (and which files each was graded from)."""
        for path in [path for path in self._grades if path not in paths]:
            del self._grades[path]
        self._files = {}

    def changed(
        self, parsed: list[ParsedFile], formula: str
    ) -> tuple[dict[str, tuple[ParsedFile, ...]], set[str]]:
        """Every article's files (drafts too) as of ``parsed``, and the paths of the
        articles not graded from these very objects with ``formula`` (all, for another one)."""
        was = self._files if formula == self._formula else {}
        seen = {item.src_path: item for files in was.values() for item in files}
        now = {item.src_path: item for item in parsed if item.kind in _SCORED_KINDS}
        new = [item for path, item in now.items() if seen.get(path) is not item]
        gone = [item for path, item in seen.items() if now.get(path) is not item]
        changed = {item.article_dir or item.src_path for item in new + gone}
        groups: dict[str, list[ParsedFile]] = {}
        for path in changed:
            kept = [item for item in was.get(path, ()) if now.get(item.src_path) is item]
            groups[path] = kept
        for item in new:
            groups[item.article_dir or item.src_path].append(item)
        files = {path: files for path, files in was.items() if path not in changed}
        for path, group in groups.items():
            if group:
                files[path] = tuple(sorted(group, key=lambda item: (item.order, item.src_path)))
        return files, changed

    def graded(self, files: dict[str, tuple[ParsedFile, ...]], formula: str) -> None:
        """Note that the articles' grades are now those of ``files`` (see :meth:`changed`)."""
        self._files, self._formula = files, formula

    def set_aside(self) -> None:
        """Nothing is graded for now (the rule is off, or the language unscored): let go
        of the files last graded, which would otherwise be saved with the state long
        after the site moved on. The grades stay, found again by their keys."""
        self._files = {}

    def grades(self) -> tuple[ArticleGrade, ...]:
        """The grade of every article kept, by path, but those with no running text."""
        kept = (self._grades[path][1] for path in sorted(self._grades))
        return tuple(grade for grade in kept if grade.sections)


def article_grades(
    config: Config,
    parsed: list[ParsedFile],
    memo: ReadingMemo | None = None,
    digests: Mapping[str, str] | None = None,
) -> tuple[ArticleGrade, ...]:
    """The grade of every article that is not a draft, by path; ``()`` for an unscored language.

    Only the articles whose files ``memo`` last saw as other objects are looked at;
    those it does not know by their key either are graded on every core. ``digests``
    (``src_path -> digest`` of the content files) lets ``memo`` know an article
    unchanged by its files' digests rather than by hashing its text."""
    formula = formula_for(config.language)
    memo = memo if memo is not None else ReadingMemo()
    if formula is None:
        memo.set_aside()
        return ()
    files, changed = memo.changed(parsed, formula.name)
    articles = {path: files[path] for path in changed if path in files}
    articles = {path: group for path, group in articles.items() if not _draft(group)}
    keys = {path: _key(group, formula, digests or {}) for path, group in articles.items()}
    unknown = [path for path in sorted(articles) if memo.known(path, keys[path]) is None]
    graded = map_forked(lambda path: _grade(path, articles[path], formula), unknown)
    for path, grade in zip(unknown, graded, strict=True):
        memo.keep(path, keys[path], grade)
    for path in changed:
        if path not in articles:
            memo.forget(path)  # removed, or now a draft
    if changed.issuperset(files):  # every article looked at: forget any other kept
        memo.keep_only(set(articles))
    memo.graded(files, formula.name)
    return memo.grades()


def _key(files: tuple[ParsedFile, ...], formula: Formula, digests: Mapping[str, str]) -> bytes:
    """What an article's grade is made from: its files' digests where known (cheaper to
    compare than its text), else its text."""
    made_from = [digests.get(item.src_path, "") for item in files]
    text = "\0".join(made_from) if all(made_from) else "".join(str(item.html) for item in files)
    digest = hashlib.blake2b(f"{formula.name}\0{text}".encode(), digest_size=16).digest()
    return (b"files:" if all(made_from) else b"text:") + digest


def findings(
    config: Config,
    parsed: list[ParsedFile],
    memo: ReadingMemo | None = None,
    digests: Mapping[str, str] | None = None,
) -> Iterator[SiteWarning]:
    """A warning for each article above ``reading_grade``, or one for an unscored language."""
    if config.check.severity(RULE) == "off":
        if memo is not None:
            memo.set_aside()
        return  # grading costs ~5 ms an article: none for a rule that is off
    # An unscored language grades nothing; findings_of then says it is unscored.
    yield from findings_of(config, article_grades(config, parsed, memo, digests))


def findings_of(config: Config, grades: tuple[ArticleGrade, ...]) -> Iterator[SiteWarning]:
    """:func:`findings` from the articles' grades (what :func:`article_grades` returned)."""
    if config.check.severity(RULE) == "off":
        return
    formula = formula_for(config.language)
    if formula is None:
        yield _unscored(config.language)
        return
    limit = config.check.reading_grade
    for article in grades:
        if article.score.grade > limit and article.score.words >= MIN_WORDS:
            yield _too_hard(article, limit, formula)


def _draft(files: tuple[ParsedFile, ...]) -> bool:
    return any(item.kind != "section" and item.meta.get("draft") for item in files)


def _grade(path: str, files: tuple[ParsedFile, ...], formula: Formula) -> ArticleGrade:
    """Each file's grade and the whole article's; the hardest sentences only of its
    hardest file, the one a warning names (scoring every sentence of every file would
    cost several times the rest)."""
    texts = [running_sentences(str(item.html)) for item in files]
    scores = [sentences_score(sentences, formula, hardest=False) for sentences in texts]
    sections = [
        SectionGrade(item.src_path, item.meta.get("title") or "", item.line_of("title"), score)
        for item, score in zip(files, scores, strict=True)
    ]
    worded = [i for i, section in enumerate(sections) if section.score.words]
    if worded:
        hardest = max(worded, key=lambda i: sections[i].score.grade)
        named = hardest_sentences(texts[hardest], formula)  # its grade is known already
        full = dataclasses.replace(scores[hardest], sentences=named)
        sections[hardest] = dataclasses.replace(sections[hardest], score=full)
    whole = sentences_score([sentence for part in texts for sentence in part], formula, False)
    return ArticleGrade(path, whole, tuple(sections[i] for i in worded))


def _too_hard(article: ArticleGrade, limit: float, formula: Formula) -> SiteWarning:
    hardest = article.hardest
    quoted = "; ".join(
        f"“{_shortened(sentence.text)}” (grade {sentence.grade:g})"
        for sentence in hardest.score.sentences
    )
    return SiteWarning(
        hardest.src_path,
        f"the article reads at grade {article.score.grade:g} ({formula.name}), above the "
        f"site's {limit:g}; its hardest part is '{hardest.title}' at grade "
        f"{hardest.score.grade:g}",
        line=hardest.line,
        column=1 if hardest.line else None,
        hint=(f"its hardest sentences: {quoted}. " if quoted else "")
        + "Shorter sentences and everyday words lower the grade; the limit is "
        "reading_grade under [check] in site.toml",
        rule=RULE,
    )


def _unscored(language: str) -> SiteWarning:
    known = ", ".join(sorted(FORMULAS))
    return SiteWarning(
        CONFIG_NAME,
        f"the reading level of '{language}' text cannot be scored (only {known}): "
        "no article was checked",
        hint='to silence this, add reading-level = "off" under [check.rules]',
        rule=RULE,
    )


def _shortened(text: str) -> str:
    if len(text) <= _SENTENCE_SHOWN:
        return text
    return text[: _SENTENCE_SHOWN - 1].rsplit(" ", 1)[0] + " …"
