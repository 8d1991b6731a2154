from __future__ import annotations

import shutil

import pytest

from generator.discover import digest_of
from generator.errors import OutputError
from generator.output_kinds import OutputKind
from generator.outputs import Outputs
from generator.stale_reads import StaleReads
from generator.write import Staging, safe_target, write_outputs


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
    staging.put("a/index.html", b"staged")
    (out / "b.html").write_bytes(b"written")
    assert "a/index.html" in staging and "b.html" not in staging
    assert staging.read("a/index.html") == b"staged"
    assert staging.read("b.html") == b"written"
    staging.clear()  # after the write, every page is read from the output folder
    assert staging.read("b.html") == b"written"


def test_a_page_neither_staged_nor_written_is_none_and_a_stale_read_of_outputs(tmp_path):
    staging, _out = _staging(tmp_path)
    staging.put("a/index.html", b"staged")
    assert staging.read("gone.html") is None
    shutil.rmtree(staging.folder)  # the staging folder removed under the build
    assert staging.read("a/index.html") is None
    stale = StaleReads()
    outputs = Outputs(stale)
    outputs.add_known("a/index.html", digest_of(b"staged"), staging.read, kind=OutputKind.PAGE)
    assert outputs["a/index.html"] == b"" and stale.paths == ("a/index.html",)
