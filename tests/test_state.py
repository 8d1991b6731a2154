"""``sitegen build`` goes on from what the last build saved, and is never fooled by it.

Each test builds a copy of a sample site the way the CLI does (``build_site``:
a new engine resumed from ``.sitegen-cache``), changes something, builds again
and compares with a clean build of the same files. Source files are dated an
hour back first, so that their ``stat`` is trusted as it is on a writer's
machine (a file modified within seconds of a build is always read again).
"""

from __future__ import annotations

import gc
import os
from datetime import timedelta
from pathlib import Path

import pytest

from generator import state
from generator.build import BuildOptions, build_site
from generator.engine.pipeline import Engine
from generator.errors import SiteError
from generator.output_record import RECORD_NAME
from tests.conftest import FIXED_NOW, copy_sample_site
from tests.sync_tools import ReplaceWhileWriting, age

pytestmark = pytest.mark.slow  # every test here builds the sample site, most of them twice

ARTICLE = "content/posts/what-is-micro-needling"
SECTION = f"{ARTICLE}/03-micro-needling-devices.md"
PAGE = "posts/what-is-micro-needling/index.html"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = copy_sample_site(tmp_path / "site")
    age(site)
    return site


def _options(site: Path) -> BuildOptions:
    return BuildOptions(output_dir=site.parent / "out", now=FIXED_NOW)


