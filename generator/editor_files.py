"""Files that editors and tools write for a moment beside the one being saved.

``sed -i`` writes ``sedXXXXXX`` then renames it over the file; Vim probes the
folder with ``4913``; Emacs keeps ``#name#``; many editors save through a
hidden ``.name.tmp`` or ``.goutputstream-XXXX``. None of them is part of the
site (discovery skips hidden files, ``~`` backups and ``.swp``/``.tmp``/``.bak``
already), so the preview's watcher does not report them as changes::

    >>> [is_editor_file(name) for name in ("sed6GLF2b", ".tmp-save", "index.md~", "index.md")]
    [True, True, True, False]
"""

from __future__ import annotations

import re
from pathlib import Path

from watchfiles import Change, DefaultFilter

from generator.discover import IGNORED_NAMES

_TEMPORARY = re.compile(
    r"^sed[A-Za-z0-9]{6}$"  # sed -i
    r"|^4913$"  # Vim's test of the folder
    r"|^#.*#$"  # Emacs auto-save
    r"|\.(kate-swp|crswap|part)$"  # Kate, Chrome's file system access, downloads
)


def is_editor_file(name: str) -> bool:
    """Whether a file named ``name`` is an editor's temporary or backup file."""
    return bool(IGNORED_NAMES.search(name) or _TEMPORARY.search(name))


class SourceChanges(DefaultFilter):
    """watchfiles' filter (version control, caches) that also skips editors' files."""

    def __call__(self, change: Change, path: str) -> bool:
        return super().__call__(change, path) and not is_editor_file(Path(path).name)
