"""The build: the pipeline's stages called in order, with plain data between them.

    config -> discover -> parse -> assemble -> related -> plan -> render -> lint -> write

Everything is read, validated and rendered before the first byte is written,
so a build that fails leaves the previous output exactly as it was. The stages
run inside :class:`~generator.incremental.Engine`, which ``sitegen serve``
keeps between builds to redo only what a change touches, and which
``sitegen build`` saves in the site's cache folder for the next run
(:mod:`generator.state`). When nothing the build reads has changed since that
run (a ``stat`` of every input and output says so), the result is known
without loading any of it.

This module imports no stage at load time, so that a build with nothing to do
costs little more than starting Python.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.discover import SiteSources
    from generator.errors import SiteWarning
    from generator.model import Site
    from generator.parse import ParsedFile
    from generator.progress import Progress
    from generator.write import WriteReport

__all__ = ["BuildOptions", "BuildResult", "build_site", "parse_sources", "render_site"]


@dataclass(frozen=True)
class BuildOptions:
    output_dir: Path | None = None  # default: <site>/build
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # default: the current time


@dataclass
class BuildResult:
    """What a build did. ``site`` is the model built; a build that found nothing changed
    makes it only when asked (``load_site``)."""

    outputs: Mapping[str, bytes]
    report: WriteReport
    output_dir: Path
    seconds: float
    warnings: list[SiteWarning] = field(default_factory=list)
    rendered: int = 0  # pages whose templates ran (the others were known unchanged)
    article_count: int = 0
    built_site: Site | None = None
    load_site: Callable[[], Site] | None = None

    @property
    def site(self) -> Site:
        if self.built_site is None:
            assert self.load_site is not None
            self.built_site = self.load_site()
        return self.built_site

    @property
    def page_count(self) -> int:
        return sum(1 for dest in self.outputs if dest.endswith(".html"))


def build_site(
    site_dir: Path,
    options: BuildOptions | None = None,
    *,
    clean: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the site in ``site_dir``; raise a :class:`~generator.errors.SiteError` on bad input.

    Files already in the output folder with the right bytes are left untouched;
    ``clean=True`` writes every output again. The build goes on from what the
    last one saved in the site's cache folder, and saves what it knows for the next.
    ``progress`` is told what the build is doing (see :mod:`generator.progress`).
    """
    from generator import state
    from generator.discover import default_theme_dir
    from generator.output_folder import check_output_folder

    options = options or BuildOptions()
    site_dir = site_dir.resolve()
    check_output_folder(site_dir, options.output_dir or site_dir / "build", default_theme_dir())
    if not clean:
        unchanged = state.unchanged_build(site_dir, options)
        if unchanged is not None:
            return unchanged
    from generator.incremental import Engine

    # What is restored lives as long as the engine, and the cyclic garbage collector
    # would walk all of it in each full collection (half a second apiece at 10,000
    # articles): it is loaded with the collector off and kept out of its way until
    # the build ends.
    with state.collector_paused():
        engine = Engine.resume(site_dir, options, clean=clean, progress=progress)
        gc.freeze()
    try:
        result = engine.build()
        engine.save()
    finally:
        gc.unfreeze()
    return result


def render_site(
    site_dir: Path, options: BuildOptions
) -> tuple[Mapping[str, bytes], Site, list[SiteWarning]]:
    """Every output file's bytes, by destination path; nothing is written."""
    from generator.incremental import Engine

    rendered = Engine(site_dir, options).render()
    return rendered.outputs, rendered.site, rendered.warnings


def parse_sources(sources: SiteSources) -> list[ParsedFile]:
    from generator.parse import parse_source

    return [
        parse_source(source) for source in sources.posts + sources.pages if source.kind != "asset"
    ]
