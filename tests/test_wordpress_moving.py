"""sitegen import of a WordPress export as a whole move: files, links, old addresses,
comments, dates and language (our own export, tests/data/import/moving-export.xml)."""

from __future__ import annotations

import json
import threading
import tomllib
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from generator.cli import main
from generator.importers import import_files
from generator.importers.fetch import FileSource
from generator.scaffold import new_site
from tests.browser import launched_chromium
from tests.conftest import build
from tests.htmltools import Page
from tests.wxr_standins import make_standins, serve

EXPORT = Path(__file__).resolve().parent / "data" / "import" / "moving-export.xml"
TODAY = date(2024, 5, 1)
OLD = "https://old-clinic.example.com"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    new_site(site, TODAY)
    config = site / "site.toml"
    config.write_text(config.read_text("utf-8").replace("https://www.example.com/", OLD + "/", 1))
    return site


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    root = tmp_path_factory.mktemp("moving")
    make_standins(EXPORT, root / "old-host")
    site = _site(root)
    with serve(root / "old-host") as (address, asked):
        report = import_files([EXPORT], site, today=TODAY, source=FileSource(address))
    return site, report, asked, build(site)


def _markdown(site: Path, slug: str) -> str:
    return (site / f"content/posts/{slug}/index.md").read_text("utf-8")


def _line_of(text: str, part: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), start=1) if part in line)


@pytest.mark.slow
def test_files_are_put_beside_their_article_or_in_static(moved):
    site, report, asked, _ = moved
    folder = site / "content/posts/acne-basics"
    assert sorted(p.name for p in folder.iterdir() if p.suffix != ".md" and p.is_file()) == [
        "chart.png",
        "face.jpg",
        "leaflet.pdf",
        "plain.jpg",
    ]
    assert (site / "static/uploads/2019/05/shared.jpg").is_file()  # two posts use it
    # The size variants were never asked for: their original was.
    assert "/wp-content/uploads/2019/05/face.jpg" in asked
    assert not [path for path in asked if "-300x200" in path or "-1024x768" in path]
    text = _markdown(site, "acne-basics")
    assert "](face.jpg)" in text and "](leaflet.pdf)" in text
    assert "](/static/uploads/2019/05/shared.jpg)" in text and OLD not in text
    assert "srcset" not in text


def test_alt_text_comes_from_the_media_library_or_its_caption(moved):
    site, report, _, _ = moved
    text = _markdown(site, "acne-basics")
    assert "![A teenager's cheek with mild acne](face.jpg)" in text
    assert "![Acne by age, from 10 to 40](chart.png)" in text
    assert "![](plain.jpg){decorative}" in text
    line = _line_of(text, "![](plain.jpg)")
    assert report.without_alt == [
        f"content/posts/acne-basics/index.md:{line}: the image plain.jpg has no alt text: "
        "describe it"
    ]


def test_links_to_the_old_site_lead_to_the_new_pages(moved):
    site, report, _, result = moved
    text = _markdown(site, "acne-basics")
    for label in ("sun care by id", "sun care relative", "sun care as html"):
        assert f"[{label}](/posts/sun-care/)" in text
    assert "[sun care by date](/posts/sun-care/#spf)" in text
    assert "[the team](/about/)" in text and "[skin care](/categories/skin-care/)" in text
    assert "[teen acne](/tags/teen-acne/)" in text
    assert "[full picture](face.jpg)" in text  # an attachment page: its file
    assert "[the academy](https://www.aad.org/acne)" in text  # another site: as it was
    page = Page(result.output_dir / "posts/acne-basics/index.html")
    assert 'href="/posts/sun-care/#spf"' in page.html


def test_links_that_lead_nowhere_are_listed_with_file_and_line(moved):
    site, report, _, _ = moved
    text = _markdown(site, "acne-basics")
    assert "This gone page and the draft lead nowhere." in text
    line = _line_of(text, "This gone page")
    assert report.dead_links == [
        f"content/posts/acne-basics/index.md:{line}: the link [gone page] to "
        f"{OLD}/no-such-thing/ leads nowhere on the old site: it is now plain text",
        f"content/posts/acne-basics/index.md:{line}: the link [the draft] to "
        f"{OLD}/?p=12 is not published on the new site: it is now plain text",
    ]


