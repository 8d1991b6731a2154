"""The ``reading-level`` rule: a plain text passes, a hard one warns at its hardest section."""

from __future__ import annotations

import json

import pytest

from generator.build import BuildOptions
from generator.check import check_site, format_json
from generator.errors import ConfigError
from generator.readability import running_sentences, text_score
from generator.reading_level import ReadingMemo
from tests.conftest import FIXED_NOW, copy_sample_site

SIMPLE = (
    "Wash your face twice a day. Use warm water. Pat your skin dry with a clean towel. "
    "Do not pick at spots. Call us if your skin gets red or sore."
)
HARD = (
    "Percutaneous collagen induction therapy, colloquially designated microneedling, "
    "constitutes a minimally invasive dermatological intervention wherein controlled "
    "microtraumatization of the papillary dermis precipitates neocollagenesis and "
    "neoangiogenesis through orchestrated inflammatory, proliferative and remodelling "
    "cascades. Contraindications encompass active dermatological infections, "
    "immunosuppressive pharmacotherapy and predisposition toward hypertrophic cicatrization."
)


def _section(title: str, text: str) -> str:
    return f"---\ntitle: {title}\n---\n{text}\n"


def _site(copy_site, *, simple: str = SIMPLE, hard: str = HARD, settings: str = ""):
    site = copy_site("basic")
    article = site / "content" / "posts" / "faq-article"
    (article / "01-what-is-acne.md").write_text(_section("What is acne", simple), "utf-8")
    (article / "03-treatment.md").write_text(_section("How treatment works", hard), "utf-8")
    if settings:
        toml = site / "site.toml"
        toml.write_text(toml.read_text("utf-8") + settings, "utf-8")
    return site


def _findings(site):
    report = check_site(site, BuildOptions(now=FIXED_NOW))
    return report, [f for f in report.findings if f.rule == "reading-level"]


@pytest.mark.slow
def test_a_simple_text_scores_low_and_a_hard_one_high():
    simple, hard = text_score(f"<p>{SIMPLE}</p>", "en"), text_score(f"<p>{HARD}</p>", "en")
    assert simple.grade < 4 < 20 < hard.grade
    assert hard.sentences[0].text.startswith("Percutaneous") and hard.sentences[0].grade > 20
    assert text_score(f"<p>{SIMPLE}</p>", "en-GB") == simple
    assert text_score(f"<p>{SIMPLE}</p>", "fr") is None


def test_only_running_text_counts():
    html = (
        "<h2>Aftercare instructions for dermatological procedures</h2>"
        "<p>Rest today. Drink <code>water_intake_in_millilitres_per_day</code> often.</p>"
        "<pre><code>incomprehensibly long code identifiers everywhere</code></pre>"
        "<table><tr><td>Hyperpigmentation</td></tr></table><ul><li>Sleep well</li></ul>"
    )
    assert running_sentences(html) == ["Rest today.", "Drink often.", "Sleep well."]


def test_the_memo_grades_an_article_again_only_when_it_changed(copy_site):
    site = _site(copy_site)
    memo = ReadingMemo()
    first = _grades(site, memo)
    again = _grades(site, memo)
    assert first and all(again[path] is grade for path, grade in first.items())
    treatment = site / "content" / "posts" / "faq-article" / "03-treatment.md"
    treatment.write_text(_section("How treatment works", SIMPLE), "utf-8")
    edited = _grades(site, memo)
    faq = "content/posts/faq-article"
    assert edited[faq].score.grade < first[faq].score.grade
    assert all(edited[path] is grade for path, grade in first.items() if path != faq)
    memo.keep_only(set())
    assert all(_grades(site, memo)[path] is not grade for path, grade in edited.items())


def test_only_the_hardest_section_names_its_sentences(copy_site):
    article = _grades(_site(copy_site), ReadingMemo())["content/posts/faq-article"]
    named = [section for section in article.sections if section.score.sentences]
    assert named == [article.hardest]
    assert named[0].score.sentences[0].text.startswith("Percutaneous")


def _grades(site, memo):
    from generator.build import parse_sources
    from generator.config import load_config
    from generator.discover import default_theme_dir, discover
    from generator.reading_level import article_grades

    parsed = parse_sources(discover(site, default_theme_dir()))
    return {grade.path: grade for grade in article_grades(load_config(site), parsed, memo)}


@pytest.mark.slow
def test_a_hard_article_warns_at_its_hardest_section_with_its_sentences(copy_site):
    report, found = _findings(_site(copy_site))
    assert len(found) == 1
    finding = found[0]
    assert finding.severity == "warning"
    assert finding.path == "content/posts/faq-article/03-treatment.md" and finding.line == 2
    assert "above the site's 8" in finding.message
    assert "'How treatment works'" in finding.message
    assert "“Percutaneous collagen induction therapy" in finding.hint
    assert "reading_grade under [check]" in finding.hint


def test_a_simple_article_passes(copy_site):
    _, found = _findings(_site(copy_site, hard=SIMPLE))
    assert found == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings", ["\n[check]\nreading_grade = 16.5\n", '\n[check.rules]\nreading-level = "off"\n']
)
def test_the_limit_and_the_severity_come_from_site_toml(copy_site, settings):
    _, found = _findings(_site(copy_site, settings=settings))
    assert found == []


@pytest.mark.slow
def test_a_language_it_cannot_score_is_said_once(copy_site):
    site = _site(copy_site)
    toml = site / "site.toml"
    toml.write_text('language = "fr"\n' + toml.read_text("utf-8"), "utf-8")
    report, found = _findings(site)
    assert len(found) == 1 and found[0].path == "site.toml"
    assert "'fr'" in found[0].message and 'reading-level = "off"' in found[0].hint
    assert json.loads(format_json(report))["reading_level"] is None


