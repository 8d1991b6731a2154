"""Engine states in a site's cache that no build will read again, and their removal.

Each output folder of a site has its own state in the site's cache folder
(``engine-<key>.pickle``, ``.summary`` and ``.records/``, the key made from the
output folder's absolute path and the build's options: see
:func:`generator.state.state_path`). Two kinds of file would otherwise stay there
for good:

- the state of the site at its old place, after the site folder was moved or
  renamed (its key names an output folder of the old place, which no build of the
  site at its new place asks for), or a state that other code wrote (this code
  never reads it). At 10,000 articles a state takes about 300 MB;
- the temporary file of a save that was killed halfway (the index of a large
  site is tens of MB).

After each save the build removes them: every state whose header says it was made
for the site at another place or by other code, and the temporaries of its own
state, whose saves all hold the same output folder's lock (none of them is under
way). The states of the site's other output folders, and their temporaries, are
left alone: another build may be saving one of them.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
from pathlib import Path

__all__ = ["remove_stranded_states", "temporary_prefix"]

_STATE_INDEX = re.compile(r"^engine-(?P<key>[0-9a-f]+)\.pickle$")
_STATE_FILE = re.compile(r"^\.?engine-(?P<key>[0-9a-f]+)\.")  # or its temporary
# What tempfile.mkstemp made for a save before temporaries were named for their
# state: a dot, eight random characters, ".tmp".
_UNNAMED_TEMPORARY = re.compile(r"^\.[a-z0-9_]{8}\.tmp$")


def temporary_prefix(path: Path) -> str:
    """The start of the name of a temporary file that will replace ``path``: the file's
    own name, so that a temporary left by a killed save is known for its state's."""
    return f".{path.name}."


def remove_stranded_states(cache_dir: Path, own_key: str, site_dir: Path, code: str) -> list[str]:
    """Remove the files of ``cache_dir`` no build of this site and code will use (see the
    module's docstring); return their names."""
    try:
        names = sorted(entry.name for entry in os.scandir(cache_dir))
    except OSError:
        return []
    stranded = set()
    for name in names:
        found = _STATE_INDEX.match(name)
        if found and found["key"] != own_key and not _usable(cache_dir / name, site_dir, code):
            stranded.add(found["key"])
    removed = [
        name
        for name in names
        if _state_key(name) in stranded
        or _own_temporary(name, own_key)
        or _UNNAMED_TEMPORARY.match(name)
    ]
    for name in removed:
        _remove(cache_dir / name)
    return removed


def _usable(index: Path, site_dir: Path, code: str) -> bool:
    """Whether the state's header names this site's place and this code; a header that
    cannot be read is taken as usable (a save may be replacing the file)."""
    try:
        with index.open("rb") as stream:
            header = pickle.load(stream)
    except Exception:  # noqa: BLE001 - unreadable: leave it to the build that owns it
        return True
    if not isinstance(header, dict):
        return True
    return header.get("code") == code and header.get("site", str(site_dir)) == str(site_dir)


def _state_key(name: str) -> str | None:
    """The key of a file of a state (``engine-<key>.<suffix>``, or its temporary)."""
    found = _STATE_FILE.match(name)
    return found["key"] if found else None


def _own_temporary(name: str, own_key: str) -> bool:
    return name.startswith(f".engine-{own_key}.") and name.endswith(".tmp")


def _remove(path: Path) -> None:
    """Remove a file or folder of the cache; one that cannot be removed stays (it costs
    room, not correctness)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass
