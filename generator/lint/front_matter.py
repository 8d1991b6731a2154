"""Front-matter rules: unknown fields, lengths, hero images, titles used twice."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import unquote, urlsplit

from generator.config import Config
from generator.lint.findings import Finding, as_finding
from generator.lint.resolve import output_for
from generator.parse import ParsedFile
from generator.rules import DESCRIPTION_RANGE, TITLE_MAX

ARTICLE_KINDS = ("article", "article_index")


def documents(parsed: list[ParsedFile]) -> Iterator[ParsedFile]:
    """Files that become a page of their own: articles and pages, not sections."""
    return (item for item in parsed if item.kind in (*ARTICLE_KINDS, "page"))


def unknown_fields(parsed: list[ParsedFile]) -> Iterator[Finding]:
    for item in parsed:
        for warning in item.warnings:
            yield as_finding(warning, item.src_path)


def lengths(parsed: list[ParsedFile]) -> Iterator[Finding]:
    """Titles search engines cut, descriptions they replace."""
    low, high = DESCRIPTION_RANGE
    for item in documents(parsed):
        title = item.meta["title"]
        if len(title) > TITLE_MAX:
            yield Finding(
                "title-length",
                item.src_path,
                f"the title is {len(title)} characters; search results show about {TITLE_MAX}",
                line=item.line_of("title"),
                column=1,
                hint="shorten it so that the first words say what the page is about",
            )
        description = item.meta.get("description") or ""
        if description and not low <= len(description) <= high:
            yield Finding(
                "description-length",
                item.src_path,
                f"the description is {len(description)} characters; "
                f"search results use {low} to {high}",
                line=item.line_of("description"),
                column=1,
                hint="one or two sentences that make a reader want to open the page",
            )


def images(
    config: Config, parsed: list[ParsedFile], outputs: dict[str, bytes]
) -> Iterator[Finding]:
    """Hero images need a description, and a site path must name a file the build writes."""
    for item in parsed:
        if item.kind not in ARTICLE_KINDS or not item.meta["image"]:
            continue
        image = item.meta["image"]
        if not item.meta["image_alt"]:
            yield Finding(
                "image-alt",
                item.src_path,
                "the article has an image but no 'image_alt'",
                line=item.line_of("image"),
                column=1,
                hint="add image_alt: a short description of what the image shows",
            )
        if image.startswith("/") and not image.startswith("//"):
            path = unquote(urlsplit(image).path)
            if output_for(config, path, outputs) is None:
                yield Finding(
                    "image-missing",
                    item.src_path,
                    f"the image {image!r} is not a file of the site",
                    line=item.line_of("image"),
                    column=1,
                    hint=f"put the file in static/ and write {config.base_path}static/<name>, "
                    "or put it beside the article and give just its name",
                )


def duplicate_titles(parsed: list[ParsedFile]) -> Iterator[Finding]:
    return duplicates((item, title_key_of(item)) for item in documents(parsed))


def title_key_of(item: ParsedFile) -> str:
    """The title as readers tell titles apart: case and spacing aside."""
    return " ".join(item.meta["title"].casefold().split())


def duplicates(titled: Iterable[tuple[ParsedFile, str]]) -> Iterator[Finding]:
    """A finding for each file whose title (as :func:`title_key_of` gives it) an earlier one has."""
    first: dict[str, str] = {}
    for item, key in titled:
        if key in first:
            yield Finding(
                "duplicate-title",
                item.src_path,
                f"the title is the same as that of {first[key]}",
                line=item.line_of("title"),
                column=1,
                hint="readers and search engines tell pages apart by their titles",
            )
        else:
            first[key] = item.src_path
