"""The incremental engine gives exactly what a clean build gives, after any sequence of edits.

A hypothesis state machine edits the tiny site ``tests/sites/incremental`` the
way writers do (section bodies, titles, tags, slugs, drafts, new, deleted and
renamed articles and sections, templates, partials, a stylesheet, site.toml),
tells one long-lived :class:`Engine` which paths changed, as the file watcher
of ``sitegen serve`` does, and after every step compares the whole output
folder with the outputs of a clean build of the same files. Beside it, each
step is also built the way ``sitegen build`` runs, by an engine resumed from
what the last successful build saved, which finds the changes itself. When the
clean build fails, both must fail with the same message and leave their output
folders as their last good build left them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from generator import search, write
from generator.build import build_site
from generator.build_options import BuildOptions
from generator.cli import main
from generator.engine import render_pass
from generator.engine.pipeline import Engine
from generator.errors import OutputError, SiteError
from generator.output_record import RECORD_NAME
from generator.progress import Progress
from generator.render import default_theme_dir
from tests.conftest import FIXED_NOW, REPO, SITES, copy_sample_site
from tests.sync_tools import ReplaceWhileWriting, age

pytestmark = pytest.mark.slow  # every test here builds a site several times

NAMES = ["alpha", "beta", "gamma", "delta"]
TAGS = ["acne", "skin", "Skin", "sleep", "diet"]
WORDS = ["collagen", "needling", "scars", "sleep", "coffee", "tea", "floss", "acne", "serum"]
SLUGS = [None, None, "custom", "other", "alpha"]
DATES = ["2024-01-05", "2024-03-01", "2024-03-01", "2024-07-09", "2025-06-01"]
THEME = default_theme_dir()

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
tags = st.lists(st.sampled_from(TAGS), max_size=3)


@dataclass
class Article:
    folder: bool
    title: str
    date: str
    tags: list[str]
    slug: str | None = None
    draft: bool = False
    body: str = ""
    sections: dict[str, tuple[str, str]] = field(default_factory=dict)  # file -> (title, body)

    def index(self) -> str:
        lines = [
            "---",
            f"title: {self.title}",
            f"description: About {self.title}.",
            f"date: {self.date}",
            "author: ann",
            f"tags: [{', '.join(self.tags)}]",
        ]
        lines += [f"slug: {self.slug}"] if self.slug else []
        lines += ["draft: true"] if self.draft else []
        return "\n".join([*lines, "---", self.body, ""])


def section_text(title: str, body: str) -> str:
    return f"---\ntitle: {title}\n---\n{body}\n\n### More on {title}\n\n{body}\n"


class EditSequence(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # A few pages per search shard, so that edits move pages between several indexes;
        # every build sets its pages aside on disk, as a large site's builds do.
        self.shard_size, search.SHARD_SIZE = search.SHARD_SIZE, 2
        self.stage_pages, render_pass.STAGE_PAGES = render_pass.STAGE_PAGES, 1
        self.root = Path(tempfile.mkdtemp(prefix="sitegen-incremental-"))
        self.site = Path(shutil.copytree(SITES / "incremental", self.root / "site"))
        self.out = self.root / "out"
        self.cli_out = self.root / "cli"
        self.articles: dict[str, Article] = {}
        self.edits = 0
        self.last_good: dict[str, bytes] | None = None
        self.last_failed = False  # the dev server writes no early page after a failed build
        self.disturbed = False  # a build was killed or failed writing: the output is mixed
        for name, folder in (("alpha", True), ("beta", False)):
            article = Article(folder, name.title(), DATES[len(self.articles)], ["skin"])
            article.body = "Intro about collagen and skin."
            if folder:
                article.sections = {"01-first.md": ("First", "needling scars collagen")}
            self.articles[name] = article
            self._write_article(name)
        options = BuildOptions(output_dir=self.out, now=FIXED_NOW)
        self.engine = Engine(self.site, options)
        self._check(None)

    def teardown(self) -> None:
        search.SHARD_SIZE = self.shard_size
        render_pass.STAGE_PAGES = self.stage_pages
        shutil.rmtree(self.root, ignore_errors=True)
        for folder in getattr(self, "moved_from", []):
            shutil.rmtree(folder, ignore_errors=True)

    # -- edits --------------------------------------------------------------------

    @precondition(lambda self: self._with_sections())
    @rule(data=st.data(), body=words)
    def edit_section_body(self, data, body):
        name = data.draw(st.sampled_from(self._with_sections()))
        file = data.draw(st.sampled_from(sorted(self.articles[name].sections)))
        title, _ = self.articles[name].sections[file]
        self.articles[name].sections[file] = (title, body)
        self._check([self._write_section(name, file)])

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), body=words)
    def edit_article_body(self, data, body):
        name = self._pick(data)
        self.articles[name].body = body
        self._check([self._write_index(name)])

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), title=st.sampled_from(["Alpha", "Beta", "Gamma & Co", "Delta <b>"]))
    def change_title(self, data, title):
        name = self._pick(data)
        self.articles[name].title = title
        self._check([self._write_index(name)])

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), new_tags=tags)
    def change_tags(self, data, new_tags):
        name = self._pick(data)
        self.articles[name].tags = new_tags
        self._check([self._write_index(name)])

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), slug=st.sampled_from(SLUGS))
    def change_slug(self, data, slug):
        name = self._pick(data)
        self.articles[name].slug = slug
        self._check([self._write_index(name)])

    @precondition(lambda self: self.articles)
    @rule(data=st.data())
    def toggle_draft(self, data):
        name = self._pick(data)
        self.articles[name].draft = not self.articles[name].draft
        self._check([self._write_index(name)])

    @precondition(lambda self: len(self.articles) < len(NAMES))
    @rule(data=st.data(), folder=st.booleans(), date=st.sampled_from(DATES), new_tags=tags)
    def add_article(self, data, folder, date, new_tags):
        name = data.draw(st.sampled_from([n for n in NAMES if n not in self.articles]))
        article = Article(folder, name.title(), date, new_tags, body=data.draw(words))
        if folder:
            article.sections = {"01-start.md": ("Start", data.draw(words))}
        self.articles[name] = article
        self._check([self._write_article(name)])

    @precondition(lambda self: self.articles)
    @rule(data=st.data())
    def delete_article(self, data):
        name = self._pick(data)
        path = self._article_path(name)
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        del self.articles[name]
        self._check([path])

    @precondition(lambda self: self.articles and len(self.articles) < len(NAMES))
    @rule(data=st.data())
    def rename_article(self, data):
        name = self._pick(data)
        new = data.draw(st.sampled_from([n for n in NAMES if n not in self.articles]))
        old_path = self._article_path(name)
        self.articles[new] = self.articles.pop(name)
        new_path = self._article_path(new)
        old_path.rename(new_path)
        self._check([old_path, new_path])

    @precondition(lambda self: self._folders())
    @rule(data=st.data(), number=st.integers(1, 4), title=st.sampled_from(["Risks", "Care"]))
    def add_or_rename_section(self, data, number, title):
        name = data.draw(st.sampled_from(self._folders()))
        article = self.articles[name]
        file = f"0{number}-{title.lower()}.md"
        changed = []
        if article.sections and data.draw(st.booleans()):  # rename an existing section file
            old = data.draw(st.sampled_from(sorted(article.sections)))
            if old != file:
                article.sections[file] = article.sections.pop(old)
                (self._article_path(name) / old).rename(self._article_path(name) / file)
                changed.append(self._article_path(name) / old)
        article.sections.setdefault(file, (title, data.draw(words)))
        changed.append(self._write_section(name, file))
        self._check(changed)

    @precondition(lambda self: self._with_sections())
    @rule(data=st.data())
    def delete_section(self, data):
        name = data.draw(st.sampled_from(self._with_sections()))
        file = data.draw(st.sampled_from(sorted(self.articles[name].sections)))
        del self.articles[name].sections[file]
        path = self._article_path(name) / file
        path.unlink()
        self._check([path])

    @rule(
        template=st.sampled_from(
            ["article.html", "list.html", "partials/article_card.html", "partials/byline.html"]
        ),
        remove=st.booleans(),
    )
    def edit_template(self, template, remove):
        """Override a theme template (or a partial) in the site, or remove the override."""
        path = self.site / "templates" / template
        if remove and path.exists():
            path.unlink()
        else:
            self.edits += 1
            text = (THEME / template).read_text("utf-8")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{{# edit {self.edits} #}}<!-- edit {self.edits} -->\n{text}")
        self._check([path])

    @rule(remove=st.booleans())
    def override_a_block_of_the_theme(self, remove):
        """A site article.html that extends the theme's through the ``theme/`` prefix."""
        path = self.site / "templates" / "article.html"
        if remove and path.exists():
            path.unlink()
        else:
            self.edits += 1
            path.parent.mkdir(parents=True, exist_ok=True)
            block = "byline" if self.edits % 2 else "content"
            path.write_text(
                '{% extends "theme/article.html" %}\n'
                f"{{% block {block} %}}<p>edit {self.edits}</p>{{{{ super() }}}}{{% endblock %}}\n"
            )
        self._check([path])

    @rule(
        theme=st.sampled_from(
            ["", 'brand = "#7a1f5c"\nbrand_dark = "#f2a6d6"\n', 'header = "brand"\n']
        )
    )
    def edit_brand_settings(self, theme):
        """The [theme] table of site.toml: brand colours, header style, or none."""
        path = self.site / "site.toml"
        text = (SITES / "incremental/site.toml").read_text()
        path.write_text(text + (f"\n[theme]\n{theme}" if theme else ""))
        self._check([path])

    @rule()
    def edit_stylesheet(self):
        self.edits += 1
        path = self.site / "static" / "style.css"
        path.parent.mkdir(exist_ok=True)
        path.write_text((THEME / "static/style.css").read_text() + f"/* edit {self.edits} */\n")
        self._check([path])

    @rule(
        title=st.sampled_from(["Incremental Test Clinic", "Renamed Clinic"]),
        per_page=st.integers(1, 3),
        related=st.integers(0, 2),
        base_url=st.sampled_from(["https://example.org/", "https://example.org/blog/"]),
    )
    def edit_site_toml(self, title, per_page, related, base_url):
        path = self.site / "site.toml"
        text = (SITES / "incremental/site.toml").read_text()
        text = text.replace('base_url = "https://example.org/"', f'base_url = "{base_url}"')
        text = text.replace('title = "Incremental Test Clinic"', f'title = "{title}"')
        text = text.replace("posts_per_page = 2", f"posts_per_page = {per_page}")
        text = text.replace("related_count = 2", f"related_count = {related}")
        path.write_text(text)
        self._check([path])

    # -- crashes, failures, moves, sync tools, hands ------------------------------

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), body=words, writes=st.integers(0, 40))
    def kill_a_build_while_it_writes(self, data, body, writes):
        """``sitegen build`` killed (``kill -9``) before its write number ``writes``, after an
        edit or a new article; the next builds must mend what it left."""
        path = self._edit_or_add(data, body)
        self._killed_build(writes)
        self.disturbed = True
        self._check([path])

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), body=words, writes=st.integers(0, 40))
    def fail_while_writing(self, data, body, writes):
        """Both builds fail in the write phase (a full disk) after ``writes`` files."""
        path = self._edit_or_add(data, body)
        with _failing_writes(writes):
            for build in (lambda: self.engine.build([path]), self._resumed_build):
                try:
                    build()
                except SiteError:
                    self.disturbed = True
        self._check([path])

    @rule()
    def move_the_site_folder(self):
        """The site folder (with its cache and both output folders) moves; the dev server
        starts again in the new place."""
        new_root = Path(tempfile.mkdtemp(prefix="sitegen-moved-"))
        self.moved_from = getattr(self, "moved_from", []) + [new_root]
        self._move_to(new_root / "here")

    @precondition(lambda self: getattr(self, "places", []))
    @rule()
    def move_the_site_folder_back(self):
        """The site folder goes back where it was before its last move: its cache may still
        hold the state saved there, older than the edits made since."""
        self._move_to(self.places.pop())

    def _move_to(self, place: Path) -> None:
        self.places = getattr(self, "places", []) + [self.root]
        shutil.move(self.root, place)
        self.root = place
        self.site, self.out, self.cli_out = (
            self.root / "site",
            self.root / "out",
            self.root / "cli",
        )
        shutil.rmtree(self.root / "clean", ignore_errors=True)
        self.engine = Engine(self.site, BuildOptions(output_dir=self.out, now=FIXED_NOW))
        self.last_failed = False
        self._check(None)

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), body=words)
    def replace_a_source_while_building(self, data, body):
        """A sync tool replaces a file while ``sitegen build`` runs, keeping an older time."""
        name = self._pick(data)
        age(self.site)  # files trusted by their stat, as on a writer's machine
        self.articles[name].body = body
        path = self._article_path(name)
        path = path / "index.md" if self.articles[name].folder else path
        replacing = ReplaceWhileWriting(path, self.articles[name].index())
        try:
            self._resumed_build(replacing)
        except SiteError:
            self.disturbed = True  # the site was broken before: nothing was written
        assert replacing.done or self.last_failed
        if not replacing.done:
            self._write_index(name)
        self._check([path])

    @precondition(lambda self: self.last_good)
    @rule(data=st.data())
    def edit_an_output_by_hand(self, data):
        """A file of ``sitegen build``'s output edited, keeping its size and time."""
        dest = data.draw(st.sampled_from(sorted(_tree(self.cli_out))))
        target = self.cli_out / dest
        before = target.stat()
        content = bytearray(target.read_bytes() or b"x")
        content[0] = ord("#") if content[0] != ord("#") else ord("%")
        target.write_bytes(bytes(content))
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
        self.disturbed = True
        self._check([])

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), body=words)
    def edit_break_and_restore(self, data, body):
        """In the dev server: edit an article (its page written early), break its front
        matter (the build fails), restore the file as it was."""
        name = self._pick(data)
        original = self.articles[name].body
        self.articles[name].body = body
        path = self._write_index(name)
        self._check([path])
        text = path.read_text()
        path.write_text("---\ntitle: [broken\n---\n" + text)
        self._check([path])
        self.articles[name].body = original
        self._check([self._write_index(name)])

    def _edit_or_add(self, data, body: str) -> Path:
        """A new article when there is room and hypothesis says so, else a body edit."""
        if len(self.articles) < len(NAMES) and data.draw(st.booleans()):
            name = data.draw(st.sampled_from([n for n in NAMES if n not in self.articles]))
            self.articles[name] = Article(False, name.title(), DATES[0], ["skin"], body=body)
            return self._write_article(name)
        name = self._pick(data)
        self.articles[name].body = body
        return self._write_index(name)

    def _killed_build(self, writes: int) -> None:
        command = [sys.executable, "-m", "tests.killed_build", str(self.site), str(self.cli_out)]
        command += [str(writes), str(search.SHARD_SIZE), str(render_pass.STAGE_PAGES)]
        done = subprocess.run(command, cwd=REPO, capture_output=True, timeout=120)
        assert done.returncode in (0, 1, -signal.SIGKILL), done.stderr.decode()
        assert b"Traceback" not in done.stderr, done.stderr.decode()

    # -- the check ----------------------------------------------------------------

    def _check(self, changed: list[Path] | None) -> None:
        clean_options = BuildOptions(output_dir=self.root / "clean", now=FIXED_NOW)
        try:
            expected = Engine(self.site, clean_options).build().outputs
        except SiteError as error:
            early = self._early_pages(changed)
            try:
                self.engine.build(changed)
            except SiteError as incremental_error:
                assert str(incremental_error) == str(error)
            else:
                raise AssertionError(f"the clean build failed but not the incremental: {error}")
            try:
                self._resumed_build()
            except SiteError as resumed_error:
                assert str(resumed_error) == str(error)
            else:
                raise AssertionError(f"the clean build failed but not the resumed: {error}")
            self.last_failed = True
            if self.last_good is not None and not self.disturbed:
                # The dev server's early pages may stand; nothing else changed.
                self.last_shown |= early
                assert _tree(self.out) == self.last_shown, "a failed build changed the output"
                assert _tree(self.cli_out) == self.last_good, "a failed build changed the output"
            return
        self._early_pages(changed)
        self.engine.build(changed)
        assert _tree(self.out) == expected
        self._resumed_build()
        assert _tree(self.cli_out) == expected
        self.last_good = dict(expected)
        self.last_shown = dict(expected)  # the dev server's output folder
        self.last_failed = self.disturbed = False

    def _early_pages(self, changed: list[Path] | None) -> dict[str, bytes]:
        """What the dev server writes before its build: an edited article's own page."""
        if changed is None or self.last_failed:
            return {}
        written = self.engine.write_edited_pages(changed)
        return {dest: (self.out / dest).read_bytes() for dest in written}

    def _no_staging_left(self) -> None:
        assert not list((self.site / ".sitegen-cache").glob("staging-*"))

    def _resumed_build(self, progress: Progress | None = None) -> None:
        """A build as ``sitegen build`` runs it: from what the last one saved, if anything
        changed since (``build_site``)."""
        options = BuildOptions(output_dir=self.cli_out, now=FIXED_NOW)
        try:
            build_site(self.site, options, progress=progress)
        finally:
            self._no_staging_left()

    # -- the files ----------------------------------------------------------------

    def _pick(self, data) -> str:
        return data.draw(st.sampled_from(sorted(self.articles)))

    def _folders(self) -> list[str]:
        return sorted(name for name, article in self.articles.items() if article.folder)

    def _with_sections(self) -> list[str]:
        return [name for name in self._folders() if self.articles[name].sections]

    def _article_path(self, name: str) -> Path:
        posts = self.site / "content" / "posts"
        return posts / name if self.articles[name].folder else posts / f"{name}.md"

    def _write_article(self, name: str) -> Path:
        self._write_index(name)
        for file in self.articles[name].sections:
            self._write_section(name, file)
        return self._article_path(name)

    def _write_index(self, name: str) -> Path:
        path = self._article_path(name)
        if self.articles[name].folder:
            path.mkdir(parents=True, exist_ok=True)
            path = path / "index.md"
        path.write_text(self.articles[name].index())
        return path

    def _write_section(self, name: str, file: str) -> Path:
        path = self._article_path(name) / file
        path.write_text(section_text(*self.articles[name].sections[file]))
        return path


