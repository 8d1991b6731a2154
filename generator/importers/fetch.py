"""Bring the old site's files (images, PDFs) into the new site folder.

Two sources, as :class:`FileSource` says:

- the old host over HTTP(S), several files at a time, each tried up to
  ``ATTEMPTS`` times; ``fetch_from`` sends every request to another address
  with the same paths (a copy of the old site, or a test server);
- ``uploads``: a local copy of the site's ``wp-content/uploads/`` folder, read
  with the same year/month paths.

A file is written whole or not at all (a temporary name, then a rename), so a
second import fetches only what is still missing. A response that is not the
file it claims to be (an HTML error page for a ``.jpg``) or is larger than
``max_bytes`` is refused and listed as missing.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from generator.importers.model import ImportFileError
from generator.progress import Progress

ATTEMPTS = 3
TIMEOUT = 30  # seconds per request
THREADS = 8
MAX_BYTES = 64 * 1024 * 1024
USER_AGENT = "sitegen-import"
GENERIC_TYPES = {"application/octet-stream", "binary/octet-stream", ""}


@dataclass(frozen=True)
class FileJob:
    """One file to bring in: its old URL, its path in the media library and in the site."""

    url: str
    upload_path: str  # "2019/05/face.jpg": where it is in a copy of wp-content/uploads
    dest: str  # relative to the site folder


@dataclass(frozen=True)
class FileSource:
    fetch_from: str = ""  # "http://127.0.0.1:8000": the old host's paths, asked elsewhere
    uploads: Path | None = None  # a copy of wp-content/uploads/
    max_bytes: int = MAX_BYTES


@dataclass
class FetchReport:
    fetched: list[str] = field(default_factory=list)  # dest paths written now
    present: int = 0  # already there from an earlier run
    missing: list[tuple[str, str]] = field(default_factory=list)  # (old URL, why)


def file_source(fetch_from: str, uploads: Path | None) -> FileSource:
    """The source the command line names, checked before anything is imported."""
    if fetch_from and urlsplit(fetch_from).scheme not in ("http", "https"):
        raise ImportFileError(
            fetch_from,
            "--fetch-from must be an http(s) address",
            hint="for example --fetch-from https://old-copy.example.com",
        )
    if uploads is not None and not uploads.is_dir():
        raise ImportFileError(
            str(uploads),
            "--uploads must name a folder (a copy of wp-content/uploads/)",
            hint="unpack the hosting backup and give its wp-content/uploads folder",
        )
    return FileSource(fetch_from=fetch_from.rstrip("/"), uploads=uploads)


def fetch_files(
    site_dir: Path, jobs: list[FileJob], source: FileSource, progress: Progress
) -> FetchReport:
    """Bring every file of ``jobs`` that is not in the site yet; report what happened."""
    report = FetchReport()
    unique = {job.dest: job for job in jobs}
    waiting = [job for dest, job in sorted(unique.items()) if not (site_dir / dest).is_file()]
    report.present = len(unique) - len(waiting)
    if not waiting:
        return report
    progress.start("Fetching", len(waiting), "files")
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for job, problem in pool.map(lambda job: (job, _bring(site_dir, job, source)), waiting):
            progress.advance()
            if problem:
                report.missing.append((job.url, problem))
            else:
                report.fetched.append(job.dest)
    progress.finish()
    return report


def _bring(site_dir: Path, job: FileJob, source: FileSource) -> str:
    """Put one file in place; return why not, or ``""``."""
    target = site_dir / job.dest
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    try:
        if source.uploads is not None:
            problem = _copy(source.uploads, job.upload_path, partial, source.max_bytes)
        else:
            problem = _download(_address(job.url, source.fetch_from), job, partial, source)
        if problem:
            return problem
        os.replace(partial, target)
        return ""
    finally:
        partial.unlink(missing_ok=True)


def _copy(uploads: Path, upload_path: str, partial: Path, max_bytes: int) -> str:
    found = (uploads / upload_path).resolve()
    if not found.is_relative_to(uploads.resolve()):
        return f"outside the uploads folder ({upload_path})"
    if not found.is_file():
        return f"not in the uploads folder ({found})"
    if found.stat().st_size > max_bytes:
        return f"larger than {max_bytes:,} bytes"
    shutil.copyfile(found, partial)
    return ""


def _address(url: str, fetch_from: str) -> str:
    """``url`` asked from ``fetch_from`` instead of its own host (same path and query)."""
    parts = urlsplit(url)
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    if not fetch_from:
        return parts._replace(path=path).geturl()
    other = urlsplit(fetch_from)
    return other._replace(
        path=other.path.rstrip("/") + path, query=parts.query, fragment=""
    ).geturl()


def _download(address: str, job: FileJob, partial: Path, source: FileSource) -> str:
    problem = ""
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(0.5 * 2**attempt)
        problem, again = _download_once(address, job, partial, source.max_bytes)
        if not again:
            return problem
    return problem


def _download_once(address: str, job: FileJob, partial: Path, max_bytes: int) -> tuple[str, bool]:
    """``(problem, worth another try)``."""
    request = urllib.request.Request(address, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            problem = _unexpected(response.headers, job.url, max_bytes)
            if problem:
                return problem, False
            return _save(response, partial, max_bytes), False
    except urllib.error.HTTPError as error:
        again = error.code >= 500 or error.code == 429
        return f"the server answered {error.code} {error.reason}", again
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        reason = getattr(error, "reason", error)
        return f"cannot reach {urlsplit(address).netloc}: {reason}", True


def _unexpected(headers, url: str, max_bytes: int) -> str:
    """Why a response is not the file asked for, or ``""``."""
    length = headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        return f"larger than {max_bytes:,} bytes ({int(length):,})"
    given = headers.get_content_type() if headers.get("Content-Type") else ""
    expected, _ = mimetypes.guess_type(urlsplit(url).path)
    if not expected or given in GENERIC_TYPES or given == expected:
        return ""
    if expected.split("/")[0] == given.split("/")[0] and given.split("/")[0] != "text":
        return ""  # image/jpg for a .jpeg, and the like
    return f"the server sent {given}, not {expected}"


def _save(response, partial: Path, max_bytes: int) -> str:
    written = 0
    with partial.open("wb") as out:
        while chunk := response.read(64 * 1024):
            written += len(chunk)
            if written > max_bytes:
                return f"larger than {max_bytes:,} bytes"
            out.write(chunk)
    return ""
