"""Memory Python has freed, given back to the system.

glibc keeps what is freed for its own later use, and Python's small objects
live in arenas glibc does not hand out: memory freed by a large allocation
(a pickler's memo table, the bytes of a page) is counted as the process's
until it is given back. The build does so where a large part of what it held
has just been let go of: before its workers are forked (each would count it)
and between the parts of a state save.
"""

from __future__ import annotations

import contextlib
import ctypes


def return_free_memory() -> None:
    """Give the memory that Python freed back to the system (glibc keeps it otherwise)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL(None).malloc_trim(0)
