"""One build at a time for each output folder.

Two builds writing the same output folder at once (a deploy hook fired twice,
``sitegen build`` run while another is still saving) would interleave their
records of what they wrote and their saved state, and the next build could
trust a file the other one replaced. So a build holds an exclusive lock for its
output folder from its first look at the folder to the end of its save; a second
build waits for it, and says so.

The lock is ``flock`` on a file in the site's cache folder, named for the output
folder's path. The kernel lets go of it when its process ends, however it ends:
a build killed by ``kill -9`` leaves nothing that would stop the next one.
:func:`held_lock` is that lock for any file; a publish holds one per target.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on this system: builds are not kept apart there
    fcntl = None  # type: ignore[assignment]


def lock_path(cache_dir: Path, output_dir: Path) -> Path:
    """The lock file of ``output_dir``: one name for every build that writes that folder."""
    key = hashlib.blake2b(str(output_dir.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / f"output-{key}.lock"


@contextmanager
def output_folder_locked(
    cache_dir: Path, output_dir: Path, tell: Callable[[str], None] = lambda line: None
) -> Iterator[None]:
    """Hold ``output_dir``'s lock inside the ``with``. If another process holds it,
    ``tell`` the user so, then wait for it to let go."""
    busy = f"Waiting for another build of {output_dir} to finish..."
    with held_lock(lock_path(cache_dir, output_dir), lambda: tell(busy)):
        yield


@contextmanager
def held_lock(path: Path, when_busy: Callable[[], None]) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the file ``path`` inside the ``with``. If another
    process holds it, ``when_busy()`` is called first: it raises, or returns to wait."""
    if fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            when_busy()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing the last descriptor lets go of the lock
