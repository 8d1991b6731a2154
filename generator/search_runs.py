"""Pagefind at work on the shards of the search index (see :mod:`generator.search`).

Each shard is indexed by one run of ``pagefind --site`` on a folder of its pages,
written here from the rendered bytes. The runs go in two steps, so that the caller
can fork between them (a process forked while threads run may inherit a lock one
of them held): :meth:`ShardRuns.start` starts as many runs as go at a time as plain
processes, and no thread; :meth:`ShardRuns.go_on` then waits for them in threads
and starts the others as they end. After an edit there are a few runs, one at a time
(see :meth:`SearchIndex.start`), under way while the build grades the edited article
and checks the files.

Pagefind's service mode (``pagefind --service``, pages added one by one) would let a
build give Pagefind the unchanged pages of an edited page's shard before rendering
it, but only those ahead of it in the shard's order, and it costs about 15% more of
Pagefind's CPU per shard (its ``WriteFiles`` also answers before the last files are
written): measured, an edit at 1,000 articles gained nothing from it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.errors import OutputError
from generator.scratch import temporary_folder
from generator.write import plainly_inside

SEARCH_FOLDER = "pagefind"

# Pagefind also writes ready-made search interfaces; the theme has its own page.
_UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
# Merged indexes are searched with the first index's script, worker and
# WebAssembly, so only the first shard keeps them.
_CODE = ("pagefind.js", "pagefind-worker.js")
_CODE_PREFIX, _CODE_SUFFIX = "wasm.", ".pagefind"

# Concurrent Pagefind runs share this much memory (an estimate from the size of
# their shards), so that a machine with many cores does not run out of it.
_PARALLEL_MEMORY_MB = 1024
# A memory file system is used for Pagefind's folders when it has this much room
# (a container's /dev/shm often has 64 MB): a few shards' pages and indexes.
_MEMORY_FOLDER, _MEMORY_FOLDER_ROOM = "/dev/shm", 512 * 1024 * 1024


@dataclass
class ShardRuns:
    """Pagefind runs under way, one for each shard, each on a folder of its pages."""

    binary: Path
    first: int | None  # the shard that keeps Pagefind's code
    read: Callable[[str], bytes]
    workers: int = 1
    folder: tempfile.TemporaryDirectory | None = None
    started: dict[int, Callable[[], dict[str, bytes]]] = field(default_factory=dict)
    waiting: dict[int, dict[str, str]] = field(default_factory=dict)  # shards not started
    pool: ThreadPoolExecutor | None = None
    running: dict[int, Future[dict[str, bytes]]] = field(default_factory=dict)

    @classmethod
    def start(
        cls,
        binary: Path,
        groups: dict[int, dict[str, str]],
        first: int | None,
        read: Callable[[str], bytes],
        *,
        one_at_a_time: bool = False,
    ) -> ShardRuns:
        """Start Pagefind for the first of ``groups`` (as many as run at a time, one if
        ``one_at_a_time``), each on a folder of its pages, as processes: no thread runs
        when this returns."""
        runs = cls(binary, first, read)
        if not groups:
            return runs
        largest = max(len(pages) for pages in groups.values())
        at_once = min(os.cpu_count() or 1, len(groups), _parallel_runs(largest))
        runs.workers = 1 if one_at_a_time else max(1, at_once)
        runs.folder = temporary_folder("search", _scratch_folder())
        try:
            for shard, pages in groups.items():
                if len(runs.started) < runs.workers:
                    runs.started[shard] = runs._launched(shard, pages)
                else:
                    runs.waiting[shard] = pages
        except BaseException:
            runs.close()
            raise
        return runs

    def go_on(self) -> None:
        """Wait for the runs started in threads, and run the other shards as they end.

        The pages are written here while Pagefind indexes the shards already written,
        at most one shard ahead of the runs, so that the folder holds a few shards at
        a time; ``read`` is only ever called from this thread, before this returns.
        """
        if self.pool is not None or self.folder is None:
            return
        self.pool = ThreadPoolExecutor(max_workers=self.workers)
        ahead = threading.BoundedSemaphore(self.workers + 1)  # written and not yet indexed
        try:
            for shard in sorted([*self.started, *self.waiting]):
                ahead.acquire()
                run = self.started.pop(shard, None)
                run = run or self._launching(shard, self.waiting.pop(shard))
                self.running[shard] = self.pool.submit(run)
                self.running[shard].add_done_callback(lambda _: ahead.release())
        except BaseException:
            self.close()
            raise

    def _launched(self, shard: int, pages: dict[str, str]) -> Callable[[], dict[str, bytes]]:
        """Pagefind started on the shard's pages; what it gives waits for its files."""
        return _launch(self.binary, self._written(shard, pages), shard, shard == self.first)

    def _launching(self, shard: int, pages: dict[str, str]) -> Callable[[], dict[str, bytes]]:
        """The shard's pages written, and what starts Pagefind on them and waits for it."""
        site = self._written(shard, pages)
        return lambda: _launch(self.binary, site, shard, shard == self.first)()

    def _written(self, shard: int, pages: dict[str, str]) -> Path:
        """The shard's folder, with its pages. (With strings, not ``Path`` objects, and each
        folder made once: after an edit this is on the way to Pagefind's start.)"""
        site = os.path.join(self.folder.name, f"site-{shard}")
        made: set[str] = set()
        for dest_path in pages:
            target = _page_file(site, dest_path)
            folder = os.path.dirname(target)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            with open(target, "wb") as page:
                page.write(self.read(dest_path))
        return Path(site)

    def results(self) -> dict[int, dict[str, bytes]]:
        """Each shard's files, once its run is over; a run that failed raises its error."""
        self.go_on()
        return {shard: running.result() for shard, running in sorted(self.running.items())}

    def close(self) -> None:
        """Wait for the runs still going, and remove their folders."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        for run in self.started.values():  # started, never waited for
            # The build stops for another reason, which is the one to tell.
            with contextlib.suppress(OutputError):
                run()
        self.started = {}
        if self.folder is not None:
            self.folder.cleanup()


def _page_file(site: str, dest_path: str) -> str:
    """Where a page goes in a shard's folder. The folder is new and holds only the folders
    this build makes in it, so no link can lie on the way: checking ``dest_path`` as text
    is enough (:func:`~generator.write.safe_target` would look at every folder on the
    way, which costs more than writing the page)."""
    parts = dest_path.split("/")
    if "" in parts or "." in parts or ".." in parts or "\x00" in dest_path:
        # Not the plain "folder/.../file": let PurePosixPath say what it means.
        if not plainly_inside(dest_path):
            raise OutputError(dest_path, "refusing to write outside the output folder")
        parts = list(PurePosixPath(dest_path).parts)
    return os.path.join(site, *parts)


def _scratch_folder() -> str | None:
    """Where the pages and indexes are written for Pagefind, thousands of small files that
    live for a second: in memory when the system has a memory file system with room
    (Linux's /dev/shm), so that a busy disk does not slow an edit down; else, or when
    TMPDIR says where, the usual temporary folder."""
    if os.environ.get("TMPDIR") or not os.access(_MEMORY_FOLDER, os.W_OK):
        return None
    try:
        stat = os.statvfs(_MEMORY_FOLDER)
    except OSError:
        return None
    return _MEMORY_FOLDER if stat.f_bavail * stat.f_frsize >= _MEMORY_FOLDER_ROOM else None


def _parallel_runs(pages: int) -> int:
    """How many Pagefind runs of ``pages`` fit in the memory they share (10 MB + 0.25 MB a page)."""
    return _PARALLEL_MEMORY_MB // (10 + pages // 4 + 1)


def _launch(binary: Path, site: Path, shard: int, first: bool) -> Callable[[], dict[str, bytes]]:
    """Start indexing the pages in ``site``; what this returns waits for the files, as
    ``pagefind/<shard>/...`` -> bytes, and removes the folders."""
    out = site.parent / f"index-{shard}"
    wait = _start([str(binary), "--site", str(site), "--output-path", str(out), "--silent"])

    def files() -> dict[str, bytes]:
        wait()
        made = {
            f"{SEARCH_FOLDER}/{shard}/{path.relative_to(out).as_posix()}": path.read_bytes()
            for path in sorted(out.rglob("*"))
            if path.is_file() and _kept(path.relative_to(out).as_posix(), first)
        }
        shutil.rmtree(site)
        shutil.rmtree(out)
        return made

    return files


def _kept(name: str, first: bool) -> bool:
    if name.startswith(_UNUSED):
        return False
    code = name in _CODE or (name.startswith(_CODE_PREFIX) and name.endswith(_CODE_SUFFIX))
    return first or not code


def _start(command: list[str]) -> Callable[[], None]:
    """Start ``command``; what this returns waits for it, and raises if it failed. Its
    output goes to a file, which no pipe left unread can block."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the waiting)
    try:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    except BaseException:
        output.close()
        raise

    def wait() -> None:
        with output:
            if process.wait() != 0:
                output.seek(0)
                printed = output.read().decode("utf-8", "replace").strip()[-500:]
                raise OutputError(
                    SEARCH_FOLDER, f"Pagefind could not build the search index: {printed}"
                )

    return wait
