"""Work spread over every core: parsing and rendering are the cold build's largest costs.

Both are pure functions of their input, so the result is the same, byte for
byte, as doing the work in the calling process; small amounts of work are done
there, where starting workers would cost more than it saves.

- :func:`parse_many` sends batches of source files to a pool; each worker
  builds its own Markdown instance once (see ``parse``).
- :func:`map_forked` (and :func:`imap_forked`, which yields results as they
  come) runs a function over a list in forked workers, which
  inherit the function and the list (the site model, the Jinja environment
  with its compiled templates) instead of having them pickled. Only the results
  travel back. It falls back to a plain loop where forking is not safe (a
  process with other threads running, as the dev server is) or not available.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
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
    with _pool(workers) as pool:
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
    return list(imap_forked(function, items, workers, progress))


def imap_forked(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int | None = None,
    progress: Progress | None = None,
) -> Iterator[Result]:
    """:func:`map_forked`, yielding each result in order as soon as it is there, so that
    the caller can take (and let go of) results while the workers go on.

    The calling process is one of the workers: it does one batch in ``workers`` itself,
    so that one process fewer holds its own copy of what it touches (rendering
    touches much of the site, and each touch of an inherited object copies it)."""
    progress = progress or Progress()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers < 2 or len(items) < MIN_ITEMS_FOR_FORK or not _can_fork():
        for item in items:
            yield _counted(function(item), progress, 1)
        return
    global _TASK
    _TASK = (function, items)
    # Objects the workers inherit stay shared only while nobody writes to them: the cyclic
    # garbage collector would (its bookkeeping lives in every object), so it leaves the
    # inherited ones alone; each worker would otherwise end up with a copy of the site.
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    _return_free_memory()  # what is free now would otherwise count in every worker
    try:
        spans = [(i, min(i + _BATCH, len(items))) for i in range(0, len(items), _BATCH)]
        with _pool(workers - 1, multiprocessing.get_context("fork")) as pool:
            # One batch in ``workers`` is the caller's own; the pool does the rest.
            theirs = {
                i: pool.submit(_run_span, span) for i, span in enumerate(spans) if i % workers
            }
            for i, (start, end) in enumerate(spans):
                batch = theirs.pop(i).result() if i in theirs else _run_span((start, end))
                if isinstance(batch, BaseException):
                    raise batch
                yield from _counted(batch, progress, end - start)
    finally:
        _TASK = None
        if not frozen_before:  # a caller's freeze is the caller's to undo
            gc.unfreeze()


@contextlib.contextmanager
def _pool(workers: int, context=None) -> Iterator[ProcessPoolExecutor]:
    """A pool whose workers die with this process, and that an error or an interrupt
    (Ctrl-C, SIGTERM) stops at once: the work not started yet is dropped, not waited for."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int) -> None:
    """Run first in every worker: when the build process dies, however it dies (even by
    ``kill -9``), the kernel kills its workers too, instead of leaving them blocked on a
    pipe nobody writes to any more. Interrupts are the build process's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the pipe's end stops it
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


# What forked workers run: set just before the fork, so that they inherit it.
_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _return_free_memory() -> None:
    """Give the memory that Python freed back to the system (glibc keeps it otherwise)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL(None).malloc_trim(0)


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
