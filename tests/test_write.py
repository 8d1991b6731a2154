from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from generator.discover import digest_of
from generator.errors import OutputError
from generator.output_kinds import OutputKind
from generator.outputs import Outputs
from generator.staging import Staging
from generator.stale_reads import StaleReads
from generator.write import safe_target, write_outputs


def test_writes_only_changed_files_and_removes_stale_ones(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    (out / "by-hand.txt").write_text("mine")
    first = write_outputs(out, {"a/index.html": b"A", "b/index.html": b"B"}, cache)
    assert sorted(first.written) == ["a/index.html", "b/index.html"]
    stamp = (out / "a/index.html").stat().st_mtime_ns
    second = write_outputs(out, {"a/index.html": b"A", "c.html": b"C"}, cache)
    assert second.written == ["c.html"] and second.unchanged == 1
    assert second.removed == ["b/index.html"]
    assert not (out / "b").exists()
    assert (out / "a/index.html").stat().st_mtime_ns == stamp
    assert (out / "by-hand.txt").read_text() == "mine"


def test_nothing_changed_writes_nothing(tmp_path):
    outputs = {"index.html": b"x", "feed.xml": b"y"}
    write_outputs(tmp_path / "out", outputs, tmp_path / "cache")
    again = write_outputs(tmp_path / "out", outputs, tmp_path / "cache")
    assert again.written == [] and again.removed == [] and again.unchanged == 2


def test_written_files_are_readable_by_others(tmp_path):
    write_outputs(tmp_path / "out", {"index.html": b"x"}, tmp_path / "cache")
    assert (tmp_path / "out/index.html").stat().st_mode & 0o044 == 0o044
    assert list((tmp_path / "out").glob(".*.tmp")) == []


@pytest.mark.parametrize("dest", ["../evil.html", "/etc/passwd", "a/../../x", "a\x00b", ""])
def test_nothing_is_written_outside_the_output_folder(tmp_path, dest):
    with pytest.raises(OutputError):
        safe_target(tmp_path, dest)


def test_a_symlink_out_of_the_folder_is_refused(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "link").symlink_to(elsewhere)
    with pytest.raises(OutputError):
        write_outputs(out, {"link/index.html": b"x"}, tmp_path / "cache")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    "link, dest",
    [
        ("a/b/link", "a/b/link/c/index.html"),  # a link deep down, below folders that are there
        ("a/page.html", "a/page.html"),  # the file itself
        ("a/b/link", "a/b/link"),  # the file itself, a link to a folder
    ],
)
def test_a_link_below_the_top_is_refused_too(tmp_path, link, dest):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / "a/b").mkdir(parents=True)
    (elsewhere / "c").mkdir(parents=True)
    (out / link).symlink_to(elsewhere)
    with pytest.raises(OutputError):
        write_outputs(out, {"new/index.html": b"n", dest: b"x"}, tmp_path / "cache")
    assert sorted(p.name for p in elsewhere.rglob("*")) == ["c"]
    assert not (out / "new").exists()


def test_a_link_that_stays_inside_is_followed(tmp_path):
    out = tmp_path / "out"
    (out / "real").mkdir(parents=True)
    (out / "alias").symlink_to(out / "real")
    report = write_outputs(out, {"alias/x/index.html": b"x", "new/y/z.html": b"z"}, tmp_path / "c")
    assert report.written == ["alias/x/index.html", "new/y/z.html"]
    assert (out / "real/x/index.html").read_bytes() == b"x"
    assert (out / "new/y/z.html").read_bytes() == b"z"
    again = write_outputs(out, {"alias/x/index.html": b"x", "new/y/z.html": b"z"}, tmp_path / "c")
    assert again.written == [] and again.unchanged == 2