def _tree(folder: Path) -> dict[str, bytes]:
    """The output folder's files, but the record of what sitegen wrote there."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != RECORD_NAME
    }


def _clean_tree(site: Path, options: BuildOptions) -> dict[str, bytes]:
    clean = BuildOptions(output_dir=site.parent / "clean", now=options.now)
    Engine(site, clean, clean=True).build()
    return _tree(site.parent / "clean")


def test_a_build_with_nothing_changed_is_known_without_loading_anything(site):
    options = _options(site)
    first = build_site(site, options)
    before = {path: path.stat().st_mtime_ns for path in (site.parent / "out").rglob("*")}
    again = build_site(site, options)
    assert again.built_site is None, "the engine was loaded"
    assert again.rendered == 0 and again.report.written == [] and again.report.removed == []
    assert [str(w) for w in again.warnings] == [str(w) for w in first.warnings]
    assert (again.page_count, again.article_count) == (first.page_count, first.article_count)
    assert {p: p.stat().st_mtime_ns for p in (site.parent / "out").rglob("*")} == before
    assert dict(again.outputs) == dict(first.outputs)
    assert [a.slug for a in again.site.articles] == [a.slug for a in first.site.articles]


def test_a_resumed_build_gives_the_garbage_collector_back_as_it_was(site, tmp_path):
    # The restored state is loaded with the collector off and frozen for the build;
    # a caller (a test run, a program that builds many sites) must get it back intact,
    # after a good build and after a failed one alike.
    options = _options(site)
    build_site(site, options)
    (site / SECTION).write_text((site / SECTION).read_text() + "\nOne more sentence.\n")
    build_site(site, options)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    (site / "content/posts/broken.md").write_text("---\ntitle: [oops\n---\n")
    with pytest.raises(SiteError):
        build_site(site, options)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(site):
    options = _options(site)
    build_site(site, options)
    section = site / SECTION
    text = section.read_text()
    stat = section.stat()
    section.write_text(text.replace("devices", "DEVICES", 1))
    os.utime(section, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the change time still moves
    assert section.stat().st_size == stat.st_size
    result = build_site(site, options)
    assert result.report.written and b"DEVICES" in (site.parent / "out" / PAGE).read_bytes()
    assert _tree(site.parent / "out") == _clean_tree(site, options)


def test_a_resumed_build_reads_only_the_files_that_changed(site, monkeypatch):
    options = _options(site)
    build_site(site, options)
    section = site / SECTION
    section.write_text(section.read_text() + "\nMore about needles and collagen.\n")
    read: list[str] = []
    original = Path.read_bytes

    def counting(path: Path) -> bytes:
        read.append(str(path))
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", counting)
    result = build_site(site, options)
    content = [path for path in read if "/content/" in path]
    assert content == [str(section)]
    assert result.rendered < result.page_count
    monkeypatch.undo()
    assert _tree(site.parent / "out") == _clean_tree(site, options)


@pytest.mark.parametrize("tamper", ["delete", "edit"])
def test_an_output_changed_by_hand_is_written_again(site, tamper):
    options = _options(site)
    build_site(site, options)
    page = site.parent / "out" / PAGE
    if tamper == "delete":
        page.unlink()
    else:
        page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>mine</p></body>"))
    result = build_site(site, options)
    assert PAGE in result.report.written
    assert _tree(site.parent / "out") == _clean_tree(site, options)


def test_a_future_article_appears_when_its_day_comes(site):
    index = site / ARTICLE / "index.md"
    text = index.read_text()
    dated = text.replace("date: 2024-03-12", "date: 2031-02-01")
    assert dated != text, "the sample article's date moved: update this test"
    index.write_text(dated)
    age(site)
    before = _options(site)
    first = build_site(site, before)
    assert PAGE not in first.outputs
    assert build_site(site, before).built_site is None  # nothing changed: known as it was
    later = BuildOptions(output_dir=before.output_dir, now=FIXED_NOW.replace(year=2032))
    result = build_site(site, later)
    assert PAGE in result.report.written
    assert _tree(site.parent / "out") == _clean_tree(site, later)


def test_a_medical_review_falls_due_with_time_alone(site):
    options = _options(site)
    first = build_site(site, options)
    due = [w for w in first.warnings if w.rule == "review-age"]
    later = BuildOptions(output_dir=options.output_dir, now=FIXED_NOW + timedelta(days=3650))
    result = build_site(site, later)
    assert len([w for w in result.warnings if w.rule == "review-age"]) > len(due)


def test_a_damaged_or_foreign_state_is_ignored(site, monkeypatch):
    options = _options(site)
    build_site(site, options)
    for path in (site / ".sitegen-cache").glob("engine-*"):
        if path.is_file():  # the index and the summary; records: see test_state_records.py
            path.write_bytes(b"not a pickle")
    build_site(site, options)
    assert _tree(site.parent / "out") == _clean_tree(site, options)
    monkeypatch.setattr(state, "code_digest", lambda: "another version of sitegen")
    (site / SECTION).write_text((site / SECTION).read_text() + "\nAnother line.\n")
    result = build_site(site, options)
    assert result.rendered >= result.page_count  # nothing of the old state was used
    assert _tree(site.parent / "out") == _clean_tree(site, options)


def test_a_template_changed_between_runs_renders_again(site):
    options = _options(site)
    build_site(site, options)
    template = site / "templates" / "partials" / "footer.html"  # the site's copy of the theme
    template.write_text("<!-- the clinic's own footer -->\n" + template.read_text())
    result = build_site(site, options)
    assert result.rendered >= result.page_count
    assert b"the clinic's own footer" in (site.parent / "out" / "index.html").read_bytes()
    assert _tree(site.parent / "out") == _clean_tree(site, options)


def test_a_source_replaced_during_a_build_with_an_older_time_is_seen_next(site):
    options = _options(site)
    build_site(site, options)
    age(site)  # every change time moves: the next build looks at every file again
    section = site / SECTION
    replacing = ReplaceWhileWriting(section, section.read_text().replace("devices", "TOOLS"))
    build_site(site, options, progress=replacing)
    assert replacing.done
    result = build_site(site, options)
    assert result.built_site is not None, "the replaced file went unseen"
    assert b"TOOLS" in (site.parent / "out" / PAGE).read_bytes()
    assert _tree(site.parent / "out") == _clean_tree(site, options)
    again = build_site(site, options)
    assert again.built_site is None and again.report.written == []


def test_a_title_edit_shows_on_the_listings_of_a_resumed_build(site):
    options = _options(site)
    build_site(site, options)
    index = site / ARTICLE / "index.md"
    text = index.read_text()
    index.write_text(
        text.replace('title: "What is Micro needling?', 'title: "Needling, retold:', 1)
    )
    resumed = build_site(site, options)
    assert b"Needling, retold:" in (site.parent / "out" / "index.html").read_bytes()
    assert "index.html" in resumed.report.written  # the home page's listing shows the title
    assert _tree(site.parent / "out") == _clean_tree(site, options)


def _same_renders(site: Path, tmp_path: Path, edits) -> None:
    """After each edit, a resumed build renders exactly the pages a long-lived engine does."""
    engine = Engine(site, BuildOptions(output_dir=tmp_path / "serve", now=FIXED_NOW))
    engine.build()
    options = BuildOptions(output_dir=tmp_path / "cli", now=FIXED_NOW)
    build_site(site, options)
    for path, old, new in edits:
        path.write_text(path.read_text().replace(old, new, 1))
        long_lived = engine.build([path])
        resumed = build_site(site, options)
        assert resumed.rendered == long_lived.rendered, (path, old, new)
        assert 0 < long_lived.rendered < long_lived.page_count


def test_a_resumed_build_renders_what_a_long_lived_engine_renders(site, tmp_path):
    index = site / ARTICLE / "index.md"
    _same_renders(
        site,
        tmp_path,
        [
            (site / SECTION, "devices", "tools"),  # a body edit
            (index, 'title: "What is Micro needling?', 'title: "All about micro needling:'),
            (site / SECTION, "tools", "devices"),
        ],
    )


@pytest.mark.slow
def test_a_resumed_build_renders_what_a_long_lived_engine_renders_on_a_corpus(tmp_path):
    from bench import corpus

    info = corpus.write_corpus(tmp_path / "corpus", 80)
    site = info.root / "sitegen"
    body = info.edit_body["sitegen"]
    words = body.read_text().split()
    _same_renders(site, tmp_path, [(body, words[-1], words[-1] + "s"), (body, "the", "a")])
