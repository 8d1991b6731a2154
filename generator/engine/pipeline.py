"""The build engine: build a site, and build it again after a change redoing only what it touches.

The stages are those of a clean build, in the same order::

    config -> discover -> parse -> assemble -> related -> images -> plan -> render
           -> finish -> index -> check -> write

and each keeps what it made, keyed by exactly what it was made from
(:class:`~generator.engine.memos.Memos`): sources by path, read again only where
a change was seen (:mod:`~generator.engine.sources`); parsed files, articles,
images and article jobs (:mod:`~generator.engine.stage_memos`), listing pages'
jobs (:mod:`~generator.engine.listing_memo`); related posts
in a :class:`~generator.related.RelatedIndex`, which scores again only the
articles whose words, tags, category, pins or date changed; each page by the
fingerprint of its template, the template globals and the parts of its context
it read (:mod:`~generator.engine.render_pass`, :mod:`~generator.engine.templates`);
the finishing pass and the search index page by page
(:mod:`~generator.engine.finishing`, :mod:`~generator.engine.indexing`).

An output is rendered again only when its fingerprint changed and written only
when its bytes changed (:mod:`~generator.engine.output_writer`), so the output
folder always ends exactly as a clean build leaves it.

A file known by digest that changed under the build (a source saved, an output
edited by hand) is no error: the read notes it in the run's
:class:`~generator.stale_reads.StaleReads` and goes on. The engine looks at that
log between stages and after the write; when it is not empty it forgets
everything and starts over, reading every file again. Use::

    engine = Engine(Path("my-site"))
    engine.build()                                   # everything
    engine.build([Path("my-site/content/posts/acne.md")])  # after that file changed

The dev server keeps one engine; ``sitegen build`` makes one per run and goes on
from the snapshot the last run saved (:mod:`generator.build` does that).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from generator.assemble import Visibility
from generator.build_options import BuildOptions, BuildResult
from generator.config import Config
from generator.discover import SiteSources, default_theme_dir
from generator.engine.early_page import LastBuild, early_pages
from generator.engine.finishing import FinishInputs, SvgFiles
from generator.engine.memos import Memos
from generator.engine.output_writer import OutputWriter
from generator.engine.render_pass import PageMaker
from generator.engine.snapshot import BuildSummary, EngineSnapshot
from generator.engine.stage_memos import copied_outputs
from generator.errors import ContentError, SiteError, SiteWarning
from generator.fingerprint import RecordingEnvironment
from generator.input_look import InputLook
from generator.lint import (
    FileFindings,
    file_findings,
    grade_articles,
    source_texts,
    valid_until,
    validate,
)
from generator.model import Site
from generator.output_folder import check_output_folder
from generator.output_kinds import OutputKind
from generator.output_record import OutputRecord, WrittenFile
from generator.outputs import Outputs
from generator.parse import ParsedFile
from generator.plan import plan_site
from generator.progress import Progress
from generator.render import CompiledTemplates
from generator.staging import remove_abandoned_staging
from generator.stale_reads import StaleReads
from generator.write import WriteReport

# Runs of one build before a file that changes under every one of them is reported.
MAX_RUNS = 3


@dataclass
class RenderedSite:
    site: Site
    outputs: Outputs
    warnings: list[SiteWarning]
    rendered: int  # pages whose templates ran (the others were known unchanged)
    valid_until: datetime | None = None  # when dates alone change the site (lint.valid_until)
    stale: StaleReads = field(default_factory=StaleReads)  # the run's, the write's reads too

    def result(self, report: WriteReport, output_dir: Path, seconds: float) -> BuildResult:
        """What the build that wrote this site did."""
        articles = len(self.site.articles)
        return BuildResult(
            self.outputs,
            report,
            output_dir,
            seconds,
            self.warnings,
            self.rendered,
            articles,
            self.site,
        )


@dataclass(frozen=True)
class _Model:
    """The site as the stages before rendering leave it."""

    config_digest: str
    config: Config
    sources: SiteSources
    parsed: list[ParsedFile]
    site: Site


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
        self.cache_dir = self.options.cache_folder(self.site_dir)
        self.theme_dir = default_theme_dir()
        check_output_folder(self.site_dir, self.output_dir, self.theme_dir)
        self.output = OutputWriter(self.output_dir, self.cache_dir, clean)
        # Compiled templates outlive everything else the engine forgets.
        self._compiled = CompiledTemplates.for_cache(self.cache_dir, RecordingEnvironment)
        self._forget()

    def snapshot(self) -> EngineSnapshot:
        """What this engine knows, to go on from it in another process (:meth:`restore`)."""
        return self._memos.snapshot()

    def restore(self, snapshot: EngineSnapshot) -> None:
        """Go on from what an engine knew (:meth:`snapshot`), before the first build."""
        self._memos.restore(snapshot)

    def take_first_look(
        self,
        inputs: InputLook | None,
        written: dict[str, WrittenFile] | None,
        record: OutputRecord | None = None,
    ) -> None:
        """What the caller saw before this engine's first build read anything (the ``stat``
        of every input and the folder listings, the output folder's files as trusted and its
        record), so as not to take it again."""
        self._memos.sources.take_stamps(inputs)
        self.output.take_written(written, record)

    def saved_state(self) -> tuple[EngineSnapshot, BuildSummary | None] | None:
        """The snapshot after a good build, and the summary of that build when it looked at
        every input (what ``sitegen build`` saves); None after a failed one."""
        if self._last_good is None:
            return None
        return self.snapshot(), self._memos.sources.summary(*self._last_good)

    def _forget(self) -> None:
        """Start from nothing, as a new engine does."""
        self._memos = Memos.empty(self.site_dir, self.theme_dir, self.cache_dir, self._compiled)
        self.output.forget()
        self._now = self.options.now or datetime.now(UTC)
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
        remove_abandoned_staging(self.cache_dir)
        self._memos.pages.may_stage = True  # only a build that writes sets pages aside
        try:
            rendered, runs = self._render_within(changed, MAX_RUNS)
            report = self._write(rendered.outputs)
            while rendered.stale:
                self._start_over()  # what the write read changed: write again from nothing
                if runs == MAX_RUNS:  # nothing of the last run may be trusted by the next build
                    raise _kept_changing(rendered.stale)
                rendered, more = self._render_within(None, MAX_RUNS - runs)
                runs += more
                report = self._write(rendered.outputs)
        finally:
            self._memos.pages.may_stage = False
            self._memos.pages.stop_staging()
        self._last_good = (rendered.valid_until, len(rendered.site.articles), rendered.warnings)
        self._shown = rendered
        return rendered.result(report, self.output_dir, time.perf_counter() - started)

    def write_edited_pages(self, changed: Iterable[Path]) -> list[str]:
        """Write at once the page of each article whose text alone was edited; return them.

        For the dev server: the writer sees an edit before the build that follows
        (which decides every other page, the checks and the search index) is done.
        See :mod:`generator.engine.early_page`.
        """
        if self._shown is None:
            return []
        last = LastBuild.of(self.site_dir, self._memos, self._shown.site, self._shown.outputs)
        if last is None:
            return []
        stale = StaleReads()
        try:
            pages = early_pages(last, changed, stale)
        except SiteError:
            return []  # the build that follows says what is wrong
        if stale:
            return []  # a file changed under it: the build that follows reads it again
        return self.output.write_early(pages)

    def render(self, changed: Iterable[Path] | None = None) -> RenderedSite:
        """Every output's bytes, checked by the lints; nothing is written.

        A run that read a file changed under it starts over from nothing; a file that
        changes under every run (``MAX_RUNS``) is reported as a :class:`ContentError`.
        """
        return self._render_within(changed, MAX_RUNS)[0]

    def _render_within(self, changed: Iterable[Path] | None, runs: int) -> tuple[RenderedSite, int]:
        """What :meth:`render` gives, in at most ``runs`` runs, and the runs it took: the
        write's own runs count against the same ``MAX_RUNS``."""
        for run in range(1, runs + 1):
            stale = StaleReads()
            rendered = self._render_site(changed, stale)
            if rendered is not None:
                return rendered, run
            self._start_over()
            changed = None
        raise _kept_changing(stale)

    def _start_over(self) -> None:
        """A file known by digest changed under the build: forget everything, read it all."""
        may_stage = self._memos.pages.may_stage
        self._memos.pages.stop_staging()
        self._forget()
        self._memos.pages.may_stage = may_stage

    def _render_site(
        self, changed: Iterable[Path] | None, stale: StaleReads
    ) -> RenderedSite | None:
        """The stages of one run; None as soon as ``stale`` (the run's log) is not empty.

        An error found after a stale read may come from the changed file's new bytes
        read half way through: the run starts over, and says so only if it is still there.
        """
        try:
            model = self._model(None if changed is None else list(changed), stale)
            if stale:
                return None
            outputs, rendered, problems = self._outputs(model)
            if stale:
                return None
            site = self._checked(model, outputs, problems, rendered)
        except SiteError:
            if stale:
                return None
            raise
        return None if stale else site

    def _model(self, changed: list[Path] | None, stale: StaleReads) -> _Model:
        """Config, sources, parse, assemble, related: the site before any page is made."""
        memos = self._memos
        memos.sources.note_inputs(changed)  # before anything is read: see note_inputs
        config_digest, config = memos.config.load(self.site_dir)
        look = memos.sources.refresh
        memos.templates.note_change(self._stage("Reading", "files", look, changed, self.progress))
        parsed = memos.parsed.parse(memos.sources.content(), self.progress, stale)
        memos.sources.forget_data()  # parsed: the files are read again only where needed
        self._now = self.options.now or datetime.now(UTC)
        site = memos.articles.assemble(
            config_digest, config, memos.parsed, memos.sources, self._visibility()
        )
        site = replace(site, related=memos.related.update(site.articles, config.related_count))
        sources = memos.sources.as_site_sources(stale)
        return _Model(config_digest, config, sources, parsed, site)

    def _outputs(self, model: _Model) -> tuple[Outputs, int, list[SiteWarning]]:
        """Copies, images, plan, render, finish: every output, how many pages were rendered,
        and what the finishing pass found."""
        memos, config, site, sources = self._memos, model.config, model.site, model.sources
        stale = sources.stale  # the run's log: every Outputs of the run notes into it
        copied, asset_urls = copied_outputs(config, site, memos.sources, stale)
        images = memos.images.convert(config, site, sources, self.cache_dir)
        digest = model.config_digest
        planned = plan_site(
            config, site, memos.jobs.planner(digest), memos.listings.planner(digest)
        )
        jobs = memos.pages.same_jobs(planned)
        env, fingerprints = memos.templates.prepare(
            model.config_digest, config, site, asset_urls, images
        )
        finishing = FinishInputs(
            config,
            images,
            SvgFiles(config.base_path, copied),
            sources.posts + sources.pages + sources.static,
            memos.finishing.stamp(model.config_digest, images, copied, config.base_path),
        )
        maker = PageMaker(env, fingerprints, finishing)
        outputs, rendered = memos.pages.render(jobs, maker, self.output, self.progress, stale)
        outputs.update(copied)
        written, read_output = self.output.known_written(), self.output.read_output
        outputs, problems = memos.finishing.finish(outputs, finishing, written, read_output)
        return outputs, rendered, problems

    def _checked(
        self, model: _Model, outputs: Outputs, problems: list[SiteWarning], rendered: int
    ) -> RenderedSite:
        """The search index added, and the same checks as ``sitegen check``: raises
        :class:`~generator.lint.CheckFailed` on errors, before any write."""
        pages = len(outputs.of_kind(OutputKind.PAGE))
        visibility = self._visibility()
        files, (index, search_warnings) = self._stage(
            "Indexing", "pages", self._index, model, outputs, visibility, total=pages
        )
        outputs.update(index)  # before the checks, so that the link checker knows the index
        model_parts = (model.config, model.sources, model.parsed, model.site)
        warnings = self._stage(
            "Checking",
            "pages",
            validate,
            *(*model_parts, outputs, visibility, problems, self._memos.lint, files),
            total=pages,
        )
        until = valid_until(model.config, model.parsed, visibility)
        warnings += search_warnings
        return RenderedSite(model.site, outputs, warnings, rendered, until, model.sources.stale)

    def _index(
        self, model: _Model, outputs: Outputs, visibility: Visibility
    ) -> tuple[FileFindings, tuple[Outputs, list[SiteWarning]]]:
        """The search index of the pages, and meanwhile the findings of the rules that need
        no output: Pagefind runs in other processes while those take this one."""
        config, sources, parsed, memo = model.config, model.sources, model.parsed, self._memos.lint
        written, read_output = self.output.known_written(), self.output.read_output
        staging = self._memos.pages.staging
        with self._memos.search.started(outputs, written, read_output, staging) as index:
            texts = source_texts(sources)
            grades = grade_articles(config, parsed, memo, texts)  # forks: before index.go_on()
            index.go_on()
            files = file_findings(config, sources, parsed, visibility, memo, texts, grades)
            return files, index.files()

    def _write(self, outputs: Outputs) -> WriteReport:
        report = self.output.write(outputs, self.progress, self._memos.pages.staging)
        self._memos.search.all_written()
        return report

    def _visibility(self) -> Visibility:
        options = self.options
        return Visibility(now=self._now, drafts=options.drafts, future=options.future)

    def _stage(self, name: str, unit: str, work, *args, total: int | None = None):
        """``work(*args)``, shown as one stage of the build's progress."""
        self.progress.start(name, total, unit)
        try:
            return work(*args)
        finally:
            self.progress.finish()


def _kept_changing(stale: StaleReads) -> ContentError:
    """The error for a file that changed under every run of a build."""
    return ContentError(
        stale.paths[0],
        f"the file changed each time the build read it ({MAX_RUNS} times)",
        hint="build again once it is saved (a sync tool or editor may still be writing it)",
        rule="unreadable",
    )
