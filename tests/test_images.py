"""Responsive images: conversion with Pillow, the cache, <picture> markup and required alt text."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from generator.discover import digest_of
from generator.errors import ContentError
from generator.image_convert import convert_images, target_widths
from generator.images import ImageSource
from generator.lint import CheckFailed
from tests.conftest import build
from tests.htmltools import Page, html_files


def only_error(failed: CheckFailed):
    """The one error finding of a failed build."""
    errors = [finding for finding in failed.findings if finding.severity == "error"]
    assert len(errors) == 1, [str(error) for error in errors]
    return errors[0]


ARTICLE = "posts/faq-article/index.html"


def jpeg(width: int, height: int, **save) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 90))
    for x in range(0, width, 40):  # some detail, so sizes differ between widths
        image.paste((30, 90, 160), (x, 0, x + 20, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def source(data: bytes, name: str = "hero.jpg") -> ImageSource:
    return ImageSource(
        f"content/posts/a/{name}", f"/posts/a/{name}", f"posts/a/{name}", data, digest_of(data)
    )


def with_photo(site: Path, width: int = 1600, height: int = 900) -> Path:
    """The basic site's FAQ article with a JPEG hero and a photo in its text."""
    folder = site / "content/posts/faq-article"
    (folder / "photo.jpg").write_bytes(jpeg(width, height))
    index = folder / "index.md"
    index.write_text(index.read_text().replace("image: hero.svg", "image: photo.jpg"))
    section = folder / "01-what-is-acne.md"
    section.write_text(section.read_text() + "\n![A dermatologist examining a cheek](photo.jpg)\n")
    return site


def test_widths_never_exceed_the_original():
    assert target_widths(2000) == (480, 960, 1440)
    assert target_widths(1440) == (480, 960, 1440)
    assert target_widths(1200) == (480, 960, 1200)
    assert target_widths(300) == (300,)


@pytest.mark.slow
def test_each_width_comes_in_webp_and_the_original_format(tmp_path):
    catalog = convert_images([source(jpeg(1600, 900))], tmp_path)
    image = catalog.images["/posts/a/hero.jpg"]
    assert [v.width for v in image.webp] == [480, 960, 1440]
    assert [(v.width, v.height) for v in image.original] == [(480, 270), (960, 540), (1440, 810)]
    for variant in image.webp + image.original + (image.og,):
        decoded = Image.open(io.BytesIO(catalog.outputs[variant.dest_path]))
        assert decoded.size == (variant.width, variant.height)
        assert decoded.format == ("WEBP" if variant.dest_path.endswith(".webp") else "JPEG")
    assert (image.og.width, image.og.height) == (1200, 675)


@pytest.mark.slow
def test_conversion_is_cached_and_deterministic(tmp_path):
    images = [source(jpeg(1000, 600)), source(jpeg(500, 500), "b.jpg")]
    first = convert_images(images, tmp_path / "cache")
    assert len(first.converted) == len(first.outputs) > 0
    again = convert_images(images, tmp_path / "cache")
    assert again.converted == [], "nothing is converted twice"
    assert again.outputs == first.outputs
    fresh = convert_images(images, tmp_path / "other-cache")
    assert fresh.outputs == first.outputs, "a conversion gives the same bytes every time"


def test_a_changed_image_is_converted_again(tmp_path):
    convert_images([source(jpeg(800, 600))], tmp_path)
    changed = convert_images([source(jpeg(800, 601))], tmp_path)
    assert changed.converted


def test_location_data_is_not_published(tmp_path):
    exif = Image.Exif()
    exif[0x013B] = "Patient Name"  # Artist
    exif[0x0112] = 6  # Orientation: the photo is stored on its side
    catalog = convert_images([source(jpeg(800, 400, exif=exif.tobytes()))], tmp_path)
    image = catalog.images["/posts/a/hero.jpg"]
    assert (image.width, image.height) == (400, 800), "turned upright"
    for data in catalog.outputs.values():
        assert b"Patient Name" not in data
        assert not Image.open(io.BytesIO(data)).getexif()


@pytest.mark.parametrize("data", [b"not an image", jpeg(800, 600)[:400]], ids=["junk", "truncated"])
def test_a_broken_image_names_its_file(tmp_path, data):
    with pytest.raises(ContentError) as caught:
        convert_images([source(data)], tmp_path)
    assert caught.value.path == "content/posts/a/hero.jpg"


@pytest.mark.slow
def test_pages_get_pictures_with_srcset_sizes_and_dimensions(copy_site, tmp_path):
    result = build(with_photo(copy_site("basic")), tmp_path / "out")
    page = Page(result.output_dir / ARTICLE)
    hero, photo = page.find_all("img", within="picture")
    assert hero.attrs["fetchpriority"] == "high" and "loading" not in hero.attrs
    assert photo.attrs["loading"] == "lazy" and "fetchpriority" not in photo.attrs
    assert photo.attrs["alt"] == "A dermatologist examining a cheek"
    for img in (hero, photo):
        assert (img.attrs["width"], img.attrs["height"]) == ("960", "540")
        assert img.attrs["src"].startswith("/blog/posts/faq-article/photo-960.")
        assert img.attrs["sizes"]
        for candidate in img.attrs["srcset"].split(", "):
            url, width = candidate.split()
            target = result.output_dir / url.removeprefix("/blog/")
            assert Image.open(target).width == int(width.removesuffix("w"))
    webp = page.find_all("source", type="image/webp")
    assert len(webp) == 2 and all(".webp " in s.attrs["srcset"] for s in webp)


