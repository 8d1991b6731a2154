"""Related posts at scale: from scratch, and after one change with a RelatedIndex.

The articles are those of ``bench/corpus.py`` (the corpus of the site
benchmarks: ~1,100 words each, 2-4 tags from a pool of 60, one of 8
categories), made straight into model articles with word counts from
``generator.related.term_counts`` over title, description and body. Measured
in this process, each the median of ``--runs`` runs:

- ``related_slugs`` from scratch, at every size;
- at the largest size, ``RelatedIndex.update`` after one change: one article's
  body edited (its first paragraph written once more at its end), its tags
  changed (the last one replaced), the next article of the corpus added, the
  middle one removed. Each change is undone after it is measured (an update
  that is not timed), so every run starts from the same index. The first
  result of each change is checked against ``related_slugs``.

An incremental median is also given as a share of the from-scratch median of
the same size measured in the same run. Wall time is what counts; CPU time
(the two cores are shared, BLAS may use both) shows how much of a wall time
was waiting::

    python bench/related_bench.py                  # N=1,000 and 10,000, 5 runs
    python bench/related_bench.py --sizes 2000 --runs 9
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bench import corpus  # noqa: E402
from generator.model import Article, Term  # noqa: E402
from generator.related import RelatedIndex, related_slugs, term_counts  # noqa: E402
from generator.slugs import slugify  # noqa: E402

COUNT = 4  # related_count of the benchmark site


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"load average at start: {_load()} on {os.cpu_count()} CPUs", flush=True)
    largest = max(args.sizes)
    started = time.perf_counter()
    articles = [_article(corpus.make_article(index)) for index in range(largest + 1)]
    print(f"{largest + 1} articles made in {time.perf_counter() - started:.1f} s", flush=True)
    print(f"\n{'measure':<48} {'median wall':>12} {'median CPU':>11} {'of scratch':>11}")
    scratch = {}
    for size in sorted(args.sizes):
        corpus_n = articles[:size]
        related_slugs(corpus_n, COUNT)  # warm up: imports, BLAS threads
        wall, cpu = _medians([lambda c=corpus_n: related_slugs(c, COUNT)] * args.runs)
        scratch[size] = wall
        _line(f"from scratch, N={size:,}", wall, cpu)
    base = articles[:largest]
    index = RelatedIndex()
    index.update(base, COUNT)
    middle = largest // 2
    changes = {
        "one body edited": _replaced(
            base, middle, _with_body_edit(base[middle], corpus.make_article(middle).markdown())
        ),
        "one article's tags changed": _replaced(base, middle, _with_new_tag(base[middle])),
        "one article added": [*base, articles[largest]],
        "one article removed": base[:middle] + base[middle + 1 :],
    }
    for name, changed in changes.items():
        if index.update(changed, COUNT) != related_slugs(changed, COUNT):
            raise SystemExit(f"{name}: the index disagrees with a ranking from scratch")
        index.update(base, COUNT)
        wall, cpu = _medians([lambda c=changed: index.update(c, COUNT)] * args.runs, index, base)
        _line(f"incremental, N={largest:,}: {name}", wall, cpu, wall / scratch[largest])
    print(f"\nload average at end: {_load()}")


def _article(generated: corpus.Article) -> Article:
    """A model article as the parser and assembler would make it from ``generated``."""
    slug = generated.slug
    return Article(
        src_path=f"content/posts/{slug}.md",
        slug=slug,
        url=f"/posts/{slug}/",
        dest_path=f"posts/{slug}/index.html",
        title=generated.title,
        description=generated.description,
        published=generated.date,
        updated=generated.updated,
        author=None,
        reviewed_by=None,
        last_reviewed=None,
        tags=tuple(_term("tag", name) for name in generated.tags),
        category=_term("category", generated.category),
        image="",
        image_alt="",
        draft=False,
        pinned_related=(),
        intro_html="",
        sections=(),
        word_count=0,
        terms=_terms(generated.title, generated.description, generated.markdown()),
    )


def _term(kind: str, name: str) -> Term:
    slug = slugify(name)
    return Term(kind, name, slug, f"/{kind}s/{slug}/")


def _terms(title: str, description: str, text: str) -> bytes:
    return term_counts(" ".join([title, description, text]))


def _with_body_edit(article: Article, body: str) -> Article:
    text = body + "\n\n" + body.split("\n\n")[0] + "\n"
    return replace(article, terms=_terms(article.title, article.description, text))


def _with_new_tag(article: Article) -> Article:
    held = {tag.name for tag in article.tags}
    other = next(name for name in corpus.TAGS if name not in held)
    return replace(article, tags=(*article.tags[:-1], _term("tag", other)))


def _replaced(articles: list[Article], index: int, article: Article) -> list[Article]:
    return [*articles[:index], article, *articles[index + 1 :]]


def _medians(calls: list[Callable], index=None, base=None) -> tuple[float, float]:
    """Median wall and CPU seconds of ``calls``; with an index, ``base`` is restored after each."""
    walls, cpus = [], []
    for call in calls:
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        if index is not None:
            index.update(base, COUNT)
    return statistics.median(walls), statistics.median(cpus)


def _line(name: str, wall: float, cpu: float, share: float | None = None) -> None:
    ratio = f"{share:>10.1%}" if share is not None else ""
    print(f"{name:<48} {wall * 1000:>9.1f} ms {cpu * 1000:>8.1f} ms {ratio:>11}", flush=True)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
