"""The lines around a mistake, with a marker under its column, as modern dev servers show.

Shown under an error's message in the terminal and on the preview's error page::

    >>> print(frame_lines("a: 1\\nauthor: Priya Nair\\nc: 3\\n", line=2, column=9))
      1 | a: 1
    > 2 | author: Priya Nair
        |         ^
      3 | c: 3

Only a file inside the site folder is read: an error may name a built page
or nothing at all, and then there is no frame.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import SiteError, each_error

CONTEXT = 2  # lines shown before and after the offending one
MAX_BYTES = 4 * 1024 * 1024  # as parse.MAX_CONTENT_BYTES: a bigger file has another error
MAX_WIDTH = 160  # a long line is cut: the frame is for finding the place, not reading it


def code_frame(site_dir: Path, error: SiteError) -> str:
    """The frame for ``error`` in a file of ``site_dir``, or ``""`` when there is none."""
    if not error.path or error.line is None:
        return ""
    site = site_dir.resolve()
    path = (site / error.path).resolve()
    if not path.is_relative_to(site) or not path.is_file() or path.stat().st_size > MAX_BYTES:
        return ""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    return frame_lines(text, error.line, error.column)


def frame_lines(text: str, line: int, column: int | None) -> str:
    """Lines ``line`` ± :data:`CONTEXT` of ``text`` numbered, the ``line`` marked."""
    lines = text.removesuffix("\n").split("\n")
    if not 1 <= line <= len(lines):
        return ""
    first, last = max(1, line - CONTEXT), min(len(lines), line + CONTEXT)
    width = len(str(last))
    out = []
    for number in range(first, last + 1):
        shown = lines[number - 1].expandtabs(4).rstrip()[:MAX_WIDTH]
        out.append(f"{'>' if number == line else ' '} {number:>{width}} | {shown}".rstrip())
        if number == line and column:
            before = lines[number - 1][: column - 1].expandtabs(4)
            out.append(f"  {' ' * width} | {' ' * min(len(before), MAX_WIDTH)}^")
    return "\n".join(out)


def with_frame(site_dir: Path, error: SiteError) -> str:
    """The error as the terminal prints it, followed by its frame when it has one;
    each of several errors (:class:`~generator.errors.SiteErrors`) with its own."""
    shown = []
    for each in each_error(error):
        frame = code_frame(site_dir, each)
        shown.append(f"{each}\n{frame}" if frame else str(each))
    return "\n".join(shown)
