"""The parsed HTML of the saved state: kept in text files beside the segments, read when used.

A loaded parsed file or article holds a :class:`StoredText` instead of its HTML,
so a build after an edit holds in memory only the HTML of the pages it renders
again; what it renders is exactly what a clean build renders.
"""

from __future__ import annotations

import gc
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from generator import state
from generator.build import BuildOptions, build_site
from generator.canonical import encode
from generator.discover import default_theme_dir, discover
from generator.engine import records, segments
from generator.engine.pipeline import Engine
from generator.engine.records import RecordStore
from generator.lazy_text import StoredText, TextFile, TextUnreadable
from generator.model import Section
from generator.output_record import RECORD_NAME
from generator.parse import ParsedFile, parse_source
from tests.conftest import FIXED_NOW, copy_settled_sample_site
from tests.record_files import load_from, save_at

LONG = "<p>" + "Numbing cream before micro-needling. " * 20 + "</p>"
ARTICLE = "content/posts/what-is-micro-needling/index.md"


def test_a_stored_text_is_equal_to_hashes_and_encodes_as_its_string(tmp_path):
    path = tmp_path / "texts"
    path.write_bytes(b"xx" + LONG.encode() + b"yy")
    stored = StoredText(TextFile(str(path)), 2, len(LONG.encode()))
    assert stored == LONG and stored == LONG and str(stored) == LONG
    assert stored != LONG + " " and hash(stored) == hash(LONG)
    assert encode(stored) == encode(LONG)
    assert encode(Section("a.md", "a", "A", "text", stored)) == encode(
        Section("a.md", "a", "A", "text", LONG)
    )
    assert stored.strip() == LONG.strip() and "Numbing" in stored and str(stored) == LONG
    assert pickle.loads(pickle.dumps(stored)) == LONG
    assert type(pickle.loads(pickle.dumps(stored))) is str


def test_a_stored_text_reads_its_file_as_it_was_when_loaded(tmp_path):
    """Another build's save may remove the file, or put another in its place."""
    path = tmp_path / "texts"
    path.write_bytes(LONG.encode())
    stored = StoredText(TextFile(str(path)), 0, len(LONG.encode()))
    path.unlink()
    path.write_bytes(b"<p>short</p>")
    assert str(stored) == LONG


def test_a_stored_text_beyond_its_file_is_an_error(tmp_path):
    path = tmp_path / "texts"
    path.write_bytes(b"<p>short</p>")
    with pytest.raises(TextUnreadable, match="ends before"):
        str(StoredText(TextFile(str(path)), 0, len(LONG.encode())))


def test_long_texts_of_records_load_as_stored_texts_shared_as_they_were(tmp_path):
    from generator.plan import RenderJob

    section = Section("a.md", "a", "A", "text", LONG)
    short = Section("b.md", "b", "B", "text", "<p>Short.</p>")
    job = RenderJob("a/index.html", "article.html", {"sections": (section, short), "again": LONG})
    folder, index = tmp_path / "records", tmp_path / "index"
    save_at(RecordStore(folder), index, {"job": job, "intro": replace(section, id="b")})
    assert any(path.name.endswith(segments.TEXT_SUFFIX) for path in folder.iterdir())
    again = load_from(RecordStore(folder), index)
    first, second = again["job"].context["sections"]
    assert isinstance(first.html, StoredText) and first.html == LONG
    assert type(second.html) is str  # short: kept in the segment
    assert again["job"].context["again"] == LONG  # a text of no listed field: in the segment
    assert again == {"job": job, "intro": replace(section, id="b")}


def test_a_load_leaves_no_garbage_for_the_cyclic_collector(tmp_path):
    """The build freezes what its load left before any collection (``build_site``): an
    unpickler in a cycle would keep every object it made, the short-lived ones too, for
    the whole build."""
    from generator.plan import RenderJob

    job = RenderJob("a/index.html", "article.html", {"section": Section("a", "a", "A", "t", LONG)})
    folder, index = tmp_path / "records", tmp_path / "index"
    save_at(RecordStore(folder), index, {"job": job})
    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        again = load_from(RecordStore(folder), index)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [type(item).__name__ for item in gc.garbage if isinstance(item, pickle.Unpickler)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert isinstance(again["job"].context["section"].html, StoredText)  # read from a text file
    assert left == []


def test_a_save_that_writes_every_record_again_moves_the_texts_it_read(tmp_path, monkeypatch):
    """The segments a load came from are removed once no index uses them: a stored text
    still held must read from where its text was written again."""
    from generator.plan import RenderJob

    job = RenderJob("a/index.html", "article.html", {"section": Section("a", "a", "A", "t", LONG)})
    folder, index = tmp_path / "records", tmp_path / "index"
    save_at(RecordStore(folder), index, {"job": job})
    first = set(folder.iterdir())
    store = RecordStore(folder)
    again = load_from(store, index)
    monkeypatch.setattr(records, "MIN_LIVE_SHARE", 2.0)  # too scattered: all written anew
    save_at(store, index, {"job": again["job"], "new": RenderJob("b.html", "page.html")})
    store.remove_unused()
    assert not first & set(folder.iterdir())
    assert str(again["job"].context["section"].html) == LONG
    assert load_from(RecordStore(folder), index)["job"] == job


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_settled_sample_site(tmp_path / "site")


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != RECORD_NAME
    }


@pytest.mark.slow
def test_a_loaded_snapshot_holds_no_html_of_its_files(site):
    options = BuildOptions(output_dir=site.parent / "out", now=FIXED_NOW)
    build_site(site, options)
    store = state.record_store(site, options.output_dir, options)
    snapshot = state.load_snapshot(site, options.output_dir, options, store)
    assert snapshot is not None
    parsed = [item for item in snapshot.parsed.values() if isinstance(item, ParsedFile)]
    long = [item for item in parsed if item.html and len(str(item.html)) >= 200]
    assert len(long) > 10
    assert all(isinstance(item.html, StoredText) for item in long)
    found = discover(site, default_theme_dir())
    sources = {source.src_path: source for source in (*found.posts, *found.pages)}
    for item in long[:5]:  # the same HTML as parsing the file again
        assert str(item.html) == parse_source(sources[item.src_path]).html
    for article in snapshot.articles.values():
        htmls = [section.html for section in getattr(article, "sections", ())]
        assert not any(type(html) is str and len(html) >= 200 for html in htmls)


@pytest.mark.slow
def test_a_build_after_an_edit_renders_stored_texts_as_a_clean_build(site):
    """The edited article's sections are loaded, not parsed again: its page is made
    from stored texts, and must be what a clean build makes."""
    options = BuildOptions(output_dir=site.parent / "out", now=FIXED_NOW)
    build_site(site, options)
    index = site / ARTICLE
    index.write_text(index.read_text().replace("tags: [", "tags: [needles, "), "utf-8")
    result = build_site(site, options)
    assert 0 < result.rendered < result.page_count
    result = build_site(site, options)  # and again, from the state that edit saved
    clean = BuildOptions(output_dir=site.parent / "clean", now=FIXED_NOW)
    Engine(site, clean, clean=True).build()
    assert _tree(site.parent / "out") == _tree(site.parent / "clean")