def test_json_lists_every_articles_grade(copy_site):
    report, _ = _findings(_site(copy_site))
    reading = json.loads(format_json(report))["reading_level"]
    assert reading["formula"] == "Automated Readability Index" and reading["limit"] == 8
    by_path = {article["path"]: article for article in reading["articles"]}
    article = by_path["content/posts/faq-article"]
    sections = {section["path"]: section["grade"] for section in article["sections"]}
    assert sections["content/posts/faq-article/03-treatment.md"] > 20
    assert sections["content/posts/faq-article/01-what-is-acne.md"] < 4
    assert "content/posts/draft.md" not in by_path  # drafts are not scored
    assert "content/posts/single.md" in by_path


@pytest.mark.slow
def test_the_sample_sites_articles_get_scores(tmp_path):
    site = copy_sample_site(tmp_path / "sample")
    report = check_site(site, BuildOptions(now=FIXED_NOW))
    articles = json.loads(format_json(report))["reading_level"]["articles"]
    posts = {path.name for path in (site / "content" / "posts").iterdir()}
    assert {article["path"].split("/")[-1] for article in articles} == posts
    assert all(0 < article["grade"] < 20 and article["words"] > 100 for article in articles)


@pytest.mark.parametrize("value", ['"8"', "0", "true", "30"])
def test_a_bad_reading_grade_is_a_config_error(copy_site, value):
    site = _site(copy_site, settings=f"\n[check]\nreading_grade = {value}\n")
    report, _ = _findings(site)
    assert isinstance(report.findings[0], ConfigError)
    assert "'check.reading_grade' must be a school grade from 1 to 20" in str(report.findings[0])


def test_scoring_does_not_import_nltk_until_it_is_used():
    """textstat imports NLTK (a third of a second) for formulas sitegen does not use."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from generator.readability import text_score\n"
        "assert text_score('<p>Wash your face twice a day with warm water.</p>', 'de')\n"
        "assert text_score('<p>Wash your face twice a day with warm water.</p>', 'en')\n"
        "print('nltk.data' in sys.modules)\n"
        "print(sys.modules['nltk'].data.__name__, 'nltk.data' in sys.modules)\n"
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == ["False", "nltk.data", "True"]


def test_a_rebuild_looks_only_at_the_articles_whose_files_are_other_objects(copy_site, monkeypatch):
    from dataclasses import replace

    from generator import reading_level
    from generator.config import load_config

    site = _site(copy_site)
    config, parsed, memo = load_config(site), _parsed(site), ReadingMemo()
    first = reading_level.article_grades(config, parsed, memo)
    assert len(first) > 2
    looked_at, key = [], reading_level._key
    monkeypatch.setattr(
        reading_level, "_key", lambda files, *rest: looked_at.append(files) or key(files, *rest)
    )
    assert reading_level.article_grades(config, parsed, memo) == first and looked_at == []
    faq = "content/posts/faq-article"
    hard = next(item for item in parsed if item.src_path == f"{faq}/03-treatment.md")
    edited = [replace(hard, html=f"<p>{SIMPLE}</p>") if item is hard else item for item in parsed]
    again = {grade.path: grade for grade in reading_level.article_grades(config, edited, memo)}
    assert [files[0].article_dir for files in looked_at] == [faq]
    assert again[faq].score.grade < {grade.path: grade for grade in first}[faq].score.grade
    # A draft, a removed article and another formula give what grading from nothing gives.
    index = next(item for item in edited if item.src_path == f"{faq}/index.md")
    drafted = [
        replace(index, meta={**index.meta, "draft": True}) if i is index else i for i in edited
    ]
    removed = [item for item in drafted if not item.src_path.startswith(first[0].path)]
    for files in (drafted, removed, edited):
        assert reading_level.article_grades(config, files, memo) == (
            reading_level.article_grades(config, files, ReadingMemo())
        )
    assert faq not in {grade.path for grade in reading_level.article_grades(config, drafted, memo)}


def _parsed(site):
    from generator.build import parse_sources
    from generator.discover import default_theme_dir, discover

    return parse_sources(discover(site, default_theme_dir()))


def test_a_rule_turned_off_lets_go_of_the_files_it_graded(copy_site):
    """Off, the rule grades nothing; the memo, saved with the engine's state, must not keep
    the files it last graded while the site changes, and on again it grades as from nothing."""
    import pickle
    from dataclasses import replace

    from generator import reading_level
    from generator.config import load_config

    marked = SIMPLE + " Keep the zinc ointment marker close."
    site = _site(copy_site, simple=marked)
    config, parsed, memo = load_config(site), _parsed(site), ReadingMemo()
    reading_level.article_grades(config, parsed, memo)
    assert b"zinc ointment marker" in pickle.dumps(memo)  # the simple section, as graded

    toml = site / "site.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[check.rules]\nreading-level = "off"\n', "utf-8")
    off = load_config(site)
    simple = next(item for item in parsed if item.src_path.endswith("01-what-is-acne.md"))
    edited = [replace(simple, html=f"<p>{SIMPLE}</p>") if i is simple else i for i in parsed]
    assert list(reading_level.findings(off, edited, memo)) == []
    assert b"zinc ointment marker" not in pickle.dumps(memo)

    assert reading_level.article_grades(config, edited, memo) == (
        reading_level.article_grades(config, edited, ReadingMemo())
    )
