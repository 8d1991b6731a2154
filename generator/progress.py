"""What a long build shows while it works: a line redrawn on a terminal, plain lines in a log.

The engine tells a :class:`Progress` which stage it is in and how far it got;
the default one shows nothing. The CLI picks one for its standard error::

    progress = for_stream(sys.stderr)
    progress.start("Parsing", 2400, "files")
    progress.advance(32)
    ...
    progress.finish()

On a terminal (:class:`TerminalProgress`) one line is redrawn in place,
``Parsing  1,216/2,400 files  51%``, and cleared when the stage ends. Elsewhere,
a CI log say (:class:`LogProgress`), each long stage ends with one line,
``Parsed 2,400 files in 3.1 s (770 files/s)``. Quick stages show nothing in
either: a small site, or a rebuild with little to do, is as quiet as before.
"""

from __future__ import annotations

import time
from typing import TextIO

# A stage is shown when it takes SLOW seconds, or BRIEF seconds for MANY items or more.
MANY = 200
SLOW = 1.0
BRIEF = 0.2
_REDRAW = 0.1  # seconds between redraws on a terminal
_PAST = {"Reading": "Read", "Parsing": "Parsed", "Rendering": "Rendered"}
_PAST |= {"Checking": "Checked", "Indexing": "Indexed", "Writing": "Wrote", "Sending": "Sent"}


class Progress:
    """Told what the build does; shows nothing."""

    def start(self, stage: str, total: int | None, unit: str) -> None:
        """A stage begins: ``total`` items (None when not known yet) called ``unit``."""

    def advance(self, count: int = 1) -> None:
        """``count`` more items of the stage are done."""

    def finish(self) -> None:
        """The stage is over."""

    def note(self, line: str) -> None:
        """Something the user should know, between stages (another build to wait for)."""


def for_stream(stream: TextIO) -> Progress:
    """A redrawn line for a terminal, plain summary lines for anything else."""
    isatty = getattr(stream, "isatty", None)
    return TerminalProgress(stream) if isatty is not None and isatty() else LogProgress(stream)


class _Counting(Progress):
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.stage, self.unit, self.total, self.done = "", "", None, 0
        self.started = 0.0

    def start(self, stage: str, total: int | None, unit: str) -> None:
        self.stage, self.total, self.unit, self.done = stage, total, unit, 0
        self.started = time.perf_counter()

    def note(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def advance(self, count: int = 1) -> None:
        self.done += count

    def _worth_showing(self, seconds: float) -> bool:
        many = (self.total or self.done) >= MANY
        return seconds >= SLOW or (many and seconds >= BRIEF)


class LogProgress(_Counting):
    """One line when a long stage ends, for logs that a redrawn line would clutter."""

    def finish(self) -> None:
        seconds = time.perf_counter() - self.started
        if self.stage and self._worth_showing(seconds):
            count = self.total if self.total is not None else self.done
            rate = f" ({count / seconds:,.0f} {self.unit}/s)" if seconds > 0 else ""
            past = _PAST.get(self.stage, self.stage)
            print(f"{past} {count:,} {self.unit} in {seconds:.1f} s{rate}", file=self.stream)
            self.stream.flush()
        self.stage = ""


class TerminalProgress(_Counting):
    """One line redrawn in place while a stage runs, cleared when it ends."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._drawn = 0.0
        self._width = 0

    def advance(self, count: int = 1) -> None:
        super().advance(count)
        now = time.perf_counter()
        if now - self._drawn >= _REDRAW and self._worth_showing(now - self.started + SLOW / 2):
            self._drawn = now
            self._draw(self._line())

    def finish(self) -> None:
        if self._width:
            self._draw("")
        self.stage = ""

    def _line(self) -> str:
        if self.total:
            share = min(100, 100 * self.done // self.total)
            return f"{self.stage}  {self.done:,}/{self.total:,} {self.unit}  {share}%"
        return f"{self.stage}  {self.done:,} {self.unit}"

    def _draw(self, text: str) -> None:
        padding = " " * max(0, self._width - len(text))
        self.stream.write("\r" + text + padding + ("\r" if not text else ""))
        self.stream.flush()
        self._width = len(text)
