"""Stale reads: files that changed under a build, noted as values rather than raised.

The engine knows many files by their digest alone (sources it did not read again,
outputs it left in the output folder) and reads them only when a stage needs
their bytes. A read that finds other bytes (or no file) means the build's picture
of the site is out of date. The read does not stop the stage: it notes the path
in the build run's :class:`StaleReads` and hands back the bytes it found (``b""``
for a file that is gone). The engine looks at the log between stages and, when
it is not empty, starts over from nothing, as a clean build would; nothing a
stale read fed is ever kept. Forked workers note into a log of their own and
return its paths with their results (see :mod:`generator.engine.render_pass`)::

    stale = StaleReads()
    data = source.read(stale)        # the file changed since discover read it:
    stale.paths                      # ("content/posts/acne.md",)
    if stale:                        # the engine starts over
        ...
"""

from __future__ import annotations

from collections.abc import Iterable


class StaleReads:
    """The paths of one build run's reads that found a file not as the build knew it.

    Each run makes its own (there is no shared one): a source path for a source
    file, a ``dest_path`` for an output. A path is kept once, in the order found.
    """

    def __init__(self, paths: Iterable[str] = ()) -> None:
        self._paths: dict[str, None] = dict.fromkeys(paths)

    def add(self, path: str) -> None:
        """Note a read of ``path`` that found other bytes than its known digest, or none."""
        self._paths[path] = None

    def extend(self, paths: Iterable[str]) -> None:
        """Take what another log found (a forked worker's, returned with its result)."""
        self._paths.update(dict.fromkeys(paths))

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self._paths)

    def __bool__(self) -> bool:
        return bool(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __repr__(self) -> str:
        return f"StaleReads({list(self._paths)!r})"
