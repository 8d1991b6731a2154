"""How near the Markdown floor a cold build could come on the machine, given the work it does.

A build cannot end sooner than its CPU time spread over every core. So sitegen's
CPU time in a cold build, over the cores, is the least wall time any scheduling
of the same work could reach; over the floor's median wall time, it is the least
ratio to the floor (the cold-build targets' quantity) that work allows. Where
that bound is already above a target, the target needs less work, not better
use of the cores::

    for work in cold_work(results, os.cpu_count()):
        work.least_ratio   # 2.24: no scheduling of this work reaches 2.0x the floor
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.results import Result, result_of

FLOOR = "markdown-floor"


@dataclass(frozen=True)
class ColdWork:
    """sitegen's cold build and the floor's at one size, in medians."""

    size: int
    cores: int
    wall: float  # sitegen's wall seconds
    cpu: float  # sitegen's CPU seconds (user + system, its process tree)
    floor_wall: float
    floor_cpu: float

    @property
    def cpu_ratio(self) -> float:
        return self.cpu / self.floor_cpu

    @property
    def busy(self) -> float:
        """The share of the cores' time the build kept busy."""
        return self.cpu / (self.wall * self.cores)

    @property
    def least_wall(self) -> float:
        return self.cpu / self.cores

    @property
    def least_ratio(self) -> float:
        return self.least_wall / self.floor_wall


def cold_work(results: list[Result], cores: int) -> list[ColdWork]:
    """Each size at which both sitegen's and the floor's cold runs measured their CPU time."""
    found = []
    for size in sorted({result.size for result in results}):
        ours, floor = (result_of(results, size, "cold", name) for name in ("sitegen", FLOOR))
        if ours is None or floor is None:
            continue
        cpu, floor_cpu = ours.median_cpu, floor.median_cpu
        if cpu is None or floor_cpu is None:
            continue
        found.append(ColdWork(size, cores, ours.median, cpu, floor.median, floor_cpu))
    return found


def section(results: list[Result], cores: int) -> str:
    """The Markdown section on the work of a cold build; empty if the run did not measure it."""
    found = cold_work(results, cores)
    if not found:
        return ""
    out = [
        "## Work in a cold build",
        "",
        "CPU time (user and system, of the build and of every worker and Pagefind run it",
        "waited for) in the cold scenario, medians. A build cannot end sooner than its CPU",
        f"time spread over the {cores} cores: the last two columns are that least wall time",
        "and its ratio to the floor's median wall time, the lowest ratio any scheduling of",
        "the same work could reach on this machine.",
        "",
        "| N | sitegen CPU s | floor CPU s | CPU ratio | cores busy | least wall s "
        "| least over the floor |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    out += [
        f"| {w.size:,} | {w.cpu:.1f} | {w.floor_cpu:.1f} | {w.cpu_ratio:.2f} | {w.busy:.0%} "
        f"| {w.least_wall:.1f} | {w.least_ratio:.2f}× |"
        for w in found
    ]
    return "\n".join([*out, ""])
