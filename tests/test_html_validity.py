"""The W3C Nu HTML checker finds no error and no warning on any built page or stylesheet."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from generator.code_frame import code_frame
from generator.errors import ContentError, SiteErrors
from generator.serve import error_page
from tests.conftest import REPO, build
from tests.first_week import ARTICLE, first_week_site

VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("java") is None or not VNU_JAR.is_file(),
        reason="needs Java and the Nu checker (scripts/setup-tests installs both)",
    ),
]


def nu_messages(folder) -> list[dict]:
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--skip-non-html",
            "--also-check-css",
            "--format",
            "json",
            str(folder),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(result.stderr or '{"messages": []}')["messages"]


def test_the_checker_reports_errors_warnings_and_bad_css(tmp_path):
    (tmp_path / "bad.html").write_text("<!doctype html><title>x</title><p><div></span>")
    (tmp_path / "warn.html").write_text(
        '<!doctype html><html lang="en"><title>x</title><section><p>no heading</p></section>'
    )
    (tmp_path / "bad.css").write_text("body { colour: red; }")
    by_file: dict[str, set[str]] = {}
    for message in nu_messages(tmp_path):
        name = message["url"].rsplit("/", 1)[-1]
        by_file.setdefault(name, set()).add(message.get("subType", message["type"]))
    assert "error" in by_file["bad.html"]
    assert by_file["warn.html"] == {"warning"}
    assert "error" in by_file["bad.css"]


@pytest.fixture(scope="module")
def first_week_build(tmp_path_factory):
    """A new site with the clinic's details, a table, an image and a FAQ (tests/first_week.py),
    and the preview's error page with its code frame beside its pages."""
    site = first_week_site(tmp_path_factory.mktemp("first-week"))
    result = build(site, now=datetime.now(UTC))
    index = site / ARTICLE / "index.md"
    error = SiteErrors(
        [
            ContentError(index.relative_to(site).as_posix(), "'date' <is> wrong", line=4, column=7),
            ContentError(index.relative_to(site).as_posix(), "'author' too", line=6, column=1),
        ]
    )
    (result.output_dir / "error-page.html").write_text(error_page(error, code_frame(site, error)))
    return result


@pytest.mark.parametrize("which", ["sample_build", "basic_build", "first_week_build"])
def test_every_page_is_valid_html(which, request):
    """Errors and warnings alike (a warning has type "info" and subType "warning")."""
    messages = nu_messages(request.getfixturevalue(which).output_dir)
    found = [
        f"{m.get('url')}:{m.get('lastLine')}: {m.get('subType', m['type'])}: {m['message']}"
        for m in messages
    ]
    assert found == []
