"""The build engine: build a site, and build it again after a change redoing only what it touches.

The stages are those of a clean build, in the same order::

    config -> discover -> parse -> assemble -> related -> plan -> render -> write

and each keeps what it made, keyed by exactly what it was made from:

- sources by path, read again only where a change was seen (all of them when
  the caller does not say what changed, as ``sitegen build`` does);
- parsed files by path and content digest, so a template change re-renders
  without parsing any Markdown again;
- each article by its parsed files and the settings;
- related posts in a :class:`~generator.related.RelatedIndex`, which scores
  again only the articles whose words, tags, category, pins or date changed
  (or that came or went) and mends the lists those can enter or leave;
- each output by the fingerprint of its template, the template globals and the
  parts of its context it read (:mod:`generator.fingerprint`).

An output is rendered again only when its fingerprint changed and written only
when its bytes changed, so the output folder always ends exactly as a clean
build leaves it. Use::

    engine = Engine(Path("my-site"))
    engine.build()                                   # everything
    engine.build([Path("my-site/content/posts/acne.md")])  # after that file changed
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from generator.assemble import Visibility, article_files, build_article, link_site
from generator.assets import static_outputs
from generator.config import CONFIG_NAME, Config, load_config
from generator.discover import (
    SiteSources,
    SourceFile,
    digest_of,
    discover,
    discover_content,
    discover_static,
)
from generator.errors import SiteWarning
from generator.fingerprint import (
    Fingerprinter,
    RecordingEnvironment,
    Rendered,
    digest_of_values,
)
from generator.images import ImageCatalog, convert_images, image_sources, responsive_pages
from generator.lint import LintMemo, validate
from generator.model import Article, Site
from generator.parallel import parse_many
from generator.parse import ParsedFile
from generator.plan import RenderJob, article_job, plan_site
from generator.privacy import check_hosts
from generator.related import RelatedIndex
from generator.render import default_theme_dir, make_environment, render_job, set_site_globals
from generator.search import search_outputs
from generator.write import CACHE_DIR, WriteReport, write_outputs


@dataclass(frozen=True)
class BuildOptions:
    output_dir: Path | None = None  # default: <site>/build
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # default: the current time


@dataclass
class RenderedSite:
    site: Site
    outputs: dict[str, bytes]
    warnings: list[SiteWarning]
    rendered: int  # pages whose templates ran (the others were known unchanged)


@dataclass
class BuildResult:
    site: Site
    outputs: dict[str, bytes]
    report: WriteReport
    output_dir: Path
    seconds: float
    warnings: list[SiteWarning] = field(default_factory=list)
    rendered: int = 0  # pages whose templates ran (the others were known unchanged)

    @property
    def page_count(self) -> int:
        return sum(1 for dest in self.outputs if dest.endswith(".html"))


class Engine:
    """Builds one site into one output folder, as often as asked.

    ``clean=True`` trusts nothing already in the output folder: every output is
    written again (stale ones are still removed).
    """

    def __init__(self, site_dir: Path, options: BuildOptions | None = None, *, clean: bool = False):
        self.site_dir = site_dir.resolve()
        self.options = options or BuildOptions()
        self.output_dir = (self.options.output_dir or self.site_dir / "build").resolve()
        self.theme_dir = default_theme_dir()
        self.clean = clean
        self._config: tuple[str, Config] | None = None
        self._sources = _SourceTree(self.site_dir, self.theme_dir)
        self._parsed: dict[tuple[str, str], ParsedFile] = {}
        self._articles: dict[tuple, Article] = {}
        self._now = self.options.now or datetime.now(UTC)
        self._lint_memo = LintMemo()
        self._finishing = _Finishing()
        self._related = RelatedIndex()
        self._jobs: dict[tuple, tuple[Article, tuple[Article, ...], RenderJob]] = {}
        self._env: RecordingEnvironment | None = None
        self._fingerprints: Fingerprinter | None = None
        self._rendered: dict[str, tuple[RenderJob, bytes, Rendered]] = {}
        self._written: dict[str, bytes] = {}  # what the last build left in the output folder
        self._templates_dirty = False

    def build(self, changed: Iterable[Path] | None = None) -> BuildResult:
        """Build the site; ``changed`` names the files or folders changed since the last build.

        Raise a :class:`~generator.errors.SiteError` on bad input, leaving the
        output folder as it was.
        """
        started = time.perf_counter()
        rendered = self.render(changed)
        report = self._write(rendered.outputs)
        seconds = time.perf_counter() - started
        return BuildResult(
            rendered.site,
            rendered.outputs,
            report,
            self.output_dir,
            seconds,
            rendered.warnings,
            rendered.rendered,
        )

    def render(self, changed: Iterable[Path] | None = None) -> RenderedSite:
        """Every output's bytes, checked by the lints; nothing is written."""
        config_digest, config = self._load_config()
        # A template change seen by a build that then failed still counts for the next one.
        self._templates_dirty |= self._sources.refresh(changed)
        templates_changed = self._templates_dirty
        parsed = self._parse(self._sources.content())
        site = self._assemble(config_digest, config, parsed)
        site = replace(site, related=self._related_slugs(site.articles, config.related_count))
        static, asset_urls = static_outputs(config.base_path, self._sources.static)
        sources = self._sources.as_site_sources()
        images = convert_images(
            image_sources(config, site, sources.posts + sources.static), self.site_dir / CACHE_DIR
        )
        jobs = plan_site(config, site, self._article_job_memo(config_digest))
        env = self._environment(config, site, asset_urls, images, templates_changed)
        globals_digest = digest_of_values(
            [config_digest, sorted(asset_urls.items()), site.pages, bool(site.tags), images.images]
        )
        fingerprints = self._fingerprinter(env, site, globals_digest, templates_changed)
        self._templates_dirty = False
        pages, rendered = self._render(env, fingerprints, jobs)
        outputs = pages | static | _article_assets(site, self._sources.content())
        outputs, page_problems = self._finishing.finish(config, outputs, images, sources)
        index, search_warnings = search_outputs(outputs)
        outputs.update(index)  # before the checks, so that the link checker knows the index
        # The same checks as `sitegen check`: raises CheckFailed on errors, before any write.
        visibility = self._visibility()
        warnings = validate(
            config, sources, parsed, site, outputs, visibility, page_problems, self._lint_memo
        )
        return RenderedSite(site, outputs, warnings + search_warnings, rendered)

    # -- config, sources, parse ---------------------------------------------------------

    def _load_config(self) -> tuple[str, Config]:
        try:
            digest = digest_of((self.site_dir / CONFIG_NAME).read_bytes())
        except OSError:
            digest = ""  # load_config reports it
        if self._config is None or self._config[0] != digest:
            self._config = (digest, load_config(self.site_dir))
        return self._config

    def _parse(self, sources: list[SourceFile]) -> list[ParsedFile]:
        """Parse what is new; a file already parsed with these bytes is taken as it was."""
        wanted = {(s.src_path, s.digest): s for s in sources if s.kind != "asset"}
        missing = [source for key, source in wanted.items() if key not in self._parsed]
        fresh = {(item.src_path, source.digest): item for source, item in _parsed_pairs(missing)}
        used = {key: self._parsed.get(key) or fresh[key] for key in wanted}
        self._parsed = used
        return list(used.values())

    # -- model ----------------------------------------------------------------------------

    def _assemble(self, config_digest: str, config: Config, parsed: list[ParsedFile]) -> Site:
        assets = [source for source in self._sources.content() if source.kind == "asset"]
        parse_keys = {id(item): (item.src_path, key[1]) for key, item in self._parsed.items()}
        articles, used = [], {}
        for files in article_files(parsed, assets):
            key = (
                config_digest,
                tuple(parse_keys[id(item)] for item in (files.index, *files.sections)),
                tuple((asset.src_path, asset.digest) for asset in files.assets),
            )
            article = self._articles.get(key) or build_article(config, files)
            used[key] = article
            articles.append(article)
        self._articles = used
        self._now = self.options.now or datetime.now(UTC)
        return link_site(config, articles, parsed, self._visibility())

    def _visibility(self) -> Visibility:
        options = self.options
        return Visibility(now=self._now, drafts=options.drafts, future=options.future)

    def _related_slugs(self, articles: tuple[Article, ...], count: int) -> dict:
        """Related posts, exactly as from scratch, redoing only what changes touch.

        Word counts (``terms``), not the text: an edit that changes no counted
        word changes nobody's related posts.
        """
        return self._related.update(articles, count)

    # -- plan and render --------------------------------------------------------------------

    def _article_job_memo(self, config_digest: str):
        """``plan.article_job``, kept for an article whose page inputs are the same objects."""
        used: dict[tuple, tuple[Article, tuple[Article, ...], RenderJob]] = {}
        previous = self._jobs
        self._jobs = used

        def plan_article(config: Config, article: Article, related: tuple[Article, ...]):
            key = (config_digest, id(article), tuple(id(other) for other in related))
            found = previous.get(key)
            if found is None or found[0] is not article or found[1] != related:
                found = (article, related, article_job(config, article, related))
            used[key] = found
            return found[2]

        return plan_article

    def _environment(
        self,
        config: Config,
        site: Site,
        asset_urls: dict[str, str],
        images: ImageCatalog,
        templates_changed: bool,
    ) -> RecordingEnvironment:
        if self._env is None:
            env = make_environment(
                config,
                site,
                asset_urls,
                self.theme_dir,
                images,
                environment_class=RecordingEnvironment,
            )
            assert isinstance(env, RecordingEnvironment)
            env.auto_reload = False  # the engine clears the cache itself when templates change
            self._env = env
        elif templates_changed:
            self._env.cache.clear()  # type: ignore[union-attr]
        set_site_globals(self._env, config, site, asset_urls, images)
        return self._env

    def _fingerprinter(
        self, env: RecordingEnvironment, site: Site, globals_digest: bytes, templates_changed: bool
    ) -> Fingerprinter:
        alive = {id(article) for article in site.articles}
        if self._fingerprints is None:
            self._fingerprints = Fingerprinter(env, globals_digest)
        else:
            self._fingerprints = self._fingerprints.renewed(
                globals_digest, templates_changed, alive
            )
        return self._fingerprints

    def _render(
        self, env: RecordingEnvironment, fingerprints: Fingerprinter, jobs: list[RenderJob]
    ) -> tuple[dict[str, bytes], int]:
        """Each job's bytes: rendered again only when its fingerprint changed.

        A job planned from the very same objects as last time (an article page
        whose article and related posts did not change) under the same templates
        and globals is not even fingerprinted.
        """
        outputs: dict[str, bytes] = {}
        done: dict[str, tuple[RenderJob, bytes, Rendered]] = {}
        stamp = fingerprints.stamp
        count = 0
        for job in jobs:
            before = self._rendered.get(job.dest_path)
            if before is not None and (
                (before[0] is job and before[1] == stamp)
                or before[2].fingerprint
                == fingerprints.of(job.template, job.context, before[2].reads)
            ):
                rendered = before[2]
            else:
                rendered = _render_recorded(env, fingerprints, job)
                count += 1
            done[job.dest_path] = (job, stamp, rendered)
            outputs[job.dest_path] = rendered.data
        self._rendered = done
        return outputs, count

    # -- write ----------------------------------------------------------------------------

    def _write(self, outputs: dict[str, bytes]) -> WriteReport:
        unchanged = {dest for dest, data in outputs.items() if self._written.get(dest) == data}
        report = write_outputs(
            self.output_dir, outputs, self.site_dir / CACHE_DIR, unchanged, compare=not self.clean
        )
        self._written = outputs
        self.clean = False  # what was written is now known
        return report


