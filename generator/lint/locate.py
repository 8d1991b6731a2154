"""Where in the content files a link of a built page was written."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from generator.discover import SourceFile
from generator.model import Site
from generator.stale_reads import StaleReads


def source_text(data: bytes) -> str:
    """A content file's text as the lints count its lines."""
    return data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


class SourceTexts(Mapping[str, str]):
    """Each content file's text by ``src_path``, read and decoded when a lint asks;
    one that changed since the build read it is noted in ``stale``, the build run's log.

    Neither the text nor the file's bytes are kept, but for the last text asked (the
    link check asks for one file's text for each of its problems): the rules ask
    for each file once, and at 10,000 articles every text and its bytes, kept from
    the rules' pass to the write, came to some 20 MB."""

    def __init__(self, sources: Iterable[SourceFile], stale: StaleReads | None = None) -> None:
        self.sources = {source.src_path: source for source in sources}
        self._last: tuple[str, str] | None = None  # (src_path, text)
        self.stale = stale if stale is not None else StaleReads()

    def __contains__(self, src_path: object) -> bool:
        return src_path in self.sources

    def __getitem__(self, src_path: str) -> str:
        last = self._last
        if last is None or last[0] != src_path:
            text = source_text(self.sources[src_path].read(self.stale, keep=False))
            last = self._last = (src_path, text)
        return last[1]

    def digest(self, src_path: str) -> str:
        return self.sources[src_path].digest

    def digests(self) -> Mapping[str, str]:
        """Each content file's digest by ``src_path``, looked up when asked (a dict of
        them all cost a sixth of a second at 10,000 articles, for an edit asking one)."""
        return _Digests(self.sources)

    def __iter__(self) -> Iterator[str]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)


class _Digests(Mapping[str, str]):
    def __init__(self, sources: Mapping[str, SourceFile]) -> None:
        self._sources = sources

    def __getitem__(self, src_path: str) -> str:
        return self._sources[src_path].digest

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


def sources_of_pages(site: Site) -> dict[str, tuple[str, ...]]:
    """Output page -> the content files whose text it shows."""
    sources = {
        article.dest_path: (
            article.src_path,
            *dict.fromkeys(s.src_path for s in article.sections if s.src_path),
            *(comment.src_path for comment in article.comments),
        )
        for article in site.articles
    }
    sources.update({page.dest_path: (page.src_path,) for page in site.pages})
    return sources


def locate(
    ref: str, candidates: Iterable[str], texts: Mapping[str, str]
) -> tuple[str | None, int | None, int | None]:
    """``(src_path, line, column)`` of the first of ``candidates`` where ``ref`` is written."""
    for src_path in candidates:
        text = texts.get(src_path, "")
        offset = text.find(ref)
        if offset < 0:
            offset = text.find(ref.replace("&", "&amp;"))
        if offset >= 0:
            line = text.count("\n", 0, offset) + 1
            return src_path, line, offset - (text.rfind("\n", 0, offset) + 1) + 1
    return None, None, None
