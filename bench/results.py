"""What a scenario measured: samples per generator and size."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass
class Sample:
    seconds: float
    peak_memory_kb: int  # see bench/measure.py (serve: the server's own high-water mark)
    cpu_seconds: float | None = None  # user + system time of the process tree (measure.py)


@dataclass
class Result:
    size: int
    scenario: str
    generator: str
    samples: list[Sample]
    reload_seconds: list[float] | None = None  # serve: edit to reload message
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(sample.seconds for sample in self.samples)

    @property
    def median_cpu(self) -> float | None:
        """The median CPU time of the runs; None when a run did not measure it."""
        found = [sample.cpu_seconds for sample in self.samples]
        if not found or None in found:
            return None
        return statistics.median(found)

    @property
    def peak_memory_mb(self) -> float:
        return max(sample.peak_memory_kb for sample in self.samples) / 1024


def result_of(results: list[Result], size: int, scenario: str, generator: str) -> Result | None:
    """The result of ``generator`` in ``scenario`` at ``size``, if it has samples."""
    for result in results:
        if (result.size, result.scenario, result.generator) == (size, scenario, generator):
            return result if result.samples else None
    return None
