"""The Markdown floor converts what sitegen converts, configured as sitegen configures it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import corpus, markdown_floor
from generator.markdown_text import _markdown_instance, render_markdown
from generator.slugs import slugify


@pytest.fixture(scope="module")
def posts(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    corpus.write_corpus(root, 12)
    return root / "sitegen" / "content" / "posts"


def _configuration(markdown) -> tuple[list[str], dict]:
    names = sorted(type(extension).__name__ for extension in markdown.registeredExtensions)
    registries = {
        "pre": markdown.preprocessors,
        "block": markdown.parser.blockprocessors,
        "inline": markdown.inlinePatterns,
        "tree": markdown.treeprocessors,
        "post": markdown.postprocessors,
    }
    processors = {
        kind: [type(processor).__name__ for processor in registry]
        for kind, registry in registries.items()
    }
    return names, processors


def test_the_floor_uses_sitegens_markdown_configuration():
    """All but sitegen's own look for code that would run (html_safety), which is
    sitegen's work, not Markdown's."""
    ours = _markdown_instance().markdown
    floor = markdown_floor.markdown_instance()
    names, processors = _configuration(ours)
    processors["tree"].remove("HtmlSafetyCheck")
    processors["post"].remove("HtmlTextSafetyCheck")
    assert _configuration(floor) == (names, processors)
    toc = {type(e).__name__: e for e in floor.registeredExtensions}["TocExtension"]
    assert toc.getConfig("slugify") is slugify
    assert toc.getConfig("toc_depth") == "2-3"


def test_the_floor_cuts_the_front_matter_and_renders_as_sitegen_does(posts):
    floor = markdown_floor.markdown_instance()
    for path in sorted(posts.glob("*.md")):  # single-file articles: no section anchors
        body = markdown_floor.body(path.read_bytes())
        assert not body.startswith("---")
        floor.reset()
        assert floor.convert(body) == render_markdown(body)[0], path


@pytest.mark.slow
def test_the_floor_reads_every_markdown_file_in_every_process(posts):
    files = sorted(posts.rglob("*.md"))
    read, written = markdown_floor.convert_all(files, processes=2)
    assert read == sum(path.stat().st_size for path in files)
    assert written > read / 2


def test_a_file_without_front_matter_is_converted_whole():
    assert markdown_floor.body(b"# Sleep\n\n---\n") == "# Sleep\n\n---\n"
    assert markdown_floor.body(b"---\ntitle: x\n---") == ""
