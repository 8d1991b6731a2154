"""How hard an article is to read, as a school grade, for the ``reading-level`` rule.

Health-literacy guidance asks for patient material at about an 8th-grade
reading level. The scores come from `textstat`_ (MIT, maintained), with one
school-grade formula per language it can score without reaching the network:

- English: the Automated Readability Index (characters per word and words per
  sentence). textstat's syllable-based English formulas look words up in
  NLTK's CMU dictionary, which it downloads on first use; a build must never
  depend on the network, so they are not used.
- German: the first Wiener Sachtextformel; Spanish: Crawford's formula (both
  count syllables with the hyphenation dictionaries that ship with pyphen).

Any other language cannot be scored: :func:`formula_for` returns ``None``.

Only running text counts: paragraphs, list items, quotes and definitions.
Headings, code and tables are left out, and each block ends a sentence even
without a full stop (a list item is a sentence of its own)::

    >>> score = text_score("<p>The cat sat on the mat. It was warm.</p>", "en")
    >>> score.grade, score.words, score.sentences[0].text
    (-4.5, 9, 'The cat sat on the mat.')

.. _textstat: https://github.com/textstat/textstat
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass

from generator.text_blocks import text_blocks

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
# A sentence of fewer words is a fragment (a label, "Yes."): not worth naming as hard.
_SENTENCE_MIN_WORDS = 5
HARDEST_SHOWN = 2


@dataclass(frozen=True)
class Formula:
    """A school-grade formula. ``bound``, where one is known, gives cheaply a number no
    less than ``grade`` of a sentence of so many words (see :func:`hardest_sentences`)."""

    name: str
    grade: Callable[[str], float]
    bound: Callable[[str, int], float] | None = None


def _english(text: str) -> float:
    return _metrics().automated_readability_index(text)


def _english_bound(sentence: str, words: int) -> float:
    """No less than :func:`_english` of ``sentence`` (of ``words`` white-space separated words).

    textstat's ARI is ``4.71 * a + 0.5 * b - 21.43`` (0 where ``a`` or ``b`` is 0), ``a``
    the characters other than white space per white-space separated word, ``b`` the
    words per sentence. Here ``a`` counts spaces only as white space (a sentence has no
    other, see :func:`running_sentences`; any other would only lower textstat's ``a``),
    and ``b`` is taken as ``words`` in one sentence: textstat counts words after removing
    punctuation (which never splits a word, but may leave one empty) and at least one
    sentence. The sum is worked out in textstat's order, so that rounding cannot make
    it the smaller.
    """
    characters_per_word = (len(sentence) - sentence.count(" ")) / words
    return max(0.0, 4.71 * characters_per_word + 0.5 * words - 21.43)


def _german(text: str) -> float:
    return _metrics().wiener_sachtextformel(text, 1, "de")


def _spanish(text: str) -> float:
    return _metrics().crawford(text, "es")


def _metrics():
    """textstat's formulas, with NLTK registered to load only when first used.

    textstat imports NLTK at start-up for the CMU pronouncing dictionary of its
    syllable-based English formulas, none of which is used here; NLTK's import
    alone takes a third of a second, which a rebuild after one edit would pay.
    """
    sys.modules.setdefault("nltk", _ImportedOnUse("nltk"))
    from textstat.backend import metrics

    return metrics


class _ImportedOnUse(types.ModuleType):
    """Stands in for a module until one of its names is used, then imports it.

    (importlib's own LazyLoader loads the module as soon as an ``import``
    statement meets it, which is what is to be avoided here.)"""

    def __getattr__(self, name: str):
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


FORMULAS = {
    "en": Formula("Automated Readability Index", _english, _english_bound),
    "de": Formula("Wiener Sachtextformel", _german),
    "es": Formula("Crawford", _spanish),
}


def formula_for(language: str) -> Formula | None:
    """The formula for a site's ``language`` (``en``, ``en-GB``, ``de_AT``), or ``None``."""
    return FORMULAS.get(re.split(r"[-_]", language, maxsplit=1)[0].lower())


@dataclass(frozen=True)
class Sentence:
    text: str
    grade: float


@dataclass(frozen=True)
class Score:
    """The grade of a text and its hardest sentences, hardest first (fragments left out)."""

    grade: float
    words: int
    sentences: tuple[Sentence, ...]


def text_score(html: str, language: str) -> Score | None:
    """The grade of an HTML fragment's running text; ``None`` for an unscored language."""
    formula = formula_for(language)
    if formula is None:
        return None
    return _score(html, formula)


def _score(html: str, formula: Formula) -> Score:
    return sentences_score(running_sentences(html), formula)


def sentences_score(sentences: list[str], formula: Formula, hardest: bool = True) -> Score:
    """The grade of running text split into ``sentences``; with ``hardest``, its hardest
    sentences too (each one scored alone, which costs more than the whole text)."""
    if not sentences:
        return Score(0.0, 0, ())
    text = " ".join(sentences)
    grade = round(formula.grade(text), 1)
    return Score(grade, len(text.split()), hardest_sentences(sentences, formula) if hardest else ())


def hardest_sentences(sentences: list[str], formula: Formula) -> tuple[Sentence, ...]:
    """The ``HARDEST_SHOWN`` hardest of ``sentences`` (fragments left out), hardest first,
    the earlier first of two as hard: what scoring each one and sorting by grade gives.

    With a ``bound`` to the formula, sentences are scored from the highest bound down,
    until no bound left reaches the grade of the last one shown (its sentences are all
    easier than those): most are never scored, which is most of the cost of grading."""
    candidates = [
        (index, sentence, words)
        for index, sentence in enumerate(sentences)
        if (words := len(sentence.split())) >= _SENTENCE_MIN_WORDS
    ]
    if formula.bound is None:
        return _hardest_of(candidates, formula)
    bounds = [round(formula.bound(sentence, words), 1) for _, sentence, words in candidates]
    order = sorted(range(len(candidates)), key=lambda i: -bounds[i])
    scored: list[tuple[float, int, str]] = []
    for i in order:
        if len(scored) >= HARDEST_SHOWN and bounds[i] < scored[HARDEST_SHOWN - 1][0]:
            break
        index, sentence, _ = candidates[i]
        grade = round(formula.grade(sentence), 1)
        if grade > bounds[i]:  # not a bound after all (a textstat changed?): score every one
            return _hardest_of(candidates, formula)
        scored.append((grade, index, sentence))
        scored.sort(key=lambda found: (-found[0], found[1]))
    return tuple(Sentence(sentence, grade) for grade, _, sentence in scored[:HARDEST_SHOWN])


def _hardest_of(candidates: list[tuple[int, str, int]], formula: Formula) -> tuple[Sentence, ...]:
    """The hardest sentences, scoring every one."""
    scored = [
        Sentence(sentence, round(formula.grade(sentence), 1)) for _, sentence, _ in candidates
    ]
    scored.sort(key=lambda sentence: -sentence.grade)
    return tuple(scored[:HARDEST_SHOWN])


def running_sentences(html: str) -> list[str]:
    """The sentences of an HTML fragment's running text, in order.

    >>> running_sentences("<h2>Care</h2><ul><li>Rest</li><li>Drink water</li></ul><p>Go. Now!</p>")
    ['Rest.', 'Drink water.', 'Go.', 'Now!']
    """
    sentences = []
    for block in text_blocks(html):
        # Each run of white space made one space, none at the ends, as re.sub(r"\s+", " ")
        # and strip() would (they and str.split agree on what white space is), at a
        # quarter of the cost.
        text = " ".join(block.split())
        if not text:
            continue
        if text[-1] not in ".!?…:;\"'”’)":
            text += "."
        sentences += [part for part in _SENTENCE_END.split(text) if part.strip()]
    return sentences
