"""Run one command and report its wall time and peak memory as one JSON line.

A fresh process per measured run, so that ``RUSAGE_CHILDREN`` holds this run
alone: its ``ru_maxrss`` is the resident set of the largest single process of
the tree. A process pool's workers are forked from the build and share most
of their pages with it, so summing their RSS would count those pages once per
process. A thread therefore samples, every 200 ms, the summed PSS (proportional
set size: each shared page divided among the processes that map it, from
``/proc/<pid>/smaps_rollup``) of the process and all its descendants. The peak
reported is the larger of the two. ``RUSAGE_CHILDREN`` also gives the CPU time
(user and system) of the command and of every descendant it waited for, which
sitegen does for its workers and its Pagefind runs::

    python bench/measure.py --log build.log -- sitegen build site
    {"seconds": 2.71, "cpu_seconds": 4.9, "peak_kb": 48732, "largest_rss_kb": 48732,
     "tree_pss_kb": 45120, "returncode": 0}
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import threading
import time

import psutil

SAMPLE_SECONDS = 0.2


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", required=True, help="file that receives the command's output")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    with open(args.log, "ab") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        returncode = process.wait()
        seconds = time.perf_counter() - started
        sampler.stop()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    largest_kb = usage.ru_maxrss  # KiB on Linux
    tree_kb = sampler.peak_bytes // 1024
    measured = {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_kb": max(largest_kb, tree_kb),
        "largest_rss_kb": largest_kb,
        "tree_pss_kb": tree_kb,
        "returncode": returncode,
    }
    print(json.dumps(measured))


class _TreeSampler(threading.Thread):
    """Samples the summed PSS of a process and all its descendants; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_bytes = 0
        self._done = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._done.wait(SAMPLE_SECONDS):
            self.peak_bytes = max(self.peak_bytes, _tree_pss(root))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree_pss(root: psutil.Process) -> int:
    """The PSS of ``root`` and its descendants, in bytes; a process that is gone counts 0."""
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):  # exited (or a zombie) meanwhile
            continue
    return total


if __name__ == "__main__":
    main()
