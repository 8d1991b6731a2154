"""Stand-ins for an old WordPress site's files, served on loopback in place of its host.

The real exports' images and PDFs live on hosts no test can reach. For each
file an export refers to (its attachments, and every ``src``/``href`` with a
file name), :func:`make_standins` writes a small valid file of the same type
at the same path, and :func:`serve` answers for them on 127.0.0.1.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image

URL = re.compile(r"""(?:src|href)=\\?["']((?:https?:)?/[^"'\\\s>]+)""")
ATTACHMENT_URL = re.compile(r"<wp:attachment_url>(?:<!\[CDATA\[)?([^<\]]+)")
IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
DOCUMENTS = (".pdf", ".doc", ".docx", ".ppt", ".pptx", ".xls", ".xlsx", ".zip", ".mp3", ".mp4")


def referenced_files(export: Path) -> set[str]:
    """Absolute URLs of the files an export names: attachments, images, documents."""
    text = export.read_text("utf-8")
    urls = set(ATTACHMENT_URL.findall(text))
    for match in URL.finditer(html.unescape(text)):
        url = match.group(1)
        suffix = Path(urlsplit(url).path).suffix.lower()
        if suffix in IMAGE_FORMATS or suffix in DOCUMENTS:
            urls.add(url if url.startswith("http") else "https:" + url if url[:2] == "//" else url)
    return urls


def make_standins(export: Path, folder: Path) -> list[str]:
    """Write a stand-in at each referenced file's path under ``folder``; return the paths."""
    written = []
    for url in sorted(referenced_files(export)):
        path = unquote(urlsplit(url).path).lstrip("/")
        target = folder / path
        if not path or target.exists() or ".." in path.split("/"):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_standin(Path(path).suffix.lower(), len(written)))
        written.append(path)
    return written


def _standin(suffix: str, number: int) -> bytes:
    if suffix not in IMAGE_FORMATS:
        return PDF if suffix == ".pdf" else b"stand-in %d\n" % number
    colour = (40 + number * 7 % 200, 90, 160)
    out = BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, IMAGE_FORMATS[suffix])
    return out.getvalue()


class _Handler(SimpleHTTPRequestHandler):
    requests: list[str]

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self):  # noqa: N802 - the base class's name
        self.requests.append(self.path)
        super().do_GET()


@contextmanager
def serve(folder: Path):
    """An HTTP server for ``folder`` on 127.0.0.1; yields ``(base URL, paths asked)``."""
    asked: list[str] = []
    handler = type("Handler", (_Handler,), {"requests": asked})
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
