"""On-site search: a Pagefind index in shards in the build output and a search page that uses it."""

from __future__ import annotations

import json
import os
import pickle
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright import sync_api

from generator import search, search_runs
from generator.discover import digest_of
from generator.errors import OutputError
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve
from tests.conftest import build, copy_sample_site
from tests.htmltools import Page


def _pagefind_files(result) -> dict[str, bytes]:
    return {dest: data for dest, data in result.outputs.items() if dest.startswith("pagefind/")}


@pytest.mark.slow
def test_the_index_holds_articles_and_pages_only(sample_build):
    files = _pagefind_files(sample_build)
    assert json.loads(files["pagefind/shards.json"]) == {"shards": ["0/"]}  # a small site
    assert "pagefind/0/pagefind.js" in files
    assert not any("-ui." in dest for dest in files)  # the theme has its own search page
    entry = json.loads(files["pagefind/0/pagefind-entry.json"])
    indexed = len(sample_build.site.articles) + len(sample_build.site.pages)
    assert entry["languages"]["en"]["page_count"] == indexed
    assert (sample_build.output_dir / "pagefind/0/pagefind.js").is_file()


@pytest.mark.slow
def test_the_index_is_byte_identical_for_the_same_site(sample_build, tmp_path):
    again = build(copy_sample_site(tmp_path / "elsewhere"), tmp_path / "out")
    assert _pagefind_files(again) == _pagefind_files(sample_build)


def test_the_search_page_works_without_third_parties(sample_build):
    page = Page(sample_build.output_dir / "search/index.html")
    form = page.find_all("form", role="search")[0]
    assert form.attrs["data-index"] == "/pagefind/shards.json"
    field = page.find_all("input", type="search")[0]
    assert "name" not in field.attrs  # a plain submit sends no search terms anywhere
    assert [label.attrs["for"] for label in page.find_all("label")] == ["search-input"]
    loaded = [e.attrs["src"] for e in page.find_all("script") if "src" in e.attrs]
    loaded += [e.attrs["href"] for e in page.find_all("link", rel="stylesheet")]
    assert len(loaded) >= 3 and all(url.startswith("/static/") for url in loaded)
    nav = [a.attrs["href"] for a in page.find_all("a", within="site-nav")]
    assert "/search/" in nav


@dataclass
class _Searched:
    """What the search page showed for each query, and what the browser fetched and logged."""

    shown: dict[str, tuple[list[str], str]] = field(default_factory=dict)  # titles, status
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    origin: str = ""


def _search_page(folder: Path, queries: list[str]) -> _Searched:
    """Type each query into the built site's search page in Chromium, one after the other."""
    searched = _Searched()
    with serve(folder) as origin, sync_api.sync_playwright() as playwright:
        searched.origin = origin
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: searched.requests.append(request.url))
            page.on("console", lambda m: m.type == "error" and searched.errors.append(m.text))
            page.goto(origin + "/search/")
            for query in queries:
                page.get_by_label("Words to look for").fill(query)
                status = page.locator("#search-status").get_by_text(f"“{query}”")
                status.wait_for(timeout=15_000)
                titles = page.locator("#search-results a").all_inner_texts()
                searched.shown[query] = (titles, status.inner_text())
        finally:
            browser.close()
    return searched


@pytest.mark.slow
def test_typing_a_word_finds_the_matching_article(sample_build):
    searched = _search_page(sample_build.output_dir, ["collagen", "sleep teeth"])
    titles, status = searched.shown["collagen"]
    assert "What is Micro needling? Things to know about Micro Needle Treatment" in titles
    assert "Dental" not in " ".join(titles)  # an article without the word is not listed
    assert "collagen" in status
    # No article has both words (as the sharded search below must also say).
    assert searched.shown["sleep teeth"] == ([], "No articles match “sleep teeth”.")
    assert all(url.startswith(searched.origin) for url in searched.requests)
    assert not any("collagen" in url for url in searched.requests)
    assert searched.errors == []


# -- shards ------------------------------------------------------------------------------


def test_a_page_keeps_its_shard_while_the_count_stays():
    # A literal: the shard comes from the path alone, the same in every process and run.
    assert search.shard_of("posts/acne/index.html", 8) == 7
    # When the count doubles, a page of shard k moves to k or k + count, never elsewhere.
    for i in range(500):
        dest = f"posts/article-{i}/index.html"
        assert search.shard_of(dest, 16) in {search.shard_of(dest, 8), search.shard_of(dest, 8) + 8}


