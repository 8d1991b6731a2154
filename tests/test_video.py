"""The video block: a poster and a link until the reader clicks, then the player.

Nothing may be fetched from another host before the click (requests are
recorded in Chromium); after it, only the privacy-friendly player host.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.components.video import markdown_block, video_address
from generator.lint import CheckFailed
from generator.markdown_text import render_markdown
from generator.render import iso_date
from tests.browser import CHROMIUM, launched_chromium, serve
from tests.conftest import REPO, SITES, build
from tests.htmltools import Page

YOUTUBE = "!video[How a micro needling session goes](https://www.youtube.com/watch?v=aqz-KE-bpKQ)"
VIMEO = "!video[Aftercare at home](https://vimeo.com/76979871)"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize(
    "url, embed",
    [
        (
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1",
        ),
        (
            "https://youtu.be/aqz-KE-bpKQ?t=1m30s",
            "www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1&start=90",
        ),
        (
            "https://www.youtube.com/embed/aqz-KE-bpKQ?feature=oembed",
            "www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1",
        ),
        (
            "https://www.youtube.com/shorts/aqz-KE-bpKQ",
            "www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1",
        ),
        ("https://vimeo.com/76979871", "player.vimeo.com/video/76979871?autoplay=1&dnt=1"),
        (
            "https://player.vimeo.com/video/76979871?h=8272103f6e",
            "player.vimeo.com/video/76979871?autoplay=1&dnt=1&h=8272103f6e",
        ),
    ],
)
def test_video_addresses(url, embed):
    assert video_address(url).embed_url == "https://" + embed


@pytest.mark.parametrize(
    "url",
    ["https://example.org/v.mp4", "https://www.youtube.com/watch?v=short", "javascript:alert(1)"],
)
def test_what_is_not_a_video_address(url):
    assert video_address(url) is None


def test_the_markdown_is_a_placeholder_until_rendered():
    html, _ = render_markdown(f"Before.\n\n{YOUTUBE}\n\nAfter.")
    assert 'data-sitegen-component="video"' in html
    assert "youtube-nocookie" not in html  # the template decides how it is shown
    assert html.index("Before") < html.index("data-sitegen") < html.index("After")


def test_inside_a_paragraph_it_stays_text():
    html, _ = render_markdown(f"See {YOUTUBE} here.")
    assert "data-sitegen" not in html


def test_importers_write_what_the_block_reads():
    line = markdown_block("Face [part 1] \\ intro", "https://vimeo.com/1")
    html, _ = render_markdown(line)
    assert 'data-title="Face [part 1] \\ intro"' in html


@pytest.fixture(scope="module")
def video_site(tmp_path_factory) -> Path:
    site = Path(shutil.copytree(SITES / "basic", tmp_path_factory.mktemp("video") / "site"))
    toml = site / "site.toml"  # served at the root of a test server
    toml.write_text(toml.read_text("utf-8").replace("example.org/blog/", "example.org/"), "utf-8")
    article = site / "content" / "posts" / "single.md"
    article.write_text(
        article.read_text("utf-8") + f"\n## Watch\n\n{YOUTUBE}\n\nThen at home:\n\n{VIMEO}\n",
        "utf-8",
    )
    return site


@pytest.fixture(scope="module")
def video_build(video_site):
    return build(video_site)


def test_the_page_shows_a_poster_with_the_title_and_a_link(video_build):
    page = Page(video_build.output_dir / "posts" / "single" / "index.html")
    posters = page.find_all("a", **{"class": "video__poster"})
    assert [p.attrs["href"] for p in posters] == [
        "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        "https://vimeo.com/76979871",
    ]
    assert "How a micro needling session goes" in posters[0].text
    assert not page.find_all("iframe") and not page.find_all("img", within="video")


def test_a_site_template_draws_the_component(video_site, tmp_path):
    site = Path(shutil.copytree(video_site, tmp_path / "site"))
    (site / "templates" / "components").mkdir(parents=True)
    (site / "templates" / "components" / "video.html").write_text(
        '<p class="my-video"><a href="{{ watch_url }}">{{ title }}</a></p>\n', "utf-8"
    )
    html = (build(site).output_dir / "posts/single/index.html").read_text("utf-8")
    assert (
        '<p class="my-video"><a href="https://vimeo.com/76979871">Aftercare at home</a></p>' in html
    )


def test_the_privacy_check_takes_the_block_but_not_a_raw_player(video_site, tmp_path):
    site = Path(shutil.copytree(video_site, tmp_path / "site"))
    build(site)  # no third-party finding for the video blocks
    article = site / "content" / "posts" / "single.md"
    article.write_text(
        article.read_text("utf-8")
        + '\n<iframe title="x" src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"></iframe>\n',
        "utf-8",
    )
    with pytest.raises(CheckFailed) as failed:
        build(site)
    errors = [str(f) for f in failed.value.findings if f.severity == "error"]
    assert len(errors) == 1 and "[third-party]" in errors[0], errors
    assert "youtube-nocookie.com" in errors[0]


def test_datetime_values_have_at_most_milliseconds():
    from datetime import UTC, datetime

    assert iso_date(datetime(2024, 2, 12, 16, 57, 38, 215000, tzinfo=UTC)) == (
        "2024-02-12T16:57:38.215+00:00"
    )
    assert iso_date(datetime(2024, 2, 12, 16, 57, 38, tzinfo=UTC)) == "2024-02-12T16:57:38+00:00"


# -- in the browser ------------------------------------------------------------------------------

playwright = pytest.importorskip("playwright.sync_api", reason="scripts/setup-tests installs it")
browser_needed = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(), reason="needs Chromium (scripts/setup-tests installs it)"
)


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def origin(video_build):
    with serve(video_build.output_dir) as found:
        yield found


def _recording_page(browser, requests: list[str]):
    """A page that records every request; other hosts get a stand-in (no network here)."""
    page = browser.new_page()
    page.on("request", lambda request: requests.append(request.url))

    def answer(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.fulfill(
                status=200, content_type="text/html", body="<!doctype html><title>p</title>"
            )

    page.route("**/*", answer)
    return page


@pytest.mark.slow
@browser_needed
@pytest.mark.parametrize(
    "which, player",
    [
        (0, "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"),
        (1, "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1"),
    ],
)
def test_nothing_loads_from_another_host_until_the_click(browser, origin, which, player):
    requests: list[str] = []
    page = _recording_page(browser, requests)
    try:
        page.goto(origin + "/posts/single/", wait_until="networkidle")
        before = list(requests)
        assert any(url.endswith(".js") for url in before), "the block's script is loaded"
        with page.expect_request(player):
            page.locator("a.video__poster").nth(which).click()
        page.wait_for_selector("iframe.video__player")
        page.wait_for_timeout(500)  # time for any other request the click would cause
        frame = page.locator("iframe.video__player")
        assert frame.get_attribute("src") == player
        assert frame.get_attribute("title")
    finally:
        page.close()
    assert [url for url in before if urlsplit(url).hostname != "127.0.0.1"] == []
    foreign = [url for url in requests[len(before) :] if urlsplit(url).hostname != "127.0.0.1"]
    assert foreign == [player]


@pytest.mark.slow
@browser_needed
def test_the_keyboard_plays_it_too(browser, origin):
    requests: list[str] = []
    page = _recording_page(browser, requests)
    try:
        page.goto(origin + "/posts/single/")
        page.locator("a.video__poster").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("iframe.video__player")
        focused = page.evaluate("document.activeElement.tagName")
    finally:
        page.close()
    assert focused == "IFRAME"


@pytest.mark.slow
@browser_needed
@pytest.mark.skipif(not AXE.is_file(), reason="needs axe-core (scripts/setup-tests installs it)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_violation_on_a_page_with_videos(browser, origin, scheme):
    from tests.test_accessibility import axe_violations

    assert axe_violations(browser, origin + "/posts/single/", scheme) == []


@pytest.mark.slow
def test_the_page_is_valid_html(video_build):
    from tests.test_html_validity import VNU_JAR, nu_messages

    if shutil.which("java") is None or not VNU_JAR.is_file():
        pytest.skip("needs Java and the Nu checker (scripts/setup-tests installs both)")
    messages = nu_messages(video_build.output_dir / "posts" / "single")
    assert [f"{m.get('lastLine')}: {m['message']}" for m in messages] == []


@pytest.mark.slow
@browser_needed
def test_the_page_fits_a_small_phone(browser, origin):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    try:
        page.goto(origin + "/posts/single/")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    finally:
        page.close()
    assert overflow <= 0
