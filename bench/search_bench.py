"""The search index alone: a sharded index from scratch, after a one-page edit, and one index.

Pages are made in memory from the benchmark corpus (``bench/corpus.py``): each
article's Markdown becomes an article-like page, headings and paragraphs inside
``data-pagefind-body`` and chrome marked ``data-pagefind-ignore``, like the
theme's. For each size this measures, in this process:

- ``scratch``: :class:`generator.search.SearchIndex` made from nothing (all shards);
- ``edit``: the update after one article's body changed (a different article
  each run, so one shard is indexed again);
- ``single``: one Pagefind index of every page, as the build made before shards,
  as the baseline of the same run.

each with its CPU time (this process's and Pagefind's: on a shared machine it
says more than the wall time) and the wall time of each Pagefind run. Peak RSS
is measured in one more build from scratch, each Pagefind run started by a
small Python process that reports its child's ``ru_maxrss``: a child forked
straight from this process, which holds every page, would count this process's
memory as its own. ``--browser`` also times a first and a next search in
Chromium, the sharded index against one index::

    python bench/search_bench.py --sizes 1000 10000 --runs 5 --browser
"""

from __future__ import annotations

import argparse
import html
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # `python bench/search_bench.py` runs from anywhere

from bench.corpus import make_article  # noqa: E402
from generator import search, search_runs  # noqa: E402
from generator.discover import digest_of  # noqa: E402
from generator.errors import OutputError  # noqa: E402


@dataclass
class Runs:
    """The Pagefind runs of one measured call: wall seconds, and peak RSS in MiB when measured."""

    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)


_RUNS = Runs()
_MEASURE_MEMORY = False
# Runs a command and prints the peak RSS (KiB) of its process on stderr's last line.
_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
_real_start = search_runs._start


def _measured_start(command: list[str]) -> Callable[[], None]:
    """``search_runs._start`` with the run's wall time, and its peak memory when asked,
    recorded when it is waited for."""
    started = time.perf_counter()
    if not _MEASURE_MEMORY:
        wait = _real_start(command)

        def waited() -> None:
            wait()
            _RUNS.seconds.append(time.perf_counter() - started)

        return waited
    process = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def measured() -> None:
        _, errors = process.communicate()
        _RUNS.seconds.append(time.perf_counter() - started)
        *output, peak_kib = errors.strip().splitlines()
        _RUNS.peak_mib.append(int(peak_kib) / 1024)
        if process.returncode:
            raise OutputError(search.SEARCH_FOLDER, "\n".join(output)[-500:])

    return measured


def _page(index: int, edits: int = 0) -> bytes:
    article = make_article(index)
    body = _html_of(article.markdown() + "\n\nEdited once more.\n" * edits)
    title = html.escape(article.title)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} | Clinic</title></head><body>"
        '<header data-pagefind-ignore><nav><a href="/">Home</a> <a href="/search/">Search</a>'
        "</nav></header><main>"
        f'<article class="article" data-pagefind-body><h1>{title}</h1>'
        f'<div class="byline" data-pagefind-ignore>By {html.escape(article.author)}</div>'
        f"{body}"
        '<footer class="article__footer" data-pagefind-ignore><h2>Related</h2></footer>'
        "</article></main><footer>The clinic</footer></body></html>"
    ).encode()


