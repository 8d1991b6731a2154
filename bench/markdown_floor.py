"""The Markdown floor: Python-Markdown alone over the sitegen corpus, on every core.

A cold build has to convert every article's Markdown to HTML, so it can be no
faster than that conversion spread over the cores. This script does only that:
it reads each ``.md`` file under the folder it is given, cuts off the front
matter, and converts the rest with Python-Markdown configured as sitegen
configures it (``generator.markdown_text._markdown_instance``: same extensions, same
``toc`` settings, sitegen's ``slugify``), one Markdown instance per worker
process, ``reset()`` between files, in ``os.cpu_count()`` processes. The
runner measures it as the ``markdown-floor`` row of the cold scenario::

    python bench/markdown_floor.py bench/.work/n1000/sitegen/content/posts
    converted 1,593 files (7.6 MB of Markdown, 9.1 M characters of HTML) in 2 processes
"""

from __future__ import annotations

import argparse
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from markdown import Markdown

from generator.html_safety import SAFETY_CHECK
from generator.markdown_text import new_converter

BATCH = 32  # files per task, as sitegen's parse_many sends them

# An opening '---' line, the fields, a closing '---' line (or the end of the file).
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?^---[ \t]*(?:\n|\Z)", re.DOTALL | re.MULTILINE)

_MARKDOWN: Markdown | None = None  # this worker's instance


def markdown_instance() -> Markdown:
    """A Markdown converter with the extensions and settings of sitegen's parser."""
    converter = new_converter()
    # What sitegen sets for a file without an anchor:
    converter.footnotes.setConfig("SEPARATOR", "-")
    # sitegen's own look for code that would run is sitegen's work, not Markdown's:
    # left in, it would make the floor slower and every ratio to it look better.
    converter.markdown.treeprocessors.deregister(SAFETY_CHECK)
    converter.markdown.postprocessors.deregister(SAFETY_CHECK)
    return converter.markdown


def body(data: bytes) -> str:
    """A content file's Markdown: the text after its front matter block.

    >>> body(b"---\\ntitle: Sleep\\n---\\nRest *well*.\\n")
    'Rest *well*.\\n'
    """
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return _FRONT_MATTER.sub("", text, count=1)


def convert_all(files: list[Path], processes: int) -> tuple[int, int]:
    """Convert ``files`` in ``processes`` workers: (bytes of Markdown read, characters of HTML)."""
    batches = [[str(path) for path in files[i : i + BATCH]] for i in range(0, len(files), BATCH)]
    with ProcessPoolExecutor(max_workers=processes, initializer=_start_worker) as pool:
        totals = list(pool.map(_convert_batch, batches))
    return sum(read for read, _ in totals), sum(written for _, written in totals)


def _start_worker() -> None:
    global _MARKDOWN
    _MARKDOWN = markdown_instance()


def _convert_batch(paths: list[str]) -> tuple[int, int]:
    assert _MARKDOWN is not None
    read = written = 0
    for path in paths:
        data = Path(path).read_bytes()
        _MARKDOWN.reset()
        written += len(_MARKDOWN.convert(body(data)))
        read += len(data)
    return read, written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("posts", type=Path, help="a corpus's sitegen content/posts folder")
    args = parser.parse_args(argv)
    files = sorted(args.posts.rglob("*.md"))
    if not files:
        raise SystemExit(f"{args.posts}: no Markdown files")
    processes = os.cpu_count() or 1
    read, written = convert_all(files, processes)
    print(
        f"converted {len(files):,} files ({read / 1e6:.1f} MB of Markdown, "
        f"{written / 1e6:.1f} M characters of HTML) in {processes} processes"
    )


if __name__ == "__main__":
    main()
