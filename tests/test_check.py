"""``sitegen check``: a clean sample site, findings with a place and a rule, JSON with a shape."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from generator.build import BuildOptions
from generator.check import check_site, format_json, format_text
from generator.cli import main
from generator.errors import ConfigError
from generator.lint.dates import add_months
from generator.rules import RULES, check_settings
from tests.conftest import FIXED_NOW, REPO, copy_sample_site


def _check(site, **options):
    options.setdefault("now", FIXED_NOW)
    return check_site(site, BuildOptions(**options))


def _rules(report) -> list[tuple[str, str, int | None, str]]:
    return [(f.rule, f.path, f.line, f.severity) for f in report.findings]


def _append(path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    return copy_sample_site(tmp_path_factory.mktemp("sample"))


@pytest.mark.slow
def test_the_sample_site_has_no_errors(sample_site, capsys):
    assert main(["check", str(sample_site)]) == 0
    out = capsys.readouterr().out
    assert ": error:" not in out
    assert out.splitlines()[-1].startswith(f"{sample_site}: 0 errors, ")


@pytest.mark.slow
def test_the_sample_sites_json_report_has_the_documented_shape(sample_site, capsys):
    assert main(["check", str(sample_site), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"version", "site", "summary", "findings", "reading_level"}
    assert report["version"] == 1 and report["site"] == str(sample_site)
    assert set(report["summary"]) == {"error", "warning", "info"}
    assert report["summary"]["error"] == 0
    assert sum(report["summary"].values()) == len(report["findings"])
    for finding in report["findings"]:
        assert set(finding) == {"path", "line", "column", "severity", "rule", "message", "hint"}
        assert finding["severity"] in ("warning", "info")
        assert finding["rule"] in RULES
        assert (sample_site / finding["path"]).is_file()
        assert isinstance(finding["line"], int) and finding["line"] >= 1


def test_check_reports_every_broken_file_not_just_the_first(copy_site, capsys):
    site = copy_site("basic")
    (site / "content/posts/a.md").write_text("---\ntitle: A\ndescription: D\ndate: nope\n---\n")
    (site / "content/posts/b.md").write_text("---\ntitle: [\n---\n")
    (site / "content/posts/c.md").write_text("---\ntitle: C\n---\n")
    (site / "content/posts/d.md").write_text(
        "---\ntitel: x\ntitle: D\ndescription: D\ndate: 2024-01-01\n---\n"
    )
    assert main(["check", str(site)]) == 1
    out = capsys.readouterr().out
    assert "content/posts/a.md:4:1: error: 'date' must be a date" in out
    assert "content/posts/b.md:" in out and "not valid YAML" in out
    assert "content/posts/c.md:" in out and "'description' is required" in out
    assert "content/posts/d.md:2:1: warning: unknown field 'titel' [unknown-field]" in out
    assert "content/posts/c.md:2:1: error: 'date' is required" in out  # each field, one run
    # The lints that need only the parsed files come in the same run.
    assert "content/posts/d.md:4:1: warning: the description is 1 characters" in out
    assert out.rstrip().endswith("4 errors, 3 warnings, 0 info")


def test_text_lines_are_compiler_style_with_the_rule(copy_site):
    site = copy_site("basic")
    path = site / "content/posts/single.md"
    path.write_text(path.read_text().replace("date: 2024-04-01", "date: yesterday"))
    report = _check(site)
    assert format_text(report).splitlines()[0] == (
        "content/posts/single.md:4:1: error: 'date' must be a date like 2024-05-01, "
        "got 'yesterday' [front-matter-type]"
    )
    data = json.loads(format_json(report))
    assert data["findings"][0] == {
        "path": "content/posts/single.md",
        "line": 4,
        "column": 1,
        "severity": "error",
        "rule": "front-matter-type",
        "message": "'date' must be a date like 2024-05-01, got 'yesterday'",
        "hint": None,
    }


@pytest.mark.slow
def test_crlf_and_bom_lines_are_the_files_own(copy_site):
    site = copy_site("basic")
    text = "---\ntitle: T\ndescription: D\ndate: 2024-01-01\ntitel: x\n---\nBody.\n"
    (site / "content/posts/crlf.md").write_bytes(
        b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    )
    found = [f for f in _check(site).findings if f.path == "content/posts/crlf.md"]
    assert ("unknown-field", 5) in {(f.rule, f.line) for f in found}


@pytest.mark.slow
def test_drafts_and_future_posts_are_listed_as_information(copy_site):
    report = _check(copy_site("basic"))
    unpublished = [(p, line) for rule, p, line, severity in _rules(report) if rule == "unpublished"]
    assert unpublished == [("content/posts/draft.md", 5), ("content/posts/future.md", 4)]
    assert all(f.severity == "info" for f in report.findings if f.rule == "unpublished")
    assert report.errors == 0


@pytest.mark.slow
def test_links_to_generated_pages_and_the_base_path_are_followed(copy_site):
    site = copy_site("basic")
    _append(
        site / "content/posts/single.md",
        "\n[skin](/blog/tags/skin/) [page 2](/blog/page/2/) [feed](/blog/feed.xml) "
        "[topics](../../tags/) [faq](/blog/posts/faq-article/#frequently-asked-questions) "
        "[here](#second-heading) [full](https://example.org/blog/categories/skin/) "
        "[elsewhere](https://example.com/nowhere/) [main site](/clinic/) [mail](mailto:a@b.c)\n",
    )
    report = _check(site)
    assert [f for f in report.findings if f.rule == "broken-link"] == []


@pytest.mark.slow
def test_a_broken_link_fails_the_build_naming_the_source_line(copy_site, tmp_path, capsys):
    site = copy_site("basic")
    _append(site / "content/posts/faq-article/02-faq.md", "\nSee [older](/blog/posts/oldr/).\n")
    assert main(["build", str(site), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "content/posts/faq-article/02-faq.md:15:13: error: the link /blog/posts/oldr/" in err
    assert "[broken-link]" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_template_link_is_reported_once_on_a_built_page(copy_site):
    site = copy_site("basic")
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}<a href="/blog/gone/">x</a>{% endblock %}\n'
    )
    found = [f for f in _check(site).findings if f.rule == "broken-link"]
    assert [(f.path, f.line) for f in found] == [("404.html", None)]
    assert "the templates make" in found[0].message


@pytest.mark.slow
def test_site_toml_changes_severities_and_turns_rules_off(copy_site):
    site = copy_site("basic")
    _append(
        site / "site.toml",
        '\n[check]\nmedical_categories = ["Skin"]\n\n'
        '[check.rules]\ndescription-length = "error"\nreview-age = "off"\nunpublished = "off"\n',
    )
    rules = _rules(_check(site))
    assert ("description-length", "content/pages/about.md", 3, "error") in rules
    assert not {"review-age", "unpublished"} & {rule for rule, *_ in rules}
    # Only the category "Skin" is medical now: the tagged-only articles need no reviewer.
    assert not [rule for rule in rules if rule[0] == "medical-review"]


@pytest.mark.slow
def test_medical_articles_need_a_recent_review(copy_site):
    site = copy_site("basic")
    _append(site / "site.toml", '\n[check]\nmedical_tags = ["sleep"]\nreview_interval = 6\n')
    rules = _rules(_check(site))
    assert ("medical-review", "content/posts/older.md", 2, "warning") in rules
    assert [r for r in rules if r[0] == "medical-review"] == [
        ("medical-review", "content/posts/older.md", 2, "warning")
    ]
    # The FAQ article (tag "skin", not medical here) is not judged by its review date.
    assert not [r for r in rules if r[0] == "review-age"]


@pytest.mark.slow
def test_review_age_uses_review_interval(copy_site):
    site = copy_site("basic")
    # Reviewed 2024-05-02; now is 2025-01-01: due after 6 months, not after 12.
    assert "review-age" not in {f.rule for f in _check(site).findings}
    _append(site / "site.toml", "\n[check]\nreview_interval = 6\n")
    found = [f for f in _check(site).findings if f.rule == "review-age"]
    assert [(f.path, f.line) for f in found] == [("content/posts/faq-article/index.md", 7)]
    assert "older than 6 months" in found[0].message


@pytest.mark.slow
def test_headings_sections_titles_and_lengths(copy_site):
    site = copy_site("basic")
    posts = site / "content/posts"
    (posts / "faq-article/03-empty.md").write_text("---\ntitle: Empty\n---\n")
    (posts / "faq-article/04-faq.md").write_text(
        "---\ntitle: More\nkind: faq\n---\nNo questions.\n"
    )
    (posts / "faq-article/05-deep.md").write_text(
        "---\ntitle: Deep\n---\n```\n##### not a heading\n```\n\n#### Too deep\n\n# Title again\n"
    )
    (posts / "long.md").write_text(
        f"---\ntitle: {'Long title ' * 7}\ndescription: Short.\ndate: 2024-01-01\n---\n"
    )
    (posts / "same.md").write_text(
        "---\ntitle: an OLDER  article\ndescription: " + "d" * 60 + "\ndate: 2024-01-01\n---\n"
    )
    found = {(f.rule, f.path, f.line) for f in _check(site).findings}
    assert {
        ("empty-section", "content/posts/faq-article/03-empty.md", 2),
        ("empty-section", "content/posts/faq-article/04-faq.md", 3),
        ("heading-order", "content/posts/faq-article/05-deep.md", 8),
        ("heading-order", "content/posts/faq-article/05-deep.md", 10),
        ("title-length", "content/posts/long.md", 2),
        ("description-length", "content/posts/long.md", 3),
        ("duplicate-title", "content/posts/same.md", 2),
    } <= found
    assert ("heading-order", "content/posts/faq-article/05-deep.md", 5) not in found


def test_check_settings_are_validated():
    with pytest.raises(ValueError, match="unknown rule 'nope'"):
        check_settings({"rules": {"nope": "off"}})
    assert check_settings({}).is_medical(None, ())
    settings = check_settings({"medical_categories": ["Skin"]})
    assert settings.is_medical("skin", ()) and not settings.is_medical("Sleep", ("skin",))


def test_a_bad_check_table_is_a_config_error_with_its_line(copy_site):
    site = copy_site("basic")
    _append(site / "site.toml", '\n[check.rules]\nheading-order = "loud"\n')
    report = _check(site)
    assert len(report.findings) == 1 and isinstance(report.findings[0], ConfigError)
    assert report.findings[0].line == 19


def test_add_months_keeps_to_the_calendar():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 5, 2), 12) == date(2025, 5, 2)
    assert add_months(date(9999, 5, 2), 12) == date.max


def test_the_readme_documents_every_rule_and_the_json_shape():
    readme = (REPO / "README.md").read_text("utf-8")
    for rule in RULES.values():
        assert f"| `{rule.id}` | {'always error' if rule.fatal else rule.severity} |" in readme
    example = readme.split("```json\n", 1)[1].split("```", 1)[0]
    documented = json.loads(example)
    assert set(documented) == {"version", "site", "summary", "findings", "reading_level"}
    assert set(documented["reading_level"]["articles"][0]) == {"path", "grade", "words", "sections"}
    assert set(documented["findings"][0]) == {
        "path",
        "line",
        "column",
        "severity",
        "rule",
        "message",
        "hint",
    }


def test_the_page_scan_reads_tags_not_text():
    from generator.lint.scan import scan as scan_tags

    page = (
        b'<h2 id="a">A</h2><pre><code>&lt;a href="/blog/in-code/"&gt;</code></pre>'
        b'<script type="application/ld+json">'
        b'{"x": "\\u003ca href=\\"/blog/json/\\"\\u003e"}</script>'
        b"<a href='/blog/single/' name=top>x</a><A HREF=/blog/bare/ ID=b>y</A>"
        b'<img alt="a > b" src="/blog/i&amp;j.png"><p id="">z</p>'
    )
    scan = scan_tags(page)
    assert scan.ids == {"a", "top", "b"}
    assert scan.refs == (("a", "/blog/single/"), ("a", "/blog/bare/"), ("img", "/blog/i&j.png"))


def test_every_file_naming_an_unknown_person_is_named_in_one_run(copy_site, capsys):
    site = copy_site("basic")
    index = site / "content/posts/faq-article/index.md"
    text = index.read_text().replace("author: ann", "author: Priya Nair")
    index.write_text(text.replace("reviewed_by: rev", "reviewed_by: drlee"))
    single = site / "content/posts/single.md"
    single.write_text(single.read_text().replace("---\n", "---\nauthor: bob\n", 1))
    assert main(["check", str(site)]) == 1
    out = capsys.readouterr().out
    assert "content/posts/faq-article/index.md:5:1: error: 'author: Priya Nair' names nobody" in out
    assert "content/posts/faq-article/index.md:6:1: error: 'reviewed_by: drlee' names nobody" in out
    assert "content/posts/single.md:2:1: error: 'author: bob' names nobody" in out


def test_a_wrong_date_a_wrong_author_and_faq_headings_come_in_one_run(copy_site, capsys):
    """The three mistakes that took a new writer three runs of check."""
    site = copy_site("basic")
    folder = site / "content/posts/faq-article"
    index = folder / "index.md"
    text = index.read_text()
    text = re.sub(r"^date: .*$", "date: 2024-13-45", text, count=1, flags=re.MULTILINE)
    index.write_text(text.replace("author: ann", "author: Priya Nair"))
    faq = folder / "02-faq.md"
    faq.write_text(faq.read_text().replace("### ", "## "))
    assert main(["check", str(site)]) == 1
    out = capsys.readouterr().out
    assert "content/posts/faq-article/index.md:" in out and "impossible value" in out
    assert "'author: Priya Nair' names nobody" in out
    assert (
        "content/posts/faq-article/02-faq.md" in out and "the FAQ section has no questions" in out
    )


def test_files_out_of_place_are_all_named_with_the_rest(copy_site, capsys):
    site = copy_site("basic")
    (site / "content/posts/notes.txt").write_text("mine")
    (site / "content/pages/photo.jpg").write_bytes(b"\xff\xd8")
    (site / "content/posts/a.md").write_text("---\ntitle: A\ndescription: D\ndate: nope\n---\n")
    assert main(["check", str(site)]) == 1
    out = capsys.readouterr().out
    assert "content/posts/notes.txt: error: only Markdown files" in out
    assert "content/pages/photo.jpg: error: content/pages holds only Markdown pages" in out
    assert "content/posts/a.md:4:1: error: 'date' must be a date" in out