def _html_of(markdown: str) -> str:
    """Enough of Markdown for an index: headings, list items, table rows, paragraphs."""
    parts = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        text = html.escape(block)
        text = re.sub(r"\*([^*]+)\*", r"<em>\1</em>", text)
        text = re.sub(r"\[([^]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', text)
        if block.startswith("### "):
            parts.append(f"<h3>{text[4:]}</h3>")
        elif block.startswith("## "):
            parts.append(f"<h2>{text[3:]}</h2>")
        elif block.startswith(("- ", "|")):
            items = "".join(f"<li>{line.strip('-| ')}</li>" for line in text.splitlines())
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{text}</p>")
    return "".join(parts)


def _dest(index: int) -> str:
    return f"posts/article-{index}/index.html"


@dataclass
class Measured:
    seconds: float
    cpu_seconds: float  # this process's and its children's, which a busy machine inflates less
    runs: Runs
    update: search.SearchUpdate


def _timed(index: search.SearchIndex, pages: dict[str, bytes]) -> Measured:
    global _RUNS
    _RUNS = Runs()
    digests = {dest: digest_of(data) for dest, data in pages.items()}
    cpu = _cpu_seconds()
    started = time.perf_counter()
    update = index.update(digests, pages.__getitem__)
    seconds = time.perf_counter() - started
    return Measured(seconds, _cpu_seconds() - cpu, _RUNS, update)


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _row(size: int, scenario: str, measured: list[Measured], note: str) -> str:
    seconds = [m.seconds for m in measured]
    cpu = statistics.median(m.cpu_seconds for m in measured)
    run_seconds = [second for m in measured for second in m.runs.seconds]
    peaks = [peak for m in measured for peak in m.runs.peak_mib]
    memory = f"{statistics.median(peaks):.0f} | {max(peaks):.0f}" if peaks else "– | –"
    return (
        f"| {size:,} | {scenario} | {statistics.median(seconds):.3f} | {min(seconds):.3f} | "
        f"{max(seconds):.3f} | {cpu:.3f} | {len(measured[0].runs.seconds)} | "
        f"{statistics.median(run_seconds):.3f} | {memory} | {note} |"
    )


def bench_size(size: int, repeats: int, single_runs: int, browser: bool) -> list[str]:
    global _MEASURE_MEMORY
    pages = {_dest(i): _page(i) for i in range(size)}
    count = search.shard_count(size)
    rows = []

    scratch = [_timed(search.SearchIndex(), pages) for _ in range(repeats)]
    note = f"{count} shards of ~{size // count} pages, {os.cpu_count()} at a time"
    rows.append(_row(size, "scratch", scratch, note))

    index = search.SearchIndex()
    _timed(index, pages)
    edits = []
    for run in range(repeats):
        edited = (size // 2 + run * 7) % size
        pages[_dest(edited)] = _page(edited, edits=run + 1)
        edits.append(_timed(index, pages))
        assert len(edits[-1].update.rebuilt) == 1, "an edit re-indexes one shard"
    rows.append(_row(size, "edit", edits, "one shard indexed again"))

    _MEASURE_MEMORY = True  # from here on, each run has a wrapper process (~30 ms more)
    sharded = _timed(search.SearchIndex(), pages)
    rows.append(_row(size, "scratch, RSS", [sharded], "the RSS of each shard's run"))
    single = []
    if single_runs or browser:
        single = [
            _timed(search.SearchIndex(shard_size=size), pages) for _ in range(single_runs or 1)
        ]
        ratio = statistics.median(m.seconds for m in single) / statistics.median(
            m.seconds for m in edits
        )
        rows.append(_row(size, "single", single, f"baseline: one index; {ratio:.0f}x the edit"))
    _MEASURE_MEMORY = False
    if browser:
        for name, measured in (("sharded", sharded), ("single", single[0])):
            first, then = _search_times(pages, measured.update.written, repeats)
            rows.append(
                f"| {size:,} | browser, {name} | {first:.3f} | | | | | | | | first search; "
                f"then {then:.3f} s for a two-word search |"
            )
    return rows


# A page with the theme's search form and script, enough for search.js.
_SEARCH_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Search</title>
</head><body><form id="search-form" data-index="/pagefind/shards.json" data-base-url="/">
<label for="search-input">Words to look for</label><input type="search" id="search-input">
<button type="submit">Search</button></form><p id="search-status" role="status"></p>
<ol id="search-results"></ol><script type="module" src="/search.js"></script></body></html>"""
# Time from a submitted query to the status line that reports its results.
_TIME_QUERY = """(query) => new Promise((resolve) => {
  const status = document.getElementById("search-status");
  const started = performance.now();
  new MutationObserver(() => {
    if (status.textContent.includes(query)) resolve(performance.now() - started);
  }).observe(status, { childList: true, characterData: true, subtree: true });
  document.getElementById("search-input").value = query;
  document.getElementById("search-form").requestSubmit();
})"""


def _search_times(pages: dict[str, bytes], index: dict[str, bytes], repeats: int) -> tuple:
    """Median seconds of a first search in a fresh browser page (loading every shard) and
    of the next one, in the system Chromium, the site served on loopback."""
    from playwright import sync_api

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve

    script = (REPO / "templates/static/search.js").read_bytes()
    files = pages | index | {"search/index.html": _SEARCH_PAGE, "search.js": script}
    firsts, thens = [], []
    with tempfile.TemporaryDirectory(prefix="search-bench-") as folder:
        for dest, data in files.items():
            target = Path(folder, dest)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        with serve(Path(folder)) as origin, sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(repeats):
                page = browser.new_page()
                page.goto(origin + "/search/")
                firsts.append(page.evaluate(_TIME_QUERY, "collagen") / 1000)
                thens.append(page.evaluate(_TIME_QUERY, "sleep walking") / 1000)
                page.close()
            browser.close()
    return statistics.median(firsts), statistics.median(thens)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per scenario")
    parser.add_argument("--single-runs", type=int, default=1, help="runs of the baseline (0: none)")
    parser.add_argument(
        "--browser", action="store_true", help="also time searches in Chromium (Playwright)"
    )
    args = parser.parse_args(argv)
    if search.pagefind_binary() is None:
        sys.exit("the Pagefind binary is not installed: pip install 'pagefind[bin]'")
    search_runs._start = _measured_start
    print(f"Pagefind {search.pagefind_binary()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    print()
    print(
        "| pages | scenario | median s | min s | max s | CPU s | Pagefind runs | run median s "
        "| run RSS median MiB | run RSS max MiB | note |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for size in args.sizes:
        for row in bench_size(size, args.runs, args.single_runs, args.browser):
            print(row, flush=True)
    print(f"\nload at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
