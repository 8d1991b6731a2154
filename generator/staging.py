"""Outputs set aside on disk until the build may write them (see :class:`Staging`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.outputs import Loader


class Staging:
    """Outputs set aside on disk until the build may write them.

    Everything is rendered and checked before the first write, so a large
    site's pages would all sit in memory at once; a staging folder in the cache
    holds them instead, each read back when a later stage asks, and moved into
    the output folder by the writer. Once moved, or cleared (after the write), a
    page is read from the output folder (``read_written``). :meth:`read` is a
    :data:`~generator.outputs.Loader`: a page found in neither place gives None,
    which :class:`~generator.outputs.Outputs` notes as a stale read.
    """

    def __init__(self, cache_dir: Path, read_written: Loader) -> None:
        self.folder = cache_dir / f"staging-{os.getpid()}"
        self._read_written = read_written
        self._names: dict[str, str] = {}
        self._digests: dict[str, str] = {}
        remove_abandoned_staging(cache_dir)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def put(self, dest: str, data: bytes, digest: str) -> None:
        """Set ``data`` aside for ``dest``; ``digest`` is its digest, as the writer knows it."""
        name = self._names.setdefault(dest, str(len(self._names)))
        (self.folder / name).write_bytes(data)
        self._digests[dest] = digest

    def move_into(self, dest: str, target: Path, digest: str) -> bool:
        """Move the file set aside for ``dest`` to ``target`` when it holds the bytes of
        ``digest``; False, with nothing moved, when it does not or cannot be moved there
        (another file system, say): the writer then writes the bytes itself.

        A cold build of a large site sets all its pages aside; moving them costs a
        rename each, where writing them again cost reading and writing every page."""
        if self._digests.get(dest) != digest:
            return False
        try:
            os.replace(self.folder / self._names[dest], target)
        except OSError:
            return False
        del self._names[dest], self._digests[dest]  # read from the output folder from now on
        return True

    def read(self, dest: str) -> bytes | None:
        """The page as set aside, else as written; None if it is in neither place."""
        name = self._names.get(dest)
        if name is None:
            return self._read_written(dest)
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None  # the staging folder was removed under the build

    def __contains__(self, dest: object) -> bool:
        return dest in self._names

    def clear(self) -> None:
        self._names, self._digests = {}, {}
        shutil.rmtree(self.folder, ignore_errors=True)


def remove_abandoned_staging(cache_dir: Path) -> None:
    """The staging folders of builds that were killed (their process is gone)."""
    for old in cache_dir.glob("staging-*"):
        if not _running(old.name.removeprefix("staging-")):
            shutil.rmtree(old, ignore_errors=True)


def _running(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True  # someone else's process
    return True
