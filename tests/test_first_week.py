"""A new clinic's first week, walked in a real browser: every stumble a new writer hit, fixed.

On a fresh ``sitegen new-site`` the writer fills in ``site.toml`` (the clinic's
details, a blog under ``/blog/``), makes an article with ``sitegen new`` (a
4-column table, an image, a FAQ section), previews it with ``sitegen serve``,
makes three mistakes and fixes them from what the error page and ``check``
say, posts a comment from the page to a local receiver, and ends with
``build`` and ``check``. Everything runs for real on loopback: the preview
server, the comment receiver and Chromium.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.comments_receiver import Receiver
from tests.conftest import REPO
from tests.first_week import ARTICLE, first_week_site
from tests.test_serve import Server, free_port

playwright = pytest.importorskip("playwright.sync_api", reason="scripts/setup-tests installs it")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(), reason="needs Chromium (scripts/setup-tests installs it)"
)

BASE_URL = "https://www.lakeside-derm.example/blog/"
PHONE = {"width": 390, "height": 844}
STARTER_TEXTS = ("Your Clinic", "555 0123", "hello@example.com", "Main Street", "Springfield")


def sitegen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=REPO, capture_output=True, text=True
    )


def wait_until(check, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def open_when_settled(page, url: str, server: Server, timeout: float = 90) -> None:
    """Open ``url`` once the preview has stopped rebuilding and reloading its pages.

    After each rebuild the preview tells every open page to reload itself, which
    may cut a navigation short or land after it: wait until the server has been
    quiet a moment, then open again until a second and a half passes with no
    navigation. A busy machine is slow, not wrong, so this waits by the clock."""
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server.wait_quiet(timeout=timeout)
        try:
            page.goto(url)
        except playwright.Error as error:
            if "interrupted by another navigation" not in str(error):
                raise
            continue
        seen = len(navigations)
        page.wait_for_timeout(1500)
        if len(navigations) == seen and page.url == url:
            return
    raise AssertionError(
        f"{url} kept reloading; navigations: {navigations}\nserver said:\n{server.log()}"
    )


@pytest.fixture
def week(tmp_path):
    """The site, its preview server and its comment receiver, all on loopback."""
    site = first_week_site(tmp_path, BASE_URL)
    preview_port = free_port()
    config = site / "site.toml"
    config.write_text(
        config.read_text()
        + "\n[comments]\n"
        + 'endpoint = "http://127.0.0.1:1/comments"\n'
        + f'allowed_origins = ["http://127.0.0.1:{preview_port}"]\n'
    )
    with Receiver(site, tmp_path / "comments.sqlite3") as receiver:
        endpoint = f"http://127.0.0.1:{receiver.port}{receiver.path}"
        config.write_text(config.read_text().replace("http://127.0.0.1:1/comments", endpoint))
        server = Server(site, preview_port)
        try:
            yield site, server, receiver
        finally:
            if server.process.poll() is None:
                server.stop()


@pytest.mark.slow
def test_a_new_writers_first_week(week, tmp_path):
    site, server, receiver = week
    origin = f"http://127.0.0.1:{server.port}"
    article = f"{origin}/blog/posts/laser-hair-removal/"
    server.wait_for("/blog/posts/laser-hair-removal/", "Costs compared", timeout=90)
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=PHONE)
            page.set_default_timeout(90_000)  # a busy machine is slow, not wrong
            _the_table_scrolls_inside_its_box(page, article)
            _the_contact_page_shows_the_clinic_from_site_toml(page, origin)
            _three_mistakes_are_shown_and_fixed(page, site, server, article)
            _a_comment_ends_on_the_previews_thank_you_page(page, article, server, receiver)
        finally:
            browser.close()
    log = server.stop()
    # What a reader would call it: pages changed, whatever wrote them.
    assert re.search(r"changed: 1 page changed \(\d+ files? written, \d+ removed\)", log), log
    assert "rewritten" not in log
    _build_and_check_find_nothing_left(site, tmp_path)


def _the_table_scrolls_inside_its_box(page, article: str) -> None:
    page.goto(article)
    box = page.locator(".table-scroll")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label") == (
        "Table: Treatment area, Sessions needed, Price per session, Recovery"
    )
    last = page.locator(".table-scroll th", has_text="Recovery")
    assert last.bounding_box()["x"] + 20 > PHONE["width"]  # off the screen at first
    page_overflow = "document.documentElement.scrollWidth - window.innerWidth"
    assert page.evaluate(page_overflow) <= 0  # the page itself does not scroll sideways
    # A visible cue: the box draws a shadow at the edge that has more to show.
    assert "radial-gradient" in box.evaluate("e => getComputedStyle(e).backgroundImage")
    box.focus()  # by keyboard, as a reader without a mouse would
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    wait_until(
        lambda: last.bounding_box()["x"] + last.bounding_box()["width"] <= PHONE["width"],
        "the last column never scrolled into view",
    )
    cell = page.locator(".table-scroll td", has_text="One to two days of redness")
    right = cell.bounding_box()["x"] + cell.bounding_box()["width"]
    assert cell.bounding_box()["x"] >= 0 and right <= PHONE["width"]  # readable, whole
    # Nothing is hidden from screenshots, printing, find-in-page or assistive technology.
    assert "Is it permanent?" in page.evaluate("document.body.innerText")
    hidden = page.evaluate(
        "[...document.querySelectorAll('*')].filter(e =>"
        " getComputedStyle(e).contentVisibility !== 'visible').length"
    )
    assert hidden == 0


def _the_contact_page_shows_the_clinic_from_site_toml(page, origin: str) -> None:
    page.goto(f"{origin}/blog/contact/")
    text = page.locator("article.page").inner_text()
    assert "+1 312 555 0199" in text and "desk@lakeside-derm.example" in text
    assert page.locator('article.page a[href="tel:+13125550199"]').count() == 1
    assert "Monday–Thursday 8:00" in text and "Friday 8:00" in text and "Mo-Th" not in text
    assert not any(starter in page.content() for starter in STARTER_TEXTS)
    # The reviewer's url = "/about/" in site.toml follows the base path.
    page.goto(f"{origin}/blog/posts/laser-hair-removal/")
    assert page.locator(".byline__review a").get_attribute("href") == "/blog/about/"


def _three_mistakes_are_shown_and_fixed(page, site: Path, server, article: str) -> None:
    index = site / ARTICLE / "index.md"
    sunscreen = site / "content/posts/choosing-a-sunscreen/index.md"
    faq = site / ARTICLE / "03-frequently-asked-questions.md"
    good = {path: path.read_text() for path in (index, sunscreen, faq)}
    # 1. A person's name where site.toml's key belongs.
    index.write_text(good[index].replace("author: alex-writer", "author: Priya Nair"))
    server.wait_for("/blog/posts/laser-hair-removal/", "sitegen-error", timeout=90)
    open_when_settled(page, article, server)
    assert page.locator('meta[name="viewport"]').count() == 1
    frame = page.locator("#sitegen-frame").inner_text()
    marked = next(line for line in frame.splitlines() if line.startswith(">"))
    assert "author: Priya Nair" in marked
    assert re.search(r"\n +\| \^", frame)  # the marker under the column
    message = page.locator("#sitegen-error").inner_text()
    # 2. An impossible date, 3. a FAQ written with ## headings.
    wrong_date = re.sub(r"^date: .*$", "date: 2024-02-30", good[sunscreen], count=1, flags=re.M)
    sunscreen.write_text(wrong_date)
    faq.write_text(good[faq].replace("### ", "## "))
    time.sleep(1)
    checked = sitegen("check", str(site))
    assert checked.returncode == 1
    assert "content/posts/laser-hair-removal/index.md:" in checked.stdout
    assert "'author: Priya Nair' names nobody" in checked.stdout
    assert "content/posts/choosing-a-sunscreen/index.md:" in checked.stdout
    assert "impossible value" in checked.stdout
    assert "03-frequently-asked-questions.md" in checked.stdout
    assert "the FAQ section has no questions" in checked.stdout
    # The fixes, each from what was said: the hint's TOML pasted as it is ...
    toml = "\n".join(
        line.strip()
        for line in message.split("site.toml and write author: priya-nair here:")[1]
        .strip()
        .splitlines()[:2]
    )
    assert toml == '[authors.priya-nair]\nname = "Priya Nair"'
    config = site / "site.toml"
    config.write_text(config.read_text() + "\n" + toml + "\n")
    tomllib.loads(config.read_text())  # still valid TOML
    index.write_text(good[index].replace("author: alex-writer", "author: priya-nair"))
    sunscreen.write_text(good[sunscreen])
    faq.write_text(good[faq])
    body = server.wait_for("/blog/posts/laser-hair-removal/", "By Priya Nair", timeout=90)
    assert b"sitegen-error" not in body and b"Is it permanent?" in body


def _a_comment_ends_on_the_previews_thank_you_page(page, article: str, server, receiver) -> None:
    open_when_settled(page, article, server)
    page.fill("#comment-name", "Dana Reader")
    page.fill("#comment-email", "dana@example.net")
    page.fill("#comment-text", "Clear and helpful, thank you.")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url == article.split("/blog/")[0] + "/blog/comments/thanks/"
    assert page.locator("h1").inner_text() == "Thank you for your comment"
    rows = receiver.stored()
    assert [(row["article"], row["name"], row["status"]) for row in rows] == [
        ("laser-hair-removal", "Dana Reader", "pending")
    ]


def _build_and_check_find_nothing_left(site: Path, tmp_path: Path) -> None:
    built = sitegen("build", str(site), "--output", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    assert "warning" not in built.stderr, built.stderr
    checked = sitegen("check", str(site))
    assert checked.returncode == 0, checked.stdout
    assert "0 errors" in checked.stdout and "starter-text" not in checked.stdout
    published = "".join(p.read_text() for p in (tmp_path / "out").rglob("*.html"))
    for starter in STARTER_TEXTS:
        assert starter not in published, starter
    gitignore = (site / ".gitignore").read_text().splitlines()
    assert "/comments.sqlite3*" in gitignore
