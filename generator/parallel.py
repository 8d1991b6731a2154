"""Parsing many files on every core: the cold build's largest cost is Python-Markdown.

Each worker process builds its own Markdown instance once (see ``parse``) and
parses whole batches, so pickling stays small next to the work. Parsing is a
pure function of a file's bytes, so the result is the same, byte for byte, as
parsing in the calling process; small batches are parsed there, where starting
workers would cost more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from generator.discover import SourceFile
from generator.parse import ParsedFile, parse_source

# Below this many files a pool costs more (start-up, pickling) than it saves.
MIN_FILES_FOR_POOL = 200
_BATCH = 32


def parse_many(sources: Sequence[SourceFile], workers: int | None = None) -> list[ParsedFile]:
    """``[parse_source(s) for s in sources]``, spread over ``workers`` processes.

    The first error in file order is raised, as a serial loop would raise it.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers < 2 or len(sources) < MIN_FILES_FOR_POOL:
        return [parse_source(source) for source in sources]
    batches = [sources[i : i + _BATCH] for i in range(0, len(sources), _BATCH)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_parse_batch, batches))
    parsed: list[ParsedFile] = []
    for batch in results:
        if isinstance(batch, BaseException):
            raise batch
        parsed.extend(batch)
    return parsed


def _parse_batch(batch: Sequence[SourceFile]) -> list[ParsedFile] | BaseException:
    parsed = []
    for source in batch:
        try:
            parsed.append(parse_source(source))
        except Exception as error:  # noqa: BLE001 - raised again, in order, by the caller
            return error
    return parsed
