"""What an engine knows after a good build, as one value: kept from one run to the next.

:class:`EngineSnapshot` is everything :class:`~generator.engine.pipeline.Engine`
remembers between builds (memos of every stage, by what they were made from);
:class:`BuildSummary` is what the next ``sitegen build`` needs to answer, without
loading the snapshot, that nothing changed. :mod:`generator.state` writes and
reads both; the engine makes a snapshot (``Engine.snapshot``) and takes one
(``Engine.restore``). Neither holds bytes of sources or outputs: the site's
files and the output folder hold them, known here by digest.

``SNAPSHOT_VERSION`` changes whenever a field or its meaning does: a snapshot
of another version is not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

SNAPSHOT_VERSION = 13


@dataclass(frozen=True)
class EngineSnapshot:
    """The memos of an engine, by stage (see the engine's parts for what each holds)."""

    config: tuple[str, Any] | None  # (digest of site.toml, Config)
    files: dict[str, Any]  # content SourceFiles by src_path, known by digest
    static: tuple[Any, ...]  # static SourceFiles
    template_stamps: tuple | None
    looked_at_ns: int
    parsed: dict[tuple[str, str], Any]  # (src_path, digest) -> ParsedFile
    articles: dict[tuple, Any]  # what an article was built from -> Article
    related: Any  # RelatedIndex
    images: tuple | None  # (what the catalog was made from, ImageCatalog without bytes)
    jobs: list[tuple]  # (config digest, article, related, RenderJob)
    listings: dict[tuple, tuple]  # (folder, number) -> (config digest, ListingPage, RenderJob)
    rendered: dict[str, Any]  # dest_path -> the page as last rendered, without bytes
    finished: dict[str, Any]  # dest_path -> the page as last finished, without bytes
    lint: Any  # LintMemo
    search: Any  # SearchIndex
    epoch: int  # template generation
    projections: list[tuple]  # (article, reads, digest) of the fingerprinter
    references: dict[str, list[str | None]]  # template source -> templates it refers to
    version: int = SNAPSHOT_VERSION


@dataclass(frozen=True)
class BuildSummary:
    """A good build's result and the ``stat`` of every input before the build read it."""

    inputs: dict[str, tuple[int, ...]]
    looked_at_ns: int  # when the build started reading
    article_count: int
    warnings: list
    valid_until: datetime | None  # the next moment a date makes the site change
