"""The rules on files, made apart (while the search index is built), find what the whole lint
finds, in the same order."""

from __future__ import annotations

from generator.assemble import Visibility
from generator.build import BuildOptions, parse_sources, render_site
from generator.config import load_config
from generator.discover import default_theme_dir, discover
from generator.lint import LintMemo, file_findings, grade_articles, lint_site, source_texts
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
