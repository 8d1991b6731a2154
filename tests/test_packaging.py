"""The default theme ships inside the wheel; a checkout reads it from templates/."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from generator.render import default_theme_dir
from tests.conftest import REPO


def test_a_checkout_uses_the_repository_templates():
    assert default_theme_dir() == REPO / "templates"


@pytest.mark.slow
def test_the_wheel_carries_the_theme(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("sitegen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for theme_file in (
        "base.html",
        "article.html",
        "feed.xml",
        "static/style.css",
        "partials/head.html",
    ):
        assert f"generator/theme/{theme_file}" in names
    assert "generator/build.py" in names
    for starter_file in ("site.toml", "gitignore", "content/posts/choosing-a-sunscreen/index.md"):
        assert f"generator/starter/{starter_file}" in names
