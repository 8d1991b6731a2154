"""A save removes the states of the cache that no build will read again, and no other."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from generator import state
from generator.build import BuildOptions, build_site
from generator.build_options import CACHE_DIR
from generator.stranded_states import remove_stranded_states
from tests.conftest import FIXED_NOW, copy_sample_site
from tests.test_state import SECTION

pytestmark = pytest.mark.slow  # most tests here build the sample site twice or more


def _edit(site: Path, words: str) -> None:
    section = site / SECTION
    section.write_text(section.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")


def _states(site: Path) -> dict[str, dict]:
    """The headers of the states in the site's cache, by file name."""
    found = {}
    for index in sorted((site / CACHE_DIR).glob("engine-*.pickle")):
        with index.open("rb") as stream:
            found[index.name] = pickle.load(stream)
    return found


def _state_files(site: Path) -> list[str]:
    return sorted(path.name for path in (site / CACHE_DIR).iterdir() if "engine-" in path.name)


def test_the_state_of_a_site_moved_away_goes_at_the_next_save(tmp_path):
    site = copy_sample_site(tmp_path / "old-place")
    options = BuildOptions(now=FIXED_NOW)
    build_site(site, options)
    moved = site.rename(tmp_path / "new-place")
    _edit(moved, "Moved, then edited.")
    build_site(moved, options)

    headers = _states(moved)
    assert [header["site"] for header in headers.values()] == [str(moved)]
    # One index, summary and records folder: those of the site at its new place.
    assert len(_state_files(moved)) == 3
    assert len(list((moved / CACHE_DIR).glob("engine-*.records"))) == 1


def test_the_states_of_other_output_folders_of_the_site_stay(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    build_site(site, BuildOptions(now=FIXED_NOW))
    other = BuildOptions(output_dir=tmp_path / "elsewhere", now=FIXED_NOW)
    build_site(site, other)
    _edit(site, "Edited after both builds.")
    build_site(site, BuildOptions(now=FIXED_NOW))

    assert len(_states(site)) == 2
    again = build_site(site, other)
    assert again.rendered < again.page_count  # its state was still there to go on from


def test_temporaries_of_killed_saves_and_states_of_other_code_go(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    options = BuildOptions(now=FIXED_NOW)
    build_site(site, options)
    cache = site / CACHE_DIR
    own = state.state_path(site, site / "build", options, ".pickle")
    (cache / f".{own.name}.k7x2q9ab.tmp").write_bytes(b"half an index")
    (cache / ".a1b2c3d4.tmp").write_bytes(b"a killed save of an older version")
    foreign = cache / "engine-00112233aabbccdd.pickle"
    foreign.write_bytes(pickle.dumps({"format": state.STATE_FORMAT, "code": "other"}))
    (cache / "engine-00112233aabbccdd.records").mkdir()
    (cache / "engine-00112233aabbccdd.records" / "segment.seg").write_bytes(b"records")
    _edit(site, "Edited with leftovers in the cache.")
    build_site(site, options)

    assert _state_files(site) == sorted(
        [own.name, own.with_suffix(".summary").name, own.with_suffix(".records").name]
    )


def test_a_state_being_saved_by_another_build_is_left_alone(tmp_path):
    """Another output folder's temporary may be a save under way; an index that cannot be
    read yet may be one being replaced."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / ".engine-0123456789abcdef.pickle.q1w2e3r4.tmp").write_bytes(b"being written")
    (cache / "engine-0123456789abcdef.pickle").write_bytes(b"not a pickle")
    (cache / "engine-fedcba9876543210.pickle").write_bytes(
        pickle.dumps({"code": "this code", "site": str(tmp_path)})
    )
    removed = remove_stranded_states(cache, "aaaaaaaaaaaaaaaa", tmp_path, "this code")
    assert removed == []
    assert len(list(cache.iterdir())) == 3
