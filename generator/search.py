"""On-site search: a Pagefind index of the rendered pages, in shards, produced as more outputs.

Pagefind (the ``pagefind[bin]`` package ships its binary) reads the HTML the
build rendered and writes a static index; the search page's script loads it
from the site itself, so search terms never leave the browser.

The indexed pages are split into shards, each its own Pagefind index in
``pagefind/<shard>/``, and ``pagefind/shards.json`` lists them. The search page
loads the first shard's ``pagefind.js`` and merges the others into it with
Pagefind's ``mergeIndex``, which ranks the results of all shards together. A
page's shard depends only on its ``dest_path`` and the number of indexed pages,
so after an edit only the shard holding the page is indexed again::

    index = SearchIndex()
    update = index.update(pages, read)  # pages: dest_path -> digest; read(dest_path) -> bytes
    update.files     # every file of the index: dest_path -> digest
    update.written   # the bytes of the files this call made
    update.rebuilt   # the shards Pagefind ran for

The index is made from the rendered bytes, not from the output folder: a shard's
pages are put in a temporary folder, Pagefind indexes it, and its files come
back as ``dest_path -> bytes`` like every other output. So the writer decides
what changed, a failed build writes nothing, and the same pages give the same
index, byte for byte, whether it was made at once or shard by shard.

Only what templates mark with ``data-pagefind-body`` (articles and pages) is
indexed, and only those pages are handed to Pagefind; chrome inside them
carries ``data-pagefind-ignore``. When no page is marked, every page is.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.discover import digest_of
from generator.errors import SiteWarning
from generator.search_runs import SEARCH_FOLDER, ShardRuns

__all__ = ["SEARCH_FOLDER", "SearchIndex", "SearchUpdate", "shard_count", "shard_of"]

MANIFEST = f"{SEARCH_FOLDER}/shards.json"
MARK = b"data-pagefind-body"

# How big shards are: a trade between the writer and the reader, measured with
# bench/search_bench.py. An edit re-indexes one shard, at about 1 ms a page (plus
# 10 ms a run) on a quiet machine; a reader's first search fetches, merges and
# searches every shard, about 15-25 ms a shard in Chromium (1,000 pages: 0.56 s in
# 8 shards, 0.35 s in one index; 10,000: 1.0 s in 32, 0.56 s in one). Up to
# 8 * SHARD_SIZE pages (1,024) a shard holds at most SHARD_SIZE, so that an edit
# costs ~0.15 s and the browser merges at most 8 indexes; sites up to SHARD_SIZE
# pages (the sample site, the tests) keep one. Beyond, the sum of both costs is
# least when a shard holds about 16 pages per shard there are (1 ms * size =
# 16 ms * count), so shards grow as the square root of the site: 10,000 pages
# are 32 shards of ~310. Smaller shards would also rank less like one index, as
# each scores words by its own statistics.
# Measured again on the articles of bench/corpus.py (about 1,600 words a page), a
# page costs Pagefind about 3.5 ms of CPU (a shard of 122: 0.37-0.41 s, of which
# ~0.25 s reading the pages and ~0.15 s writing the gzip-compressed index), so an
# edit at 1,000 articles spends ~0.45 s on its shard; the sums above would favour
# smaller shards on such sites. The reading is of words, not of markup: handing
# Pagefind each page cut down to its ``data-pagefind-body`` element (13.7 of 22 KB)
# gave the same index, byte for byte, in the same time (128 pages: 0.24-0.31 s
# either way), so the pages go to it whole.
SHARD_SIZE = 128
# Two Pagefind runs at once only up to this many indexed pages. Each run takes about
# 10 MB and 0.25 MB a page of its shard near its end (~85 MB for a shard of 310), and
# a larger site's build holds more meanwhile: at 10,000 articles the build process was
# at ~600 MB while its 32 shards were indexed, and two runs at once took the cold
# build to 802-813 MB (bench/measure.py), one at a time to about 720 MB.
# Measured again once large builds set their pages aside (engine/staging): one run while
# the articles are graded, then two at a time, indexed 10,000 articles in 37-38 s against
# 40-44 s one at a time, but peaked at 812-830 MB against 750-755 MB (two cold builds
# each way, alternated): the build process itself held ~40 MB more.
PARALLEL_UP_TO = 5_000


def shard_count(indexed: int, shard_size: int = SHARD_SIZE) -> int:
    """How many shards ``indexed`` pages are split into: a power of two.

    It doubles only when the average shard would hold more than ``shard_size``
    pages, or beyond ``8 * shard_size`` pages more than the square root of
    ``indexed * shard_size / 8`` (see ``SHARD_SIZE``), so it changes rarely; and
    when it does, every shard splits in two (a page of shard ``k`` of ``n`` goes
    to ``k`` or ``k + n``)::

        >>> [shard_count(n) for n in (9, 128, 129, 1_000, 10_000, 100_000)]
        [1, 1, 2, 8, 32, 128]
    """
    largest = max(shard_size, math.isqrt(indexed * shard_size // 8))
    count = 1
    while indexed > count * largest:
        count *= 2
    return count


def shard_of(dest_path: str, count: int) -> int:
    """The shard of a page, from a hash of its ``dest_path`` that is the same in every process."""
    digest = hashlib.blake2b(dest_path.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


@dataclass(frozen=True)
class SearchUpdate:
    """What :meth:`SearchIndex.update` made.

    ``files`` lists every file of the index, the manifest included, by digest
    (:func:`generator.discover.digest_of`); ``written`` holds the bytes of the
    files of the shards rebuilt in this call and of the manifest.
    """

    files: dict[str, str]
    written: dict[str, bytes]
    warnings: list[SiteWarning]
    rebuilt: tuple[int, ...]


@dataclass(frozen=True)
class _Shard:
    """One shard as it was last made: its pages and its files, both by digest."""

    pages: dict[str, str]
    first: bool  # the shard the search page loads Pagefind's code from
    files: dict[str, str]


@dataclass
class SearchIndex:
    """The search index across builds: re-runs Pagefind only for the shards whose pages changed.

    It keeps digests only (of pages, of files, and whether a page is marked for
    indexing), so it is small and can be pickled with the rest of a build's state.
    """

    shard_size: int = SHARD_SIZE
    _binary: str = ""  # the Pagefind binary the shards were made with
    _marked: dict[str, bool] = field(default_factory=dict)  # page digest -> has MARK
    _shards: dict[int, _Shard] = field(default_factory=dict)

    def update(self, pages: Mapping[str, str], read: Callable[[str], bytes]) -> SearchUpdate:
        """The index of ``pages`` (every page's ``dest_path -> digest``; no other output).

        ``read(dest_path)`` returns a page's bytes. It is called for pages with a
        digest not seen before (to see whether they are marked for indexing) and
        for the pages of the shards being rebuilt.
        """
        with self.start(pages, read) as pending:
            return pending.result()

    def start(self, pages: Mapping[str, str], read: Callable[[str], bytes]) -> PendingUpdate:
        """:meth:`update` begun: Pagefind runs on in the background, so that the caller can
        do other work; ``result()`` waits for it. The first runs are processes: no thread
        runs until ``go_on()`` (or ``result()``), so the caller may fork in between.
        ``read`` is called in this thread only, before ``go_on()`` returns."""
        binary = pagefind_binary()
        if binary is None:
            self._binary, self._shards = "", {}
            return PendingUpdate(lambda: SearchUpdate({}, {}, [_missing_binary()], ()))
        binary_id = _binary_id(binary)
        if binary_id != self._binary:
            self._binary, self._shards = binary_id, {}
        groups = self._groups(pages, read)
        first = min(groups, default=None)
        dirty = [k for k, group in groups.items() if self._stale(k, group, k == first)]
        # An update that keeps most of the index is a build after an edit, which holds the
        # whole saved state meanwhile: its few runs go one at a time. At 10,000 articles a
        # tags edit that indexed 4 of 32 shards again peaked at 794 MB with two at once
        # (each Pagefind takes ~85 MB at the end of its run) and at 721 MB alone; on a busy
        # 2-core machine the build was no slower (alone, the 4 runs took 4.4 s, not 3.8 s).
        indexed = sum(len(group) for group in groups.values())
        alone = len(dirty) * 2 <= len(groups) or indexed > PARALLEL_UP_TO
        runs = ShardRuns.start(
            binary, {k: groups[k] for k in dirty}, first, read, one_at_a_time=alone
        )
        made = lambda: self._made(groups, first, dirty, runs.results())  # noqa: E731
        return PendingUpdate(made, runs.close, runs.go_on)

    def _made(
        self,
        groups: dict[int, dict[str, str]],
        first: int | None,
        dirty: list[int],
        made: dict[int, dict[str, bytes]],
    ) -> SearchUpdate:
        """The update, once Pagefind made the files of the ``dirty`` shards."""
        self._shards = {
            k: self._shards[k] if k not in made else _Shard(group, k == first, _digests(made[k]))
            for k, group in groups.items()
        }
        manifest = _manifest(sorted(groups))
        written = {name: data for k in dirty for name, data in made[k].items()}
        written[MANIFEST] = manifest
        files = {name: d for k in sorted(self._shards) for name, d in self._shards[k].files.items()}
        files[MANIFEST] = digest_of(manifest)
        return SearchUpdate(files, written, [], tuple(dirty))

    def forget(self, missing: Callable[[str, str], bool]) -> None:
        """Make again, at the next update, each shard with a file that ``missing(dest_path,
        digest)`` says is not where the last build left it."""
        self._shards = {
            k: shard
            for k, shard in self._shards.items()
            if not any(missing(dest, digest) for dest, digest in shard.files.items())
        }

    def _groups(
        self, pages: Mapping[str, str], read: Callable[[str], bytes]
    ) -> dict[int, dict[str, str]]:
        """The indexed pages by shard, each as ``dest_path -> digest``, sorted."""
        ordered = dict(sorted(pages.items()))
        marked = {}
        for dest, digest in ordered.items():
            if digest not in marked:
                known = self._marked.get(digest)
                marked[digest] = MARK in read(dest) if known is None else known
        self._marked = marked  # only the digests of current pages, so it does not grow
        indexed = {dest: digest for dest, digest in ordered.items() if marked[digest]} or ordered
        count = shard_count(len(indexed), self.shard_size)
        groups: dict[int, dict[str, str]] = {}
        for dest, digest in indexed.items():
            groups.setdefault(shard_of(dest, count), {})[dest] = digest
        return dict(sorted(groups.items()))

    def _stale(self, shard: int, pages: dict[str, str], first: bool) -> bool:
        known = self._shards.get(shard)
        return known is None or known.pages != pages or known.first != first


def pagefind_binary() -> Path | None:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        found = shutil.which("pagefind")
        return Path(found) if found else None
    try:
        return Path(get_executable())
    except FileNotFoundError:
        return None


def _binary_id(binary: Path) -> str:
    """Changes when the binary is replaced (an upgrade), which may change every index file."""
    try:
        stat = binary.stat()
    except OSError:
        return str(binary)
    return f"{binary}:{stat.st_size}:{stat.st_mtime_ns}"


def _missing_binary() -> SiteWarning:
    return SiteWarning(
        None,
        "the search index was not built: the Pagefind binary is not installed",
        hint="pip install 'pagefind[bin]'",
    )


def _manifest(shards: list[int]) -> bytes:
    """The shards' folders, relative to the manifest, the first one's code to load."""
    return json.dumps({"shards": [f"{k}/" for k in shards]}).encode() + b"\n"


def _digests(files: dict[str, bytes]) -> dict[str, str]:
    return {name: digest_of(data) for name, data in files.items()}


class PendingUpdate:
    """An update of the index under way (:meth:`SearchIndex.start`).

    ``go_on()`` lets the runs go on in threads (after what the caller forks);
    ``result()`` waits for Pagefind and gives the :class:`SearchUpdate`. Use it in a
    ``with`` block: leaving it waits for every run and removes their folders, whatever
    happened in between."""

    def __init__(
        self,
        made: Callable[[], SearchUpdate],
        close: Callable[[], None] = lambda: None,
        go_on: Callable[[], None] = lambda: None,
    ) -> None:
        self._made, self._close, self.go_on = made, close, go_on

    def result(self) -> SearchUpdate:
        return self._made()

    def __enter__(self) -> PendingUpdate:
        return self

    def __exit__(self, *exc_info) -> None:
        self._close()
