"""The small parts of a new writer's first week, each on its own (the walk is test_first_week)."""

from __future__ import annotations

import doctest
import importlib
import tomllib

import pytest

from generator.cli import main
from generator.comments.store import CommentStore
from generator.config import load_config
from generator.opening_hours import opening_hours_in_words
from generator.toml_hints import person_hint


@pytest.mark.parametrize(
    "module",
    ["code_frame", "clinic_fields", "editor_files", "opening_hours", "site_links", "toml_hints"],
)
def test_the_examples_in_the_docstrings_hold(module):
    assert doctest.testmod(importlib.import_module(f"generator.{module}")).failed == 0


def test_opening_hours_read_in_the_sites_language():
    hours = ["Mo-Th 08:00-17:00", "Fr 08:00-13:00"]
    assert opening_hours_in_words(hours, "en-GB") == [
        "Monday–Thursday 08:00–17:00",
        "Friday 08:00–13:00",
    ]
    assert opening_hours_in_words(hours, "de")[0].startswith("Montag–Donnerstag 08:00–17:00")
    assert opening_hours_in_words(["Mo,We 09:00-12:00"], "fr")[0].startswith("lundi et mercredi")
    assert opening_hours_in_words(["by appointment"], "en") == ["by appointment"]


@pytest.mark.parametrize("written", ["Priya Nair", "dr-lee", 'Zoë O\'Brien "Jr"'])
def test_a_person_hint_pastes_into_site_toml_as_valid_toml(written):
    hint = person_hint("authors", "author", written)
    pasted = "\n".join(hint.splitlines()[1:])
    table = tomllib.loads('title = "My Clinic"\n' + pasted)["authors"]
    ((key, person),) = table.items()
    assert f"author: {key}" in hint or key == written
    assert person["name"]


def test_new_site_points_to_the_preview(tmp_path, capsys):
    assert main(["new-site", str(tmp_path / "clinic")]) == 0
    out = capsys.readouterr().out
    assert "sitegen serve" in out and "build/index.html" not in out


def test_links_in_site_toml_follow_the_base_path(tmp_path):
    assert main(["new-site", str(tmp_path / "clinic")]) == 0
    config = tmp_path / "clinic/site.toml"
    text = config.read_text().replace(
        'base_url = "https://www.example.com/"', 'base_url = "https://www.example.com/blog/"'
    )
    config.write_text(text.replace('# logo = "/static/logo.png"', 'logo = "/static/logo.png"'))
    loaded = load_config(tmp_path / "clinic")
    assert loaded.reviewers["sam-doctor"].url == "/blog/about/"
    assert loaded.clinic.logo == "/blog/static/logo.png"
    assert loaded.clinic.booking_url == "https://www.example.com/contact/"  # a full URL stays


def test_comments_list_says_when_nothing_waits(tmp_path, capsys):
    db = tmp_path / "comments.sqlite3"
    CommentStore(db).close()  # a database the receiver made, with nothing in it yet
    assert main(["comments", "list", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == "No comments are waiting for moderation."