def test_shards_are_balanced():
    pages = [f"posts/article-{i}/index.html" for i in range(4096)]
    sizes = Counter(search.shard_of(dest, 16) for dest in pages)
    assert sorted(sizes) == list(range(16))
    assert all(0.8 * 256 <= size <= 1.2 * 256 for size in sizes.values())


def test_the_shard_count_is_a_power_of_two_that_grows_with_the_site():
    counts = [search.shard_count(n) for n in range(0, 20_000, 7)]
    assert counts == sorted(counts)
    assert all(count & (count - 1) == 0 for count in counts)
    assert search.shard_count(search.SHARD_SIZE) == 1  # the sample site, the tests
    assert search.shard_count(search.SHARD_SIZE + 1) == 2
    assert search.shard_count(1_000) == 8
    assert search.shard_count(10_000) == 32
    assert search.shard_count(12, shard_size=4) == 4  # as tests make several shards


def _article(words: str) -> bytes:
    return (
        '<!doctype html><html lang="en"><head><title>t</title></head><body>'
        "<nav data-pagefind-ignore>Home</nav>"
        f"<article data-pagefind-body><h1>{words.split()[0]}</h1><p>{words}</p></article>"
        "</body></html>"
    ).encode()


_UNMARKED = b"<!doctype html><html lang=en><title>t</title><p>tags</p></html>"


def _site(count: int) -> dict[str, bytes]:
    """Article-like pages with words of their own, plus a page that is not indexed."""
    pages = {
        f"posts/article-{i}/index.html": _article(f"article{i} shared words about skin care")
        for i in range(count)
    }
    pages["tags/index.html"] = _UNMARKED
    return pages


