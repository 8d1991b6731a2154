"""Site templates that extend the theme's own, reached as ``theme/<name>``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.errors import SiteError
from tests.conftest import SITES, build


def _site(tmp_path: Path, article: str) -> Path:
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text(article, "utf-8")
    return site


def test_a_site_template_extends_the_theme_template_of_the_same_name(tmp_path):
    site = _site(
        tmp_path,
        '{% extends "theme/article.html" %}\n'
        '{% block content %}<p class="mine">Mine</p>{{ super() }}{% endblock %}\n',
    )
    html = (build(site).output_dir / "posts/single/index.html").read_text("utf-8")
    assert html.count('<p class="mine">Mine</p>') == 1
    assert html.index('class="mine"') < html.index("<article") and html.count("<article") == 1


def test_an_error_in_the_theme_template_names_it(tmp_path):
    site = _site(tmp_path, '{% extends "theme/nothing.html" %}\n')
    with pytest.raises(SiteError, match="nothing.html"):
        build(site)
