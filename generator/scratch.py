"""A scratch cache folder, for commands that must write nothing into the site.

``sitegen check`` renders the whole site in memory as a build does; the engine
keeps caches (converted images, compiled templates) in a cache folder, by
default the site's own. ``check`` gives it a temporary folder instead, which
vanishes after the check, so the site folder stays byte for byte and name for
name as it was. Converted images already in the site's cache are linked into
it (they are written once under their content's hash and never changed), so a
check is no slower than a build for them; the site's cache is only read.

Temporary folders are named for the process that made them
(:func:`temporary_folder`): a build or check stopped by ``kill -9`` cannot remove
its own, and the next one removes those whose process is gone. The search
index's folder is on ``/dev/shm`` where there is one, so a leftover there holds
memory until the machine restarts.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_cache(builds_cache: Path) -> Iterator[Path]:
    """A temporary cache folder holding the converted images of ``builds_cache`` (the
    cache folder of the site's builds)."""
    with temporary_folder("check") as folder:
        cache = Path(folder)
        images = builds_cache / "images"
        if images.is_dir() and not images.is_symlink():
            shutil.copytree(images, cache / "images", copy_function=_link_or_copy, symlinks=True)
        yield cache


def _link_or_copy(source: str, destination: str) -> None:
    """A hard link where the file system allows one, else a copy."""
    if os.path.islink(source):
        return  # a link in the cache was not made by sitegen: not worth following
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


# Folders of versions that did not name their process: removed once surely unused.
_UNNAMED_AGE = 24 * 3600


def temporary_folder(kind: str, parent: str | None = None) -> tempfile.TemporaryDirectory:
    """A temporary folder ``sitegen-KIND-PID-…`` in ``parent`` (the system's temporary
    folder by default), made after removing those of the same kind whose process is gone."""
    parent = parent or tempfile.gettempdir()
    remove_orphans(kind, parent)
    return tempfile.TemporaryDirectory(prefix=f"sitegen-{kind}-{os.getpid()}-", dir=parent)


def remove_orphans(kind: str, parent: str) -> list[str]:
    """Remove this user's ``sitegen-KIND-…`` folders in ``parent`` whose process has ended
    (and unnamed ones a day old); the names removed."""
    named = re.compile(rf"sitegen-{re.escape(kind)}-(\d+)-")
    unnamed = re.compile(rf"sitegen-{re.escape(kind)}-[a-z0-9_]{{8}}$")
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    removed = []
    for entry in entries:
        found = named.match(entry.name)
        if found is not None:
            orphan = not _alive(int(found.group(1)))
        else:
            orphan = unnamed.match(entry.name) is not None and _older_than(entry, _UNNAMED_AGE)
        if orphan and _ours(entry):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or no pid at all): not ours to judge
    return True


def _ours(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False) and entry.stat().st_uid == os.getuid()
    except OSError:
        return False


def _older_than(entry: os.DirEntry, seconds: float) -> bool:
    try:
        return time.time() - entry.stat().st_mtime > seconds
    except OSError:
        return False
