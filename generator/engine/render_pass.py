"""The render pass: each page's bytes, rendered again only when its fingerprint changed.

A page is kept from the last build when it was planned from the very same job
under the same templates and globals (not even fingerprinted), or when its
fingerprint (:mod:`generator.fingerprint`) is what it was. A page known by
digest only (its bytes are in the output folder) is rendered again when the
finishing pass must see it again. Workers render, finish and scan each page
(:class:`PageMaker`); a build of many pages sets them aside on disk
(:class:`~generator.write.Staging`) rather than keep them all in memory.
A worker that reads a file changed under the build notes it in a log of its own
(:class:`~generator.stale_reads.StaleReads`) and returns it with the page; the
pass adds it to the build run's log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from generator.discover import digest_of
from generator.engine.finishing import (
    FINISHED,
    Finished,
    Finishing,
    FinishInputs,
    finish_page,
    on_disk,
)
from generator.engine.output_writer import OutputWriter
from generator.fingerprint import Fingerprinter, Reads, RecordingEnvironment
from generator.lint import LintMemo, PageScan, scan_page
from generator.output_kinds import OutputKind
from generator.outputs import Outputs
from generator.parallel import imap_forked
from generator.plan import RenderJob
from generator.progress import Progress
from generator.render import render_job
from generator.staging import Staging
from generator.stale_reads import StaleReads
from generator.write import WrittenFile

# A build that renders this many pages sets them aside on disk until it writes them
# (about 25 KB each: 10,000 articles would otherwise hold some 400 MB of pages).
STAGE_PAGES = 2000
# Templates of pages that read every article (see _made_in_order).
SITE_WIDE_TEMPLATES = frozenset({"feed.xml", "sitemap.xml", "terms.html"})


@dataclass(frozen=True)
class RenderedPage:
    """One output as last rendered: its job, what its template read, its fingerprint and digest.

    ``data`` is None for a page known by digest alone (its bytes are in the output folder).
    """

    job: RenderJob
    stamp: bytes
    reads: Reads
    fingerprint: bytes
    digest: str
    data: bytes | None

    def again(self, job: RenderJob, stamp: bytes) -> RenderedPage:
        """The same page, planned again (``dataclasses.replace`` costs more, page by page);
        itself when nothing changed, so that a saved state knows it (engine.records)."""
        if job is self.job and stamp == self.stamp:
            return self
        return RenderedPage(job, stamp, self.reads, self.fingerprint, self.digest, self.data)

    def without_data(self) -> RenderedPage:
        if self.data is None:
            return self
        return RenderedPage(self.job, self.stamp, self.reads, self.fingerprint, self.digest, None)


class MadePage(NamedTuple):
    """One page as a worker made it (see :meth:`PageMaker.make`)."""

    reads: Reads
    fingerprint: bytes
    digest: str  # of the page as rendered
    data: bytes | None  # as rendered, where nothing else holds it
    finished: Finished | None  # after the finishing pass, for the pages it looks at
    scan: PageScan | None  # the page's ids and links, for an HTML page
    stale: tuple[str, ...]  # files read for it that changed under the build


@dataclass(frozen=True)
class PageMaker:
    """What renders, finishes and scans a page; forked workers inherit it."""

    env: RecordingEnvironment
    fingerprints: Fingerprinter
    finishing: FinishInputs

    def make(self, job: RenderJob, tags: dict[str, tuple]) -> MadePage:
        """One page rendered, finished and scanned for links, in whichever process runs it.

        The rendered bytes come back only where nothing else holds them: a page the
        finishing pass does not touch, or one with problems (the pass sees it again).
        ``tags`` is the running process's own memo of the tags that scans meet.
        """
        reads, fingerprint, digest, data = self.render(job)
        if job.kind not in FINISHED:
            return MadePage(reads, fingerprint, digest, data, None, None, ())
        stale = StaleReads()  # this page's own: a forked worker's log would stay in the worker
        finished = finish_page(job.dest_path, data, self.finishing, stale, job.kind)
        scan = scan_page(finished.data, tags) if job.kind is OutputKind.PAGE else None
        kept = data if finished.alts or finished.foreign else None
        return MadePage(reads, fingerprint, digest, kept, finished, scan, stale.paths)

    def render(self, job: RenderJob) -> tuple[Reads, bytes, str, bytes]:
        """``(reads, fingerprint, digest, bytes)`` of one page, rendered now."""
        env = self.env
        env.reads = {}
        try:
            data = render_job(env, job).encode("utf-8")
            reads = {slug: frozenset(names) for slug, names in env.reads.items()}
        finally:
            env.reads = None
        return reads, self.fingerprints.of(job.template, job.context, reads), digest_of(data), data


class RenderPass:
    """The pages as last rendered, by ``dest_path``, and the pass that renders them again.

    What workers found while finishing and scanning goes to the finishing and lint
    memos; ``may_stage`` is set by a build that writes (``render()`` alone keeps pages).
    """

    def __init__(
        self,
        finishing: Finishing,
        lint: LintMemo,
        pages: dict[str, RenderedPage] | None = None,
    ) -> None:
        self.finishing = finishing
        self.lint = lint
        self.pages: dict[str, RenderedPage] = pages if pages is not None else {}
        self.staging: Staging | None = None
        self.may_stage = False

    def same_jobs(self, jobs: Iterable[RenderJob]) -> list[RenderJob]:
        """Each job as the same object as last time when it is equal to last time's, so that
        rendering knows it unchanged without fingerprinting it (listings are planned anew)."""
        same = []
        for job in jobs:
            before = self.pages.get(job.dest_path)
            same.append(before.job if before is not None and before.job == job else job)
        return same

    def render(
        self,
        jobs: list[RenderJob],
        maker: PageMaker,
        output: OutputWriter,
        progress: Progress,
        stale: StaleReads,
    ) -> tuple[Outputs, int]:
        """Each job's bytes, and how many pages were rendered (the others were kept); what
        the workers read that changed under the build goes into ``stale``, the run's log."""
        kept = self._kept(jobs, maker, output.known_written())
        fresh = [job for job in jobs if job.dest_path not in kept]
        self._set_aside(len(fresh), output)
        progress.start("Rendering", len(fresh), "pages")
        kept.update(self._rendered(fresh, maker, progress, stale))
        progress.finish()
        outputs = Outputs(stale)
        for job in jobs:
            page = kept[job.dest_path]
            if page.data is not None:
                outputs.add(job.dest_path, page.data, page.digest, kind=job.kind)
            elif job.kind in FINISHED:
                outputs.add_known(job.dest_path, page.digest, _never_read, kind=job.kind)
            else:
                outputs.add_known(job.dest_path, page.digest, output.read_output, kind=job.kind)
        self.pages = {job.dest_path: kept[job.dest_path] for job in jobs}
        return outputs, len(fresh)

    def stop_staging(self) -> None:
        """The build wrote (or failed): what the staging folder held is in the output now."""
        if self.staging is not None:
            self.staging.clear()
            self.staging = None
            self.finishing.staging = None

    def _kept(
        self, jobs: list[RenderJob], maker: PageMaker, written: dict[str, WrittenFile]
    ) -> dict[str, RenderedPage]:
        """The pages of last time that need not be rendered again."""
        fingerprints, finish_stamp = maker.fingerprints, maker.finishing.stamp
        stamp = fingerprints.stamp
        kept: dict[str, RenderedPage] = {}
        for job in jobs:
            dest = job.dest_path
            before = self.pages.get(dest)
            if (
                before is not None
                and _still_valid(before, job, stamp, fingerprints)
                and (
                    before.data is not None
                    or self.finishing.reusable(dest, before.digest, finish_stamp, written)
                    or (job.kind not in FINISHED and on_disk(written, dest, before.digest))
                )
            ):
                kept[dest] = before.again(job, stamp)
        return kept

    def _rendered(
        self, fresh: list[RenderJob], maker: PageMaker, progress: Progress, stale: StaleReads
    ) -> dict[str, RenderedPage]:
        tags: dict[str, tuple] = {}  # each worker's own, for the scans of its pages

        def make(job: RenderJob) -> MadePage:
            return maker.make(job, tags)

        stamp = maker.fingerprints.stamp
        shared: dict = {}  # what pages read alike, kept once rather than once per page
        done = {}
        for job, made in zip(fresh, _made_in_order(make, fresh, progress), strict=True):
            stale.extend(made.stale)
            if made.finished is not None:
                self.finishing.remember(job.dest_path, made.finished)
            if made.scan is not None:
                self.lint.remember_scan(job.dest_path, made.finished.digest, made.scan)
            pairs = made.reads.items()
            reads = {shared.setdefault(k, k): shared.setdefault(v, v) for k, v in pairs}
            done[job.dest_path] = RenderedPage(
                job, stamp, reads, made.fingerprint, made.digest, made.data
            )
        return done

    def _set_aside(self, pages: int, output: OutputWriter) -> None:
        """Finished pages go to a staging folder when there are many (see ``STAGE_PAGES``)."""
        if self.staging is None and self.may_stage and pages >= STAGE_PAGES:
            self.staging = Staging(output.cache_dir, output.read_output)
        self.finishing.staging = self.staging


