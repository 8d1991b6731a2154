"""sitegen import of a Jekyll, Hugo or Pelican site's Markdown (small sites of our own in
tests/data/import/, written after the generators' documented formats)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from PIL import Image

from generator.cli import main
from generator.importers import import_files
from generator.scaffold import new_site
from tests.conftest import build

DATA = Path(__file__).resolve().parent / "data" / "import"
TODAY = date(2024, 5, 1)
# The files each old site's posts use, drawn by the test (no binary test data).
FILES = {
    "jekyll-site": ["assets/img/sunscreen.png", "assets/docs/spf-chart.pdf"],
    "hugo-site": [
        "content/posts/eczema-in-winter/cover.jpg",
        "content/posts/eczema-in-winter/hands.jpg",
        "static/images/spf.png",
    ],
    "pelican-site": ["content/images/cheeks.png"],
}


@pytest.fixture
def old_site(tmp_path):
    def make(name: str) -> Path:
        folder = Path(shutil.copytree(DATA / name, tmp_path / name))
        for relative in FILES[name]:
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".pdf":
                path.write_bytes(b"%PDF-1.4\n%stand-in\n")
            else:
                Image.new("RGB", (64, 48), (200, 120, 90)).save(path)
        return folder

    return make


@pytest.fixture
def site(tmp_path) -> Path:
    new_site(tmp_path / "site", TODAY)
    return tmp_path / "site"


def front_matter(path: Path) -> tuple[dict, str]:
    _, fields, body = path.read_text("utf-8").split("---\n", 2)
    return yaml.safe_load(fields), body


def test_a_jekyll_posts_folder(site, old_site):
    old = old_site("jekyll-site")
    report = import_files([old / "_posts"], site, today=TODAY)
    assert sorted(report.imported) == [
        "content/posts/acne-basics/",
        "content/posts/sunscreen-every-day/",
    ]
    folder = site / "content/posts/sunscreen-every-day"
    fields, body = front_matter(folder / "index.md")
    assert fields["title"] == "Sunscreen, every day"
    assert fields["description"].startswith("Why a daily sunscreen protects your skin")
    assert fields["date"] == datetime.fromisoformat("2021-03-14T09:30:00-05:00")
    assert fields["author"] == "dana-whitfield"
    assert fields["category"] == "skin-care"
    assert fields["tags"] == ["sun", "spf", "summer"]
    assert fields["image"] == "sunscreen.png" and fields["image_alt"]
    assert (folder / "sunscreen.png").is_file() and (folder / "spf-chart.pdf").is_file()
    assert "![A tube of sunscreen on a towel](sunscreen.png)" in body
    assert "[our acne basics](/posts/acne-basics/)" in body
    assert "[the dosing chart](spf-chart.pdf)" in body
    assert "```text\nSPF 30 blocks about 97% of UVB rays.\n```" in body
    assert "{%" not in body and "{{" not in body
    assert any("call-to-action.html" in warning for warning in report.warnings)
    acne, acne_body = front_matter(site / "content/posts/acne-basics/index.md")
    assert acne["date"] == date(2021, 4, 2) and acne["tags"] == ["acne", "teens"]
    assert acne_body.startswith("## What causes acne") and "\n### Treatments" in acne_body
    assert fields["aliases"] == ["/2021/03/sunscreen/"]
    assert acne["aliases"] == ["/acne/"]
    assert "Dana Whitfield" in (site / "site.toml").read_text("utf-8")
    result = build(site)
    redirect = result.output_dir / "2021/03/sunscreen/index.html"
    assert "/posts/sunscreen-every-day/" in redirect.read_text("utf-8")


def test_a_hugo_content_folder(site, old_site):
    old = old_site("hugo-site")
    report = import_files([old / "content"], site, today=TODAY)
    assert sorted(report.imported) == [
        "content/pages/about.md",
        "content/posts/eczema-in-winter/",
        "content/posts/sunscreen/",
    ]
    assert any("_index.md" in reason for reason in report.skipped)
    folder = site / "content/posts/eczema-in-winter"
    fields, body = front_matter(folder / "index.md")
    assert fields["description"].startswith("Cold air and hot showers dry the skin")
    assert fields["updated"] == datetime.fromisoformat("2022-02-03T10:00:00+01:00")
    assert fields["author"] == "dana-whitfield"
    assert (fields["category"], fields["tags"]) == ("Skin Care", ["eczema", "dry skin"])
    assert fields["image"] == "cover.jpg" and fields["image_alt"] == "Hands in woollen gloves"
    assert "![Dry hands after washing](hands.jpg)" in body
    assert "!video[Video on YouTube](https://www.youtube.com/watch?v=aqz-KE-bpKQ)" in body
    assert "[our sunscreen advice](/posts/sunscreen/)" in body
    assert (folder / "hands.jpg").is_file() and (folder / "cover.jpg").is_file()
    sunscreen, sun_body = front_matter(site / "content/posts/sunscreen/index.md")
    assert sunscreen["image"] == "spf.png" and "![A sunscreen label](spf.png)" in sun_body
    assert fields["aliases"] == ["/post/eczema/", "/2022/01/eczema-in-winter/"]
    page, _ = front_matter(site / "content/pages/about.md")
    assert page["title"] == "About the clinic" and "date" not in page
    result = build(site)
    html = (result.output_dir / "posts/eczema-in-winter/index.html").read_text("utf-8")
    assert 'class="video__poster"' in html


def test_a_pelican_content_folder(site, old_site):
    old = old_site("pelican-site")
    report = import_files([old], site, today=TODAY)
    assert sorted(report.imported) == [
        "content/pages/contact.md",
        "content/posts/laser-notes/",
        "content/posts/rosacea-triggers/",
        "content/posts/sun/",
    ]
    assert any("legacy.rst: reStructuredText is not imported" in r for r in report.skipped)
    fields, body = front_matter(site / "content/posts/rosacea-triggers/index.md")
    assert fields["date"] == datetime(2020, 5, 4, 10, 20)
    assert fields["updated"] == datetime(2020, 6, 10, 8, 0)
    assert fields["category"] == "skin-care"  # the folder, as Pelican does without Category
    assert fields["tags"] == ["rosacea", "triggers"]
    assert fields["description"].startswith("Heat, spicy food and alcohol")
    assert "![Red cheeks after a hot drink](cheeks.png)" in body
    assert (site / "content/posts/rosacea-triggers/cheeks.png").is_file()
    assert "[sun and skin](/posts/sun/)" in body
    sun, _ = front_matter(site / "content/posts/sun/index.md")
    assert sun["category"] == "Sun Care" and "draft" not in sun
    notes, _ = front_matter(site / "content/posts/laser-notes/index.md")
    assert notes["draft"] is True
    build(site)


def test_a_folder_of_something_else_is_refused(site, tmp_path, capsys):
    (tmp_path / "notes").mkdir()
    assert main(["import", str(tmp_path / "notes"), "--site", str(site)]) == 1
    assert "not one of Jekyll (_posts/), Hugo or Pelican (content/)" in capsys.readouterr().err