def _parsed_pairs(sources: list[SourceFile]) -> list[tuple[SourceFile, ParsedFile]]:
    return list(zip(sources, parse_many(sources), strict=True))


def _still_valid(
    before: tuple[RenderJob, bytes, Rendered],
    job: RenderJob,
    stamp: bytes,
    fingerprints: Fingerprinter,
) -> bool:
    previous_job, previous_stamp, rendered = before
    if previous_job is job and previous_stamp == stamp:
        return True
    return rendered.fingerprint == fingerprints.of(job.template, job.context, rendered.reads)


def _render_recorded(
    env: RecordingEnvironment, fingerprints: Fingerprinter, job: RenderJob
) -> Rendered:
    env.reads = {}
    try:
        data = render_job(env, job).encode("utf-8")
        reads = {slug: frozenset(names) for slug, names in env.reads.items()}
    finally:
        env.reads = None
    return Rendered(reads, fingerprints.of(job.template, job.context, reads), data)


class _Finishing:
    """Main's finishing pass over rendered pages (responsive ``<img>``, foreign hosts),
    done page by page and remembered for a page whose bytes and inputs are the same.

    A page's markup depends on its bytes, the image catalog, the settings and the
    SVG files; its problems also on the content files (to name where an ``<img>``
    or a foreign URL comes from), so a page that had problems is always checked
    again. Run on the whole site at once the result is the same: problems come in
    page order and a foreign URL is reported once per (file, URL), at its first page.
    """

    def __init__(self) -> None:
        self._pages: dict[str, tuple[bytes, tuple, bytes, list, list]] = {}

    def finish(
        self, config: Config, outputs: dict[str, bytes], images: ImageCatalog, sources: SiteSources
    ) -> tuple[dict[str, bytes], list[SiteWarning]]:
        content = sources.posts + sources.pages + sources.static
        # SVG files by site URL: their drawing size goes into the <img> that shows them.
        svg = {config.base_path + d: data for d, data in outputs.items() if d.endswith(".svg")}
        stamp = (config, images.images, svg)
        finished, alt_problems, host_problems, used = {}, [], [], {}
        for dest, data in outputs.items():
            if not dest.endswith((".html", ".css")):
                finished[dest] = data
                continue
            found = self._pages.get(dest)
            if found is None or found[0] != data or found[1] != stamp or found[3] or found[4]:
                page, alts = responsive_pages({dest: data}, images, config, svg, content)
                foreign = check_hosts(config, page, content)
                found = (data, stamp, page[dest], alts, foreign)
            used[dest] = found
            finished[dest] = found[2]
            alt_problems += found[3]
        self._pages = used
        # check_hosts goes through pages sorted by path and reports a URL once per content
        # file that holds it, or once for all templates (those problems have no line).
        seen: set[tuple] = set()
        for dest in sorted(used):
            for problem in used[dest][4]:
                key = (problem.path if problem.line is not None else "", problem.message)
                if key not in seen:
                    seen.add(key)
                    host_problems.append(problem)
        return finished | images.outputs, alt_problems + host_problems


