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
  travel back. A worker does a round of batches and is then replaced by a fresh
  fork, so that what it copied of the inherited memory is let go of. It falls
  back to a plain loop where forking is not safe (a process with other threads
  running, as the dev server is) or not available.
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
from generator.free_memory import return_free_memory
from generator.parse import ParsedFile, parse_source
from generator.progress import Progress

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many files a pool costs more (start-up, pickling) than it saves.
MIN_FILES_FOR_POOL = 200
MIN_ITEMS_FOR_FORK = 200
_BATCH = 32
# Batches each forked worker does before it is replaced by a fresh fork (see imap_forked).
_ROUND_BATCHES = 16


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
    task = _Task(function, items)
    # Objects the workers inherit stay shared only while nobody writes to them: the cyclic
    # garbage collector would (its bookkeeping lives in every object), so it leaves the
    # inherited ones alone; each worker would otherwise end up with a copy of the site.
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    return_free_memory()  # what is free now would otherwise count in every worker
    try:
        spans = [(i, min(i + _BATCH, len(items))) for i in range(0, len(items), _BATCH)]
        # A worker lives for one round only, and the next round's is forked afresh: every
        # page of the build process that either side writes to (a reference count, a page
        # of results) is copied, and a worker's copies go with it, not on to the end.
        per_round = workers * _ROUND_BATCHES
        for first in range(0, len(spans), per_round):
            yield from _forked_round(task, spans[first : first + per_round], workers, progress)
    finally:
        if not frozen_before:  # a caller's freeze is the caller's to undo
            gc.unfreeze()


def _forked_round(
    task: _Task, spans: list[tuple[int, int]], workers: int, progress: Progress
) -> Iterator[Any]:
    """The results of ``task`` over ``spans``, in order, from a pool forked for them alone."""
    with _pool(workers - 1, multiprocessing.get_context("fork"), task) as pool:
        # One batch in ``workers`` is the caller's own; the pool does the rest.
        theirs = {i: pool.submit(_run_span, span) for i, span in enumerate(spans) if i % workers}
        for i, (start, end) in enumerate(spans):
            batch = theirs.pop(i).result() if i in theirs else task.run((start, end))
            if isinstance(batch, BaseException):
                raise batch
            yield from _counted(batch, progress, end - start)


@contextlib.contextmanager
def _pool(workers: int, context=None, task: _Task | None = None) -> Iterator[ProcessPoolExecutor]:
    """A pool whose workers die with this process, and that an error or an interrupt
    (Ctrl-C, SIGTERM) stops at once: the work not started yet is dropped, not waited for.

    ``task`` is what forked workers run (:func:`_start_worker`)."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), task),
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


class _Task:
    """A function over a list, run by forked workers span by span (they inherit both)."""

    def __init__(self, function: Callable[[Any], Any], items: Sequence[Any]) -> None:
        self.function = function
        self.items = items

    def run(self, span: tuple[int, int]) -> list | BaseException:
        done = []
        for index in range(*span):
            try:
                done.append(self.function(self.items[index]))
            except Exception as error:  # noqa: BLE001 - raised again, in order, by the caller
                return error
        return done


# The task of this process when it is a forked worker of imap_forked, and only then.
# A pool worker runs what it is sent, pickled: a function by its name and the span;
# the task it inherited by fork (a closure over the site, the Jinja environment) can
# only be reached by a name, so the pool's initializer puts it here in each worker.
# The build's own process never sets it, and a worker ends with its pool, after one
# map: nothing here outlives a build or passes from one build to the next.
_WORKER_TASK: _Task | None = None


def _start_worker(parent: int, task: _Task | None) -> None:
    """Run first in every worker (with the fork start method ``task`` is inherited, not
    pickled)."""
    global _WORKER_TASK
    _die_with_parent(parent)
    _WORKER_TASK = task


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


def _can_fork() -> bool:
    # A child forked while other threads run may inherit a lock one of them held.
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _run_span(span: tuple[int, int]) -> list | BaseException:
    """In a forked worker: its task over one span of the items."""
    assert _WORKER_TASK is not None
    return _WORKER_TASK.run(span)


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
