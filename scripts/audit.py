"""Lighthouse audit of the sample site: build, serve on loopback, score four pages.

    scripts/audit            # needs scripts/setup-tests first (Lighthouse, Chromium)

The site is built with its ``base_url`` pointed at the loopback server, so
canonical links, the sitemap and robots.txt describe the pages Lighthouse
loads. A fourth page, an article with a video block (written into the copy of
the sample site), shows that the block costs no point; a fifth, the article of
``tests/sites/components`` with every content component, the same for them. Prints the four category
scores per page and exits 1 when a page
misses a target: SEO, Accessibility and Best Practices 100, Performance 98.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.build import BuildOptions, build_site  # noqa: E402

PAGES = {
    "home": "/",
    "article": "/posts/what-is-micro-needling/",
    "tag": "/tags/microneedling/",
    "video": "/posts/a-treatment-on-video/",
    "components": "/posts/all-components/",
}
# Every content component on one page (the test site's article, added to the copy).
COMPONENTS_ARTICLE = (
    REPO / "tests" / "sites" / "components" / "content" / "posts" / "all-components"
)
VIDEO_ARTICLE = """---
title: A treatment on video
description: What happens during a micro needling session, shown in a short video you can play here.
date: 2024-05-02
author: {author}
category: Skin Treatments
tags: [microneedling]
---
The video below plays only when you press play: until then, nothing is loaded from the video host.

!video[How a micro needling session goes](https://www.youtube.com/watch?v=aqz-KE-bpKQ)

Ask us anything about the treatment at your next visit.
"""
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
TEXT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
}
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)


class _Handler(SimpleHTTPRequestHandler):
    """Serves the build as a static host would: text gzipped, hashed files cached for good."""

    def do_GET(self):  # noqa: N802 - the standard library's name
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        compress = "gzip" in self.headers.get("Accept-Encoding", "")
        if not compress or path.suffix not in TEXT_TYPES or not path.is_file():
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", TEXT_TYPES[path.suffix])
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self):
        if re.search(r"\.[0-9a-f]{8,10}\.\w+$", self.path):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # Chromium drops connections it no longer needs; that is not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def main() -> int:
    if not LIGHTHOUSE.is_file():
        print("Lighthouse is missing: run scripts/setup-tests first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="sitegen-audit-") as temporary:
        work = Path(temporary)
        server = _Server(("127.0.0.1", _free_port()), None)  # type: ignore[arg-type]
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        output = _build(work, origin)
        server.RequestHandlerClass = functools.partial(_Handler, directory=str(output))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            scores = {name: _lighthouse(origin + path, work) for name, path in PAGES.items()}
        finally:
            server.shutdown()
            server.server_close()
    return _report(scores)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _build(work: Path, origin: str) -> Path:
    site = work / "site"
    site.mkdir()
    for folder in ("content", "static", "templates"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, site / folder)
    toml = (REPO / "site.toml").read_text("utf-8")
    toml = re.sub(r"(?m)^base_url\s*=.*$", f'base_url = "{origin}/"', toml)
    (site / "site.toml").write_text(toml, "utf-8")
    author = re.search(r"(?m)^\[authors\.([\w-]+)\]", toml)
    article = VIDEO_ARTICLE.format(author=author.group(1) if author else "")
    if not author:
        article = article.replace("author: \n", "")
    (site / "content" / "posts" / "a-treatment-on-video.md").write_text(article, "utf-8")
    _add_components_article(site, toml)
    result = build_site(site, BuildOptions())
    print(f"Built {result.page_count} pages into {result.output_dir}, serving at {origin}")
    return result.output_dir


def _add_components_article(site: Path, toml: str) -> None:
    """The article with every component, its people made the sample site's own."""
    folder = shutil.copytree(COMPONENTS_ARTICLE, site / "content" / "posts" / "all-components")
    index = folder / "index.md"
    text = index.read_text("utf-8")
    for field, table in (("author", "authors"), ("reviewed_by", "reviewers")):
        person = re.search(rf"(?m)^\[{table}\.([\w-]+)\]", toml)
        replacement = f"{field}: {person.group(1)}\n" if person else ""
        text = re.sub(rf"(?m)^{field}: .*\n", replacement, text)
    index.write_text(text, "utf-8")


def _lighthouse(url: str, work: Path) -> dict[str, int]:
    report = work / "report.json"
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=performance,accessibility,best-practices,seo",
    ]
    subprocess.run(command, check=True, env=env)
    data = json.loads(report.read_text("utf-8"))
    failed = [
        audit["id"]
        for audit in data["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    if failed:
        print(f"{url}: audits below full marks: {', '.join(sorted(failed))}")
    metrics = (
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
        "speed-index",
    )
    print(f"{url}: " + ", ".join(f"{m} {data['audits'][m]['displayValue']}" for m in metrics))
    return {key: round(category["score"] * 100) for key, category in data["categories"].items()}


def _report(scores: dict[str, dict[str, int]]) -> int:
    header = f"{'page':<10}" + "".join(f"{name:>16}" for name in TARGETS)
    print(header)
    missed = []
    for page, values in scores.items():
        print(f"{page:<10}" + "".join(f"{values[name]:>16}" for name in TARGETS))
        missed += [f"{page} {name}" for name, target in TARGETS.items() if values[name] < target]
    if missed:
        print("below target: " + ", ".join(missed))
        return 1
    print("every page meets its targets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
