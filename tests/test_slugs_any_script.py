"""A title in any script gets a readable ASCII URL, and every output agrees on it."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.scaffold import new_article, new_site
from generator.slugs import MAX_SLUG_LENGTH, RESERVED_NAMES, slugify
from tests.conftest import FIXED_NOW, SITES

TITLES = {
    "针灸治疗指南": "zhen-jiu-zhi-liao-zhi-nan",
    "Лечение акне": "lechenie-akne",
    "Θεραπεία ακμής": "therapeia-akmis",
    "علاج حب الشباب": "lj-hb-lshbb",
    "Straße der Ärzte": "strasse-der-arzte",
}


@pytest.mark.parametrize("title", sorted(TITLES))
def test_titles_in_any_script_get_a_readable_slug(title):
    assert slugify(title) == TITLES[title]


def _fragments(output: Path) -> list[dict]:
    found = []
    for path in (output / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        found.append(json.loads(data))
    return found


@pytest.mark.slow
def test_links_sitemap_feed_search_and_check_agree(tmp_path, capsys):
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    folder = site / "content/posts/针灸治疗指南"
    folder.mkdir()
    (folder / "index.md").write_text(
        "---\ntitle: 针灸治疗指南\ndescription: A guide to acupuncture treatment for patients "
        "who are new to it.\ndate: 2024-04-02\n---\n"
        "See [the single article](/blog/posts/single/).\n",
        "utf-8",
    )
    (site / "content/posts/single.md").write_text(
        (site / "content/posts/single.md").read_text("utf-8")
        + "\nRead [the guide](/blog/posts/zhen-jiu-zhi-liao-zhi-nan/).\n",
        "utf-8",
    )
    code = main(["build", str(site)])
    text = "".join(capsys.readouterr())
    assert code == 0, text
    url = "https://example.org/blog/posts/zhen-jiu-zhi-liao-zhi-nan/"
    output = site / "build"
    assert (output / "posts/zhen-jiu-zhi-liao-zhi-nan/index.html").is_file()
    assert f"<loc>{url}</loc>" in (output / "sitemap.xml").read_text("utf-8")
    assert url in (output / "feed.xml").read_text("utf-8")
    assert 'href="/blog/posts/zhen-jiu-zhi-liao-zhi-nan/"' in (
        output / "posts/single/index.html"
    ).read_text("utf-8")
    search_urls = {fragment["url"] for fragment in _fragments(output)}
    assert any(u.endswith("posts/zhen-jiu-zhi-liao-zhi-nan/") for u in search_urls), search_urls
    assert main(["check", str(site)]) == 0
    assert "broken-link" not in "".join(capsys.readouterr())


def test_new_makes_a_readable_folder_for_a_chinese_title(tmp_path):
    site = tmp_path / "site"
    new_site(site, FIXED_NOW.date())
    written = new_article(site, "针灸治疗指南", [], FIXED_NOW.date())
    assert written[0] == "content/posts/zhen-jiu-zhi-liao-zhi-nan/index.md"


@pytest.mark.slow
@pytest.mark.parametrize("title", ["CON", "nul", "Com1", "LPT9"])
def test_new_refuses_a_reserved_slug(tmp_path, capsys, title):
    site = tmp_path / "site"
    new_site(site, FIXED_NOW.date())
    assert slugify(title) in RESERVED_NAMES
    assert main(["new", title, "--site", str(site)]) == 1
    text = "".join(capsys.readouterr())
    assert "is reserved on some systems" in text and "Traceback" not in text
    assert not (site / "content/posts" / slugify(title)).exists()
    assert main(["build", str(site)]) == 0


def test_new_shortens_a_very_long_title_to_a_folder_name_that_fits(tmp_path):
    site = tmp_path / "site"
    new_site(site, FIXED_NOW.date())
    title = "Acne " * 80
    written = new_article(site, title, [], FIXED_NOW.date())
    folder = written[0].split("/")[2]
    assert 0 < len(folder) <= MAX_SLUG_LENGTH and folder.startswith("acne-acne")
    assert not folder.endswith("-")


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_slug_too_long_for_a_file_name_is_an_error_naming_the_file(tmp_path, capsys, command):
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    single = site / "content/posts/single.md"
    single.write_text(single.read_text().replace("---\n", "---\nslug: " + "a" * 300 + "\n", 1))
    assert main([command, str(site)]) == 1
    text = "".join(capsys.readouterr())
    assert "Traceback" not in text
    assert "content/posts/single.md:2" in text and "the URL name is 300 characters long" in text
