"""The per-page checks of a cold build, now and at a baseline revision, on the same pages.

The site is rendered once in memory (``Engine.render``); what the engine hands
the link lint (``lint.validate``) and the finishing pass (``Finishing.finish``:
responsive ``<img>`` and foreign hosts) is kept, and each is then timed cold
(fresh memos) with this checkout's modules and with ``lint.py``, ``images.py``
and ``privacy.py`` as they were at ``--baseline``, loaded from git into
modules of their own, the two in turn. Both must give the same findings and
the same bytes::

    python bench/corpus.py 1000 /tmp/lintc1k
    python bench/checks_bench.py /tmp/lintc1k/sitegen --runs 5
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

from generator import lint
from generator.build_options import BuildOptions
from generator.engine import finishing, pipeline
from generator.engine.pipeline import Engine

ROOT = Path(__file__).resolve().parent.parent
# The revision before the checks were made faster.
BASELINE = "2121ef4"
NOW = datetime(2030, 1, 1, tzinfo=UTC)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    args = parser.parse_args(argv)
    old = {name: _module_at(args.baseline, name) for name in ("lint", "images", "privacy")}
    lint_args, finish_args = _captured_inputs(args.site)
    print(f"{sum(d.endswith('.html') for d in lint_args[4])} pages", flush=True)

    def lint_now():
        return lint.validate(*lint_args[:7], lint.LintMemo())

    def lint_then():
        return old["lint"].validate(*lint_args[:7], old["lint"].LintMemo())

    def finish_now():
        return finishing.Finishing().finish(*finish_args)

    def finish_then():
        with (
            mock.patch.object(finishing, "responsive_pages", old["images"].responsive_pages),
            mock.patch.object(finishing, "check_hosts", old["privacy"].check_hosts),
        ):
            return finishing.Finishing().finish(*finish_args)

    assert _findings(lint_now()) == _findings(lint_then()), "the link lint differs"
    assert _finished(finish_now()) == _finished(finish_then()), "the finishing pass differs"
    print(f"load average {os.getloadavg()[0]:.2f}", flush=True)
    for label, then, now in (
        ("lint.validate", lint_then, lint_now),
        ("finishing pass", finish_then, finish_now),
    ):
        for clock, (before, after) in _medians(then, now, args.runs).items():
            print(
                f"{label:15} {clock:4} baseline {before:7.3f} s  now {after:7.3f} s  "
                f"{before / after:5.1f}x faster",
                flush=True,
            )
    print(f"load average {os.getloadavg()[0]:.2f}", flush=True)


def _module_at(revision: str, name: str):
    """``generator/<name>.py`` as it was at ``revision``, as a module of its own."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:generator/{name}.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module_name = f"_baseline_{name}"
    spec = importlib.util.spec_from_loader(module_name, loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up
    exec(compile(source, f"{revision}:generator/{name}.py", "exec"), module.__dict__)
    return module


def _captured_inputs(site: Path) -> tuple[tuple, tuple]:
    """Render the site once; keep the arguments of ``validate`` and of the finishing pass."""
    engine = Engine(site, BuildOptions(now=NOW))
    kept: dict[str, tuple] = {}
    finish, validate = engine._memos.finishing.finish, pipeline.validate

    def keep_finish(*args):
        kept["finish"] = args
        return finish(*args)

    def keep_validate(*args):
        kept["validate"] = args
        return validate(*args)

    engine._memos.finishing.finish = keep_finish
    with mock.patch.object(pipeline, "validate", keep_validate):
        started = time.perf_counter()
        engine.render()
    print(f"rendered in {time.perf_counter() - started:.1f} s", flush=True)
    return kept["validate"], kept["finish"]


def _medians(then, now, runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each, run in turn so that both see the same load."""
    clocks = {"wall": time.perf_counter, "cpu": time.process_time}
    seconds: dict = {(clock, run): [] for clock in clocks for run in (then, now)}
    for _ in range(runs):
        for run in (then, now):
            started = {clock: read() for clock, read in clocks.items()}
            run()
            for clock, read in clocks.items():
                seconds[clock, run].append(read() - started[clock])
    return {
        clock: (statistics.median(seconds[clock, then]), statistics.median(seconds[clock, now]))
        for clock in clocks
    }


def _findings(findings) -> list[tuple]:
    return [(f.rule, f.path, f.line, f.column, f.severity, f.message, f.hint) for f in findings]


def _finished(result) -> tuple:
    outputs, problems = result
    return outputs, [(p.rule, p.path, p.line, p.message, p.hint) for p in problems]


if __name__ == "__main__":
    main()
