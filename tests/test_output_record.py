"""Every file sitegen wrote is removed once nothing produces it, whatever earlier builds did.

The record of what was written lives in the output folder and names the files
a build is about to write before the first write, so a build that failed or was
killed half way, a site folder that moved, and ``--clean`` all end with exactly
what a clean build gives (files put there by hand aside).
"""

from __future__ import annotations

import doctest
import json
import os
import shutil
from pathlib import Path

import pytest

from generator import output_record, write
from generator.cli import main
from generator.errors import OutputError, SiteError
from generator.output_record import RECORD_NAME, read_record
from tests.conftest import SITES, build

NEW = "content/posts/new-one.md"
NEW_PAGE = "posts/new-one/index.html"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != RECORD_NAME
    }


def _clean(site: Path, tmp_path: Path) -> dict[str, bytes]:
    build(site, tmp_path / "clean-build")
    return _tree(tmp_path / "clean-build")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SITES / "basic", tmp_path / "site"))


def _add_article(site: Path) -> None:
    (site / NEW).write_text(
        "---\ntitle: A new one\ndescription: A new article about sleep and skin care.\n"
        "date: 2024-02-02\nauthor: ann\ntags: [sleep]\n---\nSleep well, skin well.\n"
    )


def _failing_after(monkeypatch, last: str) -> None:
    """Writes fail (as on a full disk) once the file ``last`` is written."""
    original = write._put_in_place  # each output written, or moved from the staging folder
    done = []

    def failing(dest, target, *rest):
        if done:
            raise OutputError(str(target), "cannot write the file: No space left on device")
        written = original(dest, target, *rest)
        if target.as_posix().endswith(last):
            done.append(target)
        return written

    monkeypatch.setattr(write, "_put_in_place", failing)


@pytest.mark.slow
def test_a_page_written_by_a_failed_build_goes_when_its_source_goes(site, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(site, out)
    _add_article(site)
    _failing_after(monkeypatch, NEW_PAGE)
    with pytest.raises(SiteError, match="No space left"):
        build(site, out)
    monkeypatch.undo()
    assert (out / NEW_PAGE).is_file(), "the failed build should have written the new page"
    record = read_record(out)
    assert not record.complete and NEW_PAGE in record.files
    (site / NEW).unlink()
    build(site, out)
    assert not (out / NEW_PAGE).exists()
    assert _tree(out) == _clean(site, tmp_path)


@pytest.mark.slow
def test_a_killed_write_leaves_no_temporary_file_after_the_next_build(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    _add_article(site)
    # What a build killed in the middle of writing leaves: its record of what it was
    # about to write, and a temporary file that was never renamed.
    record = json.loads((out / RECORD_NAME).read_text())
    record["complete"], record["writer"] = False, 999_999_999
    record["files"][NEW_PAGE] = ["", -1, -1, -1, -1]
    (out / RECORD_NAME).write_text(json.dumps(record))
    (out / "posts/new-one").mkdir(parents=True)
    (out / "posts/new-one/.index.html.999999999.tmp").write_text("half a page")
    (site / NEW).unlink()
    build(site, out)
    assert not (out / "posts/new-one").exists()
    assert _tree(out) == _clean(site, tmp_path)


@pytest.mark.slow
def test_clean_removes_every_temporary_file_and_leaves_files_put_by_hand(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    (out / ".index.html.12345.tmp").write_text("left by a write cut short")
    (out / "posts/.index.html.777.tmp").write_text("left by a write cut short")
    (out / "mine.txt").write_text("put here by hand")
    assert main(["build", str(site), "-o", str(out), "--clean"]) == 0
    assert _tree(out) == _clean(site, tmp_path) | {"mine.txt": b"put here by hand"}


@pytest.mark.slow
def test_moving_the_site_folder_keeps_what_was_written(site, tmp_path):
    build(site)  # into site/build
    moved = tmp_path / "elsewhere" / "site"
    moved.parent.mkdir()
    shutil.move(site, moved)
    _add_article(moved)
    build(moved)
    assert (moved / "build" / NEW_PAGE).is_file()
    shutil.move(moved, site)  # and back, where the cache of the first build still is
    (site / NEW).unlink()
    build(site)
    assert not (site / "build" / NEW_PAGE).exists()
    assert _tree(site / "build") == _clean(site, tmp_path)


@pytest.mark.slow
def test_moving_the_site_then_clean_removes_pages_of_deleted_articles(site, tmp_path):
    _add_article(site)
    build(site)
    moved = Path(shutil.move(site, tmp_path / "moved"))
    (moved / NEW).unlink()
    assert main(["build", str(moved), "--clean"]) == 0
    assert not (moved / "build" / NEW_PAGE).exists()
    assert _tree(moved / "build") == _clean(moved, tmp_path)


def test_an_output_edited_by_hand_with_the_same_size_and_time_is_written_again(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    page = out / "index.html"
    stat = page.stat()
    data = page.read_bytes()
    page.write_bytes(data.replace(b"<html", b"<HTML", 1))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert page.stat().st_size == stat.st_size
    result = build(site, out)
    assert "index.html" in result.report.written
    assert page.read_bytes() == data


@pytest.mark.parametrize("output", ["static/out", "content/x", "templates/t", ".", "..", "content"])
def test_an_output_folder_among_the_inputs_is_refused(site, output, capsys):
    before = sorted(str(p) for p in site.parent.rglob("*"))
    code = main(["build", str(site), "-o", str(site / output)])
    text = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in text
    assert "the output folder is" in text and "[output-folder]" in text and "hint:" in text
    assert sorted(str(p) for p in site.parent.rglob("*")) == before, "something was written"


@pytest.mark.slow
def test_an_output_folder_beside_the_inputs_is_fine(site, tmp_path):
    assert main(["build", str(site), "-o", str(site / "public")]) == 0
    assert main(["build", str(site), "-o", str(site / ".sitegen-cache" / "preview")]) == 0


def test_the_temporary_file_of_a_write_is_named_as_the_cleanup_looks_for_it(tmp_path):
    assert doctest.testmod(output_record).failed == 0
    target = tmp_path / "out" / "a" / "index.html"
    temporary = output_record.temporary_path(target, 4242)
    assert temporary.parent == target.parent
    assert output_record.TEMPORARY_NAME.match(temporary.name)
    assert not output_record.TEMPORARY_NAME.match(target.name)
    # A write cut short leaves exactly that file, and the next build finds it.
    temporary.parent.mkdir(parents=True)
    temporary.write_bytes(b"half")
    record = output_record.OutputRecord({}).planning(["a/index.html"], 4242)
    assert output_record.leftover_temporaries(tmp_path / "out", record) == [temporary]
    assert output_record.every_temporary(tmp_path / "out") == [temporary]