def test_comments_keep_their_thread_and_no_email(moved):
    site, report, _, result = moved
    folder = site / "content/posts/acne-basics/comments"
    assert sorted(p.name for p in folder.iterdir()) == [
        "comment-100.md",
        "comment-101.md",
        "comment-104.md",
    ]
    reply = (folder / "comment-101.md").read_text("utf-8")
    assert "reply_to: comment-100" in reply and "date: '2019-05-02T11:30:00+00:00'" in reply
    assert "[sun care](/posts/sun-care/)" in reply  # a link to the old site, rewritten
    assert "reply_to" not in (folder / "comment-104.md").read_text("utf-8")  # parent pending
    page = Page(result.output_dir / "posts/acne-basics/index.html")
    html = page.html
    assert html.count('<li class="comment') == 3
    assert 'id="comment-101"' in html and 'href="#comment-100">Rita</a>' in html
    assert "comment--depth-1" in html and "<form" not in html  # no [comments] table
    for secret in ("rita@reader.example.net", "203.0.113.7", "rita.example.net", "ana@old"):
        for path in [*site.rglob("*.md"), *result.output_dir.rglob("*.html")]:
            assert secret not in path.read_text("utf-8"), path
    for left_out in ("PENDING-TEXT", "SPAM-TEXT", "PINGBACK-TEXT", "TRASH-TEXT"):
        assert left_out not in html
    assert report.counts["comments"] == 3
    assert report.counts["comments left out (pending)"] == 1
    assert report.counts["comments left out (spam)"] == 1
    assert report.counts["comments left out (trash)"] == 1
    assert report.counts["pingbacks left out"] == 1
    assert report.counts["comments left out (on a page)"] == 1  # pages take no comments
    assert "PAGE-COMMENT-TEXT" not in (site / "content/pages/about.md").read_text("utf-8")


def test_dates_language_and_the_starter_about_page(moved):
    site, report, _, result = moved
    assert result.site.article("acne-basics").published.isoformat() == "2019-05-01T10:00:00+01:00"
    assert 'language = "pt-PT"' in (site / "site.toml").read_text("utf-8")
    assert report.starters_replaced == ["content/pages/about.md"]
    assert "three dermatologists" in (site / "content/pages/about.md").read_text("utf-8")


