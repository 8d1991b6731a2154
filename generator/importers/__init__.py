"""``sitegen import``: bring articles written elsewhere into a site's content folder.

Each importer reads one kind of file into plain data (:mod:`.model`), and one
writer turns that data into files (:mod:`.writer`)::

    text.py       plain text: a title line, short heading lines, bullets
    html.py       a saved HTML page: the article without the page's furniture
    mdsites.py    a folder of another generator (Jekyll _posts/, Hugo or Pelican content/):
                  every Markdown post and page, its front matter mapped, its files copied
    wordpress.py  a WordPress export (WXR): every post and page, their comments, and
                  (oldsite, relink, migration, fetch) the old site's links, files and
                  addresses carried over

For example ``import_files([Path("seeds/what-is-micro-needling.txt")], Path("."))``
writes ``content/posts/what-is-micro-needling/`` and returns what it did.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from generator.config import load_config
from generator.importers.fetch import FileJob, FileSource, fetch_files
from generator.importers.guards import is_wordpress_export
from generator.importers.html import import_html
from generator.importers.mdsites import generator_of, import_markdown_site
from generator.importers.model import ImportedFile, ImportFileError
from generator.importers.text import import_text
from generator.importers.wordpress import Target, import_wordpress
from generator.importers.writer import ImportReport, write_imports
from generator.progress import Progress
from generator.redirects import QUERY_HOSTS  # hosts whose redirect rules match ?p=12

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def import_files(
    paths: list[Path],
    site_dir: Path,
    *,
    force: bool = False,
    today: date | None = None,
    source: FileSource | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every file of ``paths`` into the site at ``site_dir``; nothing is written
    until every file has been read, so a broken file leaves the site as it was.

    With a ``source``, the old site's images and documents are brought into the
    site (see :mod:`.fetch`) and every reference to them rewritten; without one,
    references stay as they are and the summary lists the images to fetch.
    """
    config = load_config(site_dir)
    today = today or datetime.now(config.zone).date()
    target = Target(
        config.base_url,
        place_files=source is not None,
        old_addresses=True,
        query_addresses=config.publish.host in QUERY_HOSTS,
    )
    files = [read_file(path, config.zone, today, target) for path in paths]
    report = write_imports(site_dir, files, force=force)
    if source is not None:
        jobs = [FileJob(url, upload, dest) for url, upload, dest in report.files]
        fetched = fetch_files(site_dir, jobs, source, progress or Progress())
        report.fetched = fetched
    return report


def read_file(path: Path, zone, today: date, target: Target | None = None) -> ImportedFile:
    """One file's articles, by what the file holds (WordPress XML, HTML or plain text), or
    a folder's (Jekyll, Hugo or Pelican)."""
    name = str(path)
    if path.is_dir():
        folder = generator_of(path)
        if folder is None:
            raise ImportFileError(
                name,
                "a folder, but not one of Jekyll (_posts/), Hugo or Pelican (content/)",
                hint="give the _posts or content folder, or the files to import",
            )
        base_path = urlsplit(target.base_url).path or "/" if target else "/"
        return import_markdown_site(folder, base_path, today)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(name, f"cannot read the file: {error.strerror or error}") from None
    if is_wordpress_export(data):
        return import_wordpress(name, data, zone, today, target)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            name,
            f"the file is not UTF-8 text (invalid byte at offset {error.start})",
            hint="save it as UTF-8 (in a word processor: Save as > Plain text, UTF-8)",
        ) from None
    if path.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(
        "<!doctype html"
    ):
        return import_html(name, text, today)
    return import_text(name, text, today)
