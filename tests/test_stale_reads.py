"""A file that changes under a build is noted as a value (generator.stale_reads), and the
engine starts over when a run's log is not empty: the result is a clean build's, byte
for byte, and no exception carries the news from the read to the engine."""

from __future__ import annotations

import pytest

from generator.build_options import BuildOptions
from generator.config import Config
from generator.discover import SourceFile, digest_of
from generator.engine.finishing import FinishInputs, SvgFiles, finish_page
from generator.engine.pipeline import MAX_RUNS, Engine
from generator.errors import ContentError
from generator.images import ImageCatalog
from generator.output_kinds import OutputKind
from generator.outputs import Outputs
from generator.progress import Progress
from generator.stale_reads import StaleReads
from tests.conftest import FIXED_NOW, copy_sample_site


def test_a_log_keeps_each_path_once_in_the_order_found():
    stale = StaleReads()
    assert not stale and stale.paths == ()
    stale.add("content/posts/b.md")
    stale.extend(["static/a.css", "content/posts/b.md"])
    stale.add("static/a.css")
    assert stale and len(stale) == 2
    assert stale.paths == ("content/posts/b.md", "static/a.css")


def _known(tmp_path, data: bytes) -> SourceFile:
    """A source file as an earlier build left it: known by the digest of ``data`` alone."""
    path = tmp_path / "a.md"
    path.write_bytes(data)
    return SourceFile("content/posts/a.md", "article", None, digest_of(data), file=str(path))


def test_a_source_read_as_it_was_known_is_kept_and_nothing_is_noted(tmp_path):
    source, stale = _known(tmp_path, b"old"), StaleReads()
    assert source.read(stale) == b"old" and source.data == b"old"
    assert not stale


def test_a_source_that_changed_is_noted_and_its_new_bytes_are_returned_not_kept(tmp_path):
    source, stale = _known(tmp_path, b"old"), StaleReads()
    (tmp_path / "a.md").write_bytes(b"new bytes")
    assert source.read(stale) == b"new bytes"
    assert stale.paths == ("content/posts/a.md",)
    assert source.raw is None  # still known by the old digest: the engine starts over


def test_a_source_that_is_gone_is_noted_and_reads_as_nothing(tmp_path):
    source, stale = _known(tmp_path, b""), StaleReads()
    (tmp_path / "a.md").unlink()
    assert source.read(stale) == b""  # even a file that was empty: gone is stale
    assert stale.paths == ("content/posts/a.md",)


def test_an_output_read_back_with_other_bytes_is_noted_with_its_true_digest():
    stale = StaleReads()
    outputs = Outputs(stale)
    outputs.add_known(
        "a/index.html", digest_of(b"as written"), lambda dest: b"by hand", kind=OutputKind.PAGE
    )
    outputs.add_known("gone.css", digest_of(b"x"), lambda dest: None, kind=OutputKind.STYLESHEET)
    outputs.add_known("same.txt", digest_of(b"same"), lambda dest: b"same", kind=OutputKind.ASSET)
    assert outputs["same.txt"] == b"same" and not stale
    assert outputs["a/index.html"] == b"by hand"
    assert outputs.digest("a/index.html") == digest_of(b"by hand")  # what a writer records
    assert outputs["gone.css"] == b""
    assert stale.paths == ("a/index.html", "gone.css")


def test_outputs_merged_keep_what_their_logs_found():
    mine, theirs = Outputs(), Outputs()
    theirs.add_known("a.css", digest_of(b"x"), lambda dest: b"y", kind=OutputKind.STYLESHEET)
    assert theirs["a.css"] == b"y"
    mine.update(theirs)
    assert mine.stale.paths == ("a.css",)


def test_the_finishing_pass_notes_a_content_file_changed_in_the_log_it_is_given(tmp_path):
    """What a worker does for each page: its own log goes back with the page."""
    source = _known(tmp_path, b"An image: <img src=x.png>")
    (tmp_path / "a.md").write_bytes(b"Changed: <img src=x.png>")
    config = Config(site_dir=tmp_path, title="T", base_url="https://x.org/")
    inputs = FinishInputs(config, ImageCatalog(), SvgFiles("/", Outputs()), (source,), b"")
    stale = StaleReads()
    finished = finish_page("a/index.html", b"<p><img src=x.png></p>", inputs, stale)
    assert finished.alts  # the image has no alt text: the content files were read to say where
    assert stale.paths == ("content/posts/a.md",)


class ChangeWhileBuilding(Progress):
    """Gives a file new bytes each time a build starts parsing, up to ``times`` times: the
    build has read it by then, and keeps it by digest alone once parsing is done."""

    def __init__(self, path, times: int) -> None:
        self.path, self.times, self.stages = path, times, []

    @property
    def reading(self) -> int:
        return self.stages.count("Reading")

    def start(self, stage: str, total: int | None, unit: str) -> None:
        self.stages.append(stage)
        if stage == "Parsing" and self.times:
            self.times -= 1
            self.path.write_text(f"body {{ margin: {self.times}px }}\n")


