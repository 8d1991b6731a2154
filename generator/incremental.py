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

``sitegen build`` runs in a new process each time, so the engine saves what it
keeps after a successful build (:mod:`generator.state`) and the next run
resumes from it: files whose ``stat`` did not change are known by digest and
not read, and outputs that need not change are known by digest and not
rendered (:class:`~generator.outputs.Outputs`)::

    engine = Engine.resume(Path("my-site"))
    engine.build()
    engine.save()
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from generator import search
from generator.assemble import (
    ArticleFiles,
    Visibility,
    article_files,
    build_article,
    link_site,
)
from generator.assets import static_sources
from generator.build import BuildOptions, BuildResult
from generator.config import CONFIG_NAME, Config, load_config
from generator.discover import (
    TIMESTAMP_SLACK_NS,
    KnownFiles,
    SiteSources,
    SourceChanged,
    SourceFile,
    digest_of,
    discover,
    discover_content,
    discover_static,
    input_stamps,
    template_stamps,
)
from generator.errors import SiteError, SiteWarning
from generator.fingerprint import (
    Fingerprinter,
    Reads,
    RecordingEnvironment,
    digest_of_values,
)
from generator.images import ImageCatalog, convert_images, image_sources, responsive_pages
from generator.lint import LintMemo, scan_page, valid_until, validate
from generator.model import Article, Site
from generator.output_folder import check_output_folder
from generator.outputs import Outputs, StaleOutput
from generator.parallel import imap_forked, parse_many
from generator.parse import ParsedFile
from generator.plan import RenderJob, article_job, plan_site
from generator.privacy import check_hosts
from generator.progress import Progress
from generator.related import RelatedIndex
from generator.render import default_theme_dir, make_environment, render_job, set_site_globals
from generator.search import SearchIndex
from generator.write import (
    CACHE_DIR,
    Staging,
    WriteReport,
    WrittenFile,
    remove_abandoned_staging,
    write_files,
    write_outputs,
    written_files,
)


@dataclass
class RenderedSite:
    site: Site
    outputs: Outputs
    warnings: list[SiteWarning]
    rendered: int  # pages whose templates ran (the others were known unchanged)
    valid_until: datetime | None = None  # when dates alone change the site (lint.valid_until)


