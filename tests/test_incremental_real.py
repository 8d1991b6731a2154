"""Incremental == clean on real content: each real WordPress blog of ../shared/fixtures moved
into a new site, then edited as its writers would edit it, a step at a time. After each
step a build that goes on from the saved state (as the next ``sitegen build`` does) must
give the same output folder, byte for byte, as a build from nothing; a step that makes
the site fail must fail both ways and leave the last good output as it was.

The state-machine test of ``test_incremental.py`` tries every kind of change on a small
made-up site; this one runs a fixed, seeded walk over hundreds of real pages, comments
and images, where the shapes of real content (long comment threads, sections, old dates,
duplicate titles, links between posts) meet the engine's memos.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import SiteError
from tests.conftest import build
from tests.test_wordpress_migration import _export, _new_site
from tests.wxr_standins import make_standins, serve

pytestmark = pytest.mark.slow  # real exports imported, then two builds per step

STEPS = 14
RECORD = ".sitegen-outputs.json"  # the output folder's own record: stats differ by folder
DRAFT = re.compile(r"(?m)^draft: true$")
ALIASES = re.compile(r"(?m)^aliases:.*\n")  # an old address belongs to one article only


@pytest.fixture(scope="module", params=["drrajshah", "mythz"])
def real_site(request, tmp_path_factory) -> tuple[str, Path]:
    export = _export(request.param)
    root = tmp_path_factory.mktemp(f"{request.param}-edits")
    files = root / "old-host"
    make_standins(export, files)
    site = root / "site"
    _new_site(site, export)
    with open(os.devnull, "w") as quiet, redirect_stdout(quiet), serve(files) as (address, _):
        assert main(["import", str(export), "--site", str(site), "--fetch-from", address]) == 0
    build(site)  # the first build: the state every later one goes on from
    return request.param, site


def test_every_step_builds_as_a_clean_build_does(real_site, tmp_path):
    name, site = real_site
    walk = _Walk(site, random.Random(name), tmp_path)
    last_good = _tree(site / "build")
    outcomes = []
    for step in range(STEPS):
        change = walk.step()
        resumed, clean = _outcome(site), _outcome(site, tmp_path / f"clean-{step}")
        outcomes.append((change, resumed))
        said = f"step {step} ({change})"
        assert (resumed == "failed") == (clean == "failed"), f"{said}: {resumed}, clean {clean}"
        now = _tree(site / "build")
        if resumed == "failed":
            assert now == last_good, f"{said}: a failed build changed the output"
            continue
        mismatched = _differences(now, _tree(tmp_path / f"clean-{step}" / "out"))
        assert not mismatched, f"{said}: {mismatched[:10]}"
        last_good = now
    # The walk changed published pages, not only drafts: the test could have failed.
    assert any(outcome == "changed" for _change, outcome in outcomes), outcomes


def _outcome(site: Path, clean_root: Path | None = None) -> str:
    """Build the site (from nothing into ``clean_root`` when given); what came of it."""
    try:
        if clean_root is None:
            result = build(site)
        else:
            result = build(site, clean_root / "out", cache_dir=clean_root / "cache")
    except SiteError:
        return "failed"
    return "changed" if result.report.written or result.report.removed else "same"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != RECORD
    }


def _differences(resumed: dict[str, bytes], clean: dict[str, bytes]) -> list[str]:
    return sorted(
        [f"only resumed: {name}" for name in resumed.keys() - clean.keys()]
        + [f"only clean: {name}" for name in clean.keys() - resumed.keys()]
        + [f"differs: {n}" for n in resumed.keys() & clean.keys() if resumed[n] != clean[n]]
    )


@dataclass
class _Walk:
    """Seeded edits of a real site, the ways a clinic's writers and their tools change it."""

    site: Path
    rng: random.Random
    scratch: Path
    earlier: dict[Path, tuple[bytes, int]] = field(default_factory=dict)  # file -> bytes, mtime
    deleted: dict[Path, Path] = field(default_factory=dict)  # article -> its copy
    count: int = 0

    def step(self) -> str:
        self.count += 1
        if self.deleted:  # a deleted article comes back, as a sync tool restores it
            return self._restore()
        edits = [self._append, self._retitle, self._retag, self._older, self._comment,
                 self._config, self._copy, self._delete]  # fmt: skip
        return self.rng.choice(edits)()

    def _articles(self) -> list[Path]:
        """The published articles (a draft's edits change no page: most steps would not
        test anything on a blog with many)."""
        posts = self.site / "content" / "posts"
        return sorted(
            path
            for path in posts.iterdir()
            if (path / "index.md").is_file() and not DRAFT.search(_read(path / "index.md"))
        )

    def _markdown(self) -> Path:
        article = self.rng.choice(self._articles())
        return self.rng.choice(sorted(article.rglob("*.md")))

    def _append(self) -> str:
        file = self._markdown()
        self.earlier[file] = (file.read_bytes(), file.stat().st_mtime_ns)
        _write(file, file.read_text("utf-8") + f"\nA sentence added in edit {self.count}.\n")
        return f"append to {file.relative_to(self.site)}"

    def _retitle(self) -> str:
        file = self.rng.choice(self._articles()) / "index.md"
        _retitled(file, f"Edited title {self.count}")
        return f"retitle {file.parent.name}"

    def _retag(self) -> str:
        file = self.rng.choice(self._articles()) / "index.md"
        tags = f"tags: [edited {self.count % 3}, {self.rng.choice(['care', 'news'])}]"
        text = _read(file)
        if re.search(r"(?m)^tags:", text):  # a list that may run over the lines below
            text = re.sub(r"(?m)^tags:.*(\n(?:[ \t]+|- ).*)*$", tags, text, count=1)
        else:
            text = text.replace("\n---\n", f"\n{tags}\n---\n", 1)
        _write(file, text)
        return f"retag {file.parent.name}"

    def _older(self) -> str:
        """A file put back as it was, with the time it had then: older than the edit."""
        if not self.earlier:
            return self._append()
        file = self.rng.choice(sorted(self.earlier))
        data, mtime = self.earlier.pop(file)
        if not file.parent.is_dir():
            return f"nothing: {file.parent.name} is gone"
        file.write_bytes(data)
        os.utime(file, ns=(mtime, mtime))
        return f"older copy of {file.relative_to(self.site)}"

    def _comment(self) -> str:
        comments = sorted(self.site.glob("content/posts/*/comments/*.md"))
        if not comments:
            return self._append()
        file = self.rng.choice(comments)
        _write(file, _read(file) + f"\nThanks, edited {self.count}.\n")
        return f"edit comment {file.relative_to(self.site)}"

    def _config(self) -> str:
        per_page = self.rng.choice([3, 5, 10])
        config = self.site / "site.toml"
        setting = f"posts_per_page = {per_page}"
        _write(config, re.sub(r"posts_per_page = \d+", setting, _read(config)))
        return f"posts_per_page = {per_page}"

    def _copy(self) -> str:
        article = self.rng.choice(self._articles())
        copy = article.with_name(f"{article.name}-again-{self.count}")
        shutil.copytree(article, copy)
        index = copy / "index.md"
        _write(index, ALIASES.sub("", _read(index)))
        _retitled(index, f"{article.name} again")
        return f"copy {article.name}"

    def _delete(self) -> str:
        article = self.rng.choice(self._articles())
        kept = self.scratch / "deleted" / article.name
        shutil.copytree(article, kept)  # with its files' times, to put back as it was
        shutil.rmtree(article)
        self.deleted[article] = kept
        return f"delete {article.name}"

    def _restore(self) -> str:
        article, kept = self.deleted.popitem()
        shutil.copytree(kept, article)
        return f"restore {article.name}"


def _read(file: Path) -> str:
    return file.read_text("utf-8")


def _write(file: Path, text: str) -> None:
    file.write_text(text, "utf-8")


def _retitled(file: Path, title: str) -> None:
    _write(file, re.sub(r"(?m)^title: .*$", f'title: "{title}"', _read(file), count=1))
