"""The build: the pipeline's stages called in order, with plain data between them.

    config -> discover -> parse -> assemble -> related -> plan -> render -> write

Everything is read, validated and rendered before the first byte is written,
so a build that fails leaves the previous output exactly as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from generator.assemble import Visibility, assemble
from generator.assets import static_outputs
from generator.config import Config, load_config
from generator.discover import SiteSources, discover
from generator.errors import SiteWarning
from generator.images import ImageCatalog, convert_images, image_sources, responsive_pages
from generator.lint import validate
from generator.model import Site
from generator.parse import ParsedFile, parse_source
from generator.plan import plan_site
from generator.privacy import check_hosts
from generator.related import related_slugs
from generator.render import default_theme_dir, make_environment, render_jobs
from generator.search import search_outputs
from generator.write import CACHE_DIR, WriteReport, write_outputs


@dataclass(frozen=True)
class BuildOptions:
    output_dir: Path | None = None  # default: <site>/build
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # default: the current time


@dataclass
class BuildResult:
    site: Site
    outputs: dict[str, bytes]
    report: WriteReport
    output_dir: Path
    seconds: float
    warnings: list[SiteWarning] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return sum(1 for dest in self.outputs if dest.endswith(".html"))


def build_site(site_dir: Path, options: BuildOptions | None = None) -> BuildResult:
    """Build the site in ``site_dir``; raise a :class:`~generator.errors.SiteError` on bad input."""
    started = time.perf_counter()
    options = options or BuildOptions()
    site_dir = site_dir.resolve()
    output_dir = (options.output_dir or site_dir / "build").resolve()
    outputs, site, warnings = render_site(site_dir, options)
    report = write_outputs(output_dir, outputs, site_dir / CACHE_DIR)
    seconds = time.perf_counter() - started
    return BuildResult(site, outputs, report, output_dir, seconds, warnings)


def render_site(
    site_dir: Path, options: BuildOptions
) -> tuple[dict[str, bytes], Site, list[SiteWarning]]:
    """Every output file's bytes, by destination path; nothing is written."""
    config = load_config(site_dir)
    theme_dir = default_theme_dir()
    sources = discover(site_dir, theme_dir)
    parsed = parse_sources(sources)
    now = options.now or datetime.now(UTC)
    visibility = Visibility(now=now, drafts=options.drafts, future=options.future)
    assets = [source for source in sources.posts if source.kind == "asset"]
    site = assemble(config, parsed, assets, visibility)
    site = replace(site, related=related_slugs(site.articles, config.related_count))
    static, asset_urls = static_outputs(config.base_path, sources.static)
    images = convert_images(
        image_sources(config, site, sources.posts + sources.static), site_dir / CACHE_DIR
    )
    env = make_environment(config, site, asset_urls, theme_dir, images)
    outputs = render_jobs(env, plan_site(config, site))
    outputs.update(static)
    outputs.update(_article_assets(site, sources))
    outputs, page_problems = _finish_pages(config, outputs, images, sources)
    index, search_warnings = search_outputs(outputs)
    outputs.update(index)  # before the checks, so that the link checker knows the index
    # The same checks as `sitegen check`: raises CheckFailed on errors, before any write.
    warnings = validate(config, sources, parsed, site, outputs, visibility, page_problems)
    return outputs, site, warnings + search_warnings


def parse_sources(sources: SiteSources) -> list[ParsedFile]:
    return [
        parse_source(source) for source in sources.posts + sources.pages if source.kind != "asset"
    ]


def _finish_pages(
    config: Config, outputs: dict[str, bytes], images: ImageCatalog, sources: SiteSources
) -> tuple[dict[str, bytes], list[SiteWarning]]:
    """Responsive <img> markup and the converted images; images without alt, foreign loads."""
    content = sources.posts + sources.pages + sources.static
    # SVG files by site URL: their drawing size goes into the <img> that shows them.
    svg = {config.base_path + dest: data for dest, data in outputs.items() if dest.endswith(".svg")}
    outputs, problems = responsive_pages(outputs, images, config, svg, content)
    problems += check_hosts(config, outputs, content)
    return outputs | images.outputs, problems


def _article_assets(site: Site, sources: SiteSources) -> dict[str, bytes]:
    data = {source.src_path: source.data for source in sources.posts}
    return {
        asset.dest_path: data[asset.src_path]
        for article in site.articles
        for asset in article.assets
    }
