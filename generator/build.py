"""The build: the pipeline's stages called in order, with plain data between them.

    config -> discover -> parse -> assemble -> related -> plan -> render -> lint -> write

Everything is read, validated and rendered before the first byte is written,
so a build that fails leaves the previous output exactly as it was. The stages
run inside :class:`~generator.incremental.Engine`, which ``sitegen serve``
keeps between builds to redo only what a change touches.
"""

from __future__ import annotations

from pathlib import Path

from generator.discover import SiteSources
from generator.errors import SiteWarning
from generator.incremental import BuildOptions, BuildResult, Engine
from generator.model import Site
from generator.parse import ParsedFile, parse_source

__all__ = ["BuildOptions", "BuildResult", "build_site", "parse_sources", "render_site"]


def build_site(
    site_dir: Path, options: BuildOptions | None = None, *, clean: bool = False
) -> BuildResult:
    """Build the site in ``site_dir``; raise a :class:`~generator.errors.SiteError` on bad input.

    Files already in the output folder with the right bytes are left untouched;
    ``clean=True`` writes every output again. The build goes on from what the
    last one saved in the site's cache folder, and saves what it knows for the next.
    """
    engine = Engine.resume(site_dir, options, clean=clean)
    result = engine.build()
    engine.save()
    return result


def render_site(
    site_dir: Path, options: BuildOptions
) -> tuple[dict[str, bytes], Site, list[SiteWarning]]:
    """Every output file's bytes, by destination path; nothing is written."""
    rendered = Engine(site_dir, options).render()
    return rendered.outputs, rendered.site, rendered.warnings


def parse_sources(sources: SiteSources) -> list[ParsedFile]:
    return [
        parse_source(source) for source in sources.posts + sources.pages if source.kind != "asset"
    ]
