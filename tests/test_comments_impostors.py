"""Invisible characters are refused in every comment field; a name posing as the clinic
or one of its people is kept pending with a warning that ``comments list`` shows.
The receiver is the real one, on loopback (tests/comments_receiver.py)."""

from __future__ import annotations

import shutil

import pytest

from generator.cli import main
from generator.comments.impostors import INVISIBLE as INVISIBLE_CHARACTERS
from generator.comments.impostors import impersonation, skeleton
from tests.comments_receiver import Receiver, good_fields
from tests.conftest import SITES

REVIEWER = '\n[reviewers.daniel-reyes]\nname = "Daniel Reyes"\ncredentials = "MD"\n'


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("impostors")
    site = shutil.copytree(SITES / "comments", tmp_path / "site")
    toml = site / "site.toml"
    text = toml.read_text().replace("rate_limit = 3", "rate_limit = 100000")
    toml.write_text(text + REVIEWER)
    with Receiver(site, tmp_path / "c.sqlite3") as running:
        yield running


INVISIBLE = {
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "right-to-left mark": "\u200f",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
}


@pytest.mark.slow
@pytest.mark.parametrize("field", ["name", "comment"])
@pytest.mark.parametrize("what", sorted(INVISIBLE))
def test_invisible_characters_are_refused(receiver, field, what):
    before = len(receiver.stored())
    value = f"Ann{INVISIBLE[what]}exe.png"
    response = receiver.post(good_fields(**{field: value}))
    assert response.status == 400
    assert len(receiver.stored()) == before


@pytest.mark.parametrize(
    "name",
    [
        "D\u0430niel Reyes, MD",  # Cyrillic a
        "Daniel R\u0435yes",  # Cyrillic e
        "DANIEL REYES",
        "Dr. Daniel Reyes",
        "\U0001d403aniel Reyes",  # mathematical bold D
        "Comments Test Cl\u0456nic",  # Cyrillic i: the clinic's name
    ],
)
def test_a_name_posing_as_the_clinics_people_is_held_with_a_warning(receiver, name):
    response = receiver.post(good_fields(name=name))
    assert response.status == 303
    row = receiver.stored()[-1]
    assert row["name"] == name and row["status"] == "pending"
    assert row["warning"].startswith("the name looks like ")


def test_an_ordinary_name_has_no_warning(receiver):
    assert receiver.post(good_fields(name="Dana Reyes")).status == 303
    assert receiver.stored()[-1]["warning"] == ""


def test_comments_list_shows_the_warning_and_invisible_characters(receiver, capsys):
    receiver.post(good_fields(name="D\u0430niel Reyes, MD", comment="Trust me, book now."))
    capsys.readouterr()
    assert main(["comments", "list", "--db", str(receiver.db)]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "Trust me" in line)
    following = out.splitlines()[out.splitlines().index(line) + 1]
    assert following.strip() == (
        "warning: the name looks like reviewer Daniel Reyes, "
        "written with look-alike letters (CYRILLIC \u0430)"
    )


def test_skeletons_see_through_look_alike_letters():
    assert skeleton("D\u0430niel  R\u0415YES!") == "daniel reyes"
    assert skeleton("\u216eaniel") == "daniel"  # Roman numeral D, by NFKC
    assert impersonation("Danielle Reyes", {"Daniel Reyes": "reviewer"}) == ""


def test_an_export_leaves_out_invisible_characters_stored_before_they_were_refused():
    from datetime import UTC, datetime

    from generator.comments.export import comment_file
    from generator.comments.store import StoredComment

    stored = StoredComment(
        7,
        "skin-care",
        "Ann\u202egnp.exe",
        "Hi\u200bthere",
        datetime(2024, 6, 3, tzinfo=UTC),
        "approved",
    )
    data = comment_file(stored).decode()
    assert "name: Anngnp.exe" in data and "Hithere" in data
    assert not any(char in data for char in INVISIBLE_CHARACTERS)
