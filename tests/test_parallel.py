"""Parsing and rendering on several processes (and pages set aside on disk) give exactly
what one process holding everything in memory gives."""

from __future__ import annotations

import filecmp
import os
import threading
import time
from types import SimpleNamespace

import pytest

import generator.engine.render_pass as render_pass
import generator.parallel as parallel
from bench import corpus
from generator.discover import SourceFile, digest_of
from generator.engine.output_writer import OutputWriter
from generator.errors import ContentError, SiteError
from generator.output_kinds import OutputKind
from generator.output_record import RECORD_NAME
from generator.progress import Progress
from tests.conftest import build, copy_sample_site

COUNT = 60  # articles; with their section files well over the pool threshold set below


def _files(root):
    """The outputs (not the record of them, which holds each file's stat)."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name != RECORD_NAME
    )


@pytest.mark.slow
def test_parallel_and_serial_builds_are_byte_identical(tmp_path, monkeypatch):
    info = corpus.write_corpus(tmp_path / "corpus", COUNT)
    site = info.root / "sitegen"
    monkeypatch.setattr(parallel, "MIN_FILES_FOR_POOL", 10**9)
    monkeypatch.setattr(parallel, "MIN_ITEMS_FOR_FORK", 10**9)
    monkeypatch.setattr(render_pass, "STAGE_PAGES", 10**9)
    serial = build(site, tmp_path / "serial")
    monkeypatch.setattr(parallel, "MIN_FILES_FOR_POOL", 1)
    monkeypatch.setattr(parallel, "MIN_ITEMS_FOR_FORK", 1)
    monkeypatch.setattr(render_pass, "STAGE_PAGES", 1)  # pages set aside on disk, too
    calls = []
    original = parallel.ProcessPoolExecutor
    monkeypatch.setattr(
        parallel, "ProcessPoolExecutor", lambda **kw: calls.append(kw) or original(**kw)
    )
    pooled = build(site, tmp_path / "pooled")
    assert len(calls) == 3, "parsing, rendering and grading did not all take the parallel path"
    names = _files(tmp_path / "serial")
    assert names == _files(tmp_path / "pooled") and len(names) > COUNT
    _, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "serial", tmp_path / "pooled", names, shallow=False
    )
    assert mismatch == [] and errors == []
    assert serial.site.related == pooled.site.related
    graded = [str(w) for w in pooled.warnings if w.rule == "reading-level"]
    assert graded and graded == [str(w) for w in serial.warnings if w.rule == "reading-level"]
    assert not list((site / ".sitegen-cache").glob("staging-*"))


def test_the_first_bad_file_in_order_is_reported(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_FILES_FOR_POOL", 1)

    def source(number: int, text: str) -> SourceFile:
        data = text.encode()
        return SourceFile(f"content/posts/a{number:03}.md", "article", data, digest_of(data))

    good = "---\ntitle: T\ndescription: D\ndate: 2024-01-01\n---\nBody.\n"
    sources = [source(n, good) for n in range(70)]
    sources[40] = source(40, "---\ntitle: [broken\n---\n")
    sources[65] = source(65, "no front matter\n")
    with pytest.raises(ContentError) as caught:
        parallel.parse_many(sources, workers=2)
    assert caught.value.path == "content/posts/a040.md"


@pytest.mark.slow
def test_a_template_error_in_a_worker_is_the_one_a_serial_render_reports(tmp_path, monkeypatch):
    info = corpus.write_corpus(tmp_path / "corpus", COUNT)
    site = info.root / "sitegen"
    templates = site / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "list.html").write_text(
        "{% extends 'base.html' %}{% block content %}{{ no_such_thing }}{% endblock %}\n"
    )
    errors = []
    for threshold in (10**9, 1):
        monkeypatch.setattr(parallel, "MIN_ITEMS_FOR_FORK", threshold)
        with pytest.raises(SiteError) as caught:
            build(site, tmp_path / f"out-{threshold}")
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and "no_such_thing" in errors[0]
    assert not (tmp_path / "out-1").exists()


def test_map_forked_keeps_order_and_raises_the_first_error():
    items = list(range(500))
    assert parallel.map_forked(lambda n: n * n, items, workers=2) == [n * n for n in items]

    def fails_at_odd_hundreds(n: int) -> int:
        if n in (450, 150, 350):
            raise ValueError(f"item {n}")
        return n

    with pytest.raises(ValueError, match="item 150"):
        parallel.map_forked(fails_at_odd_hundreds, items, workers=2)


def test_workers_are_forked_afresh_round_by_round_and_order_holds(monkeypatch):
    # One batch per worker and round: 500 items in batches of 32 make eight rounds of two
    # batches, the caller's and one worker's, each worker a fresh process.
    monkeypatch.setattr(parallel, "_ROUND_BATCHES", 1)
    _wait_for_no_other_threads()
    items = list(range(500))
    done = parallel.map_forked(lambda n: (n * n, os.getpid()), items, workers=2)
    assert [square for square, _ in done] == [n * n for n in items]
    workers = {pid for _, pid in done} - {os.getpid()}
    assert len(workers) == 8

    def fails_late(n: int) -> int:
        if n in (470, 400):
            raise ValueError(f"item {n}")
        return n

    with pytest.raises(ValueError, match="item 400"):
        parallel.map_forked(fails_late, items, workers=2)


def test_pages_that_read_the_whole_site_are_made_before_forking_and_order_holds():
    templates = ["list.html"] * 300
    templates[3], templates[150], templates[299] = "terms.html", "feed.xml", "sitemap.xml"
    jobs = [SimpleNamespace(template=name, number=n) for n, name in enumerate(templates)]
    progress = Progress()
    _wait_for_no_other_threads()
    made = list(render_pass._made_in_order(lambda job: (job.number, os.getpid()), jobs, progress))
    assert [number for number, _ in made] == list(range(300))
    here = {number for number, pid in made if pid == os.getpid()}
    assert {3, 150, 299} <= here and len(here) < 300  # the others went to a worker too
    assert threading.active_count() == 1  # the pool has ended: a later stage may fork

    def fails(at: set[int]):
        def make(job):
            if job.number in at:
                raise ValueError(f"page {job.number}")
            return job.number

        return make

    with pytest.raises(ValueError, match="page 150"):  # a site-wide page, made first
        list(render_pass._made_in_order(fails({150, 280}), jobs, progress))
    with pytest.raises(ValueError, match="page 100"):  # before it in order: raised first
        list(render_pass._made_in_order(fails({100, 150}), jobs, progress))


def _wait_for_no_other_threads() -> None:
    """Forking waits for a process with one thread: a pool that an earlier test stopped
    on an error (without waiting for it) may still be ending."""
    deadline = time.monotonic() + 10
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_build_that_sets_its_pages_aside_sets_its_search_files_aside_too(tmp_path, monkeypatch):
    site = copy_sample_site(tmp_path / "site")
    in_memory: dict[str, bool] = {}
    left_aside: list[int] = []  # files still in the staging folder after the write
    original = OutputWriter.write

    def write(writer, outputs, progress, staging=None):
        search_files = outputs.of_kind(OutputKind.SEARCH)
        in_memory.update({dest: outputs.in_memory(dest) for dest in search_files})
        report = original(writer, outputs, progress, staging)
        if staging is not None:
            left_aside.append(len(list(staging.folder.iterdir())))
        return report

    monkeypatch.setattr(OutputWriter, "write", write)
    build(site, tmp_path / "in-memory")
    assert in_memory and all(in_memory.values())
    in_memory.clear()
    monkeypatch.setattr(render_pass, "STAGE_PAGES", 1)
    build(site, tmp_path / "aside")
    assert in_memory and not any(in_memory.values())
    assert left_aside == [0]  # each page and search file set aside was moved into place
    names = _files(tmp_path / "in-memory")
    assert names == _files(tmp_path / "aside")
    _, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "in-memory", tmp_path / "aside", names, shallow=False
    )
    assert mismatch == [] and errors == []
