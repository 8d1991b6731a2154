"""Live reload in a real browser: headless Chromium (the system's) driven by Playwright.

The page is opened once; everything after happens by editing files only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser import CHROMIUM_ARGS
from tests.conftest import copy_sample_site
from tests.test_serve import Server, free_port

CHROMIUM = Path("/usr/bin/chromium")
ARTICLE = "content/posts/what-is-micro-needling"

pytestmark = pytest.mark.slow  # a browser, and the dev server rebuilding after each edit


@pytest.fixture
def browser_page():
    assert CHROMIUM.is_file(), "scripts/setup-tests installs chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.mark.slow
def test_the_open_page_follows_edits_errors_and_fixes(tmp_path, browser_page):
    site = copy_sample_site(tmp_path / "site")
    server = Server(site, free_port())
    page = browser_page
    try:
        page.goto(f"http://127.0.0.1:{server.port}/posts/what-is-micro-needling/")
        expect(page.locator("h1")).to_have_text(re.compile("^What is Micro needling"))
        wait_for_live_reload(page)

        section = site / ARTICLE / "02-how-is-micro-needling-done.md"
        section.write_text(section.read_text() + "\nA sentence added while the page is open.\n")
        expect(page.get_by_text("A sentence added while the page is open.")).to_be_visible(
            timeout=15_000
        )
        assert server.process.poll() is None
        wait_for_live_reload(page)

        index = site / ARTICLE / "index.md"
        good = index.read_text()
        index.write_text(good.replace("date: 2024-03-12", "date: [2024-03-12"))
        error = page.locator("#sitegen-error")
        # YAML notices the unclosed list where the next key starts: line 5, column 8.
        expect(error).to_contain_text(
            f"{ARTICLE}/index.md:5:8: error: the front matter is not valid YAML", timeout=15_000
        )
        assert server.process.poll() is None
        wait_for_live_reload(page)

        index.write_text(good)
        expect(page.locator("h1")).to_have_text(
            re.compile("^What is Micro needling"), timeout=15_000
        )
        expect(page.get_by_text("A sentence added while the page is open.")).to_be_visible()
        assert server.process.poll() is None
    finally:
        log = server.stop()
    assert "build failed" in log and "Traceback" not in log


def wait_for_live_reload(page) -> None:
    """Until the page's livereload client has shaken hands with the server."""
    page.wait_for_function(
        "window.LiveReload && window.LiveReload.connector.protocol >= 7", timeout=15_000
    )
    page.wait_for_timeout(200)  # the client's 'info' message registers it for reloads
