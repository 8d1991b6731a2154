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

    engine = resume_engine(Path("my-site"), options)   # generator.build
    engine.build()
    state.save(..., *engine.saved_state())             # what build_site does
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from generator import search
from generator.assemble import (
    Visibility,
    article_files,
    build_article,
    link_site,
)
from generator.assets import static_sources
from generator.build_options import BuildOptions, BuildResult
from generator.config import CONFIG_NAME, Config, load_config
from generator.discover import (
    SiteSources,
    SourceChanged,
    SourceFile,
    digest_of,
)
from generator.engine.early_page import LastBuild, early_pages
from generator.engine.finishing import FINISHED, Finishing, FinishInputs, SvgFiles
from generator.engine.finishing import finish_page as _finish_page
from generator.engine.finishing import on_disk as _on_disk
from generator.engine.snapshot import BuildSummary, EngineSnapshot
from generator.engine.sources import SourceTree
from generator.errors import SiteError, SiteWarning
from generator.fingerprint import (
    Fingerprinter,
    Reads,
    RecordingEnvironment,
    digest_of_values,
)
from generator.images import ImageCatalog, convert_images, image_sources
from generator.lint import LintMemo, scan_page, valid_until, validate
from generator.model import Article, Site
from generator.output_folder import check_output_folder
from generator.output_kinds import OutputKind, copied_kind
from generator.outputs import Outputs, StaleOutput
from generator.parallel import imap_forked, parse_many
from generator.parse import ParsedFile
from generator.plan import RenderJob, article_job, plan_site
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
        self.cache_dir = self.options.cache_dir or self.site_dir / CACHE_DIR
        self.theme_dir = default_theme_dir()
        check_output_folder(self.site_dir, self.output_dir, self.theme_dir)
        self.clean = clean
        self._forget()

    def snapshot(self) -> EngineSnapshot:
        """What this engine knows, to go on from it in another process (:meth:`restore`)."""
        sources, fingerprints = self._sources, self._fingerprints
        images = self._images and (self._images[0], self._images[1].without_data())
        return EngineSnapshot(
            config=self._config,
            files={src: f.without_data() for src, f in (sources._files or {}).items()},
            static=tuple(f.without_data() for f in sources.static),
            template_stamps=sources.template_stamps,
            looked_at_ns=sources.looked_at_ns,
            parsed=self._parsed,
            articles=self._articles,
            related=self._related,
            images=images,
            jobs=[(key[0], *value) for key, value in self._jobs.items()],
            rendered={dest: page.without_data() for dest, page in self._rendered.items()},
            finished=self._finishing.without_data(),
            lint=self._lint_memo,
            search=self._search,
            epoch=self._epoch,
            projections=fingerprints.projections() if fingerprints is not None else [],
            references=self._references,
        )

    def restore(self, snapshot: EngineSnapshot) -> None:
        """Go on from what an engine knew (:meth:`snapshot`), before the first build."""
        self._config = snapshot.config
        self._sources.restore(
            snapshot.files, snapshot.static, snapshot.template_stamps, snapshot.looked_at_ns
        )
        self._parsed, self._articles = snapshot.parsed, snapshot.articles
        self._related, self._images = snapshot.related, snapshot.images
        self._jobs = {
            (config_digest, id(article), tuple(id(other) for other in related)): (
                article,
                related,
                job,
            )
            for config_digest, article, related, job in snapshot.jobs
        }
        self._rendered = snapshot.rendered
        self._finishing.restore(snapshot.finished)
        self._lint_memo, self._search = snapshot.lint, snapshot.search
        self._epoch, self._saved_projections = snapshot.epoch, snapshot.projections
        self._references = snapshot.references

    def saved_state(self) -> tuple[EngineSnapshot, BuildSummary | None] | None:
        """The snapshot after a good build, and the summary of that build when it looked at
        every input (what ``sitegen build`` saves); None after a failed one."""
        if self._last_good is None:
            return None
        valid_until, article_count, warnings = self._last_good
        summary = None
        if self._sources.input_stamps is not None:
            summary = BuildSummary(
                self._sources.input_stamps,
                self._sources.looked_at_ns,
                article_count,
                warnings,
                valid_until,
            )
        return self.snapshot(), summary

    def _forget(self) -> None:
        """Start from nothing, as a new engine does."""
        self._config: tuple[str, Config] | None = None
        self._sources = SourceTree(self.site_dir, self.theme_dir)
        self._parsed: dict[tuple[str, str], ParsedFile] = {}
        self._articles: dict[tuple, Article] = {}
        self._now = self.options.now or datetime.now(UTC)
        self._lint_memo = LintMemo()
        self._finishing = Finishing()
        self._related = RelatedIndex()
        self._images: tuple[tuple, ImageCatalog] | None = None
        self._search = SearchIndex(shard_size=search.SHARD_SIZE)
        self._unwritten_index: dict[str, bytes] = {}  # index files made, not yet written
        self._jobs: dict[tuple, tuple[Article, tuple[Article, ...], RenderJob]] = {}
        self._env: RecordingEnvironment | None = None
        self._fingerprints: Fingerprinter | None = None
        self._epoch = 0  # template generations: a page rendered in another one is checked again
        self._saved_projections: list = []  # article projections from a saved state
        self._references: dict[str, list[str | None]] = {}  # template source -> references
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
        remove_abandoned_staging(self.cache_dir)
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
        See :mod:`generator.engine.early_page`.
        """
        if self._shown is None or self._env is None or self._config is None:
            return []
        images = self._images[1] if self._images else ImageCatalog()
        last = LastBuild(
            self.site_dir,
            self._config[1],
            self._shown.site,
            self._shown.outputs,
            self._env,
            self._sources,
            self._parsed,
            images,
        )
        try:
            pages = early_pages(last, changed)
        except (SiteError, SourceChanged, StaleOutput):
            return []  # the build that follows says what is wrong
        written = write_files(self.output_dir, pages)
        self._known_written().update(written)
        return sorted(written)

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
        finishing = FinishInputs(
            config,
            images,
            SvgFiles(config.base_path, copied),
            sources.posts + sources.pages + sources.static,
            self._finishing.stamp(config_digest, images, copied, config.base_path),
        )
        outputs, rendered = self._render(env, fingerprints, jobs, finishing)
        outputs.update(copied)
        outputs, page_problems = self._finishing.finish(
            outputs, finishing, self._known_written(), self._read_output
        )
        pages = len(outputs.of_kind(OutputKind.PAGE))
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
        pages = {dest: outputs.digest(dest) for dest in outputs.of_kind(OutputKind.PAGE)}
        update = self._search.update(pages, outputs.__getitem__)
        made.update(update.written)
        index = Outputs()
        for dest, digest in update.files.items():
            if dest in made:
                index.add(dest, made[dest], digest, kind=OutputKind.SEARCH)
            else:
                index.add_known(dest, digest, self._read_output, kind=OutputKind.SEARCH)
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
        key = tuple(
            (image.src_path, image.url, image.dest_path, image.digest, image.max_pixels)
            for image in found
        )
        if self._images is None or self._images[0] != key:
            self._images = (key, convert_images(found, self.cache_dir))
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
            outputs.add_known(
                dest,
                source.digest,
                lambda _dest, source=source: source.data,
                kind=copied_kind(dest),
            )
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
                cache_dir=self.cache_dir,
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
            self._fingerprints = Fingerprinter(env, globals_digest, self._epoch, self._references)
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
        finishing: FinishInputs,
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
                    or (job.kind not in FINISHED and _on_disk(written, dest, before.digest))
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
                outputs.add(job.dest_path, page.data, page.digest, kind=job.kind)
            elif job.kind in FINISHED:
                outputs.add_known(job.dest_path, page.digest, _never_read, kind=job.kind)
            else:
                outputs.add_known(job.dest_path, page.digest, self._read_output, kind=job.kind)
        self._rendered = {job.dest_path: kept[job.dest_path] for job in jobs}
        return outputs, len(fresh)

    def _set_aside(self, pages: int) -> None:
        """Finished pages go to a staging folder when there are many (see ``STAGE_PAGES``)."""
        if self._staging is None and self._may_stage and pages >= STAGE_PAGES:
            self._staging = Staging(self.cache_dir, self._read_output)
        self._finishing.staging = self._staging

    # -- write ----------------------------------------------------------------------------

    def _known_written(self) -> dict[str, WrittenFile]:
        """What the output folder holds from the last build, as far as this engine knows."""
        if self._written is None:
            cache = self.cache_dir
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
                self.cache_dir,
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
        """The same page, planned again (``dataclasses.replace`` costs more, page by page);
        itself when nothing changed, so that a saved state knows it (engine.records)."""
        if job is self.job and stamp == self.stamp:
            return self
        return _Page(job, stamp, self.reads, self.fingerprint, self.digest, self.data)

    def without_data(self) -> _Page:
        if self.data is None:
            return self
        return _Page(self.job, self.stamp, self.reads, self.fingerprint, self.digest, None)


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


def _make_page(
    env: RecordingEnvironment,
    fingerprints: Fingerprinter,
    finishing: FinishInputs,
    tags: dict[str, tuple],
    job: RenderJob,
) -> tuple:
    """One page rendered, finished and scanned for links, in whichever process runs it:
    ``(reads, fingerprint, digest, bytes, finished, scan)``.

    The rendered bytes come back only where nothing else holds them: a page the
    finishing pass does not touch, or one with problems (the pass sees it again).
    """
    reads, fingerprint, digest, data = _render_recorded(env, fingerprints, job)
    if job.kind not in FINISHED:
        return reads, fingerprint, digest, data, None, None
    finished = _finish_page(job.dest_path, data, finishing)
    scan = scan_page(finished.data, tags) if job.kind is OutputKind.PAGE else None
    kept = data if finished.alts or finished.foreign else None
    return reads, fingerprint, digest, kept, finished, scan