class _Outputs:
    """An output folder kept by an index's updates, as the build engine keeps it."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.reads: list[str] = []

    def update(self, index: search.SearchIndex, outputs: dict[str, bytes]) -> search.SearchUpdate:
        def read(dest_path: str) -> bytes:
            self.reads.append(dest_path)
            return outputs[dest_path]

        self.reads.clear()
        pages = {dest: digest_of(data) for dest, data in outputs.items()}
        update = index.update(pages, read)
        assert set(update.written) <= set(update.files)
        self.files = {name: update.written.get(name) or self.files[name] for name in update.files}
        assert {name: digest_of(data) for name, data in self.files.items()} == update.files
        return update


def _from_scratch(outputs: dict[str, bytes], shard_size: int) -> dict[str, bytes]:
    update = _Outputs().update(search.SearchIndex(shard_size=shard_size), outputs)
    assert update.written.keys() == update.files.keys()  # a cold index makes every file
    return update.written


def _shard(dest_path: str, outputs: dict[str, bytes], shard_size: int) -> int:
    indexed = sum(1 for dest in outputs if dest.startswith("posts/"))
    return search.shard_of(dest_path, search.shard_count(indexed, shard_size))


@pytest.mark.slow
def test_an_incremental_update_gives_the_files_of_a_build_from_scratch():
    outputs = _site(20)
    index, folder = search.SearchIndex(shard_size=4), _Outputs()
    first = folder.update(index, outputs)
    assert first.rebuilt == tuple(range(8))  # 20 pages in 8 shards, all made
    assert folder.files == _from_scratch(outputs, 4)

    more = {f"posts/more-{i}/index.html": _article(f"more{i} words") for i in range(20)}
    changes = [
        ("a body edit", {"posts/article-3/index.html": _article("article3 new words")}, []),
        (
            "new pages",
            {f"posts/new-{i}/index.html": _article(f"new{i} words") for i in range(3)},
            [],
        ),
        ("removed pages", {}, ["posts/article-5/index.html", "posts/article-6/index.html"]),
        ("a page no longer marked", {"posts/article-7/index.html": _UNMARKED}, []),
        ("more shards", more, []),
        ("fewer shards", {}, list(more)),
    ]
    for what, added, removed in changes:
        outputs = {dest: data for dest, data in outputs.items() if dest not in removed} | added
        update = folder.update(index, outputs)
        assert folder.files == _from_scratch(outputs, 4), what
        assert len(update.rebuilt) < 8 or what.endswith("shards"), what

    # With the first shard's pages gone, the next shard carries Pagefind's code.
    first = [
        dest for dest in outputs if dest.startswith("posts/") and _shard(dest, outputs, 4) == 0
    ]
    outputs = {dest: data for dest, data in outputs.items() if dest not in first}
    assert search.shard_count(len(outputs) - 2, 4) == 8  # the same shards, but for the first
    update = folder.update(index, outputs)
    assert folder.files == _from_scratch(outputs, 4)
    assert "pagefind/1/pagefind.js" in update.written and update.rebuilt == (1,)


@pytest.fixture
def runs(monkeypatch) -> list[list[str]]:
    """The Pagefind commands started, in order (each still run for real)."""
    started: list[list[str]] = []
    real_start = search_runs._start
    monkeypatch.setattr(
        search_runs, "_start", lambda command: (started.append(command), real_start(command))[1]
    )
    return started


def test_only_the_shard_of_a_changed_page_is_indexed_again(runs):
    outputs = _site(20)
    index, folder = search.SearchIndex(shard_size=4), _Outputs()
    folder.update(index, outputs)
    assert len(runs) == 8

    runs.clear()
    unchanged = folder.update(index, outputs)
    assert (runs, unchanged.rebuilt, folder.reads) == ([], (), [])  # nothing read, nothing run
    assert unchanged.written == {search.MANIFEST: folder.files[search.MANIFEST]}

    edited = "posts/article-3/index.html"
    outputs[edited] = _article("article3 new words")
    update = folder.update(index, outputs)
    shard = _shard(edited, outputs, 4)
    assert len(runs) == 1 and update.rebuilt == (shard,)
    assert all(name.startswith((f"pagefind/{shard}/", search.MANIFEST)) for name in update.written)
    # Read: the edited page to see whether it is indexed, then its shard's pages to index them.
    same_shard = [dest for dest in sorted(outputs) if dest.startswith("posts/")]
    same_shard = [dest for dest in same_shard if _shard(dest, outputs, 4) == shard]
    assert folder.reads == [edited, *same_shard]

    runs.clear()
    outputs["about/index.html"] = b"<!doctype html><html lang=en><title>a</title><p>x</p></html>"
    assert folder.update(index, outputs).rebuilt == () and runs == []  # not marked: not indexed


def test_an_update_that_keeps_most_shards_runs_pagefind_one_at_a_time(runs):
    # After an edit the build holds its whole saved state: a second Pagefind at once
    # would add its memory to the build's peak.
    outputs = _site(20)
    index, folder = search.SearchIndex(shard_size=4), _Outputs()
    folder.update(index, outputs)
    posts = sorted(dest for dest in outputs if dest.startswith("posts/"))
    shards = {_shard(dest, outputs, 4): dest for dest in posts}
    edited = [shards[k] for k in sorted(shards)[:2]]  # two pages of two shards
    for dest in edited:
        outputs[dest] = _article(f"{dest.split('/')[1].replace('-', '')} new words")
    pages = {dest: digest_of(data) for dest, data in outputs.items()}
    runs.clear()
    with index.start(pages, outputs.__getitem__) as pending:
        assert len(runs) == 1  # the other shard waits for it
        pending.go_on()
        update = pending.result()
    assert len(runs) == 2 and update.rebuilt == tuple(sorted(shards)[:2])
    assert update.written == {
        name: data
        for name, data in _from_scratch(outputs, 4).items()
        if name.startswith(tuple(f"pagefind/{k}/" for k in update.rebuilt))
        or name == search.MANIFEST
    }


def test_a_large_index_is_made_one_shard_at_a_time(runs, monkeypatch):
    # A large site's build holds much while Pagefind runs: one run at a time, even when
    # every shard is made.
    outputs = _site(20)
    expected = _from_scratch(outputs, 4)
    monkeypatch.setattr(search, "PARALLEL_UP_TO", 19)  # _site(20) indexes 20 pages
    pages = {dest: digest_of(data) for dest, data in outputs.items()}
    runs.clear()
    with search.SearchIndex(shard_size=4).start(pages, outputs.__getitem__) as pending:
        assert len(runs) == 1  # the others wait for it
        pending.go_on()
        update = pending.result()
    assert update.written == expected and len(runs) == len(update.rebuilt) > 1


def test_a_small_index_made_anew_runs_pagefind_two_at_a_time(runs):
    outputs = _site(20)
    pages = {dest: digest_of(data) for dest, data in outputs.items()}
    with search.SearchIndex(shard_size=4).start(pages, outputs.__getitem__) as pending:
        assert len(runs) == min(2, os.cpu_count() or 1)
        pending.go_on()
        pending.result()


def test_pagefind_is_under_way_before_any_thread_starts(runs):
    # The build forks (grading articles) between start() and go_on(): a process forked
    # while a thread runs may inherit a lock that thread held.
    outputs = _site(20)
    pages = {dest: digest_of(data) for dest, data in outputs.items()}
    threads = threading.active_count()
    with search.SearchIndex(shard_size=4).start(pages, outputs.__getitem__) as pending:
        assert threading.active_count() == threads and 1 <= len(runs) < 8
        pending.go_on()
        update = pending.result()
    assert update.rebuilt == tuple(range(8)) and len(runs) == 8
    assert update.written == _from_scratch(outputs, 4)


@pytest.mark.parametrize("dest", ["../evil/index.html", "/tmp/evil.html", "posts/../../x.html"])
def test_a_page_path_out_of_the_shards_folder_is_refused(tmp_path, monkeypatch, dest):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the shards' folders go here
    pages = {"posts/article-1/index.html": _article("article1 words"), dest: _article("evil")}
    with pytest.raises(OutputError, match="refusing to write outside the output folder"):
        search.SearchIndex().update({d: digest_of(b) for d, b in pages.items()}, pages.get)
    assert [path.name for path in tmp_path.rglob("*") if "evil" in path.name] == []


def test_only_the_first_shard_carries_pagefinds_code():
    update = _Outputs().update(search.SearchIndex(shard_size=4), _site(20))
    code = {name for name in update.files if name.endswith(("pagefind.js", "pagefind-worker.js"))}
    assert code == {"pagefind/0/pagefind.js", "pagefind/0/pagefind-worker.js"}
    assert json.loads(update.written[search.MANIFEST]) == {"shards": [f"{k}/" for k in range(8)]}


def test_the_index_state_survives_pickling():
    outputs = _site(20)
    index, folder = search.SearchIndex(shard_size=4), _Outputs()
    folder.update(index, outputs)
    restored = pickle.loads(pickle.dumps(index))
    assert restored == index
    outputs["posts/article-3/index.html"] = _article("article3 new words")
    update = folder.update(restored, outputs)
    assert update.rebuilt == (_shard("posts/article-3/index.html", outputs, 4),)
    assert folder.files == _from_scratch(outputs, 4)


@pytest.mark.slow
def test_typing_a_word_searches_every_shard(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 1)  # the sample site's 9 pages in 16 shards
    result = build(copy_sample_site(tmp_path / "site"), tmp_path / "out")
    shards = json.loads(result.outputs["pagefind/shards.json"])["shards"]
    assert len(shards) > 2 and shards[0] != "0/"  # some shards are empty, the first one too
    sleep = {
        "posts/relaxing-hobbies-for-stress/index.html": "Discover Your Serenity: 7 Relaxing"
        " Hobbies to Soothe Stress",
        "posts/too-much-tea-and-coffee/index.html": "Such harmful symptoms start appearing in"
        " body due to drinking too much tea and coffee",
        "posts/what-is-micro-needling/index.html": "What is Micro needling? Things to know"
        " about Micro Needle Treatment",
    }
    assert len({search.shard_of(dest, 16) for dest in sleep}) == 3
    searched = _search_page(result.output_dir, ["sleep", "sleep teeth"])
    titles, status = searched.shown["sleep"]
    assert set(sleep.values()) <= set(titles)
    assert "Dental" not in " ".join(titles)
    assert status.startswith(f"{len(titles)} articles match")
    # The shards without "teeth" would list their pages with "sleep": none has both.
    assert searched.shown["sleep teeth"] == ([], "No articles match “sleep teeth”.")
    assert searched.errors == []
    assert all(url.startswith(searched.origin) for url in searched.requests)
    fetched = {url.removeprefix(searched.origin + "/pagefind/") for url in searched.requests}
    assert {name.rstrip("/") for name in shards} <= {url.split("/")[0] for url in fetched}


def test_an_update_started_gives_what_update_gives_and_leaves_no_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the shards' folders go here
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # (read once, then kept)
    outputs = _site(20)
    pages = {dest: digest_of(data) for dest, data in outputs.items()}
    with search.SearchIndex(shard_size=4).start(pages, outputs.__getitem__) as pending:
        assert list(tmp_path.iterdir())  # the runs go on while the caller does other work
        started = pending.result()
    assert list(tmp_path.iterdir()) == []
    assert started == search.SearchIndex(shard_size=4).update(pages, outputs.__getitem__)

    index = search.SearchIndex(shard_size=4)
    with pytest.raises(RuntimeError), index.start(pages, outputs.__getitem__):
        raise RuntimeError("the caller's work failed while Pagefind ran")
    assert list(tmp_path.iterdir()) == []  # the runs were waited for, their folder removed