def _tree(folder) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".sitegen")
    }


@pytest.fixture
def site(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    (site / "static" / "extra.css").write_text("body { margin: 0 }\n")
    return site


def test_a_source_changed_mid_build_starts_the_build_over_and_ends_as_a_clean_build(site, tmp_path):
    out = tmp_path / "out"
    engine = Engine(site, BuildOptions(output_dir=out, now=FIXED_NOW))
    engine.build()
    css = site / "static" / "extra.css"
    css.write_text("body { margin: 1em }\n")  # read by the next build, then changed again
    engine.progress = changing = ChangeWhileBuilding(css, times=1)
    engine.build()
    assert changing.reading == 2  # the finishing pass read the stylesheet: stale, started over
    assert changing.stages.count("Writing") == 1  # before anything was written
    copies = [path.read_text() for path in (out / "static").glob("extra.*.css")]
    assert copies == ["body { margin: 0px }\n"]  # named by its digest: the bytes of now
    Engine(site, BuildOptions(output_dir=tmp_path / "clean", now=FIXED_NOW)).build()
    assert _tree(out) == _tree(tmp_path / "clean")


def test_a_file_read_only_by_the_write_that_changed_is_written_again_from_nothing(site, tmp_path):
    """The write records what it wrote (the bytes it found, by their own digest), then the
    engine starts over: the second write leaves what a clean build leaves."""
    out = tmp_path / "out"
    notes = site / "static" / "notes.txt"  # copied as it is: nothing but the write reads it
    notes.write_text("first\n")
    engine = Engine(site, BuildOptions(output_dir=out, now=FIXED_NOW))
    engine.build()
    notes.write_text("second\n")
    engine.progress = changing = ChangeWhileBuilding(notes, times=1)
    result = engine.build()
    assert changing.reading == 2 and changing.stages.count("Writing") == 2  # seen by the write
    assert (out / "static" / "notes.txt").read_text() == "body { margin: 0px }\n"
    assert "static/notes.txt" in result.outputs
    again = Engine(site, BuildOptions(output_dir=out, now=FIXED_NOW)).build()
    assert again.report.written == []  # the record says what the folder holds
    Engine(site, BuildOptions(output_dir=tmp_path / "clean", now=FIXED_NOW)).build()
    assert _tree(out) == _tree(tmp_path / "clean")


def test_a_file_that_changes_under_every_run_is_reported_and_nothing_is_written(site, tmp_path):
    out = tmp_path / "out"
    engine = Engine(site, BuildOptions(output_dir=out, now=FIXED_NOW))
    engine.build()
    before = _tree(out)
    css = site / "static" / "extra.css"
    css.write_text("body { margin: 1em }\n")
    engine.progress = changing = ChangeWhileBuilding(css, times=MAX_RUNS + 1)
    with pytest.raises(ContentError, match="changed each time the build read it") as error:
        engine.build()
    assert error.value.path.endswith("extra.css") and changing.reading == MAX_RUNS
    assert _tree(out) == before


class ChangeAtEachWriteAndLaterParse(ChangeWhileBuilding):
    """Gives ``written`` new bytes at every write, and ``parsed`` new bytes at every parse
    but the first: each run after the first goes stale in a different stage."""

    def __init__(self, written, parsed) -> None:
        super().__init__(written, times=0)
        self.parsed = parsed

    def start(self, stage: str, total: int | None, unit: str) -> None:
        self.stages.append(stage)
        if stage == "Writing":
            self.path.write_text(f"written {self.stages.count(stage)}\n")
        if stage == "Parsing" and self.stages.count(stage) > 1:
            self.parsed.write_text(f"body {{ margin: {self.stages.count(stage)}px }}\n")


def test_the_runs_of_the_write_and_of_the_render_count_against_one_limit(site, tmp_path):
    out = tmp_path / "out"
    notes = site / "static" / "notes.txt"
    notes.write_text("first\n")
    engine = Engine(site, BuildOptions(output_dir=out, now=FIXED_NOW))
    engine.build()
    notes.write_text("second\n")
    engine.progress = changing = ChangeAtEachWriteAndLaterParse(
        notes, site / "static" / "extra.css"
    )
    with pytest.raises(ContentError, match="changed each time the build read it"):
        engine.build()
    assert changing.reading == MAX_RUNS  # not MAX_RUNS runs of the render for each write
    again = Engine(site, BuildOptions(output_dir=out, now=FIXED_NOW)).build()
    Engine(site, BuildOptions(output_dir=tmp_path / "clean", now=FIXED_NOW)).build()
    assert again.report.written and _tree(out) == _tree(tmp_path / "clean")