class Engine:
    """Builds one site into one output folder, as often as asked.

    ``clean=True`` trusts nothing already in the output folder: every output is
    written again (stale ones are still removed).
    """

    def __init__(
        self,
        site_dir: Path,
        options: BuildOptions | None = None,
        *,
        clean: bool = False,
        progress: Progress | None = None,
    ):
        self.site_dir = site_dir.resolve()
        self.progress = progress or Progress()
        self.options = options or BuildOptions()
        self.output_dir = (self.options.output_dir or self.site_dir / "build").resolve()
        self.theme_dir = default_theme_dir()
        check_output_folder(self.site_dir, self.output_dir, self.theme_dir)
        self.clean = clean
        self._forget()

    @classmethod
    def resume(
        cls,
        site_dir: Path,
        options: BuildOptions | None = None,
        *,
        clean: bool = False,
        progress: Progress | None = None,
    ) -> Engine:
        """An engine that goes on from what the last successful build saved (if anything)."""
        from generator import state  # noqa: PLC0415 - it imports this module

        engine = cls(site_dir, options, clean=clean, progress=progress)
        if not clean:
            state.restore(engine)
        return engine

    def save(self) -> None:
        """Keep what this engine knows for the next :meth:`resume`; only after a good build."""
        from generator import state  # noqa: PLC0415 - it imports this module

        if self._last_good is not None:
            state.save(self, *self._last_good)

    def _forget(self) -> None:
        """Start from nothing, as a new engine does."""
        self._config: tuple[str, Config] | None = None
        self._sources = _SourceTree(self.site_dir, self.theme_dir)
        self._parsed: dict[tuple[str, str], ParsedFile] = {}
        self._articles: dict[tuple, Article] = {}
        self._now = self.options.now or datetime.now(UTC)
        self._lint_memo = LintMemo()
        self._finishing = _Finishing()
        self._related = RelatedIndex()
        self._images: tuple[tuple, ImageCatalog] | None = None
        self._search = SearchIndex(shard_size=search.SHARD_SIZE)
        self._unwritten_index: dict[str, bytes] = {}  # index files made, not yet written
        self._jobs: dict[tuple, tuple[Article, tuple[Article, ...], RenderJob]] = {}
        self._env: RecordingEnvironment | None = None
        self._fingerprints: Fingerprinter | None = None
        self._epoch = 0  # template generations: a page rendered in another one is checked again
        self._saved_projections: list = []  # article projections from a saved state
        self._rendered: dict[str, _Page] = {}
        self._written: dict[str, WrittenFile] | None = None  # None: ask the output record
        self._templates_dirty = False
        self._staging: Staging | None = None
        self._may_stage = False  # only a build that writes (render() alone keeps pages)
        # The last successful build's (valid until, article count, warnings), for save().
        self._last_good: tuple | None = None
        self._shown: RenderedSite | None = None  # what the output folder holds now

    def build(self, changed: Iterable[Path] | None = None) -> BuildResult:
        """Build the site; ``changed`` names the files or folders changed since the last build.

        Raise a :class:`~generator.errors.SiteError` on bad input, leaving the
        output folder as it was.
        """
        started = time.perf_counter()
        self._last_good = None
        self._may_stage = True
        remove_abandoned_staging(self.site_dir / CACHE_DIR)
        try:
            rendered = self.render(changed)
            try:
                report = self._write(rendered.outputs)
            except (SourceChanged, StaleOutput):
                self._forget()  # a file known by digest changed under the build: read everything
                self._may_stage = True
                rendered = self.render()
                report = self._write(rendered.outputs)
        finally:
            self._may_stage = False
            if self._staging is not None:
                self._staging.clear()  # written (or failed): what it held is in the output
                self._staging = None
                self._finishing.staging = None
        seconds = time.perf_counter() - started
        self._last_good = (rendered.valid_until, len(rendered.site.articles), rendered.warnings)
        self._shown = rendered
        return BuildResult(
            rendered.outputs,
            report,
            self.output_dir,
            seconds,
            rendered.warnings,
            rendered.rendered,
            len(rendered.site.articles),
            rendered.site,
        )

    def write_edited_pages(self, changed: Iterable[Path]) -> list[str]:
        """Write at once the page of each article whose text alone was edited; return them.

        For the dev server: the writer sees an edit before the build that follows
        (which decides every other page, the checks and the search index) is done.
        The page is rendered as the build will render it, with the related posts
        the build before chose. Anything else (a file new, gone or renamed, a change
        of what other pages show of the article, templates, settings, a page with
        problems) writes nothing here and is left to the build.
        """
        if self._shown is None or self._env is None:
            return []
        try:
            pages = [page for path in changed for page in self._edited_page(Path(path))]
        except (SiteError, SourceChanged, StaleOutput):
            return []  # the build that follows says what is wrong
        written = write_files(self.output_dir, dict(pages))
        self._known_written().update(written)
        return sorted(written)

    def _edited_page(self, path: Path) -> list[tuple[str, bytes]]:
        assert self._shown is not None and self._env is not None and self._config is not None
        shown, config = self._shown, self._config[1]
        src_path = path.absolute().relative_to(self.site_dir).as_posix()
        known = self._sources.known()
        before = known.files.get(src_path) if known is not None else None
        if before is None or before.kind not in ("article", "article_index", "section"):
            return []
        fresh = discover_content(self.site_dir, path.absolute())
        if len(fresh) != 1 or fresh[0].digest == before.digest:
            return []
        parsed = parse_many(fresh)[0]
        self._parsed[(parsed.src_path, fresh[0].digest)] = parsed  # the build takes it as it is
        article = self._article_with(config, shown.site, fresh[0], parsed)
        if article is None:
            return []
        job = article_job(config, article, shown.site.related_articles(article))
        data = render_job(self._env, job).encode("utf-8")
        sources = self._sources.as_site_sources()
        content = sources.posts + sources.pages + sources.static
        images = self._images[1] if self._images else ImageCatalog()
        svg = _SvgFiles(config.base_path, shown.outputs)
        inputs = _FinishInputs(config, images, svg, content, b"")
        finished = _finish_page(job.dest_path, data, inputs)
        if finished.alts or finished.foreign or finished.data is None:
            return []
        return [(job.dest_path, finished.data)]

    def _article_with(
        self, config: Config, site: Site, source: SourceFile, parsed: ParsedFile
    ) -> Article | None:
        """The published article that ``source`` belongs to, built with its new text, if
        nothing but its body changed."""
        folder = source.article_dir or source.src_path.removesuffix(".md")
        old = next((a for a in site.articles if _folder_of(a) == folder), None)
        if old is None:
            return None
        files = {item.src_path: item for item in self._parsed.values()} | {parsed.src_path: parsed}
        index = files.get(old.src_path)
        sections = sorted(
            (
                item
                for item in files.values()
                if item.kind == "section" and item.article_dir == folder
            ),
            key=lambda item: (item.order, item.src_path),
        )
        if index is None:
            return None
        by_src = {s.src_path: s for s in self._sources.content()}
        assets = tuple(by_src[asset.src_path] for asset in old.assets if asset.src_path in by_src)
        article = replace(
            build_article(config, ArticleFiles(index, tuple(sections), assets)),
            comments=old.comments,
        )
        return article if _shown_elsewhere(article) == _shown_elsewhere(old) else None

    def render(self, changed: Iterable[Path] | None = None) -> RenderedSite:
        """Every output's bytes, checked by the lints; nothing is written."""
        try:
            return self._render_site(changed)
        except (SourceChanged, StaleOutput):
            may_stage = self._may_stage
            self._forget()  # a file known by digest changed under the build: read everything
            self._may_stage = may_stage
            return self._render_site(None)

    def _render_site(self, changed: Iterable[Path] | None) -> RenderedSite:
        changed = None if changed is None else list(changed)
        self._sources.note_inputs(changed)  # before anything is read: see note_inputs
        config_digest, config = self._load_config()
        # A template change seen by a build that then failed still counts for the next one.
        self._templates_dirty |= self._stage("Reading", "files", self._look, changed)
        templates_changed = self._templates_dirty
        parsed = self._parse(self._sources.content())
        self._sources.forget_data()  # parsed: the files are read again only where needed
        site = self._assemble(config_digest, config, parsed)
        site = replace(site, related=self._related_slugs(site.articles, config.related_count))
        copied, asset_urls = self._copied(config, site)
        sources = self._sources.as_site_sources()
        images = self._convert_images(config, site, sources)
        jobs = self._same_jobs(plan_site(config, site, self._article_job_memo(config_digest)))
        env = self._environment(config, site, asset_urls, images, templates_changed)
        globals_digest = digest_of_values(
            [config_digest, sorted(asset_urls.items()), site.pages, bool(site.tags), images.images]
        )
        fingerprints = self._fingerprinter(env, site, globals_digest, templates_changed)
        self._templates_dirty = False
        finishing = _FinishInputs(
            config,
            images,
            _SvgFiles(config.base_path, copied),
            sources.posts + sources.pages + sources.static,
            self._finishing.stamp(config_digest, images, copied, config.base_path),
        )
        outputs, rendered = self._render(env, fingerprints, jobs, finishing)
        outputs.update(copied)
        outputs, page_problems = self._finishing.finish(
            outputs, finishing, self._known_written(), self._read_output
        )
        pages = sum(1 for dest in outputs if dest.endswith(".html"))
        index, search_warnings = self._stage("Indexing", "pages", self._index, outputs, total=pages)
        outputs.update(index)  # before the checks, so that the link checker knows the index
        # The same checks as `sitegen check`: raises CheckFailed on errors, before any write.
        visibility = self._visibility()
        warnings = self._stage(
            "Checking",
            "pages",
            validate,
            *(config, sources, parsed, site, outputs, visibility, page_problems, self._lint_memo),
            total=pages,
        )
        until = valid_until(config, parsed, visibility)
        return RenderedSite(site, outputs, warnings + search_warnings, rendered, until)

    def _look(self, changed: Iterable[Path] | None) -> bool:
        """The sources read again where they changed; True if templates may have changed."""
        templates_changed = self._sources.refresh(changed)
        self.progress.advance(len(self._sources.content()) + len(self._sources.static))
        return templates_changed

    def _index(self, outputs: Outputs) -> tuple[Outputs, list[SiteWarning]]:
        """The search index of the pages, made again only for the shards whose pages changed.

        Index files made by a build that then failed are kept in memory until a
        build writes them; a shard with a file that is neither there nor in the
        output folder is made again.
        """
        written, made = self._known_written(), self._unwritten_index
        self._search.forget(lambda dest, d: not (_on_disk(written, dest, d) or dest in made))
        pages = {dest: outputs.digest(dest) for dest in outputs if dest.endswith(".html")}
        update = self._search.update(pages, outputs.__getitem__)
        made.update(update.written)
        index = Outputs()
        for dest, digest in update.files.items():
            if dest in made:
                index.add(dest, made[dest], digest)
            else:
                index.add_known(dest, digest, self._read_output)
        return index, update.warnings

    def _stage(self, name: str, unit: str, work, *args, total: int | None = None):
        """``work(*args)``, shown as one stage of the build's progress."""
        self.progress.start(name, total, unit)
        try:
            return work(*args)
        finally:
            self.progress.finish()

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
        self.progress.start("Parsing", len(missing), "files")
        pairs = zip(missing, parse_many(missing, progress=self.progress), strict=True)
        self.progress.finish()
        fresh = {(item.src_path, source.digest): item for source, item in pairs}
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

    def _convert_images(self, config: Config, site: Site, sources: SiteSources) -> ImageCatalog:
        """The image catalog, made again only when an image or where it is shown changed."""
        found = image_sources(config, site, sources.posts + sources.static)
        key = tuple((image.src_path, image.url, image.dest_path, image.digest) for image in found)
        if self._images is None or self._images[0] != key:
            self._images = (key, convert_images(found, self.site_dir / CACHE_DIR))
        return self._images[1]

    def _copied(self, config: Config, site: Site) -> tuple[Outputs, dict[str, str]]:
        """Static files and the files beside articles, copied as they are; none is read here."""
        static, asset_urls = static_sources(config.base_path, self._sources.static)
        by_src = {source.src_path: source for source in self._sources.content()}
        copied = static | {
            asset.dest_path: by_src[asset.src_path]
            for article in site.articles
            for asset in article.assets
        }
        outputs = Outputs()
        for dest, source in copied.items():
            outputs.add_known(dest, source.digest, lambda _dest, source=source: source.data)
        return outputs, asset_urls

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

    def _same_jobs(self, jobs: list[RenderJob]) -> list[RenderJob]:
        """Each job as the same object as last time when it is equal to last time's, so that
        rendering knows it unchanged without fingerprinting it (listings are planned anew)."""
        same = []
        for job in jobs:
            before = self._rendered.get(job.dest_path)
            same.append(before.job if before is not None and before.job == job else job)
        return same

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
                cache_dir=self.site_dir / CACHE_DIR,
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
        if templates_changed:
            self._epoch += 1
        if self._fingerprints is None:
            self._fingerprints = Fingerprinter(env, globals_digest, self._epoch)
            self._fingerprints.add_projections(self._saved_projections)
            self._saved_projections = []
        else:
            self._fingerprints = self._fingerprints.renewed(globals_digest, self._epoch, alive)
        return self._fingerprints

    def _render(
        self,
        env: RecordingEnvironment,
        fingerprints: Fingerprinter,
        jobs: list[RenderJob],
        finishing: _FinishInputs,
    ) -> tuple[Outputs, int]:
        """Each job's bytes: rendered again only when its fingerprint changed.

        A job planned from the very same objects as last time (an article page
        whose article and related posts did not change) under the same templates
        and globals is not even fingerprinted. A page known by digest only (its
        bytes are in the output folder) is rendered again when the finishing
        pass must see it again. Workers render, finish and scan each page (see
        :func:`_make_page`); a build of many pages sets them aside on disk
        (:class:`~generator.write.Staging`) rather than keep them all in memory.
        """
        stamp = fingerprints.stamp
        written = self._known_written()
        kept: dict[str, _Page] = {}
        for job in jobs:
            dest = job.dest_path
            before = self._rendered.get(dest)
            if (
                before is not None
                and _still_valid(before, job, stamp, fingerprints)
                and (
                    before.data is not None
                    or (self._finishing.reusable(dest, before.digest, finishing.stamp, written))
                    or (not dest.endswith(FINISHED) and _on_disk(written, dest, before.digest))
                )
            ):
                kept[dest] = before.again(job, stamp)
        fresh = [job for job in jobs if job.dest_path not in kept]
        self._set_aside(len(fresh))
        self.progress.start("Rendering", len(fresh), "pages")
        tags: dict[str, tuple] = {}  # each worker's own, for the scans of its pages

        def make(job: RenderJob) -> tuple:
            return _make_page(env, fingerprints, finishing, tags, job)

        shared: dict = {}  # what pages read alike, kept once rather than once per page
        for job, made in zip(fresh, imap_forked(make, fresh, progress=self.progress), strict=True):
            reads, fingerprint, digest, data, finished, scan = made
            if finished is not None:
                self._finishing.remember(job.dest_path, finished)
            if scan is not None:
                self._lint_memo.remember_scan(job.dest_path, finished.digest, scan)
            reads = {shared.setdefault(k, k): shared.setdefault(v, v) for k, v in reads.items()}
            kept[job.dest_path] = _Page(job, stamp, reads, fingerprint, digest, data)
        self.progress.finish()
        outputs = Outputs()
        for job in jobs:
            page = kept[job.dest_path]
            if page.data is not None:
                outputs.add(job.dest_path, page.data, page.digest)
            elif job.dest_path.endswith(FINISHED):
                outputs.add_known(job.dest_path, page.digest, _never_read)
            else:
                outputs.add_known(job.dest_path, page.digest, self._read_output)
        self._rendered = {job.dest_path: kept[job.dest_path] for job in jobs}
        return outputs, len(fresh)

    def _set_aside(self, pages: int) -> None:
        """Finished pages go to a staging folder when there are many (see ``STAGE_PAGES``)."""
        if self._staging is None and self._may_stage and pages >= STAGE_PAGES:
            self._staging = Staging(self.site_dir / CACHE_DIR, self._read_output)
        self._finishing.staging = self._staging

    # -- write ----------------------------------------------------------------------------

    def _known_written(self) -> dict[str, WrittenFile]:
        """What the output folder holds from the last build, as far as this engine knows."""
        if self._written is None:
            cache = self.site_dir / CACHE_DIR
            self._written = {} if self.clean else written_files(self.output_dir, cache)
        return self._written

    def _read_output(self, dest: str) -> bytes:
        """An output as the last build wrote it (:class:`Outputs` checks its digest)."""
        try:
            return (self.output_dir / dest).read_bytes()
        except OSError:
            raise StaleOutput(dest) from None

    def _write(self, outputs: Outputs) -> WriteReport:
        written = self._known_written()
        unchanged = {
            dest: written[dest]
            for dest in outputs
            if dest in written and written[dest].digest == outputs.digest(dest)
        }
        self.progress.start("Writing", None, "files")
        try:
            report = write_outputs(
                self.output_dir,
                outputs,
                self.site_dir / CACHE_DIR,
                unchanged,
                compare=not self.clean,
                digest=outputs.digest,
            )
        except BaseException:
            self._written = None  # some files may have changed: ask the output record again
            raise
        self.progress.advance(len(report.written))
        self.progress.finish()
        self._written = report.files
        self._unwritten_index = {}
        self.clean = False  # what was written is now known
        return report


