"""LOAD: the first look at a site's inputs, before anything is read.

The ``stat`` of every file a build reads, by path (if none changed, neither did
the site), and the folder listings that found them: the walk that then reads the
files (:func:`generator.discover.discover`) takes those listings instead of listing
every folder again. A build thus sees the site as this look saw it, and whatever
changes after the look (a file added, removed or replaced) has a ``stat`` other
than the one kept for it, which the next build finds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

IGNORED_NAMES = re.compile(r"^(\.|_|~)|~$|\.(swp|swx|tmp|bak)$")

# What an entry of a listed folder is (see Listed)
FILE, FOLDER, LINK, LINKED_FOLDER = range(4)  # a link to a file (or to nothing), to a folder

# A folder's entries as listed (ignored names left out), in the order the system gave them
Listed = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class InputLook:
    """The ``stat`` of every input, and each folder the look listed, by path."""

    stamps: dict[str, tuple[int, ...]]
    folders: dict[str, Listed]


def input_look(site_dir: Path, theme_dir: Path) -> InputLook:
    """The ``stat`` of every file a build reads and the listings of the folders they are in.

    Cheaper than :func:`~generator.discover.discover` (nothing is read), and a superset
    of what it reads: ``site.toml``, content, static files and templates of the site
    and theme. A link to a folder is not followed (its ``stat`` is the folder's).
    """
    stamps: dict[str, tuple[int, ...]] = {}
    folders: dict[str, Listed] = {}
    config = site_dir / "site.toml"
    if config.is_file():
        stamps[str(config)] = stamp_of(config.stat())
    for root in (site_dir / "content", site_dir / "static", site_dir / "templates", theme_dir):
        _look_into(str(root), stamps, folders)
    return InputLook(stamps, folders)


def walk_listed(
    folders: Mapping[str, Listed], folder: str, found: list[str], links: list[str]
) -> bool:
    """Add the files below ``folder`` to ``found`` and the links met to ``links``, from their
    listings: links to folders are not followed. False (nothing added) when ``folder`` was
    not listed (a link, say, or not there)."""
    if folder not in folders:
        return False
    for path, kind in folders[folder]:
        if kind >= LINK:
            links.append(path)
        if kind == FOLDER:
            walk_listed(folders, path, found, links)
        elif kind != LINKED_FOLDER:
            found.append(path)
    return True


def listed_tree(folder: str) -> dict[str, Listed]:
    """The listings of ``folder`` and the folders below it, without a ``stat`` of the files."""
    folders: dict[str, Listed] = {}
    _look_into(folder, None, folders)
    return folders


def _look_into(folder: str, stamps: dict | None, folders: dict[str, Listed]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # gone, or no folder: nothing listed
    listed = []
    for entry in entries:
        if IGNORED_NAMES.search(entry.name):
            continue
        if entry.is_dir(follow_symlinks=False):
            listed.append((entry.path, FOLDER))
            _look_into(entry.path, stamps, folders)
            continue
        listed.append((entry.path, _link_kind(entry) if entry.is_symlink() else FILE))
        if stamps is None:
            continue
        try:
            stamps[entry.path] = stamp_of(entry.stat())
        except OSError:
            stamps[entry.path] = ()
    folders[folder] = tuple(listed)


def _link_kind(entry: os.DirEntry) -> int:
    try:
        return LINKED_FOLDER if entry.is_dir() else LINK
    except OSError:  # a link that loops: reading it will say so
        return LINK


def stamp_of(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