def _made_in_order(
    make: Callable[[RenderJob], MadePage], fresh: list[RenderJob], progress: Progress
) -> Iterator[MadePage]:
    """``make`` over ``fresh``, in order: the pages that read the whole site here, before
    any worker is forked, the others on every core.

    A page made while a forked worker lives costs memory for every page of the build's
    memory that it touches (a reference count is a write: the page is copied). These
    pages touch every article (the feed at 10,000 articles: ~90 MB of copies); here they
    copy nothing. They are the last ones to finish anyway (the feed takes a second), so
    the pass takes no longer. An error is raised where a serial loop would raise it."""
    here: dict[int, MadePage | Exception] = {}
    for index, job in enumerate(fresh):
        if job.template in SITE_WIDE_TEMPLATES:
            try:
                here[index] = make(job)
            except Exception as error:  # noqa: BLE001 - raised again, in order, below
                here[index] = error
            progress.advance()
    others = [job for index, job in enumerate(fresh) if index not in here]
    rest = imap_forked(make, others, progress=progress)
    for index in range(len(fresh)):
        made = here.pop(index) if index in here else next(rest)
        if isinstance(made, Exception):
            raise made
        yield made
    for _ in rest:  # ends the pool: its workers are waited for before anything else forks
        raise AssertionError("a worker made more pages than it was given")


def _never_read(dest: str) -> None:
    """A page known by digest that the finishing pass takes as it is: nobody reads it.
    One that is read all the same is no longer what the engine knew: a stale read."""
    return None


def _still_valid(
    before: RenderedPage, job: RenderJob, stamp: bytes, fingerprints: Fingerprinter
) -> bool:
    if before.job is job and before.stamp == stamp:
        return True
    return before.fingerprint == fingerprints.of(job.template, job.context, before.reads)
