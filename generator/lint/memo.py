"""What the link check remembers between builds, keyed by exactly what each answer read."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import NamedTuple

from generator.config import Config
from generator.lint.file_memo import FileRulesMemo
from generator.lint.scan import TAGS_KEPT, PageScan, scan
from generator.reading_level import ReadingMemo
from generator.starter_text import StarterMemo


class _KnownScan(NamedTuple):
    digest: str  # of the page's bytes
    scan: PageScan


class _Checked(NamedTuple):
    """A page's link problems and all they depend on besides the settings."""

    scan: PageScan
    targets: tuple  # (page, its scan) for each page whose anchors the answer read
    problems: list
    # The output names looked up, as a tuple: a set per page took 34 MB at 10,000 articles,
    # and it is only ever tested against the few names that changed.
    asked: tuple[str, ...]


class LintMemo:
    """Link checks remembered between builds of one site, keyed by exactly what they read.

    A page's scan is kept while its bytes are the same; its link problems while
    its scan, the settings, the scans of the pages its ``#anchors`` point into
    and the output files it asked about (whether ``x/index.html`` exists) are
    the same. A page with problems is checked again whenever the site gains or
    loses a file, as the hints name pages with a similar name.
    """

    def __init__(self) -> None:
        self._scans: dict[str, _KnownScan] = {}
        self._pages: dict[str, _Checked] = {}
        self._config: Config | None = None
        self._names: frozenset[str] = frozenset()
        self._tags: dict[str, tuple] = {}
        self._refs: dict[tuple[str, str], tuple[str, str]] = {}  # each distinct link once
        self.reading = ReadingMemo()  # the reading-level rule's grades
        self.starter = StarterMemo()  # the starter-text rule's findings per file
        self.files = FileRulesMemo()  # the other rules on one file: their findings per file

    def __getstate__(self) -> dict:
        # What each distinct tag holds only saves time within a build: not worth saving.
        return {**self.__dict__, "_tags": {}, "_refs": {}}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def scan(self, dest: str, digest: str, load: Callable[[], bytes]) -> PageScan:
        """The scan of page ``dest`` whose bytes have ``digest`` (``load()`` gives them)."""
        found = self._scans.get(dest)
        if found is None or found.digest != digest:
            if len(self._tags) > TAGS_KEPT:
                self._tags.clear()
            found = self._scans[dest] = _KnownScan(digest, scan(load(), self._tags))
        return found.scan

    def remember_scan(self, dest: str, digest: str, scan: PageScan) -> None:
        """The scan of a page made elsewhere (by the worker that rendered it).

        Most links are on every page (navigation, tags): each distinct one is kept
        once, not once per page, which matters for a site of thousands of pages."""
        refs = self._refs
        shared = tuple(refs.setdefault(ref, ref) for ref in scan.refs)
        ids = frozenset(sys.intern(name) for name in scan.ids)
        self._scans[dest] = _KnownScan(digest, PageScan(ids, shared))

    def start(self, config: Config, outputs: Mapping[str, bytes]) -> None:
        names = frozenset(outputs)
        if config != self._config:
            self._pages.clear()
        elif names != self._names:
            # A copy: the difference of two large sets keeps their table, and each
            # ``isdisjoint`` below would walk all of its empty slots (3.7 s at 10,000
            # articles for a change of six names).
            changed = set(names ^ self._names)
            self._pages = {
                dest: found
                for dest, found in self._pages.items()
                if not found.problems and changed.isdisjoint(found.asked)
            }
        self._config, self._names = config, names
        for dest in [dest for dest in self._scans if dest not in outputs]:
            del self._scans[dest]

    def problems(self, dest: str, scan: PageScan, scans: dict[str, PageScan], check) -> list:
        """The link problems of one page; ``check(asked)`` finds them, noting in the set
        ``asked`` the output files it looked for."""
        found = self._pages.get(dest)
        if (
            found is None
            or found.scan is not scan
            or any(scans.get(target) is not seen for target, seen in found.targets)
        ):
            asked: set[str] = set()
            problems, targets = check(asked)
            found = self._pages[dest] = _Checked(scan, targets, problems, tuple(sorted(asked)))
        return found.problems