FINISHED = (".html", ".css")  # the outputs the finishing pass looks at
# A build that renders this many pages sets them aside on disk until it writes them
# (about 25 KB each: 10,000 articles would otherwise hold some 400 MB of pages).
STAGE_PAGES = 2000


@dataclass(frozen=True)
class _Page:
    """One output as last rendered: its job, what its template read, its fingerprint and digest.

    ``data`` is None for a page known by digest alone (its bytes are in the output folder).
    """

    job: RenderJob
    stamp: bytes
    reads: Reads
    fingerprint: bytes
    digest: str
    data: bytes | None

    def again(self, job: RenderJob, stamp: bytes) -> _Page:
        """The same page, planned again (``dataclasses.replace`` costs more, page by page)."""
        return _Page(job, stamp, self.reads, self.fingerprint, self.digest, self.data)

    def without_data(self) -> _Page:
        return _Page(self.job, self.stamp, self.reads, self.fingerprint, self.digest, None)


def _folder_of(article: Article) -> str:
    return article.src_path.removesuffix("/index.md").removesuffix(".md")


def _shown_elsewhere(article: Article) -> Article:
    """The article without its body: what listings, feeds and other pages may show."""
    return replace(article, sections=(), intro_html="", word_count=0, terms=b"")


def _never_read(dest: str) -> bytes:
    """A page known by digest that the finishing pass takes as it is: nobody reads it."""
    raise StaleOutput(dest)


