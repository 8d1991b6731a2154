"""The rules on files, made apart (while the search index is built), find what the whole lint
finds, in the same order."""

from __future__ import annotations

from generator.assemble import Visibility
from generator.build import BuildOptions, parse_sources, render_site
from generator.config import load_config
from generator.discover import default_theme_dir, discover
from generator.lint import LintMemo, file_findings, grade_articles, lint_site, source_texts
from generator.lint.locate import SourceTexts, source_text
from tests.conftest import FIXED_NOW, copy_sample_site


def _listed(findings) -> list[tuple]:
    return [(f.rule, f.path, f.line, f.column, f.message, f.hint, f.severity) for f in findings]


def test_the_rules_on_files_made_first_give_the_same_findings(tmp_path):
    site_dir = copy_sample_site(tmp_path / "site")
    post = next((site_dir / "content" / "posts").glob("*.md"))
    text = post.read_text(encoding="utf-8")
    # A long, hard sentence: the reading-level rule warns of it.
    hard = " ".join(["Dermatological photosensitisation notwithstanding"] * 30)
    post.write_text(text + f"\n\n{hard}.\n", encoding="utf-8")
    options = BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW)
    outputs, site, _ = render_site(site_dir, options)
    config = load_config(site_dir)
    sources = discover(site_dir, default_theme_dir())
    parsed = parse_sources(sources)
    visibility = Visibility(now=FIXED_NOW, drafts=False, future=False)

    whole = lint_site(config, sources, parsed, site, outputs, visibility)
    memo, texts = LintMemo(), source_texts(sources)
    grade_articles(config, parsed, memo, texts)
    files = file_findings(config, sources, parsed, visibility, memo, texts)
    apart = lint_site(config, sources, parsed, site, outputs, visibility, (), memo, files)

    assert _listed(apart) == _listed(whole)
    assert {"reading-level", "title-length"} < {f.rule for f in whole}


def _file_rules_of(site_dir, parsed, memo, now):
    config, sources = load_config(site_dir), discover(site_dir, default_theme_dir())
    visibility = Visibility(now=now, drafts=False, future=False)
    texts = source_texts(sources)
    grades = grade_articles(config, parsed, memo, texts)
    files = file_findings(config, sources, parsed, visibility, memo, texts, grades)
    return [*files.first, *files.middle, *files.last]


def test_kept_findings_are_made_again_for_the_edited_file_only(tmp_path):
    site_dir = copy_sample_site(tmp_path / "site")
    post = next((site_dir / "content" / "posts").glob("*.md"))
    memo = LintMemo()
    before = parse_sources(discover(site_dir, default_theme_dir()))
    first = _file_rules_of(site_dir, before, memo, FIXED_NOW)
    # A second '#' heading and a hard sentence in one post: two more findings there.
    hard = " ".join(["Dermatological photosensitisation notwithstanding"] * 30)
    text = post.read_text(encoding="utf-8")
    post.write_text(text + f"\n\n# Second title\n\n{hard}.\n", encoding="utf-8")
    edited = {
        item.src_path: item for item in parse_sources(discover(site_dir, default_theme_dir()))
    }
    src_path = post.relative_to(site_dir).as_posix()
    after = [edited[item.src_path] if item.src_path == src_path else item for item in before]

    kept = _file_rules_of(site_dir, after, memo, FIXED_NOW)

    assert _listed(kept) == _listed(_file_rules_of(site_dir, after, None, FIXED_NOW))
    assert {"heading-order", "reading-level"} <= {f.rule for f in kept if f.path == src_path}
    old = {id(finding) for finding in first}
    assert {f.path for f in kept if id(f) not in old} == {src_path}


def test_kept_findings_follow_the_day_the_review_rule_reads(tmp_path):
    site_dir = copy_sample_site(tmp_path / "site")
    parsed = parse_sources(discover(site_dir, default_theme_dir()))
    memo = LintMemo()
    later = FIXED_NOW.replace(year=FIXED_NOW.year + 30)
    today = _file_rules_of(site_dir, parsed, memo, FIXED_NOW)

    years_later = _file_rules_of(site_dir, parsed, memo, later)

    assert _listed(years_later) == _listed(_file_rules_of(site_dir, parsed, None, later))
    assert _listed(years_later) != _listed(today)
    assert "review-age" in {f.rule for f in years_later} - {f.rule for f in today}


def test_the_texts_the_rules_read_leave_each_file_known_by_digest(tmp_path):
    site_dir = copy_sample_site(tmp_path / "site")
    found = discover(site_dir, default_theme_dir())
    known = [s.without_data() for s in found.posts + found.pages if s.kind != "asset"]
    texts = SourceTexts(known)

    read = {source.src_path: texts[source.src_path] for source in known}

    assert read == {s.src_path: source_text((site_dir / s.src_path).read_bytes()) for s in known}
    assert all(source.raw is None for source in known)
    assert texts[known[0].src_path] == read[known[0].src_path]  # asked again: read again
