"""One heap for all of sitegen's threads: counted by glibc itself (``malloc_info`` lists
each heap), in a fresh interpreter whose second thread allocates while the first holds
what it allocated."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import pytest

from generator import free_memory
from tests.conftest import REPO

_HEAPS_AFTER_A_THREAD = """
import ctypes, sys, tempfile, threading
from generator import cli
from generator.free_memory import share_one_heap
held = [bytearray(2048) for _ in range(2000)]  # above Python's small-object size: glibc's

def allocate():
    held.extend(bytearray(2048) for _ in range(2000))

def heaps_after_a_thread(held=None):
    thread = threading.Thread(target=allocate)
    thread.start()
    thread.join()
    libc = ctypes.CDLL(None)
    libc.fopen.restype = ctypes.c_void_p
    with tempfile.NamedTemporaryFile(suffix=".xml") as report:
        stream = libc.fopen(report.name.encode(), b"w")
        libc.malloc_info(0, ctypes.c_void_p(stream))
        libc.fclose(ctypes.c_void_p(stream))
        print(open(report.name).read().count("<heap nr="), flush=True)
    return 0

if sys.argv[1] == "command":  # the command itself stands in for a build that starts threads
    cli.main = heaps_after_a_thread
    cli.run()
if sys.argv[1] == "shared":
    share_one_heap()
heaps_after_a_thread()
"""


def _glibc() -> bool:
    try:
        return hasattr(ctypes.CDLL(None), "malloc_info")
    except OSError:
        return False


def _heaps(mode: str) -> int:
    command = [sys.executable, "-c", _HEAPS_AFTER_A_THREAD, mode]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=True)
    return int(done.stdout.strip())


@pytest.mark.skipif(not _glibc(), reason="the C library is not glibc: it keeps its own heaps")
def test_threads_allocate_from_the_one_heap_once_it_is_shared():
    assert _heaps("own") >= 2  # by default the second thread got a heap of its own
    assert _heaps("shared") == 1


@pytest.mark.skipif(not _glibc(), reason="the C library is not glibc: it keeps its own heaps")
def test_the_command_shares_one_heap_before_its_command_runs():
    """``sitegen`` (``cli.run``) sets it before the command, which may start threads."""
    assert _heaps("command") == 1


@pytest.mark.parametrize("error", [OSError, AttributeError, TypeError])
def test_without_glibc_memory_is_left_as_the_c_library_keeps_it(monkeypatch, error):
    """macOS's C library has no ``mallopt`` nor ``malloc_trim``; on Windows there is no C
    library to open by the name None: ``sitegen`` starts and builds all the same."""

    def no_glibc(name):
        raise error("no glibc here")

    monkeypatch.setattr(free_memory.ctypes, "CDLL", no_glibc)
    free_memory.share_one_heap()
    free_memory.return_free_memory()