def _still_valid(before: _Page, job: RenderJob, stamp: bytes, fingerprints: Fingerprinter) -> bool:
    if before.job is job and before.stamp == stamp:
        return True
    return before.fingerprint == fingerprints.of(job.template, job.context, before.reads)


def _render_recorded(
    env: RecordingEnvironment, fingerprints: Fingerprinter, job: RenderJob
) -> tuple[Reads, bytes, str, bytes]:
    """``(reads, fingerprint, digest, bytes)`` of one page, rendered now (in any process)."""
    env.reads = {}
    try:
        data = render_job(env, job).encode("utf-8")
        reads = {slug: frozenset(names) for slug, names in env.reads.items()}
    finally:
        env.reads = None
    return reads, fingerprints.of(job.template, job.context, reads), digest_of(data), data


class _FinishInputs(NamedTuple):
    """What the finishing pass reads besides a page (workers inherit it)."""

    config: Config
    images: ImageCatalog
    svg: Mapping[str, bytes]  # SVG files by URL: their size goes into the <img> showing them
    content: tuple[SourceFile, ...]  # to name the file an <img> or a foreign URL comes from
    stamp: bytes  # a digest of the above but the content


def _make_page(
    env: RecordingEnvironment,
    fingerprints: Fingerprinter,
    finishing: _FinishInputs,
    tags: dict[str, tuple],
    job: RenderJob,
) -> tuple:
    """One page rendered, finished and scanned for links, in whichever process runs it:
    ``(reads, fingerprint, digest, bytes, finished, scan)``.

    The rendered bytes come back only where nothing else holds them: a page the
    finishing pass does not touch, or one with problems (the pass sees it again).
    """
    reads, fingerprint, digest, data = _render_recorded(env, fingerprints, job)
    if not job.dest_path.endswith(FINISHED):
        return reads, fingerprint, digest, data, None, None
    finished = _finish_page(job.dest_path, data, finishing)
    scan = scan_page(finished.data, tags) if job.dest_path.endswith(".html") else None
    kept = data if finished.alts or finished.foreign else None
    return reads, fingerprint, digest, kept, finished, scan


