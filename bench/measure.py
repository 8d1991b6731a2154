"""Run one command and report its wall time and peak memory as one JSON line.

A fresh process per measured run, so that ``RUSAGE_CHILDREN`` holds this run
alone: its ``ru_maxrss`` is the peak of the largest single process of the
tree. A thread also samples the summed RSS of the whole tree (a process pool's
workers together) every 200 ms; the larger of the two is reported::

    python bench/measure.py --log build.log -- sitegen build site
    {"seconds": 2.71, "peak_rss_kb": 48732, "returncode": 0}
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
    largest_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    peak_kb = max(largest_kb, sampler.peak_bytes // 1024)
    print(json.dumps({"seconds": seconds, "peak_rss_kb": peak_kb, "returncode": returncode}))


class _TreeSampler(threading.Thread):
    """Samples the summed resident memory of a process and all its descendants."""

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
            self.peak_bytes = max(self.peak_bytes, _tree_rss(root))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree_rss(root: psutil.Process) -> int:
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


if __name__ == "__main__":
    main()
