"""A scratch cache folder, for commands that must write nothing into the site.

``sitegen check`` renders the whole site in memory as a build does; the engine
keeps caches (converted images, compiled templates) in a cache folder, by
default the site's own. ``check`` gives it a temporary folder instead, which
vanishes after the check, so the site folder stays byte for byte and name for
name as it was. Converted images already in the site's cache are linked into
it (they are written once under their content's hash and never changed), so a
check is no slower than a build for them; the site's cache is only read.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.write import CACHE_DIR


@contextmanager
def scratch_cache(site_dir: Path) -> Iterator[Path]:
    """A temporary cache folder holding the site's converted images."""
    with tempfile.TemporaryDirectory(prefix="sitegen-check-") as folder:
        cache = Path(folder)
        images = site_dir / CACHE_DIR / "images"
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
