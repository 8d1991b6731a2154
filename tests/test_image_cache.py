"""The image cache lets go of copies no build has used for a day, and of nothing else."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator import image_cache
from generator.image_convert import convert_images
from tests.conftest import build
from tests.test_images import jpeg, source, with_photo

DAYS = 24 * 60 * 60


def _age(paths, seconds: float) -> None:
    """Make ``paths`` look last written ``seconds`` ago."""
    then = time.time() - seconds
    for path in paths:
        os.utime(path, (then, then))


def _names(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def test_copies_of_a_replaced_image_go_once_unused_for_a_day(tmp_path):
    cache = tmp_path / "cache"
    before = convert_images([source(jpeg(600, 400))], cache)
    old = set(before.cached.values())
    _age(old, 2 * DAYS)
    after = convert_images([source(jpeg(600, 401))], cache)  # the image was replaced
    assert _names(cache / "images") == {path.name for path in after.cached.values()}
    assert not any(path.exists() for path in old)


def test_copies_unused_for_less_than_a_day_stay(tmp_path):
    cache = tmp_path / "cache"
    before = convert_images([source(jpeg(600, 400))], cache)
    _age(before.cached.values(), DAYS - 600)
    after = convert_images([source(jpeg(600, 401))], cache)
    expected = {path.name for path in [*before.cached.values(), *after.cached.values()]}
    assert _names(cache / "images") == expected


def test_a_copy_in_use_stays_however_old_and_is_marked_used(tmp_path):
    cache = tmp_path / "cache"
    images = [source(jpeg(600, 400))]
    first = convert_images(images, cache)
    _age(first.cached.values(), 30 * DAYS)
    again = convert_images(images, cache)
    assert again.converted == [], "each copy was read from the cache"
    assert again.outputs == first.outputs
    for path in first.cached.values():
        assert path.stat().st_mtime > time.time() - 600


def test_a_copy_read_again_soon_keeps_its_time(tmp_path):
    path = tmp_path / "copy.webp"
    path.write_bytes(b"copy")
    _age([path], 3600)
    stamp = path.stat().st_mtime_ns
    assert image_cache.read(path) == b"copy"
    assert path.stat().st_mtime_ns == stamp


def test_temporary_files_of_a_killed_build_go_once_old(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / ".left-behind.tmp").write_bytes(b"half a copy")
    (folder / ".being-written.tmp").write_bytes(b"another build's")
    _age([folder / ".left-behind.tmp"], 2 * DAYS)
    assert image_cache.remove_unused(folder, []) == [".left-behind.tmp"]
    assert _names(folder) == {".being-written.tmp"}


def test_only_files_of_the_folder_itself_are_removed(tmp_path):
    folder = tmp_path / "images"
    (folder / "a-folder").mkdir(parents=True)
    outside = tmp_path / "elsewhere.webp"
    outside.write_bytes(b"not the cache's")
    (folder / "link.webp").symlink_to(outside)
    (folder / "a-folder" / "inside.webp").write_bytes(b"x")
    _age([outside, folder / "a-folder" / "inside.webp", folder / "a-folder"], 9 * DAYS)
    os.utime(folder / "link.webp", (0, 0), follow_symlinks=False)
    (folder / "old.webp").write_bytes(b"an old copy")
    _age([folder / "old.webp"], 9 * DAYS)
    assert image_cache.remove_unused(folder, []) == ["old.webp"]
    assert outside.read_bytes() == b"not the cache's", "a link and its target are left alone"
    assert (folder / "link.webp").is_symlink()
    assert (folder / "a-folder" / "inside.webp").exists()


def test_no_cache_folder_is_no_error(tmp_path):
    assert image_cache.remove_unused(tmp_path / "missing", []) == []


@pytest.mark.slow
def test_a_build_after_an_image_was_replaced_leaves_only_its_copies(copy_site, tmp_path):
    site = with_photo(copy_site("basic"))
    build(site, tmp_path / "out")
    images = site / ".sitegen-cache/images"
    first = _names(images)
    _age(images.iterdir(), 2 * DAYS)
    (site / "content/posts/faq-article/photo.jpg").write_bytes(jpeg(1500, 900))
    result = build(site, tmp_path / "out")
    now = _names(images)
    assert now and not now & first, "the replaced photo's copies are gone"
    article = tmp_path / "out/posts/faq-article"
    published = {path.name for path in article.iterdir() if "photo-" in path.name}
    assert len(now) == len(published), "one cached copy for each copy published"
    assert result.report.removed, "and the old copies left the output folder"
