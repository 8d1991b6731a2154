from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings

from generator.build import BuildOptions, BuildResult, build_site

# CI runs the property tests with a fixed seed, so that a red build always
# reproduces; a developer's run explores new examples every time. The fast inner
# loop (``pytest -m "not slow"``, never in CI) tries fewer examples where a test
# does not set its own count; the tests that set a high one are marked slow.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("fast", max_examples=25)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("CI") and "not slow" in (config.option.markexpr or ""):
        settings.load_profile("fast")


REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
# Outside fixtures live in shared/ beside the checkout (as in CI); a git worktree
# one folder deeper finds the same folder one level up.
SHARED = next(
    (p / "shared" for p in (REPO.parent, REPO.parent.parent) if (p / "shared").is_dir()),
    REPO.parent / "shared",
)
FIXED_NOW = datetime(2025, 1, 1, tzinfo=UTC)


def copy_sample_site(destination: Path) -> Path:
    """The repository's own sample site, copied so that builds leave the checkout alone."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "site.toml", destination / "site.toml")
    for folder in ("content", "static", "templates"):
        shutil.copytree(REPO / folder, destination / folder)
    return destination


def copy_settled_sample_site(destination: Path) -> Path:
    """The sample site, copied with every file last changed an hour ago: files nobody
    touched for a while, so that a build trusts their ``stat``."""
    site = copy_sample_site(destination)
    moment = time.time() - 3600
    for path in site.rglob("*"):
        os.utime(path, (moment, moment), follow_symlinks=False)
    return site


def build(site_dir: Path, output_dir: Path | None = None, **options) -> BuildResult:
    options.setdefault("now", FIXED_NOW)
    return build_site(site_dir, BuildOptions(output_dir=output_dir, **options))


@pytest.fixture
def copy_site(tmp_path):
    """Copy a site from tests/sites into a temporary folder and return its path."""

    def _copy(name: str) -> Path:
        return Path(shutil.copytree(SITES / name, tmp_path / name.replace("/", "-")))

    return _copy


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> BuildResult:
    site = copy_sample_site(tmp_path_factory.mktemp("sample"))
    return build(site)


@pytest.fixture(scope="session")
def basic_build(tmp_path_factory) -> BuildResult:
    site = Path(shutil.copytree(SITES / "basic", tmp_path_factory.mktemp("basic") / "site"))
    return build(site)
