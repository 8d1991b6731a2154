"""Templates: the site overrides the default theme file by file; mistakes name the line."""

from __future__ import annotations

import pytest

from generator.errors import TemplateError
from generator.render import human_date
from tests.conftest import build
from tests.htmltools import Page


@pytest.mark.slow
def test_a_site_template_overrides_only_its_own_file(copy_site, tmp_path):
    site = copy_site("basic")
    (site / "templates").mkdir()
    (site / "templates/article.html").write_text(
        '{% extends "base.html" %}'
        "{% block content %}<h1>Custom {{ article.title }}</h1>{% endblock %}"
    )
    out = build(site, tmp_path / "out").output_dir
    page = Page(out / "posts/single/index.html")
    assert page.find_all("h1")[0].text == "Custom A single-file article"
    assert page.find_all("a", **{"class": "skip-link"}), "base.html still comes from the theme"
    assert "card__title" in (out / "index.html").read_text()


def test_undefined_variables_name_the_template_line_and_page(copy_site, tmp_path):
    site = copy_site("basic")
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ page.titel }}\n{% endblock %}\n'
    )
    with pytest.raises(TemplateError) as caught:
        build(site, tmp_path / "out")
    assert caught.value.location == "templates/page.html:3"
    assert "titel" in caught.value.message
    assert "about/index.html" in caught.value.hint


def test_template_syntax_errors_name_the_line(copy_site, tmp_path):
    site = copy_site("basic")
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text(
        "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n"
    )
    with pytest.raises(TemplateError) as caught:
        build(site, tmp_path / "out")
    assert caught.value.location == "templates/page.html:3"


@pytest.mark.slow
def test_user_text_is_escaped_everywhere(copy_site, tmp_path):
    site = copy_site("basic")
    evil = '</script><script>alert(1)</script>"><img src=x onerror=alert(1)>'
    (site / "content/posts/evil.md").write_text(
        f"---\ntitle: '{evil}'\ndescription: '{evil}'\ndate: 2024-02-02\n"
        f"tags: ['{evil}']\n---\nBody.\n"
    )
    out = build(site, tmp_path / "out").output_dir
    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".xml"):
            text = path.read_text("utf-8")
            assert "<script>alert" not in text, path
            assert "<img src=x" not in text, path
    page = Page(out / "posts/evil/index.html")
    assert page.find_all("h1")[0].text == evil
    assert page.json_ld()[0]["@graph"][0]["name"] == evil


def test_dates_are_english_whatever_the_locale():
    from datetime import date

    assert human_date(date(2024, 6, 3)) == "June 3, 2024"
