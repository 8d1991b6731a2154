"""The W3C Nu HTML checker finds no error and no warning on any built page."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import REPO

VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None or not VNU_JAR.is_file(),
    reason="needs Java and the Nu checker (scripts/setup-tests installs both)",
)


def nu_messages(folder) -> list[dict]:
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--skip-non-html", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(result.stderr or '{"messages": []}')["messages"]


def test_the_checker_reports_a_broken_page(tmp_path):
    (tmp_path / "bad.html").write_text("<!doctype html><title>x</title><p><div></span>")
    assert any(message["type"] == "error" for message in nu_messages(tmp_path))


@pytest.mark.parametrize("which", ["sample_build", "basic_build"])
def test_every_page_is_valid_html(which, request):
    messages = nu_messages(request.getfixturevalue(which).output_dir)
    assert [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages] == []
