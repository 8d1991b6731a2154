"""The search index step: made again only for the shards whose pages changed.

Pagefind runs while the build goes on (:meth:`Indexing.started`). Index files
made by a build that then failed are kept in memory until a build
writes them; a shard with a file that is neither there nor in the output
folder is made again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import NamedTuple

from generator import search
from generator.engine.finishing import on_disk
from generator.errors import SiteWarning
from generator.output_kinds import OutputKind
from generator.outputs import Loader, Outputs
from generator.search import SearchIndex
from generator.staging import Staging
from generator.write import WrittenFile


class IndexUnderWay(NamedTuple):
    """The search index being made (:meth:`Indexing.started`)."""

    go_on: Callable[[], None]  # Pagefind's runs go on in threads: fork no more
    files: Callable[[], tuple[Outputs, list[SiteWarning]]]  # waits for Pagefind


class Indexing:
    """The site's search index, kept between builds (:class:`~generator.search.SearchIndex`)."""

    def __init__(self, index: SearchIndex | None = None) -> None:
        # The shard size is read when the index is made, so that tests can make it small.
        self.index = index if index is not None else SearchIndex(shard_size=search.SHARD_SIZE)
        self._unwritten: dict[str, bytes] = {}  # index files made, not yet written

    def update(
        self,
        outputs: Outputs,
        written: Mapping[str, WrittenFile],
        read_output: Loader,
    ) -> tuple[Outputs, list[SiteWarning]]:
        """The index files of the pages in ``outputs``, and what indexing them warns of."""
        with self.started(outputs, written, read_output) as index:
            return index.files()

    @contextmanager
    def started(
        self,
        outputs: Outputs,
        written: Mapping[str, WrittenFile],
        read_output: Loader,
        staging: Staging | None = None,
    ) -> Iterator[IndexUnderWay]:
        """:meth:`update` begun: Pagefind indexes the pages while the ``with`` block runs.
        Its first runs are processes, and the block may fork until it calls ``go_on()``;
        ``files()`` waits for Pagefind and returns what :meth:`update` does.

        With ``staging`` (a build that sets its pages aside) the files made wait there
        too, not in memory (at 10,000 articles some 60 MB held through the checks and
        the write); a build that fails then has them made again by the next."""
        made = self._unwritten
        self.index.forget(lambda dest, d: not (on_disk(written, dest, d) or dest in made))
        pages = {dest: outputs.digest(dest) for dest in outputs.of_kind(OutputKind.PAGE)}

        def index_files() -> tuple[Outputs, list[SiteWarning]]:
            update = pending.result()
            for dest, data in update.written.items():
                if staging is None:
                    made[dest] = data
                else:
                    staging.put(dest, data, update.files[dest])
                    made.pop(dest, None)
            files = Outputs(outputs.stale)
            for dest, digest in update.files.items():
                if staging is not None and dest in staging:
                    files.add_known(dest, digest, staging.read, kind=OutputKind.SEARCH)
                elif dest in made:
                    files.add(dest, made[dest], digest, kind=OutputKind.SEARCH)
                else:
                    files.add_known(dest, digest, read_output, kind=OutputKind.SEARCH)
            return files, update.warnings

        with self.index.start(pages, outputs.__getitem__) as pending:
            yield IndexUnderWay(pending.go_on, index_files)

    def all_written(self) -> None:
        """The build wrote every index file it made: the output folder holds them now."""
        self._unwritten = {}
