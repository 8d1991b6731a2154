"""Every memo of the engine, stage by stage, and the snapshot that carries them between runs.

:class:`Memos` is what an :class:`~generator.engine.pipeline.Engine` knows
besides its settings: forgetting everything is making new memos. A snapshot
(:class:`~generator.engine.snapshot.EngineSnapshot`) holds the same memos
without the bytes of any source or output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.engine.finishing import Finishing
from generator.engine.indexing import Indexing
from generator.engine.listing_memo import ListingMemo
from generator.engine.render_pass import RenderPass
from generator.engine.snapshot import EngineSnapshot
from generator.engine.sources import SourceTree
from generator.engine.stage_memos import ArticleMemo, ConfigMemo, ImageMemo, JobMemo, ParsedFiles
from generator.engine.templates import Templates
from generator.lint import LintMemo
from generator.related import RelatedIndex
from generator.render import CompiledTemplates


@dataclass
class Memos:
    """What each stage made, by what it was made from (see each part)."""

    config: ConfigMemo
    sources: SourceTree
    parsed: ParsedFiles
    articles: ArticleMemo
    related: RelatedIndex
    images: ImageMemo
    jobs: JobMemo
    listings: ListingMemo
    templates: Templates
    finishing: Finishing
    lint: LintMemo
    pages: RenderPass
    search: Indexing

    @classmethod
    def empty(
        cls, site_dir: Path, theme_dir: Path, cache_dir: Path, compiled: CompiledTemplates
    ) -> Memos:
        """Memos that know nothing yet, as a new engine's do."""
        finishing, lint = Finishing(), LintMemo()
        return cls(
            config=ConfigMemo(),
            sources=SourceTree(site_dir, theme_dir),
            parsed=ParsedFiles(),
            articles=ArticleMemo(),
            related=RelatedIndex(),
            images=ImageMemo(),
            jobs=JobMemo({}),
            listings=ListingMemo(),
            templates=Templates(theme_dir, cache_dir, compiled),
            finishing=finishing,
            lint=lint,
            pages=RenderPass(finishing, lint),
            search=Indexing(),
        )

    def snapshot(self) -> EngineSnapshot:
        """The memos without bytes, to go on from them in another process (:meth:`restore`)."""
        sources, templates = self.sources, self.templates
        return EngineSnapshot(
            config=self.config.loaded,
            files=sources.files_without_data(),
            static=tuple(f.without_data() for f in sources.static),
            template_stamps=sources.template_stamps,
            looked_at_ns=sources.looked_at_ns,
            parsed=self.parsed.by_key,
            articles=self.articles.by_inputs,
            related=self.related,
            images=self.images.without_data(),
            jobs=self.jobs.saved(),
            listings=self.listings.jobs,
            rendered={dest: page.without_data() for dest, page in self.pages.pages.items()},
            finished=self.finishing.without_data(),
            lint=self.lint,
            search=self.search.index,
            epoch=templates.epoch,
            projections=templates.projections(),
            references=templates.references,
        )

    def restore(self, snapshot: EngineSnapshot) -> None:
        """Go on from what an engine knew (:meth:`snapshot`), before the first build."""
        self.config = ConfigMemo(snapshot.config)
        self.sources.restore(
            snapshot.files, snapshot.static, snapshot.template_stamps, snapshot.looked_at_ns
        )
        self.parsed = ParsedFiles(snapshot.parsed)
        self.articles = ArticleMemo(snapshot.articles)
        self.related, self.images = snapshot.related, ImageMemo(snapshot.images)
        self.jobs = JobMemo.restored(snapshot.jobs)
        self.listings = ListingMemo(snapshot.listings)
        old = self.templates
        self.templates = Templates(
            old.theme_dir,
            old.cache_dir,
            old.compiled,
            snapshot.epoch,
            snapshot.projections,
            snapshot.references,
        )
        self.finishing.restore(snapshot.finished)
        self.lint, self.search = snapshot.lint, Indexing(snapshot.search)
        self.pages = RenderPass(self.finishing, self.lint, snapshot.rendered)
