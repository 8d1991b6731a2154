"""What a build is asked to do (:class:`BuildOptions`) and what it did (:class:`BuildResult`).

A leaf module: the build, the engine, the saved state and the CLI all use these
two types, and it imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator.output_kinds import OutputKind

CACHE_DIR = ".sitegen-cache"  # in the site folder, unless a build is given another

if TYPE_CHECKING:
    from generator.errors import SiteWarning
    from generator.model import Site
    from generator.outputs import Outputs
    from generator.write import WriteReport


@dataclass(frozen=True)
class BuildOptions:
    output_dir: Path | None = None  # default: <site>/build
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # default: the current time
    # Where the engine keeps its state, converted images, compiled templates and staged
    # pages (default: <site>/.sitegen-cache; see generator.cache_folder); `sitegen check`
    # points it outside the site.
    cache_dir: Path | None = None

    def cache_folder(self, site_dir: Path) -> Path:
        """The cache folder of a build of ``site_dir``: ``cache_dir``, else the site's own."""
        return self.cache_dir or site_dir / CACHE_DIR


@dataclass
class BuildResult:
    """What a build did. ``site`` is the model built; a build that found nothing changed
    makes it only when asked (``load_site``)."""

    outputs: Outputs
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
        return len(self.outputs.of_kind(OutputKind.PAGE))
