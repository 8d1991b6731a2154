"""The build: the pipeline's stages called in order, with plain data between them.

    config -> discover -> parse -> assemble -> related -> plan -> render -> write

Everything is read, validated and rendered before the first byte is written,
so a build that fails leaves the previous output exactly as it was. The stages
run inside :class:`~generator.incremental.Engine`, which ``sitegen serve``
keeps between builds to redo only what a change touches.
"""

from __future__ import annotations

from pathlib import Path

from generator.incremental import BuildOptions, BuildResult, Engine

__all__ = ["BuildOptions", "BuildResult", "build_site"]


def build_site(
    site_dir: Path, options: BuildOptions | None = None, *, clean: bool = False
) -> BuildResult:
    """Build the site in ``site_dir``; raise a :class:`~generator.errors.SiteError` on bad input.

    Files already in the output folder with the right bytes are left untouched;
    ``clean=True`` writes every output again.
    """
    return Engine(site_dir, options, clean=clean).build()
