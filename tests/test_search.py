"""On-site search: a Pagefind index in the build output and a search page that uses it."""

from __future__ import annotations

import functools
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright import sync_api

from generator import search
from tests.conftest import build, copy_sample_site
from tests.htmltools import Page

# Debian's Chromium, installed by scripts/setup-tests; Playwright's own browsers are not used.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _pagefind_files(result) -> dict[str, bytes]:
    return {dest: data for dest, data in result.outputs.items() if dest.startswith("pagefind/")}


def test_the_index_holds_articles_and_pages_only(sample_build):
    files = _pagefind_files(sample_build)
    assert "pagefind/pagefind.js" in files
    assert not any("-ui." in dest for dest in files)  # the theme has its own search page
    entry = json.loads(files["pagefind/pagefind-entry.json"])
    indexed = len(sample_build.site.articles) + len(sample_build.site.pages)
    assert entry["languages"]["en"]["page_count"] == indexed
    assert (sample_build.output_dir / "pagefind/pagefind.js").is_file()


def test_the_index_is_byte_identical_for_the_same_site(sample_build, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "_LAST", None)  # run Pagefind again, not the remembered index
    again = build(copy_sample_site(tmp_path / "elsewhere"), tmp_path / "out")
    assert _pagefind_files(again) == _pagefind_files(sample_build)


def test_the_search_page_works_without_third_parties(sample_build):
    page = Page(sample_build.output_dir / "search/index.html")
    form = page.find_all("form", role="search")[0]
    assert form.attrs["data-bundle"] == "/pagefind/pagefind.js"
    field = page.find_all("input", type="search")[0]
    assert "name" not in field.attrs  # a plain submit sends no search terms anywhere
    assert [label.attrs["for"] for label in page.find_all("label")] == ["search-input"]
    loaded = [e.attrs["src"] for e in page.find_all("script") if "src" in e.attrs]
    loaded += [e.attrs["href"] for e in page.find_all("link", rel="stylesheet")]
    assert len(loaded) >= 3 and all(url.startswith("/static/") for url in loaded)
    nav = [a.attrs["href"] for a in page.find_all("a", within="site-nav")]
    assert "/search/" in nav


@pytest.fixture
def served(sample_build):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(sample_build.output_dir))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_typing_a_word_finds_the_matching_article(served):
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.goto(served + "/search/")
            page.get_by_label("Words to look for").fill("collagen")
            results = page.locator("#search-results a")
            results.first.wait_for(timeout=15_000)
            titles = results.all_inner_texts()
            status = page.locator("#search-status").inner_text()
        finally:
            browser.close()
    assert "What is Micro needling? Things to know about Micro Needle Treatment" in titles
    assert "Dental" not in " ".join(titles)  # an article without the word is not listed
    assert "collagen" in status
    assert all(url.startswith(served) for url in requests)
    assert not any("collagen" in url for url in requests)
