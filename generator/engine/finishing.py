"""The finishing pass over rendered pages, page by page, remembered between builds.

The finishing pass rewrites ``<img>`` tags for the responsive copies of
images and reports pages that load from hosts not allowed
(:mod:`generator.image_markup`, :mod:`generator.privacy`). :class:`Finishing` does it
one page at a time (in the worker that rendered the page, see
:func:`finish_page`) and keeps each result by the digest of the page as
rendered and of what the pass read besides it (:class:`FinishInputs`). A file
it reads that changed under the build goes into the build run's
:class:`~generator.stale_reads.StaleReads`; a worker's goes back with its page.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from generator.config import Config
from generator.discover import SourceFile, digest_of
from generator.errors import SiteWarning
from generator.fingerprint import digest_of_values
from generator.image_markup import responsive_pages
from generator.images import ImageCatalog
from generator.output_kinds import OutputKind
from generator.outputs import Loader, Outputs
from generator.privacy import check_hosts
from generator.staging import Staging
from generator.stale_reads import StaleReads
from generator.write import WrittenFile

FINISHED = frozenset({OutputKind.PAGE, OutputKind.STYLESHEET})  # what the finishing pass looks at


class FinishInputs(NamedTuple):
    """What the finishing pass reads besides a page (workers inherit it)."""

    config: Config
    images: ImageCatalog
    svg: SvgFiles  # SVG files by URL: their size goes into the <img> showing them
    content: tuple[SourceFile, ...]  # to name the file an <img> or a foreign URL comes from
    stamp: bytes  # a digest of the above but the content


@dataclass(frozen=True)
class Finished:
    """A page after the finishing pass, and what it was made from (by digest)."""

    source: str  # digest of the page as rendered
    stamp: bytes
    digest: str  # digest of the finished page
    data: bytes | None  # None: known by digest, in the output folder
    alts: tuple[SiteWarning, ...]
    foreign: tuple[SiteWarning, ...]

    def without_data(self) -> Finished:
        return Finished(self.source, self.stamp, self.digest, None, self.alts, self.foreign)


class Finishing:
    """The finishing pass over rendered pages (responsive ``<img>``, foreign hosts),
    done page by page and remembered for a page whose bytes and inputs are the same.

    A page's markup depends on its bytes, the image catalog, the settings and the
    SVG files; its problems also on the content files (to name where an ``<img>``
    or a foreign URL comes from), so a page that had problems is always checked
    again. Run on the whole site at once the result is the same: problems come in
    page order and a foreign URL is reported once per (file, URL), at its first page.
    """

    def __init__(self) -> None:
        self._pages: dict[str, Finished] = {}
        self.staging: Staging | None = None  # where this build sets finished pages aside

    def without_data(self) -> dict[str, Finished]:
        """The pages as finished, known by digest only (for a snapshot)."""
        return {dest: page.without_data() for dest, page in self._pages.items()}

    def restore(self, pages: dict[str, Finished]) -> None:
        self._pages = pages

    def remember(self, dest: str, finished: Finished) -> None:
        """A page finished elsewhere (by a worker that rendered it)."""
        if self.staging is not None and finished.data is not None:
            self.staging.put(dest, finished.data, finished.digest)
            finished = finished.without_data()
        self._pages[dest] = finished

    @staticmethod
    def stamp(config_digest: str, images: ImageCatalog, copied: Outputs, base_path: str) -> bytes:
        """What the pass reads besides a page: settings, image catalog, SVG files (digests)."""
        svg = sorted((base_path + d, copied.digest(d)) for d in copied if d.endswith(".svg"))
        return digest_of_values([config_digest, images.images, svg])

    def reusable(
        self, dest: str, source: str, stamp: bytes, written: Mapping[str, WrittenFile]
    ) -> bool:
        """Whether the finished page is known for this rendered digest, with no bytes needed."""
        found = self._pages.get(dest)
        return (
            found is not None
            and found.source == source
            and found.stamp == stamp
            and not (found.alts or found.foreign)
            and (
                found.data is not None
                or (self.staging is not None and dest in self.staging)
                or on_disk(written, dest, found.digest)
            )
        )

    def finish(
        self,
        outputs: Outputs,
        inputs: FinishInputs,
        written: Mapping[str, WrittenFile],
        read_output: Loader,
    ) -> tuple[Outputs, list[SiteWarning]]:
        stale = outputs.stale  # the build run's
        finished, alt_problems, host_problems, used = Outputs(stale), [], [], {}
        staging = self.staging
        for dest in outputs:
            kind = outputs.kind(dest)
            if kind not in FINISHED:
                finished.update(single_output(outputs, dest))
                continue
            source = outputs.digest(dest)
            found = self._pages.get(dest)
            if not self.reusable(dest, source, inputs.stamp, written):
                found = finish_page(dest, outputs[dest], inputs, stale, kind)
            used[dest] = found
            if found.data is not None:
                finished.add(dest, found.data, found.digest, kind=kind)
            elif staging is not None and dest in staging:
                finished.add_known(dest, found.digest, staging.read, kind=kind)
            else:
                finished.add_known(dest, found.digest, read_output, kind=kind)
            alt_problems += found.alts
        self._pages = used
        # check_hosts goes through pages sorted by path and reports a URL once per content
        # file that holds it, or once for all templates (those problems have no line).
        seen: set[tuple] = set()
        for dest in sorted(used):
            for problem in used[dest].foreign:
                key = (problem.path if problem.line is not None else "", problem.message)
                if key not in seen:
                    seen.add(key)
                    host_problems.append(problem)
        finished.update(image_outputs(inputs.images, stale))
        return finished, alt_problems + host_problems


def image_outputs(images: ImageCatalog, stale: StaleReads) -> Outputs:
    """The converted copies: in memory when just made, else read from the image cache."""
    outputs = Outputs(stale)
    for dest, digest in images.digests.items():
        if dest in images.outputs:
            outputs.add(dest, images.outputs[dest], digest, kind=OutputKind.IMAGE)
        else:
            outputs.add_known(
                dest, digest, lambda dest: _read_cached(images.cached[dest]), kind=OutputKind.IMAGE
            )
    return outputs


def _read_cached(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # gone: the build's Outputs notes it as a stale read


def finish_page(
    dest: str,
    data: bytes,
    inputs: FinishInputs,
    stale: StaleReads,
    kind: OutputKind = OutputKind.PAGE,
) -> Finished:
    """A page (responsive ``<img>``, foreign hosts) or stylesheet (foreign hosts) finished;
    a file read for it that changed under the build is noted in ``stale``."""
    config, images, svg, content, stamp = inputs
    result, alts = data, []
    if kind is OutputKind.PAGE:
        vector = svg.noting(stale)
        pages, alts = responsive_pages({dest: data}, images, config, vector, content, stale)
        result = pages[dest]
    finished = Outputs(stale)
    finished.add(dest, result, kind=kind)
    foreign = check_hosts(config, finished, content, stale)
    if result == data:
        result = data  # one copy in memory, not two
    digest = digest_of(result)
    return Finished(digest_of(data), stamp, digest, result, tuple(alts), tuple(foreign))


def on_disk(written: Mapping[str, WrittenFile], dest: str, digest: str) -> bool:
    found = written.get(dest)
    return found is not None and found.digest == digest


def single_output(outputs: Outputs, dest: str) -> Outputs:
    single = Outputs(outputs.stale)
    kind = outputs.kind(dest)
    if outputs.in_memory(dest):
        single.add(dest, outputs[dest], outputs.digest(dest), kind=kind)
    else:
        single.add_known(dest, outputs.digest(dest), lambda _dest: outputs[dest], kind=kind)
    return single


class SvgFiles(Mapping[str, bytes]):
    """The site's SVG outputs by URL, read only when a page shows one; a read that finds
    a file changed is noted in ``stale`` (``outputs.stale`` unless :meth:`noting` says)."""

    def __init__(self, base_path: str, outputs: Outputs, stale: StaleReads | None = None) -> None:
        self._dests = {base_path + d: d for d in outputs if d.endswith(".svg")}
        self._outputs = outputs
        self._stale = stale if stale is not None else outputs.stale

    def noting(self, stale: StaleReads) -> SvgFiles:
        """The same files, their stale reads noted in ``stale`` (a worker's own log)."""
        view = copy.copy(self)
        view._stale = stale
        return view

    def __getitem__(self, url: str) -> bytes:
        return self._outputs.read(self._dests[url], self._stale)

    def __iter__(self) -> Iterator[str]:
        return iter(self._dests)

    def __len__(self) -> int:
        return len(self._dests)