def _staging(tmp_path):
    """A staging folder whose pages not set aside are read from ``out``, as the engine's."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)

    def read_written(dest: str) -> bytes | None:
        path = out / dest
        return path.read_bytes() if path.is_file() else None

    return Staging(tmp_path / "cache", read_written), out


def test_a_staged_page_reads_back_and_one_not_staged_is_read_from_the_output(tmp_path):
    staging, out = _staging(tmp_path)
    staging.put("a/index.html", b"staged", digest_of(b"staged"))
    (out / "b.html").write_bytes(b"written")
    assert "a/index.html" in staging and "b.html" not in staging
    assert staging.read("a/index.html") == b"staged"
    assert staging.read("b.html") == b"written"
    staging.clear()  # after the write, every page is read from the output folder
    assert staging.read("b.html") == b"written"


def test_a_page_neither_staged_nor_written_is_none_and_a_stale_read_of_outputs(tmp_path):
    staging, _out = _staging(tmp_path)
    staging.put("a/index.html", b"staged", digest_of(b"staged"))
    assert staging.read("gone.html") is None
    shutil.rmtree(staging.folder)  # the staging folder removed under the build
    assert staging.read("a/index.html") is None
    stale = StaleReads()
    outputs = Outputs(stale)
    outputs.add_known("a/index.html", digest_of(b"staged"), staging.read, kind=OutputKind.PAGE)
    assert outputs["a/index.html"] == b"" and stale.paths == ("a/index.html",)


def _staged_outputs(staging, pages: dict[str, bytes]) -> Outputs:
    """Outputs known by digest whose bytes wait in ``staging``, as a large build's pages."""
    outputs = Outputs()
    for dest, data in pages.items():
        staging.put(dest, data, digest_of(data))
        outputs.add_known(dest, digest_of(data), staging.read, kind=OutputKind.PAGE)
    return outputs


def test_a_page_set_aside_is_moved_into_place_not_written_again(tmp_path):
    staging, out = _staging(tmp_path)
    outputs = _staged_outputs(staging, {"a/index.html": b"<p>a</p>", "b/index.html": b"<p>b</p>"})
    inode = (staging.folder / "0").stat().st_ino
    (out / "plain.html").write_bytes(b"by hand")
    report = write_outputs(out, outputs, staging=staging, digest=outputs.digest)
    assert report.written == ["a/index.html", "b/index.html"]
    assert (out / "a/index.html").read_bytes() == b"<p>a</p>"
    assert (out / "a/index.html").stat().st_ino == inode  # the same file, moved
    assert not any(staging.folder.iterdir()) and "a/index.html" not in staging
    assert staging.read("a/index.html") == b"<p>a</p>"  # from the output folder now
    assert report.files["b/index.html"].digest == digest_of(b"<p>b</p>")
    mode = (out / "a/index.html").stat().st_mode & 0o777
    written = write_outputs(tmp_path / "other", {"a/index.html": b"<p>a</p>"}).files
    assert written and mode == (tmp_path / "other/a/index.html").stat().st_mode & 0o777
    again = write_outputs(out, outputs, digest=outputs.digest)
    assert again.written == [] and again.unchanged == 2


def test_a_page_set_aside_with_other_bytes_than_the_build_knows_is_written(tmp_path):
    staging, out = _staging(tmp_path)
    outputs = _staged_outputs(staging, {"a/index.html": b"old"})
    outputs.add("a/index.html", b"new", kind=OutputKind.PAGE)  # made again after it was set aside
    report = write_outputs(out, outputs, staging=staging, digest=outputs.digest)
    assert (out / "a/index.html").read_bytes() == b"new"
    assert report.files["a/index.html"].digest == digest_of(b"new")
    assert (staging.folder / "0").read_bytes() == b"old"  # left where it was


def test_a_page_set_aside_in_a_folder_since_removed_is_a_stale_read(tmp_path):
    staging, out = _staging(tmp_path)
    outputs = _staged_outputs(staging, {"a/index.html": b"<p>a</p>"})
    shutil.rmtree(staging.folder)
    write_outputs(out, outputs, staging=staging, digest=outputs.digest)
    assert outputs.stale.paths == ("a/index.html",)  # the engine starts over


def test_a_page_set_aside_on_another_file_system_is_written(tmp_path):
    """A staging folder on another file system than the output (``--output`` elsewhere)
    cannot be renamed from: each page is written instead, and stays set aside."""
    memory = Path("/dev/shm")
    if not memory.is_dir() or not os.access(memory, os.W_OK):
        pytest.skip("no /dev/shm here: no second file system to set pages aside on")
    cache = Path(tempfile.mkdtemp(dir=memory))
    try:
        out = tmp_path / "out"
        if os.stat(cache).st_dev == os.stat(tmp_path).st_dev:
            pytest.skip("/dev/shm is on the same file system as the output here")
        staging = Staging(cache, lambda dest: None)
        outputs = _staged_outputs(staging, {"a/index.html": b"<p>a</p>"})
        report = write_outputs(out, outputs, staging=staging, digest=outputs.digest)
        assert report.written == ["a/index.html"]
        assert (out / "a/index.html").read_bytes() == b"<p>a</p>"
        assert "a/index.html" in staging and (staging.folder / "0").is_file()
        assert outputs.stale.paths == ()
    finally:
        shutil.rmtree(cache, ignore_errors=True)
