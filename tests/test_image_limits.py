"""A decompression bomb is a clear image-unreadable error, with its pixel count and the limit."""

from __future__ import annotations

import shutil
import zlib
from pathlib import Path

import pytest
from PIL import Image

from generator.cli import main
from generator.image_limits import HIGHEST_MAX_PIXELS
from tests.conftest import SITES


def bomb_png(width: int, height: int) -> bytes:
    """A valid grey PNG of ``width`` x ``height`` pixels in a few kilobytes."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    row = b"\0" + b"\0" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_the_hard_limit_is_twice_pillows():
    assert HIGHEST_MAX_PIXELS == 2 * Image.MAX_IMAGE_PIXELS


@pytest.mark.slow
@pytest.mark.parametrize("where", ["static/huge.png", "content/posts/faq-article/huge.png"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_decompression_bomb_is_refused_with_its_size(tmp_path, capsys, where, command):
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    (site / where).parent.mkdir(parents=True, exist_ok=True)
    (site / where).write_bytes(bomb_png(20000, 20000))
    assert main([command, str(site)]) == 1
    text = "".join(capsys.readouterr())
    assert "Traceback" not in text
    assert f"{where}: error: the image has 400,000,000 pixels, over the limit of 50,000,000" in text
    assert "[image-unreadable]" in text


@pytest.mark.slow
@pytest.mark.parametrize("limit, code", [(None, 0), (5_000_000, 1), (6_000_000, 0)])
def test_the_limit_is_set_in_site_toml(tmp_path, capsys, limit, code):
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    (site / "static").mkdir()
    (site / "static/wide.png").write_bytes(bomb_png(3000, 2000))
    if limit is not None:
        text = (site / "site.toml").read_text()
        (site / "site.toml").write_text(f"image_max_pixels = {limit}\n" + text)
    assert main(["build", str(site)]) == code
    text = "".join(capsys.readouterr())
    assert ("the image has 6,000,000 pixels, over the limit of 5,000,000" in text) == (code == 1)


def test_a_lower_limit_is_seen_by_an_engine_that_converted_the_image_before(tmp_path):
    # The dev server keeps one engine: a limit lowered in site.toml must judge the
    # images it already converted, as a clean build would.
    from generator.build_options import BuildOptions
    from generator.engine.pipeline import Engine
    from generator.errors import SiteError

    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    (site / "static").mkdir()
    (site / "static/wide.png").write_bytes(bomb_png(300, 200))
    engine = Engine(site, BuildOptions(output_dir=tmp_path / "out"))
    engine.build()
    config = site / "site.toml"
    config.write_text("image_max_pixels = 50000\n" + config.read_text())
    with pytest.raises(SiteError, match="60,000 pixels, over the limit of 50,000"):
        engine.build([config])
