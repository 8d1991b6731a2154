"""A scratch copy of a site's inputs, for commands that must write nothing into the site.

``sitegen check`` renders the whole site in memory as a build does; the stages
it runs keep caches (converted images, compiled templates) in the site's cache
folder. Run against a copy in a temporary folder, those land there and vanish
with it, and the site folder stays byte for byte and name for name as it was.
Converted images already in the site's cache are copied along, so a check is
no slower than a build for them; the site's cache itself is only read.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.write import CACHE_DIR

INPUT_FOLDERS = ("content", "static", "templates")


@contextmanager
def scratch_copy(site_dir: Path) -> Iterator[Path]:
    """A copy of ``site.toml``, ``content/``, ``static/``, ``templates/`` and the image cache.

    Links to files are copied as the files they lead to (the caller has made sure
    none leads out of the site, see :mod:`generator.boundary`); links to folders
    are left out, as a build does not follow them.
    """
    with tempfile.TemporaryDirectory(prefix="sitegen-") as folder:
        copy = Path(folder) / "site"
        copy.mkdir()
        if (site_dir / "site.toml").is_file():
            shutil.copyfile(site_dir / "site.toml", copy / "site.toml")
        for name in INPUT_FOLDERS:
            if (site_dir / name).is_dir() and not (site_dir / name).is_symlink():
                shutil.copytree(site_dir / name, copy / name, ignore=_linked_folders)
        images = site_dir / CACHE_DIR / "images"
        if images.is_dir() and not images.is_symlink():
            shutil.copytree(images, copy / CACHE_DIR / "images", ignore=_linked_folders)
        yield copy


def _linked_folders(folder: str, names: list[str]) -> set[str]:
    ignored = set()
    for name in names:
        path = os.path.join(folder, name)
        if os.path.islink(path) and (os.path.isdir(path) or not os.path.exists(path)):
            ignored.add(name)
    return ignored
