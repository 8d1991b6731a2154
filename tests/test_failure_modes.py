"""Failure modes beyond the corpus: slugs that try to escape, huge files, link loops, drafts.

The bad-input corpus (``test_invalid_sites.py``) holds the one-defect sites;
these are the cases a folder of files cannot express well.
"""

from __future__ import annotations

import os

import pytest

from generator.errors import ContentError, ModelError
from generator.parse import MAX_CONTENT_BYTES
from tests.conftest import build

ARTICLE = (
    "---\ntitle: {title}\ndescription: An article for the tests.\ndate: 2024-02-01\n"
    "{extra}---\nText.\n"
)


def _write(site, name: str, title: str, extra: str = "") -> None:
    (site / "content/posts" / name).write_text(ARTICLE.format(title=title, extra=extra))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("'../../../evil'", "evil"),
        ("/etc/passwd", "etcpasswd"),
        ("'C:\\Windows\\system32'", "cwindowssystem32"),
        ("'..'", None),
        ("'posts/../../x'", "postsx"),
    ],
)
def test_slugs_never_leave_the_output_folder(copy_site, tmp_path, slug, expected):
    site = copy_site("basic")
    _write(site, "escape.md", "Escape", f"slug: {slug}\n")
    out = tmp_path / "out"
    if expected is None:
        with pytest.raises(ModelError, match="cannot make a URL name"):
            build(site, out)
        return
    result = build(site, out)
    assert f"posts/{expected}/index.html" in result.outputs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["basic", "out"]
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


def test_a_nul_in_a_slug_is_a_clean_error(copy_site, tmp_path):
    site = copy_site("basic")
    _write(site, "nul.md", "Nul", 'slug: "a\\0b"\n')
    with pytest.raises(ContentError, match="control character") as caught:
        build(site, tmp_path / "out")
    assert caught.value.line == 5


def test_reserved_device_names_cannot_be_slugs(copy_site, tmp_path):
    site = copy_site("basic")
    _write(site, "printer.md", "Printer", "slug: PRN\n")
    with pytest.raises(ModelError, match="reserved on some systems"):
        build(site, tmp_path / "out")


def test_a_very_large_file_is_refused_before_it_is_read_as_text(copy_site, tmp_path):
    site = copy_site("basic")
    header = ARTICLE.format(title="Huge", extra="").encode()
    (site / "content/posts/huge.md").write_bytes(header + b"a" * MAX_CONTENT_BYTES)
    with pytest.raises(ContentError, match="may be at most 4 MB") as caught:
        build(site, tmp_path / "out")
    assert caught.value.path == "content/posts/huge.md"


@pytest.mark.slow
def test_a_large_file_within_the_limit_builds(copy_site, tmp_path):
    site = copy_site("basic")
    paragraphs = "".join(f"Paragraph {n} about skin care and sleep.\n\n" for n in range(5000))
    (site / "content/posts/long.md").write_text(
        ARTICLE.format(title="Long", extra="").replace("Text.\n", paragraphs)
    )
    result = build(site, tmp_path / "out")
    assert b"Paragraph 4999" in result.outputs["posts/long/index.html"]


def test_symlink_loops_between_folders_do_not_hang_the_build(copy_site, tmp_path):
    site = copy_site("basic")
    os.symlink("..", site / "content/posts/faq-article/parent")
    os.symlink(".", site / "content/posts/self")
    result = build(site, tmp_path / "out")
    assert {a.slug for a in result.site.articles} == {"faq-article", "single", "older"}


def test_drafts_and_future_articles_appear_in_no_output_file(copy_site, tmp_path):
    site = copy_site("basic")
    single = site / "content/posts/single.md"
    # Even pinned as related, an unpublished article stays out.
    single.write_text(single.read_text().replace("tags: [skin]", "tags: [skin]\nrelated: [draft]"))
    result = build(site, tmp_path / "out")
    for dest, data in result.outputs.items():
        for hidden in (b"A draft article", b"A future article", b"posts/draft/", b"posts/future/"):
            assert hidden not in data, (dest, hidden)
    shown = build(site, tmp_path / "all", drafts=True, future=True)
    assert b"A draft article" in shown.outputs["feed.xml"]
    assert (
        b"A future article" in shown.outputs["sitemap.xml"]
        or b"posts/future/" in (shown.outputs["sitemap.xml"])
    )
