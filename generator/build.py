"""The build's entry points: where a build run is put together.

    config -> discover -> parse -> assemble -> related -> images -> plan -> render
           -> finish -> index -> check -> write

:func:`build_site` is one ``sitegen build`` from start to end. When nothing the
build reads has changed since the last run (a ``stat`` of every input and output
says so), the result is known without loading any of it (:mod:`generator.state`).
Otherwise an :class:`~generator.engine.pipeline.Engine`, which calls the stages
in the order above, goes on from what the last run saved, builds, and what it
knows is saved for the next run. ``sitegen serve`` keeps one engine between its
builds instead; :func:`render_site` renders without writing (``sitegen check``).

Everything is read, validated and rendered before the first byte is written,
so a build that fails leaves the previous output exactly as it was.

This module imports no stage at load time, so that a build with nothing to do
costs little more than starting Python.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from generator.build_options import BuildOptions, BuildResult

if TYPE_CHECKING:
    from generator.discover import SiteSources
    from generator.engine.pipeline import Engine
    from generator.engine.records import RecordStore
    from generator.engine.snapshot import EngineSnapshot
    from generator.errors import SiteWarning
    from generator.model import Site
    from generator.parse import ParsedFile
    from generator.progress import Progress

__all__ = [
    "BuildOptions",
    "BuildResult",
    "build_site",
    "parse_sources",
    "render_site",
    "resume_engine",
]


def build_site(
    site_dir: Path,
    options: BuildOptions | None = None,
    *,
    clean: bool = False,
    progress: Progress | None = None,
    held: list[object] | None = None,
) -> BuildResult:
    """Build the site in ``site_dir``; raise a :class:`~generator.errors.SiteError` on bad input.

    Files already in the output folder with the right bytes are left untouched;
    ``clean=True`` writes every output again. The build goes on from what the
    last one saved in the site's cache folder, and saves what it knows for the next.
    ``progress`` is told what the build is doing (see :mod:`generator.progress`).
    A caller whose process ends soon after (the command line) passes ``held``: what
    the build loaded is appended to it instead of being freed object by object on
    the way out, which at 10,000 articles takes a quarter of a second or more.
    """
    from generator.build_lock import output_folder_locked
    from generator.cache_folder import check_cache_folder
    from generator.discover import default_theme_dir
    from generator.output_folder import check_output_folder

    options = options or BuildOptions()
    site_dir = site_dir.resolve()
    output_dir = (options.output_dir or site_dir / "build").resolve()
    check_output_folder(site_dir, output_dir, default_theme_dir())
    cache_dir = options.cache_folder(site_dir)
    check_cache_folder(site_dir, output_dir, cache_dir, default_theme_dir())  # before the lock
    tell = progress.note if progress is not None else (lambda line: None)
    with output_folder_locked(cache_dir, output_dir, tell):
        return _build_alone(site_dir, output_dir, options, clean, progress, held)


def _build_alone(
    site_dir: Path,
    output_dir: Path,
    options: BuildOptions,
    clean: bool,
    progress: Progress | None,
    held: list[object] | None,
) -> BuildResult:
    """:func:`build_site` once no other build writes the same output folder."""
    from generator import state

    look = state.FirstLook()
    if not clean:
        look = state.first_look(site_dir, options, lambda: _saved_site(site_dir, options))
        if look.unchanged is not None:
            return look.unchanged
    # What is restored lives as long as the engine, and the cyclic garbage collector
    # would walk all of it in each full collection (half a second apiece at 10,000
    # articles): it is loaded with the collector off and kept out of its way until
    # the build ends.
    store = state.record_store(site_dir, output_dir, options)
    with state.collector_paused():
        engine = resume_engine(site_dir, options, clean=clean, progress=progress, store=store)
        engine.take_first_look(look.inputs, look.written, look.record)
        gc.freeze()
    try:
        with state.young_collections_only():
            result = engine.build()
            saved = engine.saved_state()
            if saved is not None:
                _let_go_of_bytes(engine, saved[0], result)
                kinds = result.outputs.kinds()
                state.save(site_dir, engine.output_dir, options, *saved, kinds, store=store)
    finally:
        gc.unfreeze()
        if held is not None:
            held.extend((engine, store, look))
    return result


def _let_go_of_bytes(engine: Engine, snapshot: EngineSnapshot, result: BuildResult) -> None:
    """After a good build, before its save: the engine's memos and the result hold the bytes
    of sources and outputs, which the snapshot does not (the site and output folders do).
    The engine goes on from its snapshot, as the next run will, and the result reads its
    outputs back from the folder they were written to; the memory those bytes held (at
    10,000 articles, more than the save itself takes) then serves the save."""
    from generator.free_memory import return_free_memory

    engine.restore(snapshot)
    result.outputs.read_back_with(engine.output.read_output)
    # Freed, those bytes stay with the C allocator, where the pickler's objects (in
    # Python's own arenas) cannot use them: given back, they are not counted twice.
    return_free_memory()


def resume_engine(
    site_dir: Path,
    options: BuildOptions,
    *,
    clean: bool = False,
    progress: Progress | None = None,
    store: RecordStore | None = None,
) -> Engine:
    """An engine that goes on from what the last successful build saved (if anything).

    ``store`` remembers what was loaded, for a save that writes only what is new."""
    from generator import state
    from generator.engine.pipeline import Engine

    engine = Engine(site_dir, options, clean=clean, progress=progress)
    if not clean:
        snapshot = state.load_snapshot(engine.site_dir, engine.output_dir, options, store)
        if snapshot is not None:
            engine.restore(snapshot)
    return engine


def _saved_site(site_dir: Path, options: BuildOptions) -> Site:
    """The model of a site whose build found nothing changed, made only when asked."""
    return resume_engine(site_dir, options).render().site


def render_site(
    site_dir: Path, options: BuildOptions
) -> tuple[Mapping[str, bytes], Site, list[SiteWarning]]:
    """Every output file's bytes, by destination path; nothing is written."""
    from generator.engine.pipeline import Engine

    rendered = Engine(site_dir, options).render()
    return rendered.outputs, rendered.site, rendered.warnings


def parse_sources(sources: SiteSources) -> list[ParsedFile]:
    from generator.parse import parse_source

    return [
        parse_source(source) for source in sources.posts + sources.pages if source.kind != "asset"
    ]
