"""Temporary folders named for their process; the ones of a process that is gone are removed.

A build stopped by ``kill -9`` cannot remove its temporary folders (the search
index's is on ``/dev/shm``, where it holds memory until a restart); the next
build or check removes them. Real processes and folders, no mock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.scratch import remove_orphans, temporary_folder
from tests.conftest import build, copy_sample_site


def _ended_pid() -> int:
    """The id of a process that has ended (and been waited for)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_folders_of_ended_processes_go_and_the_others_stay(tmp_path):
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = tmp_path / f"sitegen-search-{_ended_pid()}-abc"
        alive = tmp_path / f"sitegen-search-{running.pid}-def"
        other_kind = tmp_path / f"sitegen-check-{_ended_pid()}-ghi"
        not_ours = tmp_path / f"other-search-{_ended_pid()}-jkl"
        for folder in (dead, alive, other_kind, not_ours):
            (folder / "index").mkdir(parents=True)
            (folder / "index" / "page.html").write_text("x")
        removed = remove_orphans("search", str(tmp_path))
    finally:
        running.kill()
        running.wait()
    assert removed == [dead.name]
    assert not dead.exists()
    assert alive.is_dir() and other_kind.is_dir() and not_ours.is_dir()


def test_unnamed_folders_of_earlier_versions_go_once_a_day_old(tmp_path):
    old, young = tmp_path / "sitegen-search-a1b2c3d4", tmp_path / "sitegen-search-e5f6g7h8"
    old.mkdir()
    young.mkdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    assert remove_orphans("search", str(tmp_path)) == [old.name]
    assert young.is_dir()


def test_a_new_folder_is_named_for_this_process_and_removed_after_use(tmp_path):
    leftover = tmp_path / f"sitegen-check-{_ended_pid()}-xyz"
    leftover.mkdir()
    with temporary_folder("check", str(tmp_path)) as folder:
        assert Path(folder).name.startswith(f"sitegen-check-{os.getpid()}-")
        assert not leftover.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_build_removes_the_search_folder_a_killed_build_left(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))  # so not /dev/shm: a folder of the test's own
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    leftover = scratch / f"sitegen-search-{_ended_pid()}-abcdefgh"
    (leftover / "site").mkdir(parents=True)
    (leftover / "site" / "index.html").write_text("<p>left by a killed build</p>")
    site = copy_sample_site(tmp_path / "site")
    result = build(site, tmp_path / "out")
    assert any(path.startswith("pagefind/") for path in result.outputs)
    assert list(scratch.iterdir()) == [], "the leftover (or this build's own folder) remains"
