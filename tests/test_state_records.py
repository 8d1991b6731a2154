"""The saved state's records: written once, only the new ones saved, never trusted when damaged.

Each test builds a copy of the sample site as ``sitegen build`` does, does
something to the records folder (``.sitegen-cache/engine-<key>.records``),
and checks that the next builds still give exactly what a clean build gives.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from pathlib import Path

import pytest

from generator import state
from generator.build import BuildOptions, build_site
from generator.engine import records
from generator.engine.pipeline import Engine
from generator.engine.records import RecordStore
from generator.engine.segments import TEXT_SUFFIX
from generator.output_record import RECORD_NAME
from tests.conftest import FIXED_NOW, copy_settled_sample_site
from tests.record_files import load_from, save_at

pytestmark = pytest.mark.slow  # each test builds the sample site several times

SECTION = "content/posts/what-is-micro-needling/03-micro-needling-devices.md"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_settled_sample_site(tmp_path / "site")


def _options(site: Path) -> BuildOptions:
    return BuildOptions(output_dir=site.parent / "out", now=FIXED_NOW)


def _segments(site: Path) -> list[Path]:
    (folder,) = (site / ".sitegen-cache").glob("engine-*.records")
    return sorted(folder.glob("*" + records.SEGMENT_SUFFIX))


def _edit(site: Path, words: str) -> None:
    section = site / SECTION
    section.write_text(section.read_text() + f"\n{words}\n")


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != RECORD_NAME
    }


def _clean_tree(site: Path) -> dict[str, bytes]:
    clean = BuildOptions(output_dir=site.parent / "clean", now=FIXED_NOW)
    Engine(site, clean, clean=True).build()
    return _tree(site.parent / "clean")


def test_an_edit_saves_a_small_segment_beside_the_first(site):
    options = _options(site)
    build_site(site, options)
    (first,) = _segments(site)
    _edit(site, "One more sentence.")
    result = build_site(site, options)
    assert 0 < result.rendered < result.page_count
    new = [path for path in _segments(site) if path != first]
    assert first in _segments(site) and len(new) == 1
    assert new[0].stat().st_size * 2 < first.stat().st_size  # one article of several
    text = new[0].with_name(new[0].name + TEXT_SUFFIX)  # the section's HTML
    text_digest = hashlib.blake2b(text.read_bytes(), digest_size=16).digest()
    digest = hashlib.blake2b(new[0].read_bytes() + text_digest, digest_size=16)
    assert new[0].name == digest.hexdigest() + records.SEGMENT_SUFFIX
    assert _tree(site.parent / "out") == _clean_tree(site)


def test_a_resumed_build_after_records_renders_only_the_edit_again(site):
    options = _options(site)
    build_site(site, options)
    _edit(site, "A first addition.")
    once = build_site(site, options)
    _edit(site, "A second addition.")
    twice = build_site(site, options)
    assert twice.rendered == once.rendered < once.page_count
    assert _tree(site.parent / "out") == _clean_tree(site)


@pytest.mark.parametrize("damage", ["missing", "truncated", "changed"])
def test_a_damaged_segment_means_a_build_from_nothing(site, damage):
    options = _options(site)
    build_site(site, options)
    (segment,) = _segments(site)
    data = segment.read_bytes()
    if damage == "missing":
        segment.unlink()
    elif damage == "truncated":
        segment.write_bytes(data[: len(data) // 2])
    else:  # same size, one byte different
        middle = len(data) // 2
        segment.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :])
    output = site.parent / "out"
    assert state.load_snapshot(site.resolve(), output.resolve(), options) is None
    _edit(site, "After the damage.")
    result = build_site(site, options)
    assert result.rendered >= result.page_count  # nothing of the damaged state was used
    assert _tree(output) == _clean_tree(site)
    assert state.load_snapshot(site.resolve(), output.resolve(), options) is not None


def test_a_save_cut_short_leaves_the_last_good_state(site, monkeypatch):
    options = _options(site)
    build_site(site, options)
    before = _segments(site)
    write_segments = records.write_segments

    def written_then_cut(folder, fresh, known):
        write_segments(folder, fresh, known)  # the new segment is there, its index never will be
        raise OSError("no space left on device")

    _edit(site, "Saved halfway.")
    monkeypatch.setattr(records, "write_segments", written_then_cut)
    build_site(site, options)
    monkeypatch.undo()
    assert len(_segments(site)) == len(before) + 1
    _edit(site, "And after that.")
    result = build_site(site, options)
    assert result.rendered < result.page_count  # the last good state was used
    assert _tree(site.parent / "out") == _clean_tree(site)
    assert len(_segments(site)) == len(before) + 1  # the orphan went, this save's came


def test_segments_no_index_needs_are_removed_and_many_are_merged(site, monkeypatch):
    options = _options(site)
    monkeypatch.setattr(records, "MAX_SEGMENTS", 3)
    build_site(site, options)
    folder = _segments(site)[0].parent
    (folder / ".left-over.tmp").write_bytes(b"from a save that was killed")
    for number in range(4):
        _edit(site, f"Edit number {number}.")
        build_site(site, options)
        assert len(_segments(site)) <= 3
    assert not (folder / ".left-over.tmp").exists()
    assert _tree(site.parent / "out") == _clean_tree(site)


def test_records_are_shared_objects_again_after_loading(tmp_path):
    from generator.plan import RenderJob

    job = RenderJob("a/index.html", "article.html", {"title": "A"})
    value = {"first": job, "second": [job, RenderJob("b/index.html", "page.html")]}
    store = RecordStore(tmp_path / "records")
    with (tmp_path / "index").open("wb") as stream:
        store.save(stream, value)
    with (tmp_path / "index").open("rb") as stream:
        again = RecordStore(tmp_path / "records").load(stream)
    assert again == value and again["first"] is again["second"][0]
    assert pickle.loads(pickle.dumps(again)) == value


def test_saving_an_index_leaves_its_memo_to_no_cyclic_collection(tmp_path):
    """The index pickler's memo (every object of a large site's index, and what each was
    reduced to) is freed when the save is done, not at the cyclic collector's next pass:
    that pass finds a few objects of the save's own (the C library it calls), not one
    per object of the index."""
    from generator.plan import RenderJob

    size = 2000
    value = {"jobs": [RenderJob(f"{n}/index.html", "page.html") for n in range(size)]}
    value["settings"] = [frozenset({n}) for n in range(size)]  # each reduced to a new tuple
    store = RecordStore(tmp_path / "records")
    gc.collect()
    gc.disable()
    try:
        with (tmp_path / "index").open("wb") as stream:
            store.save(stream, value)
        assert gc.collect() < size // 20
    finally:
        gc.enable()


def test_every_record_class_exists():
    """A class moved or renamed would silently be saved in full at every build."""
    import importlib

    for name in sorted(records.RECORD_CLASSES):
        module, _, qualname = name.rpartition(".")
        found = getattr(importlib.import_module(module), qualname, None)
        assert found is not None and f"{found.__module__}.{found.__qualname__}" == name


def test_findings_kept_by_digest_are_those_of_a_clean_build(site):
    # starter-text and reading-level keep their findings per file by the file's digest:
    # a resumed build must report exactly what a clean build of the same files reports.
    options = _options(site)
    build_site(site, options)
    section = site / SECTION
    original = section.read_text()
    hard = " ".join(["Notwithstanding multidisciplinary considerations, practitioners"] * 12)
    edits = [
        original + "\nCall Your Clinic on +1 555 0123 today.\n",
        original + f"\n{hard}.\n",
        original,
    ]
    rules: list[set] = []
    for text in edits:
        section.write_text(text)
        resumed = build_site(site, options)
        clean = Engine(site, BuildOptions(output_dir=site.parent / "clean", now=FIXED_NOW))
        expected = clean.build().warnings
        assert sorted(map(str, resumed.warnings)) == sorted(map(str, expected))
        rules.append({(w.rule, str(w)) for w in resumed.warnings if w.path and SECTION in w.path})
    starter = [{str_ for rule, str_ in found if rule == "starter-text"} for found in rules]
    reading = [{str_ for rule, str_ in found if rule == "reading-level"} for found in rules]
    assert starter[0] and not starter[2]
    assert reading[1] != reading[2]  # the harder text has another grade


def test_a_save_in_several_segments_keeps_each_record_once_and_shared(tmp_path, monkeypatch):
    from generator.engine import segments
    from generator.plan import RenderJob

    monkeypatch.setattr(segments, "SEGMENT_BYTES", 2_000)  # about one job per segment
    blob = "".join(f"{number:05}" for number in range(4_000))  # 20,000 characters
    inner = RenderJob("inner.html", "page.html", {"blob": blob})  # in no index, only in jobs
    later = RenderJob("later.html", "page.html", {"blob": blob[::-1]})  # in the index after
    jobs = [
        RenderJob(
            f"{n}/index.html", "a.html", {"inner": inner, "later": later, "own": f"{n}" * 2_500}
        )
        for n in range(6)
    ]
    value = {"jobs": jobs, "later": later}
    folder, index = tmp_path / "records", tmp_path / "index"
    save_at(RecordStore(folder), index, value)
    written = sorted(folder.iterdir())
    assert len(written) >= 6
    own = 6 * 2_500
    assert sum(path.stat().st_size for path in written) < 2 * len(blob) + own + 5_000  # once each

    store = RecordStore(folder)
    again = load_from(store, index)
    assert again == value
    assert len({id(job.context["inner"]) for job in again["jobs"]}) == 1
    assert all(job.context["later"] is again["later"] for job in again["jobs"])

    edited = {"jobs": [*again["jobs"], RenderJob("new.html", "page.html")], "later": again["later"]}
    save_at(store, index, edited)
    store.remove_unused()
    (added,) = set(folder.iterdir()) - set(written)
    assert added.stat().st_size < 500  # only the new job, the others by reference
    assert load_from(RecordStore(folder), index) == edited


def test_segments_a_record_refers_to_are_kept_with_it(tmp_path, monkeypatch):
    from generator.engine import segments
    from generator.plan import RenderJob

    monkeypatch.setattr(segments, "SEGMENT_BYTES", 1)  # one record per segment
    inner = RenderJob("inner.html", "page.html")
    outer = RenderJob("outer.html", "page.html", {"inner": inner})
    folder, index = tmp_path / "records", tmp_path / "index"
    store = RecordStore(folder)
    save_at(store, index, {"inner": inner, "outer": outer})  # outer's segment refers to inner's
    save_at(store, index, {"outer": outer, "first": RenderJob("first.html", "page.html")})
    store.remove_unused()
    again = load_from(RecordStore(folder), index)
    assert again["outer"].context["inner"] == inner


def test_an_edits_segment_goes_once_the_next_edit_replaced_it(site):
    # Without this, each edit's segment stays for the record or two of it still used,
    # and every later build loads all of it: ten edits, ten more segments to read.
    options = _options(site)
    build_site(site, options)
    (first,) = _segments(site)
    counts = []
    for number in range(6):
        _edit(site, f"Edit number {number}.")
        result = build_site(site, options)
        assert 0 < result.rendered < result.page_count  # the state went on, not anew
        counts.append(len(_segments(site)))
        assert first in _segments(site)  # the first build's records are not written again
    assert max(counts) <= 3, counts
    assert _tree(site.parent / "out") == _clean_tree(site)
