"""A build after an edit lists the site's folders once: the walk that reads the files takes
the listings of the first look (:mod:`generator.input_look`), and whatever changes after
that look is seen by the next build."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from generator.build import build_site
from generator.input_look import input_look
from generator.progress import Progress
from tests.conftest import copy_sample_site
from tests.sync_tools import age
from tests.test_state import PAGE, SECTION, _clean_tree, _options, _tree

pytestmark = pytest.mark.slow  # most tests here build the sample site three times


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = copy_sample_site(tmp_path / "site")
    age(site)
    return site


def test_a_build_after_an_edit_lists_each_input_folder_once(site, monkeypatch):
    options = _options(site)
    build_site(site, options)
    section = site / SECTION
    section.write_text(section.read_text() + "\nOne more sentence about needles.\n")
    listed: Counter[str] = Counter()
    scandir = os.scandir

    def counting(path):
        listed[str(path)] += 1
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counting)
    result = build_site(site, options)
    monkeypatch.undo()
    assert result.built_site is not None and result.report.written
    inputs = [path for path in listed if path.startswith(str(site.resolve() / "content"))]
    assert len(inputs) > 5, "the content folders were not listed"
    assert {path: listed[path] for path in inputs if listed[path] != 1} == {}
    assert b"One more sentence about needles" in (site.parent / "out" / PAGE).read_bytes()
    assert _tree(site.parent / "out") == _clean_tree(site, _options(site))


class ChangeAfterTheFirstLook(Progress):
    """Moves an article (one file removed, one added) and replaces a section keeping its
    modification time, once the build has looked at its inputs and before it reads them."""

    def __init__(self, site: Path) -> None:
        self.site, self.done = site, False

    def start(self, stage: str, total: int | None, unit: str) -> None:
        if stage == "Reading" and not self.done:
            self.done = True
            moved = self.site / "content/posts/relaxing-hobbies-for-stress.md"
            text = moved.read_text().replace("Discover Your Serenity", "A Late Article")
            moved.unlink()  # moved, and new: an article not known by its stat
            (moved.parent / "a-late-article.md").write_text(text)
            section = self.site / SECTION
            old = section.stat()
            section.write_text(section.read_text().replace("devices", "TOOLS"))
            os.utime(section, ns=(old.st_atime_ns, old.st_mtime_ns))


def test_files_changed_after_the_first_look_are_seen_by_the_next_build(site):
    options = _options(site)
    build_site(site, options)
    section = site / SECTION
    section.write_text(section.read_text() + "\nAn edit: the next build is resumed.\n")
    changing = ChangeAfterTheFirstLook(site)
    build_site(site, options, progress=changing)
    assert changing.done
    result = build_site(site, options)
    assert result.built_site is not None, "the changes went unseen"
    out = site.parent / "out"
    assert (out / "posts/a-late-article/index.html").is_file()
    assert not (out / "posts/relaxing-hobbies-for-stress/index.html").exists()
    assert b"TOOLS" in (out / PAGE).read_bytes()
    assert _tree(out) == _clean_tree(site, _options(site))


def test_the_first_look_lists_links_as_the_walk_finds_them(site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "note.txt").write_text("kept elsewhere")
    static = site / "static"
    static.mkdir(exist_ok=True)
    (static / "linked-folder").symlink_to(elsewhere, target_is_directory=True)
    (static / "linked-file.txt").symlink_to(elsewhere / "note.txt")
    (static / "nowhere.txt").symlink_to(tmp_path / "missing")
    look = input_look(site, site / "templates")
    kinds = dict(look.folders[str(static)])
    assert kinds[str(static / "linked-folder")] == 3  # LINKED_FOLDER: not followed
    assert kinds[str(static / "linked-file.txt")] == 2  # LINK
    assert kinds[str(static / "nowhere.txt")] == 2
    assert str(static / "linked-folder") not in look.folders
    assert look.stamps[str(static / "nowhere.txt")] == ()
