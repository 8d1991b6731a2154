"""The files a build produces, by ``dest_path``: bytes in hand, or known by digest only.

A build that continues from the last one's saved state has rendered only what
changed; every other output is the file the last build wrote, known by its
digest. :class:`Outputs` is a mapping ``dest_path -> bytes`` over both: reading
an entry that is not in memory loads it (from the output folder, or from the
source file a static output is copied from) and checks it against its digest.
Stages that only need to know whether an output changed ask for
:meth:`Outputs.digest` and never load it::

    outputs = Outputs({"index.html": b"<!doctype html>..."})
    outputs.add_known("about/index.html", "3f2a...", read_back)  # written by the last build
    outputs.digest("index.html")      # computed once, then remembered
    outputs["about/index.html"]       # read_back("about/index.html"), checked
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from generator.discover import digest_of

Loader = Callable[[str], bytes]


class StaleOutput(Exception):  # noqa: N818 - not a user's mistake: the engine starts over
    """An output known by digest is no longer what the last build left (changed by hand)."""


class Outputs(Mapping[str, bytes]):
    """``dest_path -> bytes`` for every output of a build; see the module docstring."""

    def __init__(self, data: Mapping[str, bytes] | None = None) -> None:
        self._data: dict[str, bytes] = dict(data or {})
        self._digests: dict[str, str] = {}
        self._loaders: dict[str, Loader] = {}
        self._order: dict[str, None] = dict.fromkeys(self._data)

    def add(self, dest: str, data: bytes, digest: str | None = None) -> None:
        """An output whose bytes are in hand (its digest, if the caller knows it already)."""
        self._data[dest] = data
        self._loaders.pop(dest, None)
        if digest is None:
            self._digests.pop(dest, None)
        else:
            self._digests[dest] = digest
        self._order[dest] = None

    def add_known(self, dest: str, digest: str, load: Loader) -> None:
        """An output known by digest; ``load(dest)`` gives its bytes when someone asks."""
        self._data.pop(dest, None)
        self._digests[dest] = digest
        self._loaders[dest] = load
        self._order[dest] = None

    def update(self, other: Mapping[str, bytes]) -> None:
        if isinstance(other, Outputs):
            for dest in other:
                if dest in other._data:
                    self.add(dest, other._data[dest], other._digests.get(dest))
                else:
                    self.add_known(dest, other._digests[dest], other._loaders[dest])
        else:
            for dest, data in other.items():
                self.add(dest, data)

    def digest(self, dest: str) -> str:
        found = self._digests.get(dest)
        if found is None:
            found = self._digests[dest] = digest_of(self._data[dest])
        return found

    def in_memory(self, dest: str) -> bool:
        return dest in self._data

    def __getitem__(self, dest: str) -> bytes:
        found = self._data.get(dest)
        if found is not None:
            return found
        load = self._loaders[dest]  # KeyError for an unknown output, as a dict raises
        data = load(dest)
        if digest_of(data) != self._digests[dest]:
            raise StaleOutput(dest)
        return data

    def __contains__(self, dest: object) -> bool:
        return dest in self._order

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __repr__(self) -> str:
        return f"Outputs({len(self._data)} in memory, {len(self._loaders)} known by digest)"
