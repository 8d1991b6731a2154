"""The image cache: converted copies kept between builds, removed once no build uses them.

``SITE/.sitegen-cache/images/`` holds each converted copy of an image (one size,
one format) in a file named by the digest of what it was made from
(:mod:`generator.image_convert`). Any later build that needs the copy reads it
there instead of converting again, whatever its output folder or options.

Replacing or removing an image leaves its copies unused. Whenever a build makes
its image catalog again (an image was added, replaced or removed), the files no
build has used for a day are removed, temporary files of a build killed while
storing a copy among them. A copy a build reads has its modification time
brought forward (at most twice a day, so a build that reads it again changes
nothing). The day keeps what another build of the same site made or read
lately, the dev server's with its drafts say, or a build into another output
folder: a copy that goes all the same is only converted again when next needed.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

UNUSED_FOR = 24 * 60 * 60  # seconds without a build using a file before it goes
_TOUCH_AFTER = UNUSED_FOR / 2


def read(path: Path) -> bytes | None:
    """The copy in ``path``, marked as used; None when there is none."""
    try:
        data = path.read_bytes()
        now = time.time()
        if path.stat().st_mtime < now - _TOUCH_AFTER:
            os.utime(path, (now, now))
    except OSError:
        return None
    return data


def store(path: Path, data: bytes) -> None:
    """Keep a copy; a cache that cannot be written only costs time next build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        pass


def remove_unused(folder: Path, used: Iterable[Path]) -> list[str]:
    """Remove the files of ``folder`` not in ``used`` that no build used for a day; return
    their names, sorted. A file that cannot be removed is left for the next time."""
    now = time.time()
    keep = {path.name for path in used}
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []  # no cache yet
    for entry in entries:
        if entry.name in keep:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if entry.stat(follow_symlinks=False).st_mtime > now - UNUSED_FOR:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(entry.name)
    return sorted(removed)