def _tree(folder: Path) -> dict[str, bytes]:
    """The output folder's files, but the record of what sitegen wrote there."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and path.name != RECORD_NAME
    }


@contextmanager
def _failing_writes(count: int):
    """Every write after the first ``count`` fails, as on a full disk."""
    original = write._put_in_place  # each output written, or moved from the staging folder
    done = []

    def failing(dest, target, *rest):
        if len(done) >= count:
            raise OutputError(str(target), "cannot write the file: No space left on device")
        done.append(target)
        return original(dest, target, *rest)

    write._put_in_place = failing
    try:
        yield
    finally:
        write._put_in_place = original


EditSequence.TestCase.settings = settings(
    max_examples=int(os.environ.get("SITEGEN_EDIT_SEQUENCES", "200")),
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestEditSequences = EditSequence.TestCase
TestEditSequences.pytestmark = [pytest.mark.slow]


# -- which files one change rewrites ----------------------------------------------------

MICRONEEDLING = "content/posts/what-is-micro-needling"


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each output's inode and modification time: a rewrite (atomic rename) changes both."""
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file() and path.name != RECORD_NAME
    }


def _rewritten(before: dict, after: dict) -> set[str]:
    return {name for name in after if before.get(name) != after[name]}


def _changed_bytes(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """Outputs of ``after`` that are new or whose bytes differ (removed ones are not written)."""
    return {name for name in after if before.get(name) != after[name]}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_body_edit_rewrites_only_that_article(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    engine = Engine(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    engine.build()
    before = _stamps(tmp_path / "out")
    section = site / MICRONEEDLING / "03-micro-needling-devices.md"
    # Words too short to count for related posts: no other page changes.
    section.write_text(section.read_text() + "\nSo it is: do it by the book.\n")
    result = engine.build([section])
    rewritten = _rewritten(before, _stamps(tmp_path / "out"))
    # The search index holds the article's words, so some of its files change too.
    pages = {name for name in rewritten if not name.startswith("pagefind/")}
    assert pages == {"posts/what-is-micro-needling/index.html"}
    assert result.rendered == 1
    assert all(name.startswith("pagefind/") for name in result.report.removed)


def test_a_body_edit_that_changes_related_posts_rewrites_the_pages_that_list_them(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    engine = Engine(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    first = engine.build()
    before = _stamps(tmp_path / "out")
    section = site / MICRONEEDLING / "03-micro-needling-devices.md"
    section.write_text(section.read_text() + "\nFloss your teeth gently; floss daily.\n")
    second = engine.build([section])
    rewritten = _rewritten(before, _stamps(tmp_path / "out"))
    assert rewritten == _changed_bytes(first.outputs, second.outputs)
    assert "posts/what-is-micro-needling/index.html" in rewritten
    assert not rewritten & {"index.html", "feed.xml", "sitemap.xml", "tags/index.html"}


def test_a_title_change_rewrites_exactly_the_pages_that_show_the_title(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    engine = Engine(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    first = engine.build()
    before = _stamps(tmp_path / "out")
    index = site / MICRONEEDLING / "index.md"
    _edit(index, 'title: "What is Micro needling?', 'title: "All about micro needling:')
    second = engine.build([index])
    rewritten = _rewritten(before, _stamps(tmp_path / "out"))
    assert rewritten == _changed_bytes(first.outputs, second.outputs)
    # The article, the listings and feed that name it, the articles whose related
    # posts show it; not the pages that never mention it.
    assert {
        "posts/what-is-micro-needling/index.html",
        "index.html",
        "feed.xml",
        "tags/microneedling/index.html",
        "categories/skin-treatments/index.html",
        "posts/dental-floss-side-effects/index.html",
    } <= rewritten
    assert not rewritten & {"about/index.html", "404.html", "sitemap.xml", "robots.txt"}
    assert second.rendered < len([d for d in second.outputs if d.endswith((".html", ".xml"))])


def test_a_new_tag_adds_its_page_and_removing_it_removes_the_page(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    engine = Engine(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    engine.build()
    index = site / MICRONEEDLING / "index.md"
    _edit(index, "tags: [", "tags: [Rosacea care, ")
    engine.build([index])
    assert (tmp_path / "out/tags/rosacea-care/index.html").is_file()
    assert "Rosacea care" in (tmp_path / "out/tags/index.html").read_text()
    _edit(index, "tags: [Rosacea care, ", "tags: [")
    result = engine.build([index])
    assert "tags/rosacea-care/index.html" in result.report.removed
    assert not (tmp_path / "out/tags/rosacea-care").exists()


def test_a_second_build_writes_nothing_and_clean_writes_everything(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    options = BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW)
    Engine(site, options).build()
    (tmp_path / "out/mine.txt").write_text("put here by hand")
    before = _stamps(tmp_path / "out")
    again = Engine(site, options).build()
    assert again.report.written == [] and _stamps(tmp_path / "out") == before
    clean = Engine(site, options, clean=True).build()
    assert sorted(clean.report.written) == sorted(clean.outputs)
    after = _stamps(tmp_path / "out")
    assert _rewritten(before, after) == set(clean.outputs)
    assert (tmp_path / "out/mine.txt").read_text() == "put here by hand"


def test_cli_build_clean(tmp_path, capsys):
    site = copy_sample_site(tmp_path / "site")
    out = tmp_path / "out"
    assert main(["build", str(site), "-o", str(out)]) == 0
    assert main(["build", str(site), "-o", str(out)]) == 0
    assert " 0 files written" in capsys.readouterr().out
    assert main(["build", str(site), "-o", str(out), "--clean"]) == 0
    assert " 0 files written" not in capsys.readouterr().out


def test_a_template_change_seen_by_a_failed_build_counts_for_the_next_one():
    """Found by the property test: builds failed (two articles on one URL) while the
    site gained its own article.html; the build that succeeded next rendered with the
    theme's template."""
    machine = EditSequence()
    try:

        def set_slug(name: str, slug: str) -> None:
            machine.articles[name].slug = slug
            machine._check([machine._write_index(name)])

        set_slug("beta", "alpha")  # collides with the article alpha: every build fails
        path = machine.site / "templates" / "article.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        for edit in (1, 2):
            path.write_text(f"<!-- edit {edit} -->\n" + (THEME / "article.html").read_text())
            machine._check([path])
        set_slug("beta", "custom")  # builds again; _check compares with a clean build
        assert (machine.out / "posts/custom/index.html").read_text().startswith("<!-- edit 2")
    finally:
        machine.teardown()


def test_an_edited_article_page_is_written_before_the_build(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    engine = Engine(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    engine.build()
    before = _stamps(tmp_path / "out")
    section = site / MICRONEEDLING / "03-micro-needling-devices.md"
    section.write_text(section.read_text() + "\nSo it is: do it by the book.\n")
    early = engine.write_edited_pages([section])
    assert early == ["posts/what-is-micro-needling/index.html"]
    assert _rewritten(before, _stamps(tmp_path / "out")) == set(early)
    page = (tmp_path / "out" / early[0]).read_bytes()
    assert b"do it by the book" in page
    result = engine.build([section])
    assert early[0] not in result.report.written  # the build made the very same page
    assert (tmp_path / "out" / early[0]).read_bytes() == page
    clean = Engine(site, BuildOptions(output_dir=tmp_path / "clean", now=FIXED_NOW)).build()
    assert _tree(tmp_path / "out") == dict(clean.outputs)


def test_what_other_pages_show_is_left_to_the_build(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    engine = Engine(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    engine.build()
    index = site / MICRONEEDLING / "index.md"
    _edit(index, 'title: "What is Micro needling?', 'title: "All about micro needling:')
    assert engine.write_edited_pages([index]) == []
    index.write_text("---\ntitle: [broken\n---\n")
    assert engine.write_edited_pages([index]) == []


def test_an_early_page_then_a_failed_build_then_the_original_restored(tmp_path):
    """Found by hand in the dev server: edit a section (its page written early, then
    built), break its front matter (the build fails), restore the original file: the
    page kept the edited text, because the write took what the output record said of
    the page rather than what the engine knew it had written early."""
    site = copy_sample_site(tmp_path / "site")
    engine = Engine(site, BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW))
    engine.build()
    page = tmp_path / "out/posts/what-is-micro-needling/index.html"
    original, original_page = _section_text(site), page.read_bytes()
    section = site / MICRONEEDLING / "03-micro-needling-devices.md"
    section.write_text(original + "\nEdited in the preview.\n")
    assert engine.write_edited_pages([section]) == [page.relative_to(tmp_path / "out").as_posix()]
    engine.build([section])
    section.write_text("---\ntitle: [broken\n---\n")
    with pytest.raises(SiteError):
        engine.build([section])
    section.write_text(original)  # the dev server writes no early page after a failed build
    engine.build([section])
    assert page.read_bytes() == original_page
    clean = Engine(site, BuildOptions(output_dir=tmp_path / "clean", now=FIXED_NOW)).build()
    assert _tree(tmp_path / "out") == dict(clean.outputs)


def _section_text(site: Path) -> str:
    return (site / MICRONEEDLING / "03-micro-needling-devices.md").read_text()
