"""An article page's JSON-LD is kept as what makes it, and is its text wherever it is used."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace

from generator import structured_data as ld
from generator.canonical import encode
from generator.config import load_config
from generator.graph_text import ArticleGraphText
from generator.plan import article_job


def _job(config, article):
    return article_job(config, article, ())


def test_the_article_page_shows_the_graph_of_its_article(sample_build):
    config = load_config(sample_build.output_dir.parent)
    article = sample_build.site.articles[0]
    graph = _job(config, article).context["meta"].jsonld
    assert isinstance(graph, ArticleGraphText)
    shown = json.loads(str(graph))
    crumbs = [
        (name, config.origin + url) for name, url in _job(config, article).context["meta"].crumbs
    ]
    assert shown == ld.article_graph(config, article, crumbs)
    page = (sample_build.output_dir / article.dest_path).read_text("utf-8")
    assert str(graph) in page


def test_it_compares_and_fingerprints_as_its_text(sample_build):
    config = load_config(sample_build.output_dir.parent)
    article = sample_build.site.articles[0]
    one, again = _job(config, article), _job(config, article)
    assert one == again
    assert encode(one.context) == encode(again.context)
    counted = replace(article, word_count=article.word_count + 1)  # shown only in the graph
    other = _job(config, counted).context["meta"].jsonld
    assert other != one.context["meta"].jsonld
    assert encode(other) != encode(one.context["meta"].jsonld)


def test_a_saved_job_holds_no_graph_text(sample_build):
    config = load_config(sample_build.output_dir.parent)
    article = sample_build.site.articles[0]
    meta = _job(config, article).context["meta"]
    saved = pickle.dumps(meta.jsonld)
    assert str(meta.jsonld).encode() not in saved
    assert pickle.loads(saved) == meta.jsonld
