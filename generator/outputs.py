"""The files a build produces, by ``dest_path``: bytes in hand, or known by digest only.

A build that continues from the last one's saved state has rendered only what
changed; every other output is the file the last build wrote, known by its
digest. :class:`Outputs` is a mapping ``dest_path -> bytes`` over both: reading
an entry that is not in memory loads it (from the output folder, or from the
source file a static output is copied from) and checks it against its digest:
one that changed, or is gone, is noted in the build run's
:class:`~generator.stale_reads.StaleReads` (``outputs.stale``) and the bytes
found are handed back (``b""`` for a file that is gone), so that the engine
starts over before it keeps anything made from them.
Stages that only need to know whether an output changed ask for
:meth:`Outputs.digest` and never load it. Each output has a kind
(:class:`~generator.output_kinds.OutputKind`), given where it is made::

    outputs = Outputs(stale)          # the build run's log of stale reads
    outputs.add("index.html", b"<!doctype html>...", kind=OutputKind.PAGE)
    outputs.add_known("about/index.html", "3f2a...", read_back, kind=OutputKind.PAGE)
    outputs.digest("index.html")      # computed once, then remembered
    outputs["about/index.html"]       # read_back("about/index.html"), checked
    stale.paths                       # ("about/index.html",) if it had other bytes
    outputs.of_kind(OutputKind.PAGE)  # ["index.html", "about/index.html"]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from generator.discover import digest_of
from generator.output_kinds import OutputKind
from generator.stale_reads import StaleReads

Loader = Callable[[str], bytes | None]  # None: the file is gone


class Outputs(Mapping[str, bytes]):
    """``dest_path -> bytes`` for every output of a build; see the module docstring.

    ``stale`` is the log of the build run the outputs belong to (a new one if not given).
    """

    def __init__(self, stale: StaleReads | None = None) -> None:
        self.stale = stale if stale is not None else StaleReads()
        self._data: dict[str, bytes] = {}
        self._digests: dict[str, str] = {}
        self._loaders: dict[str, Loader] = {}
        self._kinds: dict[str, OutputKind] = {}  # also the order outputs were added in

    def add(self, dest: str, data: bytes, digest: str | None = None, *, kind: OutputKind) -> None:
        """An output whose bytes are in hand (its digest, if the caller knows it already)."""
        self._data[dest] = data
        self._loaders.pop(dest, None)
        if digest is None:
            self._digests.pop(dest, None)
        else:
            self._digests[dest] = digest
        self._kinds[dest] = kind

    def add_known(self, dest: str, digest: str, load: Loader, *, kind: OutputKind) -> None:
        """An output known by digest; ``load(dest)`` gives its bytes when someone asks."""
        self._data.pop(dest, None)
        self._digests[dest] = digest
        self._loaders[dest] = load
        self._kinds[dest] = kind

    def update(self, other: Outputs) -> None:  # type: ignore[override]
        if other.stale is not self.stale:
            self.stale.extend(other.stale.paths)
        for dest, kind in other._kinds.items():
            if dest in other._data:
                self.add(dest, other._data[dest], other._digests.get(dest), kind=kind)
            else:
                self.add_known(dest, other._digests[dest], other._loaders[dest], kind=kind)

    def read_back_with(self, load: Loader) -> None:
        """Let go of the bytes in hand: each output is known by its digest from here on and
        ``load`` gives it back (once they are written, from the output folder). A
        ``sitegen build`` does so before it saves its state: at 10,000 articles the
        listings, feeds and search files in hand came to 75 MB, held through the save."""
        for dest in list(self._data):
            self.add_known(dest, self.digest(dest), load, kind=self._kinds[dest])

    def kind(self, dest: str) -> OutputKind:
        return self._kinds[dest]

    def of_kind(self, kind: OutputKind) -> list[str]:
        """The outputs of this kind, in the order they were added."""
        return [dest for dest, found in self._kinds.items() if found is kind]

    def kinds(self) -> dict[OutputKind, tuple[str, ...]]:
        """Every output by kind (what a build's summary keeps)."""
        grouped: dict[OutputKind, list[str]] = {}
        for dest, kind in self._kinds.items():
            grouped.setdefault(kind, []).append(dest)
        return {kind: tuple(dests) for kind, dests in grouped.items()}

    def digest(self, dest: str) -> str:
        found = self._digests.get(dest)
        if found is None:
            found = self._digests[dest] = digest_of(self._data[dest])
        return found

    def in_memory(self, dest: str) -> bool:
        return dest in self._data

    def __getitem__(self, dest: str) -> bytes:
        return self.read(dest, self.stale)

    def read(self, dest: str, stale: StaleReads) -> bytes:
        """The bytes of ``dest``; a file known by digest that changed (or is gone) is noted
        in ``stale``, and what it holds now is returned with its true digest from here on,
        so that a writer records the bytes it wrote (the engine then starts over)."""
        found = self._data.get(dest)
        if found is not None:
            return found
        load = self._loaders[dest]  # KeyError for an unknown output, as a dict raises
        data = load(dest)
        if data is None:
            stale.add(dest)
            data = b""
        if digest_of(data) != self._digests[dest]:
            stale.add(dest)
            self._digests[dest] = digest_of(data)
        return data

    def __contains__(self, dest: object) -> bool:
        return dest in self._kinds

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def __repr__(self) -> str:
        return f"Outputs({len(self._data)} in memory, {len(self._loaders)} known by digest)"
