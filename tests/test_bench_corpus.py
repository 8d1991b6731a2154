"""The benchmark corpus is deterministic and has the promised shape (no peer is run)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import frontmatter
import pytest

from bench import corpus
from generator.build import BuildOptions, build_site
from tests.conftest import FIXED_NOW

COUNT = 60


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, corpus.CorpusInfo]:
    root = tmp_path_factory.mktemp("corpus")
    return root, corpus.write_corpus(root, COUNT)


def _body_words(text: str) -> int:
    """Words of a Markdown body counted independently of the generator's own count."""
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets are not read
    text = re.sub(r"\[\^\d+\]:?", " ", text)  # nor footnote labels
    return len(re.findall(r"[A-Za-z][A-Za-z'-]*", text))


def _sitegen_articles(site: Path) -> dict[str, tuple[dict, int, bool]]:
    """slug -> (front matter, words in all its files, written as a folder?)"""
    found = {}
    posts = site / "content" / "posts"
    for entry in sorted(posts.iterdir()):
        if entry.is_dir():
            index = frontmatter.load(entry / "index.md")
            words = _body_words(index.content)
            for section in sorted(entry.glob("[0-9][0-9]-*.md")):
                part = frontmatter.load(section)
                words += _body_words(part["title"]) + _body_words(part.content)
            found[entry.name] = (index.metadata, words, True)
        else:
            post = frontmatter.load(entry)
            found[entry.stem] = (post.metadata, _body_words(post.content), False)
    return found


@pytest.mark.slow
def test_the_same_count_gives_a_byte_identical_tree(written, tmp_path):
    root, _ = written
    again = corpus.write_corpus(tmp_path / "again", COUNT)
    assert _tree_digest(root) == _tree_digest(again.root)


def test_a_smaller_corpus_is_the_start_of_a_larger_one(written, tmp_path):
    root, _ = written
    small = corpus.write_corpus(tmp_path / "small", 20)
    small_posts = _tree_digest(small.root / "hugo" / "content" / "posts")
    large_posts = _tree_digest(root / "hugo" / "content" / "posts")
    assert len(small_posts) == 20
    assert small_posts.items() <= large_posts.items()


def test_another_seed_gives_other_articles(tmp_path):
    one = corpus.write_corpus(tmp_path / "one", 5, seed=1)
    two = corpus.write_corpus(tmp_path / "two", 5, seed=2)
    assert _tree_digest(one.root / "hugo") != _tree_digest(two.root / "hugo")


def test_articles_have_about_1100_words_tags_and_a_category(written):
    root, _ = written
    articles = _sitegen_articles(root / "sitegen")
    assert len(articles) == COUNT
    for slug, (meta, words, _) in articles.items():
        assert 1000 <= words <= 1200, (slug, words)
        assert 2 <= len(meta["tags"]) <= 4, slug
        assert len(set(meta["tags"])) == len(meta["tags"]), slug
        assert set(meta["tags"]) <= set(corpus.TAGS), slug
        assert meta["category"] in corpus.CATEGORIES, slug
        assert meta["author"] in corpus.AUTHORS and meta["reviewed_by"] in corpus.REVIEWERS


def test_tags_and_categories_are_spread_with_common_and_rare_ones(written):
    root, _ = written
    articles = _sitegen_articles(root / "sitegen")
    tags = Counter(tag for meta, _, _ in articles.values() for tag in meta["tags"])
    categories = Counter(meta["category"] for meta, _, _ in articles.values())
    assert len(corpus.TAGS) == 60 and len(set(corpus.TAGS)) == 60
    assert len(corpus.CATEGORIES) == 8
    assert len(tags) >= 30  # many of the 60 topics occur ...
    assert tags.most_common(1)[0][1] >= 3 * min(tags.values())  # ... some far more than others
    assert len(categories) >= 6


def test_some_articles_are_section_folders_and_most_are_single_files(written):
    root, _ = written
    articles = _sitegen_articles(root / "sitegen")
    folders = [slug for slug, (_, _, folder) in articles.items() if folder]
    assert 0.2 * COUNT <= len(folders) <= 0.6 * COUNT
    for slug in folders:
        sections = sorted((root / "sitegen" / "content" / "posts" / slug).glob("*.md"))
        assert sections[-1].name == "index.md" and len(sections) >= 4  # index + 3 or more


def test_the_markdown_is_varied(written):
    root, _ = written
    text = "\n".join(
        path.read_text() for path in sorted((root / "hugo" / "content" / "posts").glob("*.md"))
    )
    assert text.count("\n## ") >= 3 * COUNT  # sections
    assert text.count("\n### ") >= 3 * COUNT  # sub-headings
    assert "\n- " in text and "\n1. " in text  # both kinds of lists
    assert "|---|---|---|" in text  # tables
    assert "[^1]:" in text  # footnotes
    assert "](/posts/" in text and "](https://" in text  # inner and outer links
    assert re.search(r"\*\*\w+\*\*", text) and re.search(r"(?<!\*)\*\w+\*(?!\*)", text)


def test_the_three_sites_hold_the_same_articles(written):
    root, info = written
    sitegen = set(_sitegen_articles(root / "sitegen"))
    hugo = {path.stem for path in (root / "hugo" / "content" / "posts").glob("*.md")}
    pelican_slugs = {
        re.search(r"^Slug: (.+)$", path.read_text(), re.MULTILINE).group(1)
        for path in (root / "pelican" / "content").glob("*.md")
    }
    assert sitegen == hugo == pelican_slugs
    assert info.edit_slug in sitegen
    assert all(path.exists() for path in [*info.edit_body.values(), *info.edit_tags.values()])


@pytest.mark.slow
def test_sitegen_builds_the_corpus_with_related_posts(tmp_path):
    info = corpus.write_corpus(tmp_path / "corpus", 12)
    result = build_site(info.root / "sitegen", BuildOptions(now=FIXED_NOW))
    assert len(result.site.articles) == 12
    assert all(len(related) == 4 for related in result.site.related.values())
    page = (result.output_dir / "posts" / info.edit_slug / "index.html").read_text()
    assert "Related posts" in page
