"""Work spread over every core: parsing and rendering are the cold build's largest costs.

Both are pure functions of their input, so the result is the same, byte for
byte, as doing the work in the calling process; small amounts of work are done
there, where starting workers would cost more than it saves.

- :func:`parse_many` sends batches of source files to a pool; each worker
  builds its own Markdown instance once (see ``parse``).
- :func:`map_forked` runs a function over a list in forked workers, which
  inherit the function and the list (the site model, the Jinja environment
  with its compiled templates) instead of having them pickled. Only the results
  travel back. It falls back to a plain loop where forking is not safe (a
  process with other threads running, as the dev server is) or not available.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from generator.discover import SourceFile
from generator.parse import ParsedFile, parse_source
from generator.progress import Progress

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many files a pool costs more (start-up, pickling) than it saves.
MIN_FILES_FOR_POOL = 200
MIN_ITEMS_FOR_FORK = 200
_BATCH = 32


def parse_many(
    sources: Sequence[SourceFile], workers: int | None = None, progress: Progress | None = None
) -> list[ParsedFile]:
    """``[parse_source(s) for s in sources]``, spread over ``workers`` processes.

    The first error in file order is raised, as a serial loop would raise it.
    """
    progress = progress or Progress()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers < 2 or len(sources) < MIN_FILES_FOR_POOL:
        return [_counted(parse_source(source), progress, 1) for source in sources]
    batches = [sources[i : i + _BATCH] for i in range(0, len(sources), _BATCH)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = [
            _counted(result, progress, len(batch))
            for batch, result in zip(batches, pool.map(_parse_batch, batches), strict=True)
        ]
    return _flattened(results)


def map_forked(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[Result]:
    """``[function(item) for item in items]`` on every core, in forked workers.

    ``function`` may be a closure over anything: workers inherit it. The first
    exception in item order is raised, as a serial loop would raise it.
    """
    progress = progress or Progress()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers < 2 or len(items) < MIN_ITEMS_FOR_FORK or not _can_fork():
        return [_counted(function(item), progress, 1) for item in items]
    global _TASK
    _TASK = (function, items)
    try:
        context = multiprocessing.get_context("fork")
        spans = [(i, min(i + _BATCH, len(items))) for i in range(0, len(items), _BATCH)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = [
                _counted(result, progress, end - start)
                for (start, end), result in zip(spans, pool.map(_run_span, spans), strict=True)
            ]
    finally:
        _TASK = None
    return _flattened(results)


# What forked workers run: set just before the fork, so that they inherit it.
_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _can_fork() -> bool:
    # A child forked while other threads run may inherit a lock one of them held.
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _run_span(span: tuple[int, int]) -> list | BaseException:
    assert _TASK is not None
    function, items = _TASK
    done = []
    for index in range(*span):
        try:
            done.append(function(items[index]))
        except Exception as error:  # noqa: BLE001 - raised again, in order, by the caller
            return error
    return done


def _parse_batch(batch: Sequence[SourceFile]) -> list[ParsedFile] | BaseException:
    parsed = []
    for source in batch:
        try:
            parsed.append(parse_source(source))
        except Exception as error:  # noqa: BLE001 - raised again, in order, by the caller
            return error
    return parsed


def _counted(result, progress: Progress, count: int):
    """``result``, once ``progress`` has counted the ``count`` items it stands for."""
    progress.advance(count)
    return result


def _flattened(results: list) -> list:
    done: list = []
    for batch in results:
        if isinstance(batch, BaseException):
            raise batch
        done.extend(batch)
    return done
