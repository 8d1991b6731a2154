"""The memos of the stages before rendering: each keeps what its stage made, by what it was
made from, and makes again only what is new.

- :class:`ConfigMemo`: ``site.toml`` loaded again only when its bytes changed;
- :class:`ParsedFiles`: parsed files by path and content digest, so that a
  template change re-renders without parsing any Markdown again;
- :class:`ArticleMemo`: each article by its parsed files, its assets and the settings;
- :class:`ImageMemo`: the image catalog, converted again only when an image
  or where it is shown changed;
- :class:`JobMemo`: each article page's render job, planned again only when
  its article or related posts are other objects than last time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from generator.article_model import article_files, build_article
from generator.assemble import Visibility, link_site
from generator.assets import static_sources
from generator.config import CONFIG_NAME, Config, load_config
from generator.discover import SiteSources, SourceFile, digest_of
from generator.engine.sources import SourceTree
from generator.images import ImageCatalog, image_sources
from generator.model import Article, Site
from generator.output_kinds import copied_kind
from generator.outputs import Outputs
from generator.parallel import parse_many
from generator.parse import ParsedFile
from generator.plan import RenderJob, article_job
from generator.progress import Progress
from generator.stale_reads import StaleReads


class ConfigMemo:
    """The site's settings, loaded again only when ``site.toml`` changed."""

    def __init__(self, loaded: tuple[str, Config] | None = None) -> None:
        self.loaded = loaded  # (digest of site.toml, Config)

    def load(self, site_dir: Path) -> tuple[str, Config]:
        try:
            digest = digest_of((site_dir / CONFIG_NAME).read_bytes())
        except OSError:
            digest = ""  # load_config reports it
        if self.loaded is None or self.loaded[0] != digest:
            self.loaded = (digest, load_config(site_dir))
        return self.loaded


class ParsedFiles:
    """Parsed files by ``(src_path, digest)``: a file already parsed with these bytes is
    taken as it was. ``by_key`` is shared with the dev server's early page, which adds
    the file it parsed for the build that follows."""

    def __init__(self, by_key: dict[tuple[str, str], ParsedFile] | None = None) -> None:
        self.by_key: dict[tuple[str, str], ParsedFile] = by_key if by_key is not None else {}

    def parse(
        self, sources: list[SourceFile], progress: Progress, stale: StaleReads
    ) -> list[ParsedFile]:
        """Each content file parsed (``stale``: the run's log, for files read again here)."""
        wanted = {(s.src_path, s.digest): s for s in sources if s.kind != "asset"}
        missing = [
            source if source.raw is not None else replace(source, raw=source.read(stale))
            for key, source in wanted.items()
            if key not in self.by_key
        ]
        progress.start("Parsing", len(missing), "files")
        pairs = zip(missing, parse_many(missing, progress=progress), strict=True)
        progress.finish()
        fresh = {(item.src_path, source.digest): item for source, item in pairs}
        used = {key: self.by_key.get(key) or fresh[key] for key in wanted}
        self.by_key = used
        return list(used.values())


class ArticleMemo:
    """Each article by what it was built from: the settings, its parsed files, its assets."""

    def __init__(self, by_inputs: dict[tuple, Article] | None = None) -> None:
        self.by_inputs: dict[tuple, Article] = by_inputs if by_inputs is not None else {}

    def assemble(
        self,
        config_digest: str,
        config: Config,
        parsed: ParsedFiles,
        sources: SourceTree,
        visibility: Visibility,
    ) -> Site:
        assets = [source for source in sources.content() if source.kind == "asset"]
        parse_keys = {id(item): (item.src_path, key[1]) for key, item in parsed.by_key.items()}
        files_parsed = list(parsed.by_key.values())
        articles, used = [], {}
        for files in article_files(files_parsed, assets):
            key = (
                config_digest,
                tuple(parse_keys[id(item)] for item in (files.index, *files.sections)),
                tuple((asset.src_path, asset.digest) for asset in files.assets),
            )
            article = self.by_inputs.get(key) or build_article(config, files)
            used[key] = article
            articles.append(article)
        self.by_inputs = used
        return link_site(config, articles, files_parsed, visibility)


class ImageMemo:
    """The image catalog, made again only when an image or where it is shown changed."""

    def __init__(self, made: tuple[tuple, ImageCatalog] | None = None) -> None:
        self.made = made  # (what the catalog was made from, the catalog)

    @property
    def catalog(self) -> ImageCatalog:
        return self.made[1] if self.made else ImageCatalog()

    def convert(
        self, config: Config, site: Site, sources: SiteSources, cache_dir: Path
    ) -> ImageCatalog:
        found = image_sources(config, site, sources.posts + sources.static)
        key = tuple(
            (image.src_path, image.url, image.dest_path, image.digest, image.max_pixels)
            for image in found
        )
        if self.made is None or self.made[0] != key:
            # Pillow loads only when there is something to convert (not on a text edit).
            from generator.image_convert import convert_images

            self.made = (key, convert_images(found, cache_dir, sources.stale))
        return self.made[1]

    def without_data(self) -> tuple[tuple, ImageCatalog] | None:
        return self.made and (self.made[0], self.made[1].without_data())


JobKey = tuple  # (config digest, id of the article, ids of its related articles)


class JobMemo:
    """``plan.article_job``, kept for an article whose page inputs are the same objects."""

    def __init__(self, jobs: dict[JobKey, tuple[Article, tuple[Article, ...], RenderJob]]) -> None:
        self.jobs = jobs

    @classmethod
    def restored(cls, saved: list[tuple]) -> JobMemo:
        """From :meth:`saved` (objects have other ids in another process)."""
        return cls(
            {
                (config_digest, id(article), tuple(id(other) for other in related)): (
                    article,
                    related,
                    job,
                )
                for config_digest, article, related, job in saved
            }
        )

    def saved(self) -> list[tuple]:
        return [(key[0], *value) for key, value in self.jobs.items()]

    def planner(self, config_digest: str) -> Callable[..., RenderJob]:
        """An ``article_job`` for :func:`~generator.plan.plan_site` that keeps what it planned;
        what this build does not ask for is forgotten."""
        used: dict[JobKey, tuple[Article, tuple[Article, ...], RenderJob]] = {}
        previous = self.jobs
        self.jobs = used

        def plan_article(config: Config, article: Article, related: tuple[Article, ...]):
            key = (config_digest, id(article), tuple(id(other) for other in related))
            found = previous.get(key)
            if found is None or found[0] is not article or found[1] != related:
                found = (article, related, article_job(config, article, related))
            used[key] = found
            return found[2]

        return plan_article


def copied_outputs(
    config: Config, site: Site, sources: SourceTree, stale: StaleReads
) -> tuple[Outputs, dict[str, str]]:
    """Static files and the files beside articles, copied as they are; none is read here.

    Also the URL of each static file by the name templates ask for. A file read later
    that changed under the build is noted in ``stale``, the build run's log.
    """
    static, asset_urls = static_sources(config.base_path, sources.static)
    by_src = {source.src_path: source for source in sources.content()}
    copied = static | {
        asset.dest_path: by_src[asset.src_path]
        for article in site.articles
        for asset in article.assets
    }
    outputs = Outputs(stale)
    for dest, source in copied.items():
        outputs.add_known(
            dest,
            source.digest,
            lambda _dest, source=source: source.read(stale),
            kind=copied_kind(dest),
        )
    return outputs, asset_urls
