"""Rules on Markdown bodies: empty sections, headings out of order."""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint.findings import Finding
from generator.lint.front_matter import ARTICLE_KINDS
from generator.parse import ParsedFile


def empty_sections(parsed: list[ParsedFile]) -> Iterator[Finding]:
    for item in parsed:
        if item.kind != "section":
            continue
        if not item.html.strip():
            yield Finding(
                "empty-section",
                item.src_path,
                f"the section '{item.meta['title']}' has no text",
                line=item.line_of("title"),
                column=1,
                hint="write the section below its front matter, or delete the file",
            )
        elif item.meta["kind"] == "faq" and not item.questions:
            yield Finding(
                "empty-section",
                item.src_path,
                "the FAQ section has no questions",
                line=item.line_of("kind"),
                column=1,
                hint="write each question as a '### ' heading with its answer below",
            )


def headings(parsed: list[ParsedFile]) -> Iterator[Finding]:
    """Headings go down one level at a time; the page's title is its only ``<h1>``.

    A section's title is its ``<h2>``, so its own headings start at ``###``;
    an article or page starts below its ``<h1>`` title. Where each heading
    stands was noted when the file was parsed (``ParsedFile.headings``).
    """
    for item in parsed:
        if item.kind in (*ARTICLE_KINDS, "section", "page"):
            yield from _headings(item)


def _headings(item: ParsedFile) -> Iterator[Finding]:
    previous = 2 if item.kind == "section" else 1
    for line, column, level in item.headings:
        if level == 1:
            yield Finding(
                "heading-order",
                item.src_path,
                "a '#' heading makes a second <h1>: the title is the page's <h1>",
                line=line,
                column=column,
                hint="start with '##' (or '###' in a section file)",
            )
        elif level > previous + 1:
            yield Finding(
                "heading-order",
                item.src_path,
                f"the heading skips from level {previous} to level {level}",
                line=line,
                column=column,
                hint=f"use {'#' * (previous + 1)} here; screen readers navigate by level",
            )
        previous = max(level, 1)
