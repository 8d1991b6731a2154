"""Text kept in a file of the saved state and read when it is used: the parsed HTML.

A build after an edit loads every parsed file and article of the saved state,
but renders only the few pages the edit touched: the HTML of the others (at
10,000 articles, ~150 MB of strings) need not be in memory. A snapshot's
segments keep each such text in a text file of their own
(:mod:`generator.engine.segments`), and a record loaded from one holds a
:class:`StoredText` where it held a string::

    >>> text = StoredText.of_string("<p>Hi</p>")  # a test's stand-in: held in memory
    >>> text == "<p>Hi</p>" and str(text) == "<p>Hi</p>" and "Hi" in text
    True

It is equal to, hashes as and encodes (:mod:`generator.canonical`) as the string
it stands for, so fingerprints and comparisons are those of the string: a
resumed build renders exactly what a build that kept the strings renders. What
reads it as a string (a template printing it, a filter) reads the file each
time; nothing of it is kept.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any


class TextUnreadable(Exception):
    """The state's text file no longer holds the text (removed or changed by hand)."""


class TextFile:
    """A text file of the saved state, open from when a load first names it: a save by
    another build that removes it (or puts another file in its place) leaves what this
    one reads as it was."""

    __slots__ = ("path", "_fd")

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))

    def size(self) -> int:
        return os.fstat(self._fd).st_size

    def read(self, offset: int, length: int) -> bytes:
        return os.pread(self._fd, length, offset)

    def __del__(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.close(self._fd)


class StoredText:
    """A text at ``offset`` of a text file, ``length`` bytes of UTF-8."""

    __slots__ = ("file", "offset", "length", "_held")

    def __init__(self, file: TextFile | None, offset: int, length: int) -> None:
        self.file, self.offset, self.length = file, offset, length
        self._held: str | None = None

    @classmethod
    def of_string(cls, value: str) -> StoredText:
        """A stored text that holds its value (for tests, and a text with no file)."""
        made = cls(None, 0, len(value.encode("utf-8", "surrogatepass")))
        made._held = value
        return made

    def moved(self, file: TextFile, offset: int) -> None:
        """Now at ``offset`` of ``file`` (the same bytes, written again by a save)."""
        self.file, self.offset = file, offset

    def __str__(self) -> str:
        if self._held is not None or self.file is None:
            return self._held or ""
        try:
            data = self.file.read(self.offset, self.length)
        except OSError as error:
            raise TextUnreadable(f"{self.file.path}: {error}") from None
        if len(data) != self.length:
            raise TextUnreadable(f"{self.file.path} ends before the text at {self.offset}")
        return data.decode("utf-8", "surrogatepass")

    def __html__(self) -> str:  # markupsafe: printed as it is, like the string was
        return str(self)

    def __repr__(self) -> str:
        path = self.file.path if self.file is not None else None
        return f"StoredText({path!r}, {self.offset}, {self.length})"

    def __reduce__(self):  # pickled anywhere but a segment: the string itself
        return str, (str(self),)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, StoredText):
            if other.file is self.file is not None and other.offset == self.offset:
                return True
            return self.length == other.length and str(self) == str(other)
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __bool__(self) -> bool:
        return self.length > 0

    def __contains__(self, part: str) -> bool:
        return part in str(self)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __getattr__(self, name: str) -> Any:  # str's methods: strip, split, ...
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)
