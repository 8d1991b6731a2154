"""What a scenario measured: samples per generator and size."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass
class Sample:
    seconds: float
    peak_memory_kb: int  # see bench/measure.py (serve: the server's own high-water mark)


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
    def peak_memory_mb(self) -> float:
        return max(sample.peak_memory_kb for sample in self.samples) / 1024