@dataclass(frozen=True)
class _Finished:
    """A page after the finishing pass, and what it was made from (by digest)."""

    source: str  # digest of the page as rendered
    stamp: bytes
    digest: str  # digest of the finished page
    data: bytes | None  # None: known by digest, in the output folder
    alts: tuple[SiteWarning, ...]
    foreign: tuple[SiteWarning, ...]

    def without_data(self) -> _Finished:
        return _Finished(self.source, self.stamp, self.digest, None, self.alts, self.foreign)


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
        self._pages: dict[str, _Finished] = {}
        self.staging: Staging | None = None  # where this build sets finished pages aside

    def remember(self, dest: str, finished: _Finished) -> None:
        """A page finished elsewhere (by a worker that rendered it)."""
        if self.staging is not None and finished.data is not None:
            self.staging.put(dest, finished.data)
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
                or _on_disk(written, dest, found.digest)
            )
        )

    def finish(
        self,
        outputs: Outputs,
        inputs: _FinishInputs,
        written: Mapping[str, WrittenFile],
        read_output,
    ) -> tuple[Outputs, list[SiteWarning]]:
        finished, alt_problems, host_problems, used = Outputs(), [], [], {}
        staging = self.staging
        for dest in outputs:
            if not dest.endswith(FINISHED):
                finished.update(_one(outputs, dest))
                continue
            source = outputs.digest(dest)
            found = self._pages.get(dest)
            if not self.reusable(dest, source, inputs.stamp, written):
                found = _finish_page(dest, outputs[dest], inputs)
            used[dest] = found
            if found.data is not None:
                finished.add(dest, found.data, found.digest)
            elif staging is not None and dest in staging:
                finished.add_known(dest, found.digest, staging.read)
            else:
                finished.add_known(dest, found.digest, read_output)
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
        finished.update(_image_outputs(inputs.images))
        return finished, alt_problems + host_problems


