"""The hardest sentences found by bound are those that scoring every sentence finds.

:func:`generator.readability.hardest_sentences` scores only the sentences whose
bound could reach the hardest; the reference below scores each one with textstat
and sorts them, as the rule did before. Both are compared on real writing (the
sample site's articles, the benchmark's generated ones, German and Spanish text), on
generated sentences full of punctuation, and on edge cases.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import corpus
from generator.front_matter import split_front_matter
from generator.markdown_text import convert_markdown
from generator.readability import (
    _SENTENCE_MIN_WORDS,
    FORMULAS,
    HARDEST_SHOWN,
    Formula,
    Sentence,
    hardest_sentences,
    running_sentences,
    sentences_score,
)

SAMPLE_POSTS = Path(__file__).resolve().parent.parent / "content" / "posts"
ENGLISH = FORMULAS["en"]

GERMAN = (
    "<p>Die Haut ist das größte Organ des Menschen. Sie schützt uns vor Kälte, Hitze und "
    "Krankheitserregern. Bei einer atopischen Dermatitis ist die Hautbarriere gestört, "
    "sodass Feuchtigkeit verloren geht und Reizstoffe leichter eindringen können. "
    "Cremen Sie sich zweimal am Tag ein. Die Behandlung richtet sich nach dem "
    "Schweregrad der Entzündung und umfasst rückfettende Basistherapie, "
    "entzündungshemmende Wirkstoffe sowie gegebenenfalls systemische Immunmodulatoren.</p>"
    "<ul><li>Kurz duschen, nicht zu heiß.</li><li>Weiche Kleidung aus Baumwolle tragen, "
    "weil Wolle juckt.</li></ul>"
)
SPANISH = (
    "<p>La piel es el órgano más grande del cuerpo. Nos protege del frío, del calor y de "
    "los microorganismos. En la dermatitis atópica la barrera cutánea está alterada, por "
    "lo que se pierde humedad y penetran con mayor facilidad las sustancias irritantes. "
    "Aplique crema dos veces al día. El tratamiento depende de la gravedad de la "
    "inflamación e incluye emolientes, antiinflamatorios tópicos y, en ocasiones, "
    "inmunomoduladores sistémicos.</p><p>¿Le pica mucho la piel por la noche? Consulte "
    "a su médico de cabecera.</p>"
)


def _scoring_each_one(sentences: list[str], formula: Formula) -> tuple[Sentence, ...]:
    """The reference: every sentence of enough words scored, the hardest first."""
    scored = [
        Sentence(sentence, round(formula.grade(sentence), 1))
        for sentence in sentences
        if len(sentence.split()) >= _SENTENCE_MIN_WORDS
    ]
    scored.sort(key=lambda sentence: -sentence.grade)
    return tuple(scored[:HARDEST_SHOWN])


def _assert_same(sentences: list[str], formula: Formula = ENGLISH) -> None:
    assert hardest_sentences(sentences, formula) == _scoring_each_one(sentences, formula)


def _sample_bodies() -> list[str]:
    files = sorted(SAMPLE_POSTS.rglob("*.md"))
    assert len(files) > 10
    return [split_front_matter(str(path), path.read_text("utf-8"))[1] for path in files]


def test_the_sample_sites_articles():
    for body in _sample_bodies():
        _assert_same(running_sentences(convert_markdown(body)[0]))


@pytest.mark.parametrize("index", range(0, 400, 20))
def test_the_benchmarks_articles(index):
    article = corpus.make_article(index)
    for body in (article.intro, *(section.body for section in article.sections)):
        _assert_same(running_sentences(convert_markdown(body)[0]))


def test_a_whole_article_at_once():
    """Over a hundred sentences, of every difficulty, in one list."""
    sentences = [
        s for body in _sample_bodies() for s in running_sentences(convert_markdown(body)[0])
    ]
    assert len(sentences) > 100
    _assert_same(sentences)
    _assert_same(sentences[::-1])


@pytest.mark.parametrize(("html", "language"), [(GERMAN, "de"), (SPANISH, "es")])
def test_german_and_spanish(html, language):
    sentences = running_sentences(html)
    found = hardest_sentences(sentences, FORMULAS[language])
    assert len(found) == HARDEST_SHOWN
    assert found == _scoring_each_one(sentences, FORMULAS[language])


@pytest.mark.parametrize(
    "sentences",
    [
        [],
        ["Too short."],  # a fragment: never shown
        ["Rest well and drink water."],
        ["— — — — — —."],  # words of punctuation only: textstat gives 0
        ["- - - - - -", "a b c d e.", "— ... !!! ??? ;;;"],
        ["It's the patient's own doctor's view.", "'Quoted' 'words' 'all' 'the' 'way'."],
        ["Wash your face twice a day."] * 5,  # equal grades: the earliest first
        ["One two three four five.", "Six seven eight nine ten.", "Aaa bbb ccc ddd eee."],
        ["Eat. Sleep. Drink water now please.", "Dr. Smith said so, e.g. at noon today."],
        ["Numbers 1,000 and 2.5 mg/day; 3–4 times (at most) a day."],
        ["Tabs\tand\u00a0no-break\u2003spaces count as white space too."],
        ["Übermäßige Sonneneinstrahlung schädigt die Haut dauerhaft.", "naïve café résumé x y."],
        ["Supercalifragilisticexpialidocious antidisestablishmentarianism is a b c."],
        [" ".join(["word"] * 80) + ".", "Short words are easy to read."],
    ],
)
def test_edge_cases(sentences):
    _assert_same(sentences)
    for language in ("de", "es"):
        _assert_same(sentences, FORMULAS[language])


def test_equal_grades_keep_the_order_of_the_text():
    sentences = ["Cook your food twice a day.", "Wash your face twice a day.", "Rest."]
    assert len({ENGLISH.grade(sentence) for sentence in sentences[:2]}) == 1
    _assert_same(sentences)
    _assert_same(sentences[::-1])
    _assert_same([*sentences, "Pat your skin dry every day."])
    # As hard as each other, the later one with the higher bound (so scored first).
    sentences = [
        "soap a day rest very rest skin soap very to.",
        "very a extraordinarily hands ... ? call a please ?.",
    ]
    assert round(ENGLISH.grade(sentences[0]), 1) == round(ENGLISH.grade(sentences[1]), 1)
    assert ENGLISH.bound(sentences[0], 10) < ENGLISH.bound(sentences[1], 10) - 1
    assert [found.text for found in hardest_sentences(sentences, ENGLISH)] == sentences


def test_a_sentence_scored_far_below_its_bound_does_not_stop_the_search():
    """The second hardest has a lower bound than one that turns out easy: it is still found."""
    dashes = "a " + "— " * 40 + "b."  # 42 words to the bound, 2 to textstat
    hard = "Percutaneous collagen induction therapy constitutes intervention."
    second = "Please call us today if your skin itches."
    assert ENGLISH.grade(dashes) < ENGLISH.grade(second) < ENGLISH.bound(dashes, 42)
    _assert_same([dashes, second, hard])
    assert [found.text for found in hardest_sentences([dashes, second, hard], ENGLISH)] == [
        hard,
        second,
    ]


_WORD = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZäöüßéñ0123456789'’-—.,;:!?()\"“”&/…"),
    min_size=1,
    max_size=24,
)
_SENTENCE = st.lists(_WORD, min_size=1, max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SENTENCE, max_size=30))
def test_generated_sentences(sentences):
    _assert_same(sentences)


def test_a_bound_that_fails_is_noticed_and_every_sentence_scored():
    """Were a later textstat to score higher than the bound, every sentence is scored."""
    too_low = dataclasses.replace(ENGLISH, bound=lambda sentence, words: -100.0)
    sentences = running_sentences(convert_markdown(_sample_bodies()[0])[0])
    assert hardest_sentences(sentences, too_low) == _scoring_each_one(sentences, ENGLISH)


def test_the_bound_is_a_bound():
    """The bound is at least the grade of each sentence, and close to it for most."""
    sentences = [
        s for body in _sample_bodies() for s in running_sentences(convert_markdown(body)[0])
    ]
    gaps = [ENGLISH.bound(s, len(s.split())) - ENGLISH.grade(s) for s in sentences if s.split()]
    assert min(gaps) >= 0
    assert sorted(gaps)[len(gaps) // 2] < 0.5


def test_the_score_names_the_same_sentences():
    html = "".join(f"<p>{convert_markdown(body)[0]}</p>" for body in _sample_bodies()[:3])
    sentences = running_sentences(html)
    assert sentences_score(sentences, ENGLISH).sentences == _scoring_each_one(sentences, ENGLISH)