def test_the_summary_ends_with_counts_and_json_gives_them_too(tmp_path, capsys):
    site = _site(tmp_path)
    old_host = tmp_path / "old-host"
    make_standins(EXPORT, old_host)
    uploads = old_host / "wp-content" / "uploads"
    assert main(["import", str(EXPORT), "--site", str(site), "--uploads", str(uploads)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith(
        "Posts 3, pages 1, comments 3 (4 left out: on a page 1, pending 1, spam 1, trash 1)"
    )
    assert "files 5 fetched, 0 missing" in last
    assert "link leads nowhere 2" in last and "image without alt text 1" in last
    argv = ["import", str(EXPORT), "--site", str(site), "--uploads", str(uploads)]
    assert main([*argv, "--format", "json", "--force"]) == 0
    figures = json.loads(capsys.readouterr().out)["counts"]
    assert figures["posts"] == 3 and figures["comments"] == 3
    assert figures["files_fetched"] == 0 and figures["files_present"] == 5  # a second run


def test_a_partly_done_import_fetches_only_what_is_missing(tmp_path):
    old_host = tmp_path / "old-host"
    make_standins(EXPORT, old_host)
    site = _site(tmp_path)
    (old_host / "wp-content/uploads/2019/05/leaflet.pdf").unlink()
    with serve(old_host) as (address, asked):
        first = import_files([EXPORT], site, today=TODAY, source=FileSource(address))
        assert [url for url, _ in first.fetched.missing] == [
            f"{OLD}/wp-content/uploads/2019/05/leaflet.pdf"
        ]
        make_standins(EXPORT, old_host)  # the file is back on the old host
        asked.clear()
        second = import_files([EXPORT], site, today=TODAY, source=FileSource(address))
    assert asked == ["/wp-content/uploads/2019/05/leaflet.pdf"]
    assert second.fetched.fetched == ["content/posts/acne-basics/leaflet.pdf"]


class _Unreliable(BaseHTTPRequestHandler):
    """Answers as a struggling old host does: a 503 first, HTML for a missing image,
    a file larger than allowed."""

    tries: dict[str, int] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - the base class's name
        self.tries[self.path] = self.tries.get(self.path, 0) + 1
        if self.path.endswith("face.jpg") and self.tries[self.path] == 1:
            self.send_error(503)
            return
        if self.path.endswith("chart.png"):
            return self._send(b"<html>Not found</html>", "text/html")
        if self.path.endswith("leaflet.pdf"):
            return self._send(b"%PDF-1.4 " + b"x" * 5000, "application/pdf")
        out = BytesIO()
        Image.new("RGB", (8, 8)).save(out, "JPEG")
        self._send(out.getvalue(), "image/jpeg")

    def _send(self, body: bytes, kind: str):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.slow
def test_retries_and_checks_of_size_and_type(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unreliable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        site = _site(tmp_path)
        address = f"http://127.0.0.1:{server.server_address[1]}"
        report = import_files(
            [EXPORT], site, today=TODAY, source=FileSource(address, max_bytes=4096)
        )
    finally:
        server.shutdown()
        server.server_close()
    missing = dict(report.fetched.missing)
    assert missing[f"{OLD}/wp-content/uploads/2019/05/chart.png"] == (
        "the server sent text/html, not image/png"
    )
    assert missing[f"{OLD}/wp-content/uploads/2019/05/leaflet.pdf"].startswith("larger than 4,096")
    assert "content/posts/acne-basics/face.jpg" in report.fetched.fetched  # after a 503
    assert _Unreliable.tries["/wp-content/uploads/2019/05/face.jpg"] == 2
    assert not (site / "content/posts/acne-basics/chart.png").exists()
    assert not list(site.rglob(".*.part"))


def test_a_bad_uploads_folder_is_a_clear_error(tmp_path, capsys):
    site = _site(tmp_path)
    code = main(["import", str(EXPORT), "--site", str(site), "--uploads", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert code == 1 and "--uploads must name a folder" in err and "Traceback" not in err


def test_redirects_join_a_redirects_table_the_site_already_has(tmp_path):
    site = _site(tmp_path)
    config = site / "site.toml"
    text = (
        config.read_text("utf-8")
        + '\n[redirects]\n"/old-home/" = "/"\n\n[authors.zoe]\nname = "Zoe"\n'
    )
    config.write_text(text, "utf-8")
    make_standins(EXPORT, tmp_path / "old-host")
    uploads = FileSource(uploads=tmp_path / "old-host/wp-content/uploads")
    report = import_files([EXPORT], site, today=TODAY, source=uploads)
    written = tomllib.loads(config.read_text("utf-8"))
    assert written["redirects"] == {
        "/old-home/": "/",
        "/category/skin-care/": "/categories/skin-care/",
        "/tag/teen-acne/": "/tags/teen-acne/",
    }
    assert written["authors"]["zoe"] == {"name": "Zoe"}
    assert report.counts["redirects"] == 2
    result = build(site)
    redirect = (result.output_dir / "category/skin-care/index.html").read_text("utf-8")
    assert "/categories/skin-care/" in redirect
    assert "aliases: [/2019/05/acne-basics/]" in _markdown(site, "acne-basics")
    old_permalink = (result.output_dir / "2019/05/acne-basics/index.html").read_text("utf-8")
    assert f'content="0; url={OLD}/posts/acne-basics/"' in old_permalink


def test_file_paths_from_the_export_cannot_leave_their_folders(tmp_path):
    """An export is outside input: ``..`` in an upload's path must neither read a file
    beside the uploads folder nor write one outside the site; a Markdown name stays a file."""
    hostile = (
        '<p><img src="https://old-clinic.example.com/wp-content/uploads/%2e%2e/%2e%2e/secret.png"'
        ' alt="x" /> <a href="/wp-content/uploads/2019/05/index.md">notes</a></p>'
    )
    text = EXPORT.read_text("utf-8").replace("<p>Elsewhere:", hostile + "<p>Elsewhere:", 1)
    export = tmp_path / "hostile.xml"
    export.write_text(text, "utf-8")
    old_host = tmp_path / "old-host"
    make_standins(export, old_host)
    (old_host / "secret.png").write_bytes(b"SECRET")  # beside wp-content, outside uploads
    (old_host / "wp-content/uploads/2019/05/index.md").write_text("---\ntitle: x\n---\n")
    site = _site(tmp_path)
    source = FileSource(uploads=old_host / "wp-content/uploads")
    report = import_files([export], site, today=TODAY, source=source)
    assert [url for url, _ in report.fetched.missing] == [
        f"{OLD}/wp-content/uploads/%2e%2e/%2e%2e/secret.png"
    ]
    assert not [p for p in site.rglob("*") if p.is_file() and p.read_bytes() == b"SECRET"]
    folder = site / "content/posts/acne-basics"
    assert (folder / "index.md.txt").is_file()
    assert "[notes](index.md.txt)" in _markdown(site, "acne-basics")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.xml", "old-host", "site"]


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_threaded_comments_without_a_form_have_no_wcag_violations(moved, scheme):
    accessibility = pytest.importorskip("tests.test_accessibility")
    if not accessibility.AXE.is_file() or not Path(accessibility.CHROMIUM).is_file():
        pytest.skip("needs axe-core and Chromium (scripts/setup-tests installs both)")
    _, _, _, result = moved
    with launched_chromium() as browser, accessibility.serve(result.output_dir) as origin:
        found = accessibility.axe_violations(browser, f"{origin}/posts/acne-basics/", scheme)
    assert found == []