def _article_assets(site: Site, sources: list[SourceFile]) -> dict[str, bytes]:
    data = {source.src_path: source.data for source in sources if source.kind == "asset"}
    return {
        asset.dest_path: data[asset.src_path]
        for article in site.articles
        for asset in article.assets
    }


class _SourceTree:
    """The site's content and static files, read again only where something changed."""

    def __init__(self, site_dir: Path, theme_dir: Path) -> None:
        self.site_dir = site_dir
        self.theme_dir = theme_dir
        self._files: dict[str, SourceFile] | None = None  # content files by src_path
        self._order: list[SourceFile] | None = None
        self.static: tuple[SourceFile, ...] = ()

    def as_site_sources(self) -> SiteSources:
        posts = [
            source for source in self.content() if source.src_path.startswith("content/posts/")
        ]
        pages = self.content()[len(posts) :]
        return SiteSources(tuple(posts), tuple(pages), self.static)

    def content(self) -> list[SourceFile]:
        """Content files (posts, then pages) in the order a full walk finds them."""
        if self._order is None:
            assert self._files is not None
            self._order = sorted(self._files.values(), key=_walk_order)
        return self._order

    def refresh(self, changed: Iterable[Path] | None) -> bool:
        """Read again what changed (everything when ``changed`` is None); True if templates may
        have changed. A failure leaves the tree to be read whole next time."""
        try:
            return self._refresh(changed)
        except BaseException:
            self._files = None
            raise

    def _refresh(self, changed: Iterable[Path] | None) -> bool:
        if changed is None or self._files is None:
            sources = discover(self.site_dir, self.theme_dir)
            self._files = {source.src_path: source for source in sources.posts + sources.pages}
            self._order = None
            self.static = sources.static
            return True
        templates_changed = static_changed = False
        for path in changed:
            place = self._place(Path(path).absolute())
            if place == "content":
                self._reread_content(Path(path).absolute())
            elif place == "content-root":
                return self._refresh(None)
            static_changed |= place in ("static", "theme-static")
            templates_changed |= place in ("templates", "theme")
        if static_changed:
            self.static = discover_static(self.site_dir, self.theme_dir)
        return templates_changed

    def _place(self, path: Path) -> str:
        """Which part of the site a changed path belongs to."""
        if path.is_relative_to(self.theme_dir):
            static = path.is_relative_to(self.theme_dir / "static")
            return "theme-static" if static else "theme"
        if not path.is_relative_to(self.site_dir):
            return "elsewhere"
        parts = path.relative_to(self.site_dir).parts
        if not parts:
            return "content-root"
        if parts[0] == "content":
            return "content" if len(parts) > 2 else "content-root"
        if parts[0] == "static" or parts[:2] == ("templates", "static"):
            return "static"
        return "templates" if parts[0] == "templates" else "elsewhere"

    def _reread_content(self, path: Path) -> None:
        assert self._files is not None
        src_path = path.relative_to(self.site_dir).as_posix()
        before = len(self._files)
        if self._files.pop(src_path, None) is None:  # a folder, or a file not seen before
            inside = src_path + "/"
            for known in [name for name in self._files if name.startswith(inside)]:
                del self._files[known]
        found = discover_content(self.site_dir, path)
        for source in found:
            self._files[source.src_path] = source
        same_names = (
            len(found) == 1 and found[0].src_path == src_path and len(self._files) == before
        )
        if same_names and self._order is not None:  # an edit: same files, no need to sort
            self._order = [self._files[source.src_path] for source in self._order]
        else:
            self._order = None


def _walk_order(source: SourceFile) -> tuple[int, tuple[str, ...]]:
    """Posts before pages, each sorted by path parts, as :func:`discover` returns them."""
    parts = tuple(source.src_path.split("/"))
    return (0 if parts[1] == "posts" else 1, parts)
