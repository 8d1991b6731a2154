"""A cache folder outside the site (``--cache-dir``, ``SITEGEN_CACHE_DIR``): the state goes
there, each computer that builds a synced site goes on from its own, and sitegen takes
only a folder that is its own to clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import scratch
from generator.build import BuildOptions, build_site
from generator.build_options import CACHE_DIR
from generator.cache_folder import CACHE_DIR_VARIABLE, TAG_NAME, check_cache_folder
from generator.cli import main
from generator.discover import default_theme_dir
from generator.errors import OutputError
from generator.serve import Preview
from tests.conftest import FIXED_NOW, copy_sample_site
from tests.test_state import SECTION

THEME = default_theme_dir()


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.toml").write_text('title = "T"\n', encoding="utf-8")
    return site


def _outputs(site: Path) -> dict[str, bytes]:
    """The output folder's files but the record (which holds each file's stat)."""
    build = site / "build"
    return {
        path.relative_to(build).as_posix(): path.read_bytes()
        for path in sorted(build.rglob("*"))
        if path.is_file() and path.name != ".sitegen-outputs.json"
    }


@pytest.mark.slow
def test_a_build_keeps_its_state_in_the_folder_given_and_goes_on_from_it(tmp_path):
    site, cache = copy_sample_site(tmp_path / "site"), tmp_path / "cache"
    options = BuildOptions(cache_dir=cache, now=FIXED_NOW)
    first = build_site(site, options)
    again = build_site(site, options)

    assert not (site / CACHE_DIR).exists()  # nothing of the cache in the site folder
    assert len(list(cache.glob("engine-*.pickle"))) == 1
    assert (cache / TAG_NAME).read_text("utf-8").startswith("Signature: 8a477f597d28d172")
    assert first.rendered >= first.page_count > 0  # made from nothing (feeds render too)
    assert (again.rendered, again.report.written) == (0, [])


@pytest.mark.slow
def test_two_computers_building_one_synced_site_each_go_on_from_their_own_state(tmp_path):
    """A site folder in a sync tool, at another path on each computer: with the caches
    outside it, neither build takes the other's state for a moved site's and removes it."""
    here = copy_sample_site(tmp_path / "here" / "clinic")
    there = tmp_path / "there" / "clinic"
    caches = {here: tmp_path / "cache-here", there: tmp_path / "cache-there"}
    options = {site: BuildOptions(cache_dir=cache, now=FIXED_NOW) for site, cache in caches.items()}
    build_site(here, options[here])
    shutil.copytree(here, there)  # what the sync tool puts on the other computer
    build_site(there, options[there])

    section = here / SECTION
    section.write_text(section.read_text("utf-8") + "\nEdited here.\n", encoding="utf-8")
    edited_here = build_site(here, options[here])
    shutil.copy2(section, there / SECTION)  # synced, its time kept
    edited_there = build_site(there, options[there])

    for result in (edited_here, edited_there):
        assert 0 < result.rendered < result.page_count  # went on from its own state
    assert edited_here.rendered == edited_there.rendered
    assert _outputs(here) == _outputs(there)
    for cache in caches.values():
        assert len(list(cache.glob("engine-*.pickle"))) == 1


@pytest.mark.slow
def test_the_environment_names_the_cache_folder_of_the_commands(tmp_path, monkeypatch, capsys):
    site, cache = copy_sample_site(tmp_path / "site"), tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(cache))
    assert main(["build", str(site)]) == 0
    assert list(cache.glob("engine-*.pickle")) and not (site / CACHE_DIR).exists()
    assert Preview(site, cache_dir=cache).output_dir == (cache / "serve").resolve()


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("site/content/cache", "inside content/"),
        ("site/templates", "inside templates/"),
        ("site", "the site folder or a folder that holds it"),
        (".", "the site folder or a folder that holds it"),
        ("site/build/cache", "inside the output folder"),
    ],
)
def test_a_cache_folder_among_the_inputs_or_outputs_is_refused(tmp_path, where, said):
    site = _site(tmp_path)
    with pytest.raises(OutputError) as refused:
        check_cache_folder(site, site / "build", tmp_path / where, THEME)
    assert said in refused.value.message and refused.value.rule == "cache-folder"


def test_a_folder_of_other_files_is_refused_and_left_as_it_was(tmp_path, capsys):
    site, folder = _site(tmp_path), tmp_path / "documents"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "scan.png").write_bytes(b"a writer's own file")
    assert main(["build", str(site), "--cache-dir", str(folder)]) == 1
    printed = capsys.readouterr().err
    assert "sitegen did not make" in printed and "[cache-folder]" in printed
    assert str(folder) in printed and "Traceback" not in printed
    assert sorted(p.name for p in folder.rglob("*")) == ["images", "scan.png"]
    assert not (site / "build").exists()


def test_another_tools_cache_and_another_sites_are_refused(tmp_path):
    site, other_site = _site(tmp_path), _site(tmp_path / "other")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / TAG_NAME).write_text("Signature: 8a477f597d28d172789f06886806bc55\n# other tool\n")
    with pytest.raises(OutputError, match="sitegen did not make"):
        check_cache_folder(site, site / "build", theirs, THEME)

    shared = tmp_path / "shared"
    check_cache_folder(other_site, other_site / "build", shared, THEME)
    with pytest.raises(OutputError, match=f"that of the site in {other_site}"):
        check_cache_folder(site, site / "build", shared, THEME)


def test_the_cache_of_a_site_moved_away_is_taken_over(tmp_path):
    old, cache = _site(tmp_path / "old"), tmp_path / "cache"
    check_cache_folder(old, old / "build", cache, THEME)
    (cache / "engine-0123456789abcdef.pickle").write_bytes(b"a state")
    moved = old.rename(tmp_path / "moved")
    check_cache_folder(moved, moved / "build", cache, THEME)  # no error
    assert f"in: {moved.resolve()}\n" in (cache / TAG_NAME).read_text("utf-8")


def test_the_sites_own_cache_folder_named_is_the_default(tmp_path):
    site = _site(tmp_path)
    (site / CACHE_DIR).mkdir()
    (site / CACHE_DIR / "engine-0123456789abcdef.pickle").write_bytes(b"a state")
    check_cache_folder(site, site / "build", site / CACHE_DIR, THEME)
    assert not (site / CACHE_DIR / TAG_NAME).exists()  # left as the default is


@pytest.mark.slow
def test_check_takes_its_own_scratch_cache_with_the_sites_images_in_it(tmp_path, capsys):
    # `sitegen check` seeds a temporary cache with the converted images: no folder the
    # writer named, so not one to refuse for holding files.
    site = copy_sample_site(tmp_path / "site")
    build_site(site, BuildOptions(now=FIXED_NOW))
    assert any((site / CACHE_DIR / "images").iterdir())
    code = main(["check", str(site)])
    printed = capsys.readouterr()
    assert "[cache-folder]" not in printed.out + printed.err
    assert code == 0


def test_the_preview_refuses_a_cache_folder_it_may_not_clean(tmp_path):
    site, folder = _site(tmp_path), tmp_path / "documents"
    folder.mkdir()
    (folder / "letter.txt").write_text("a writer's own file", encoding="utf-8")
    with pytest.raises(OutputError, match="sitegen did not make"):
        Preview(site, cache_dir=folder)
    assert [path.name for path in folder.iterdir()] == ["letter.txt"]


def test_check_starts_from_the_images_in_the_cache_folder_named(tmp_path, monkeypatch):
    site, cache = tmp_path / "site", tmp_path / "cache"
    shutil.copytree(Path(__file__).parent / "sites" / "basic", site)
    (cache / "images").mkdir(parents=True)
    (cache / "images" / "0123abcd.webp").write_bytes(b"a converted image")
    seeded = []
    real_copytree = scratch.shutil.copytree

    def copytree(source, destination, **options):
        seeded.append(Path(source))
        return real_copytree(source, destination, **options)

    monkeypatch.setattr(scratch.shutil, "copytree", copytree)
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(cache))
    assert main(["check", str(site)]) == 0
    assert seeded == [cache / "images"]
