"""The benchmark page judges hand-made results against the targets (no generator is run)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench import cpu_bound, report, run
from bench.cpu_bound import FLOOR
from bench.results import Result, Sample


def _result(size: int, scenario: str, generator: str, *seconds: float, mb: int = 100) -> Result:
    return Result(size, scenario, generator, [Sample(s, mb * 1024) for s in seconds])


def _verdicts(results: list[Result]) -> dict[tuple[str, int], report.Verdict]:
    return {(v.target.label, v.size): v for v in report.evaluate(results)}


def test_a_time_target_is_met_or_missed_by_its_median():
    found = _verdicts(
        [
            _result(1000, "noop", "sitegen", 0.2, 0.25, 0.9),  # one slow run: the median holds
            _result(1000, "edit", "sitegen", 0.5, 0.6, 0.7),
        ]
    )
    noop, edit = found["no-op rebuild", 1000], found["one-article body edit", 1000]
    assert (noop.value, noop.met, noop.margin) == (0.25, True, "0.050 s under (17%)")
    assert (edit.value, edit.met, edit.margin) == (0.6, False, "0.200 s over (50%)")


def test_cold_build_ratios_against_the_floor_and_the_peers():
    found = _verdicts(
        [
            _result(200, "cold", "sitegen", 11.0),
            _result(200, "cold", "markdown-floor", 10.0),
            _result(200, "cold", "pelican", 33.0),
            _result(200, "cold", "hugo", 12.0),
        ]
    )
    floor = found["cold build over the Markdown floor", 200]
    pelican = found["cold build, speed-up over Pelican", 200]
    hugo = found["cold build, speed-up over Hugo", 200]
    assert floor.value == pytest.approx(1.1) and floor.met
    assert pelican.value == pytest.approx(3.0) and not pelican.met
    assert pelican.margin == "0.30 short (9%)"
    assert hugo.value == pytest.approx(12 / 11) and hugo.met


def test_as_fast_as_hugo_is_not_faster():
    found = _verdicts([_result(200, "cold", "sitegen", 5.0), _result(200, "cold", "hugo", 5.0)])
    assert not found["cold build, speed-up over Hugo", 200].met


def test_targets_at_sizes_or_runs_not_measured_are_left_out():
    results = [
        _result(200, "noop", "sitegen", 0.1),  # the no-op targets are at 1,000 and 10,000
        _result(200, "cold", "sitegen", 3.0),  # no floor or peer measured
        Result(1000, "serve", "sitegen", [], note="`sitegen serve` is not available"),
    ]
    assert report.evaluate(results) == []
    section = report.targets_section(results, cores=2)
    assert "This run measured none of the targets." in section


def test_peak_memory_is_the_highest_of_any_sitegen_run_at_10000():
    found = _verdicts(
        [
            _result(10000, "cold", "sitegen", 90.0, mb=700),
            _result(10000, "edit", "sitegen", 1.0, mb=850),
            _result(10000, "cold", "hugo", 40.0, mb=2000),  # a peer's memory is not judged
            _result(1000, "cold", "sitegen", 9.0, mb=900),  # nor memory at another size
        ]
    )
    memory = found["peak memory", 10000]
    assert (memory.value, memory.scenario, memory.met) == (850, "edit", False)
    assert memory.margin == "50 MB over (6%)"
    assert ("peak memory", 1000) not in found


def test_growth_from_1000_to_10000_per_scenario():
    results = [
        _result(1000, "cold", "sitegen", 10.0),
        _result(10000, "cold", "sitegen", 100.0),
        _result(1000, "noop", "sitegen", 0.2),
        _result(10000, "noop", "sitegen", 2.6),
        _result(1000, "edit", "sitegen", 0.3),  # measured at one size only
        _result(1000, "cold", "hugo", 5.0),  # a peer's growth is not judged
        _result(10000, "cold", "hugo", 90.0),
    ]
    growth = {g.scenario: g for g in report.scaling(results)}
    assert set(growth) == {"cold", "noop"}
    assert growth["cold"].ratio == pytest.approx(10.0) and growth["cold"].met
    assert growth["noop"].ratio == pytest.approx(13.0) and not growth["noop"].met
    section = report.targets_section(results, cores=2)
    assert "| noop | 0.200 | 2.600 | 13.00 | **no** |" in section


def test_the_section_counts_the_targets_met_and_names_the_cores():
    results = [
        _result(1000, "noop", "sitegen", 0.2),
        _result(10000, "noop", "sitegen", 1.8),
    ]
    section = report.targets_section(results, cores=2)
    # met: no-op at 1,000, memory at 10,000 (100 MB), growth (9); missed: no-op at 10,000
    assert "**3 of 4 targets met.**" in section
    assert "| no-op rebuild | 10,000 | 1.800 s | ≤ 1.500 s | **no** | 0.300 s over (20%) |" in (
        section
    )
    assert "This run had" not in section
    assert "This run had 4 cores" in report.targets_section(results, cores=4)


def test_the_results_table_shows_sitegen_over_the_floor():
    results = [
        _result(1000, "cold", "sitegen", 12.0),
        _result(1000, "cold", "markdown-floor", 10.0),
    ]
    assert "| cold | markdown-floor | 10.000 | 10.000 | 10.000 | 100 | 1.20 |" in (
        report.table(results)
    )


def test_every_target_names_a_scenario_and_a_peer_the_runner_measures():
    for target in report.TARGETS:
        assert target.scenario in ("", *run.SCENARIOS)
        assert target.peer in ("", *run.GENERATORS)
        assert target.bound in ("<=", ">=", ">")
    assert "markdown-floor" in report.COLOURS  # the chart draws the floor's bars


def _cold(size: int, generator: str, *runs: tuple[float, float]) -> Result:
    return Result(size, "cold", generator, [Sample(s, 100 * 1024, cpu) for s, cpu in runs])


def test_the_least_wall_time_a_cold_builds_work_allows():
    results = [
        _cold(1000, "sitegen", (13.0, 23.0), (14.0, 24.0), (20.0, 30.0)),
        _cold(1000, "markdown-floor", (6.0, 11.0), (6.0, 12.0), (5.0, 11.5)),
        _cold(10000, "sitegen", (140.0, 240.0)),  # no floor at this size: left out
    ]
    [work] = cpu_bound.cold_work(results, cores=2)
    assert (work.size, work.cpu, work.floor_cpu, work.wall, work.floor_wall) == (
        1000,
        24.0,
        11.5,
        14.0,
        6.0,
    )
    assert work.least_wall == 12.0 and work.least_ratio == 2.0
    section = cpu_bound.section(results, cores=2)
    assert "| 1,000 | 24.0 | 11.5 | 2.09 | 86% | 12.0 | 2.00× |" in section
    assert "10,000" not in section
    # Runs measured before the CPU time was (results of older runs): no section.
    old = [Result(1000, "cold", name, [Sample(10.0, 1024)]) for name in ("sitegen", FLOOR)]
    assert cpu_bound.section(old, cores=2) == ""


def test_the_cpu_time_measured_counts_the_workers_the_command_waited_for(tmp_path):
    # The command burns 0.2 s of CPU in a child it waits for, and almost none itself.
    burn = (
        "import os, time\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    while time.process_time() < 0.2: pass\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
    )
    found = subprocess.run(
        [sys.executable, "bench/measure.py", "--log", str(tmp_path / "log"), "--", sys.executable]
        + ["-c", burn],
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(found.stdout)
    assert measured["returncode"] == 0
    assert measured["cpu_seconds"] >= 0.2