@pytest.mark.slow
def test_og_image_is_1200_wide(copy_site, tmp_path):
    result = build(with_photo(copy_site("basic")), tmp_path / "out")
    page = Page(result.output_dir / ARTICLE)
    og = page.find_all("meta", property="og:image")[0].attrs["content"]
    assert og.startswith("https://example.org/blog/posts/faq-article/photo-1200.")
    assert (
        Image.open(result.output_dir / og.removeprefix("https://example.org/blog/")).width == 1200
    )
    assert page.find_all("meta", property="og:image:width")[0].attrs["content"] == "1200"


@pytest.mark.slow
def test_a_second_build_converts_nothing(copy_site, tmp_path):
    site = with_photo(copy_site("basic"))
    build(site, tmp_path / "out")
    cache = sorted((site / ".sitegen-cache/images").iterdir())
    stamps = [os.stat(path).st_mtime_ns for path in cache]
    again = build(site, tmp_path / "out")
    assert sorted((site / ".sitegen-cache/images").iterdir()) == cache
    assert [os.stat(path).st_mtime_ns for path in cache] == stamps
    assert again.report.written == []


def test_an_svg_keeps_its_file_and_gets_its_drawing_size(basic_build):
    page = Page(basic_build.output_dir / ARTICLE)
    img = page.find_all("img", **{"class": "article__image"})[0]
    assert img.attrs["src"] == "/blog/posts/faq-article/hero.svg"
    assert img.attrs["width"] and img.attrs["height"]
    assert "sizes" not in img.attrs


def test_a_markdown_image_without_alt_is_an_error(copy_site, tmp_path):
    site = copy_site("basic")
    section = site / "content/posts/faq-article/01-what-is-acne.md"
    section.write_text(section.read_text() + "\nSee below.\n\n![](hero.svg)\n")
    with pytest.raises(CheckFailed) as caught:
        build(site, tmp_path / "out")
    error = only_error(caught.value)
    assert error.path == "content/posts/faq-article/01-what-is-acne.md"
    lines = section.read_text().splitlines()
    assert lines[error.line - 1] == "![](hero.svg)"
    assert "alt text" in error.message and "{decorative}" in error.hint


def test_a_decorative_image_says_so(copy_site, tmp_path):
    site = copy_site("basic")
    section = site / "content/posts/faq-article/01-what-is-acne.md"
    section.write_text(section.read_text() + "\n![](hero.svg){decorative}\n")
    page = Page(build(site, tmp_path / "out").output_dir / ARTICLE)
    decorative = [img for img in page.find_all("img") if "decorative" in img.attrs]
    assert decorative == []
    assert any(
        img.attrs.get("alt") == "" for img in page.find_all("img", within="article__section")
    )


def test_raw_html_image_without_alt_names_the_content_file(copy_site, tmp_path):
    site = copy_site("basic")
    page = site / "content/pages/about.md"
    page.write_text(page.read_text() + '\n<img src="/blog/posts/faq-article/hero.svg">\n')
    with pytest.raises(CheckFailed) as caught:
        build(site, tmp_path / "out")
    error = only_error(caught.value)
    assert error.path == "content/pages/about.md"
    assert page.read_text().splitlines()[error.line - 1].startswith("<img")


def test_template_image_without_alt_names_the_page(copy_site, tmp_path):
    site = copy_site("basic")
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>x</h1>'
        '<img src="/blog/posts/faq-article/hero.svg">{% endblock %}'
    )
    with pytest.raises(CheckFailed) as caught:
        build(site, tmp_path / "out")
    error = only_error(caught.value)
    assert error.path == "about/index.html"


@pytest.mark.slow
def test_every_image_of_the_sample_site_has_width_height_and_alt(sample_build):
    images = [
        (path, img)
        for path in html_files(sample_build.output_dir)
        for img in Page(path).find_all("img")
    ]
    assert len(images) > 10
    for path, img in images:
        assert {"width", "height", "alt"} <= img.attrs.keys(), (path, img.attrs)
        if not img.inside("card"):
            assert img.attrs["alt"].strip(), (path, img.attrs)


@pytest.mark.slow
def test_the_sample_site_images_are_converted(sample_build):
    names = set(sample_build.outputs)
    stem = "posts/what-is-micro-needling/hero"
    assert any(name.startswith(stem + "-480.") and name.endswith(".webp") for name in names)
    assert any(name.startswith("static/images/dry-fruits-960.") for name in names)


@pytest.mark.slow
def test_images_after_unusual_line_breaks_are_still_found(copy_site, tmp_path):
    site = with_photo(copy_site("basic"))
    about = site / "content/pages/about.md"
    about.write_text(
        about.read_text()
        + "\nA line\u2028with a separator.\n\n"
        + "![A dermatologist](/blog/posts/faq-article/photo.jpg)\n"
    )
    page = Page(build(site, tmp_path / "out").output_dir / "about/index.html")
    img = page.find_all("img", within="picture")[0]
    assert img.attrs["alt"] == "A dermatologist" and img.attrs["width"] == "960"
    assert "<p>A line\u2028with a separator.</p>\n<p><picture>" in page.html
    assert page.html.count("<img") == 1


def test_every_image_without_alt_is_reported_at_once(copy_site, tmp_path):
    site = copy_site("basic")
    section = site / "content/posts/faq-article/01-what-is-acne.md"
    section.write_text(section.read_text() + "\n![](hero.svg)\n\n![ ](hero.svg?again)\n")
    with pytest.raises(CheckFailed) as caught:
        build(site, tmp_path / "out")
    found = [f for f in caught.value.findings if f.rule == "alt-text"]
    assert [f.line for f in found] == [12, 14]
