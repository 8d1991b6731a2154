"""The site's sources as the engine knows them: read again only where something changed.

A full look (``refresh(None)``) takes a file it already knows without reading
it when its ``stat`` is what it was (see :class:`~generator.discover.KnownFiles`);
the dev server names the paths that changed and only those are read again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from generator.discover import (
    TIMESTAMP_SLACK_NS,
    KnownFiles,
    SiteSources,
    SourceFile,
    discover,
    discover_content,
    discover_static,
    template_stamps,
)
from generator.engine.snapshot import BuildSummary
from generator.input_look import InputLook, input_look
from generator.progress import Progress
from generator.stale_reads import StaleReads


class SourceTree:
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
        self._listed: dict = {}  # the folder listings of the look that took them
        self._first_look: InputLook | None = None  # see take_stamps

    def take_stamps(self, look: InputLook | None) -> None:
        """The ``stat`` of every input and the folder listings taken before the next build
        (``sitegen build``'s first look): the next full look takes these, which are older
        still, instead of its own, and reads the files those listings found."""
        self._first_look = look

    def note_inputs(self, changed: list[Path] | None) -> None:
        """Take the ``stat`` of every input before a full look reads anything.

        These are what the next ``sitegen build`` compares with to know nothing
        changed: taken after the build, they would hide a file replaced while it
        ran (a sync tool that keeps an older modification time), since the file
        then has the same ``stat`` next time though the build read the old bytes.

        The full look then reads the files this look found, as it found them: whatever
        changed since has another ``stat`` than the one kept, which the next build sees.
        """
        first, self._first_look = self._first_look, None
        if changed is None or self._files is None:
            look = first or input_look(self.site_dir, self.theme_dir)
            self.input_stamps, self._listed = look.stamps, look.folders
        else:
            self.input_stamps, self._listed = None, {}

    def summary(
        self, valid_until: datetime | None, article_count: int, warnings: list
    ) -> BuildSummary | None:
        """The summary of a good build that looked at every input (else None): what the
        next ``sitegen build`` needs to know that nothing changed."""
        if self.input_stamps is None:
            return None
        stamps, looked_at = self.input_stamps, self.looked_at_ns
        return BuildSummary(stamps, looked_at, article_count, warnings, valid_until)

    def as_site_sources(self, stale: StaleReads) -> SiteSources:
        """The files as one build run sees them, with its log of stale reads."""
        posts = [
            source for source in self.content() if source.src_path.startswith("content/posts/")
        ]
        pages = self.content()[len(posts) :]
        return SiteSources(tuple(posts), tuple(pages), self.static, stale)

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

    def files_without_data(self) -> dict[str, SourceFile]:
        """The content files by ``src_path``, known by digest only (for a snapshot)."""
        return {src: source.without_data() for src, source in (self._files or {}).items()}

    def known(self) -> KnownFiles | None:
        if self._files is None:
            return None
        files = self._files | {source.src_path: source for source in self.static}
        before = self.looked_at_ns - TIMESTAMP_SLACK_NS
        return KnownFiles(files, before, self.input_stamps or {}, self._listed)

    def restore(self, files: dict[str, SourceFile], static, template_stamps, looked_at_ns) -> None:
        """Take what a saved engine knew; the next full look trusts unchanged ``stat``s."""
        self._files, self._order = files, None
        self.static, self.template_stamps, self.looked_at_ns = static, template_stamps, looked_at_ns

    def refresh(self, changed: Iterable[Path] | None, progress: Progress | None = None) -> bool:
        """Read again what changed (everything when ``changed`` is None); True if templates may
        have changed. A failure leaves the tree to be read whole next time. ``progress`` counts
        the files looked at."""
        try:
            templates_changed = self._refresh(changed)
        except BaseException:
            self._files = None
            raise
        if progress is not None:
            progress.advance(len(self.content()) + len(self.static))
        return templates_changed

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
