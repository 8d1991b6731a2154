"""sitegen new-site and sitegen new: a site that builds at once, and draft articles in it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import yaml

from generator.cli import main
from generator.scaffold import new_article, new_site
from tests.conftest import build
from tests.first_week import fill_in_clinic
from tests.htmltools import Page
from tests.test_html_validity import VNU_JAR, nu_messages

TODAY = date(2024, 5, 1)


# The starter's imaginary clinic, and what a real one writes instead.


@pytest.mark.slow
def test_a_new_site_builds_at_once_and_warns_about_the_starters_details(tmp_path, capsys):
    site = tmp_path / "clinic"
    assert main(["new-site", str(site)]) == 0
    assert "Created a site" in capsys.readouterr().out
    assert (site / ".gitignore").read_text().splitlines()[-1] == "/comments.sqlite3*"
    assert not (site / "templates").exists()  # the default theme comes from the package
    config = (site / "site.toml").read_text("utf-8")
    assert config.count("#") > 20  # the clinic's fields are explained where they are set
    assert main(["build", str(site)]) == 0
    captured = capsys.readouterr()
    assert "Built" in captured.out
    assert "site.toml: warning: 'clinic.telephone' still holds the starter's" in captured.err
    assert "content/pages/about.md:6:59: warning: the starter's 'Tell your readers'" in captured.err
    contact = (site / "build/contact/index.html").read_text("utf-8")
    assert '<a href="tel:+15550123">+1 555 0123</a>' in contact  # from site.toml
    assert "Monday–Friday 9:00" in contact and "Opening hours: Mo-Fr" not in contact
    fill_in_clinic(site)
    assert main(["build", str(site)]) == 0
    assert capsys.readouterr().err == ""
    contact = (site / "build/contact/index.html").read_text("utf-8")
    assert '<a href="tel:+13125550199">+1 312 555 0199</a>' in contact
    assert "Monday–Thursday 8:00" in contact and "Friday 8:00" in contact
    built = "".join(path.read_text("utf-8") for path in (site / "build").rglob("*.html"))
    for starter in ("Your Clinic", "555 0123", "example.com", "Main Street", "Springfield"):
        assert starter not in built, starter
    assert main(["check", str(site)]) == 0
    assert capsys.readouterr().out.strip() == f"{site}: 0 errors, 0 warnings, 0 info"
    result = build(site, now=datetime.now(UTC))  # the example is dated today
    assert result.warnings == []
    assert [article.slug for article in result.site.articles] == ["choosing-a-sunscreen"]
    article = result.site.articles[0]
    assert [section.title for section in article.sections] == [
        "What SPF means",
        "Broad-spectrum protection",
        "How much to apply",
    ]
    assert (result.output_dir / "search/index.html").is_file()
    if VNU_JAR.is_file():
        assert nu_messages(result.output_dir) == []


def test_a_new_site_needs_an_empty_folder(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["new-site", str(tmp_path)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert not (tmp_path / "site.toml").exists()


@pytest.mark.slow
def test_new_scaffolds_a_draft_with_a_file_per_section(tmp_path):
    site = tmp_path / "site"
    new_site(site, TODAY)
    written = new_article(site, "Acne: myths & facts", ["What causes acne", " Myths ", ""], TODAY)
    assert written == [
        "content/posts/acne-myths-facts/index.md",
        "content/posts/acne-myths-facts/01-what-causes-acne.md",
        "content/posts/acne-myths-facts/02-myths.md",
    ]
    index = (site / written[0]).read_text("utf-8")
    fields = yaml.safe_load(index.split("---")[1])
    assert fields["title"] == "Acne: myths & facts" and fields["date"] == TODAY
    assert fields["draft"] is True and fields["description"] == "" and fields["tags"] == []
    assert {"author", "reviewed_by", "category", "image", "updated"} <= fields.keys()
    result = build(site)  # a half-written draft never stops the build
    assert "acne-myths-facts" not in {article.slug for article in result.site.articles}
    assert any("'description' is still empty" in str(warning) for warning in result.warnings)
    with_drafts = build(site, tmp_path / "drafts", drafts=True)
    page = Page(with_drafts.output_dir / "posts/acne-myths-facts/index.html")
    headings = [h.text.strip() for h in page.find_all("h2", within="article__section")]
    assert headings == ["What causes acne", "Myths"]


def test_new_refuses_an_existing_article(tmp_path, capsys):
    site = tmp_path / "site"
    new_site(site, TODAY)
    assert main(["new", "Eczema basics", "--site", str(site)]) == 0
    folder = site / "content/posts/eczema-basics"
    (folder / "01-overview.md").write_text("---\ntitle: Mine\n---\nKept.\n")
    assert main(["new", "Eczema basics", "--site", str(site)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["01-overview.md", "index.md"]
    assert "Kept." in (folder / "01-overview.md").read_text()