def _image_outputs(images: ImageCatalog) -> Outputs:
    """The converted copies: in memory when just made, else read from the image cache."""
    outputs = Outputs()
    for dest, digest in images.digests.items():
        if dest in images.outputs:
            outputs.add(dest, images.outputs[dest], digest)
        else:
            outputs.add_known(dest, digest, lambda dest: _read_cached(images.cached[dest]))
    return outputs


def _read_cached(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        raise StaleOutput(str(path)) from None


def _finish_page(dest: str, data: bytes, inputs: _FinishInputs) -> _Finished:
    config, images, svg, content, stamp = inputs
    page, alts = responsive_pages({dest: data}, images, config, svg, content)
    foreign = check_hosts(config, page, content)
    result = page[dest]
    if result == data:
        result = data  # one copy in memory, not two
    digest = digest_of(result)
    return _Finished(digest_of(data), stamp, digest, result, tuple(alts), tuple(foreign))


def _on_disk(written: Mapping[str, WrittenFile], dest: str, digest: str) -> bool:
    found = written.get(dest)
    return found is not None and found.digest == digest


def _one(outputs: Outputs, dest: str) -> Outputs:
    single = Outputs()
    if outputs.in_memory(dest):
        single.add(dest, outputs[dest], outputs.digest(dest))
    else:
        single.add_known(dest, outputs.digest(dest), lambda _dest: outputs[dest])
    return single


class _SvgFiles(Mapping[str, bytes]):
    """The site's SVG outputs by URL, read only when a page shows one."""

    def __init__(self, base_path: str, outputs: Outputs) -> None:
        self._dests = {base_path + d: d for d in outputs if d.endswith(".svg")}
        self._outputs = outputs

    def __getitem__(self, url: str) -> bytes:
        return self._outputs[self._dests[url]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dests)

    def __len__(self) -> int:
        return len(self._dests)


class _SourceTree:
    """The site's content and static files, read again only where something changed.

    A full look (``refresh(None)``) takes a file it already knows without reading
    it when its ``stat`` is what it was (see :class:`~generator.discover.KnownFiles`).
    """

    def __init__(self, site_dir: Path, theme_dir: Path) -> None:
        self.site_dir = site_dir
        self.theme_dir = theme_dir
        self._files: dict[str, SourceFile] | None = None  # content files by src_path
        self._order: list[SourceFile] | None = None
        self.static: tuple[SourceFile, ...] = ()
        self.template_stamps: tuple | None = None
        self.looked_at_ns = 0  # when the last full look started
        # The stat of every input as it was before this build read any of it (None when
        # the build looks only at what it is told changed): see note_inputs.
        self.input_stamps: dict[str, tuple[int, ...]] | None = None

    def note_inputs(self, changed: list[Path] | None) -> None:
        """Take the ``stat`` of every input before a full look reads anything.

        These are what the next ``sitegen build`` compares with to know nothing
        changed: taken after the build, they would hide a file replaced while it
        ran (a sync tool that keeps an older modification time), since the file
        then has the same ``stat`` next time though the build read the old bytes.
        """
        if changed is None or self._files is None:
            self.input_stamps = input_stamps(self.site_dir, self.theme_dir)
        else:
            self.input_stamps = None

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

    def forget_data(self) -> None:
        """Keep the files by digest only (see ``SourceFile``): parsed, their bytes are dead
        weight, several hundred MB for a large site."""
        if self._files is not None:
            self._files = {src: source.without_data() for src, source in self._files.items()}
            if self._order is not None:
                self._order = [self._files[source.src_path] for source in self._order]
        self.static = tuple(source.without_data() for source in self.static)

    def known(self) -> KnownFiles | None:
        if self._files is None:
            return None
        files = self._files | {source.src_path: source for source in self.static}
        return KnownFiles(files, self.looked_at_ns - TIMESTAMP_SLACK_NS)

    def restore(self, files: dict[str, SourceFile], static, template_stamps, looked_at_ns) -> None:
        """Take what a saved engine knew; the next full look trusts unchanged ``stat``s."""
        self._files, self._order = files, None
        self.static, self.template_stamps, self.looked_at_ns = static, template_stamps, looked_at_ns

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
            return self._look_at_everything()
        templates_changed = static_changed = False
        for path in changed:
            place = self._place(Path(path).absolute())
            if place == "content":
                self._reread_content(Path(path).absolute())
            elif place == "content-root":
                return self._look_at_everything()
            static_changed |= place in ("static", "theme-static")
            templates_changed |= place in ("templates", "theme")
        if static_changed:
            self.static = discover_static(self.site_dir, self.theme_dir)
        return templates_changed

    def _look_at_everything(self) -> bool:
        started = time.time_ns()
        sources = discover(self.site_dir, self.theme_dir, self.known())
        stamps = template_stamps(self.site_dir, self.theme_dir)
        self._files = {source.src_path: source for source in sources.posts + sources.pages}
        self._order = None
        self.static = sources.static
        templates_changed = stamps != self.template_stamps
        self.template_stamps, self.looked_at_ns = stamps, started
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
