"""axe-core in headless Chromium: no WCAG 2.2 A/AA violation on any kind of page, light or dark."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve
from tests.conftest import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = {
    "home": "/",
    "article": "/posts/what-is-micro-needling/",
    "tag": "/tags/microneedling/",
    "page": "/about/",
    "404": "/404.html",
}

playwright = pytest.importorskip("playwright.sync_api", reason="scripts/setup-tests installs it")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not AXE.is_file() or not Path(CHROMIUM).is_file(),
        reason="needs axe-core and Chromium (scripts/setup-tests installs both)",
    ),
]


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def sample_origin(sample_build):
    with serve(sample_build.output_dir) as origin:
        yield origin


def axe_violations(browser, url: str, scheme: str, viewport: dict | None = None) -> list[str]:
    page = browser.new_page(
        color_scheme=scheme, viewport=viewport or {"width": 1280, "height": 720}
    )
    try:
        response = page.goto(url)
        assert response is not None and response.ok, url
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
        )
    finally:
        page.close()
    return [
        f"{violation['id']}: {node['target']} {node['failureSummary']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_no_wcag_violations(browser, sample_origin, kind, scheme):
    assert axe_violations(browser, sample_origin + PAGES[kind], scheme) == []


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_no_wcag_violations_on_a_phone(browser, sample_origin, kind):
    """The phone layout, where tap targets and wrapping differ."""
    phone = {"width": 390, "height": 844}
    assert axe_violations(browser, sample_origin + PAGES[kind], "light", phone) == []


def test_axe_finds_a_real_violation(browser, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><title>x</title>'
        '<p style="color:#777;background:#888">faint text</p><img src="a.png">'
    )
    with serve(tmp_path) as origin:
        found = axe_violations(browser, origin + "/", "light")
    assert any(line.startswith("color-contrast") for line in found)
    assert any(line.startswith("image-alt") for line in found)


def test_dark_scheme_changes_the_colours(browser, sample_origin):
    colours = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        page.goto(sample_origin + "/")
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.close()
    assert colours["light"] == "rgb(255, 255, 255)"
    assert colours["dark"] != colours["light"]


def test_the_skip_link_shows_on_focus_and_leads_to_main(browser, sample_origin):
    page = browser.new_page()
    page.goto(sample_origin + PAGES["article"])
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const a = document.activeElement, r = a.getBoundingClientRect();"
        " return {href: a.getAttribute('href'), top: r.top,"
        " outline: getComputedStyle(a).outlineStyle}; })()"
    )
    page.close()
    assert focused["href"] == "#main"
    assert focused["top"] >= 0, "visible when focused"
    assert focused["outline"] != "none", "focus is visible"


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_pages_fit_a_small_phone_without_sideways_scrolling(browser, sample_origin, kind):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(sample_origin + PAGES[kind])
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.close()
    assert overflow <= 0
