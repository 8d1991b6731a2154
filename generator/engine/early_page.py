"""The dev server's early page: an edited article's own page, written before the build.

When a save changes only the text of an article (not what listings, feeds or
other pages show of it), the article's page is rendered and finished at once,
as the build that follows will render it, with the related posts the last
build chose; the writer sees the edit before that build is done. Anything else
(a file new, gone or renamed, templates, settings, a page with problems) gives
no early page and is left to the build.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.article_model import ArticleFiles, article_folder, build_article
from generator.config import Config
from generator.discover import SourceFile, discover_content
from generator.engine.finishing import FinishInputs, SvgFiles, finish_page
from generator.engine.sources import SourceTree
from generator.fingerprint import RecordingEnvironment
from generator.images import ImageCatalog
from generator.model import Article, Site
from generator.outputs import Outputs
from generator.parallel import parse_many
from generator.parse import ParsedFile
from generator.plan import article_job
from generator.render import render_job
from generator.stale_reads import StaleReads

if TYPE_CHECKING:
    from generator.engine.memos import Memos

EDITABLE_KINDS = ("article", "article_index", "section")


@dataclass(frozen=True)
class LastBuild:
    """What the early page is made from: the engine's memory of its last good build."""

    site_dir: Path
    config: Config
    site: Site
    outputs: Outputs
    env: RecordingEnvironment
    sources: SourceTree
    parsed: MutableMapping[tuple[str, str], ParsedFile]  # the build that follows takes these
    images: ImageCatalog

    @classmethod
    def of(cls, site_dir: Path, memos: Memos, site: Site, outputs: Outputs) -> LastBuild | None:
        """From an engine's memos and the site and outputs of its last good build
        (None before its first build)."""
        env, config = memos.templates.env, memos.config.loaded
        if env is None or config is None:
            return None
        parsed, images = memos.parsed.by_key, memos.images.catalog
        return cls(site_dir, config[1], site, outputs, env, memos.sources, parsed, images)


def early_pages(last: LastBuild, changed: Iterable[Path], stale: StaleReads) -> dict[str, bytes]:
    """The finished page of each article whose text alone changed, by ``dest_path``.

    Raises what reading, parsing or rendering raise, and notes in ``stale`` the files
    that changed under it: the caller leaves those to the build.
    """
    return dict(page for path in changed for page in _edited_page(last, Path(path), stale))


def _edited_page(last: LastBuild, path: Path, stale: StaleReads) -> list[tuple[str, bytes]]:
    src_path = path.absolute().relative_to(last.site_dir).as_posix()
    known = last.sources.known()
    before = known.files.get(src_path) if known is not None else None
    if before is None or before.kind not in EDITABLE_KINDS:
        return []
    fresh = discover_content(last.site_dir, path.absolute())
    if len(fresh) != 1 or fresh[0].digest == before.digest:
        return []
    parsed = parse_many(fresh)[0]
    last.parsed[(parsed.src_path, fresh[0].digest)] = parsed
    article = _article_with(last, fresh[0], parsed)
    if article is None:
        return []
    job = article_job(last.config, article, last.site.related_articles(article))
    data = render_job(last.env, job).encode("utf-8")
    sources = last.sources.as_site_sources(stale)
    content = sources.posts + sources.pages + sources.static
    svg = SvgFiles(last.config.base_path, last.outputs, stale)
    finished = finish_page(
        job.dest_path, data, FinishInputs(last.config, last.images, svg, content, b""), stale
    )
    if finished.alts or finished.foreign or finished.data is None:
        return []
    return [(job.dest_path, finished.data)]


def _article_with(last: LastBuild, source: SourceFile, parsed: ParsedFile) -> Article | None:
    """The published article that ``source`` belongs to, built with its new text, if
    nothing but its body changed."""
    folder = source.article_dir or source.src_path.removesuffix(".md")
    old = next((a for a in last.site.articles if article_folder(a) == folder), None)
    if old is None:
        return None
    files = {item.src_path: item for item in last.parsed.values()} | {parsed.src_path: parsed}
    index = files.get(old.src_path)
    if index is None:
        return None
    sections = sorted(
        (item for item in files.values() if item.kind == "section" and item.article_dir == folder),
        key=lambda item: (item.order, item.src_path),
    )
    by_src = {s.src_path: s for s in last.sources.content()}
    assets = tuple(by_src[asset.src_path] for asset in old.assets if asset.src_path in by_src)
    article = replace(
        build_article(last.config, ArticleFiles(index, tuple(sections), assets)),
        comments=old.comments,
    )
    return article if shown_elsewhere(article) == shown_elsewhere(old) else None


def shown_elsewhere(article: Article) -> Article:
    """The article without its body: what listings, feeds and other pages may show."""
    return replace(article, sections=(), intro_html="", word_count=0, terms=b"")
