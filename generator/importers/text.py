"""Plain text articles, as copied from a word processor or a web page.

The shape it reads (the seed article is one)::

    Title on the first line

    A heading is a short line without a full stop
    Paragraphs are lines of sentences; blank lines separate blocks.
      • bullets start with •, -, * or a number
      • a lone bullet followed by paragraphs is a sub-heading (### in Markdown)

A repeated title line is dropped, and so is everything from page furniture
such as "Related Posts" or "Leave a Reply" to the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from generator.importers.markup import escape_text, guard_lines
from generator.importers.model import ImportedArticle, ImportedFile, ImportedSection, describe
from generator.slugs import slugify

BULLET = re.compile(r"^\s*(?:[•·▪◦‣∙●○■□–*-]|\d{1,2}[.)])\s+(\S.*)$")
FURNITURE = re.compile(
    r"^(related (posts?|articles|stories)|you (may|might) also like|read (more|next)|"
    r"leave a (reply|comment)|no comments?( yet)?|\d+ (comments?|responses?)|comments|"
    r"share (this|on)\b.*|post navigation|previous (post|article)|next (post|article))\s*:?$",
    re.IGNORECASE,
)
HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 12


@dataclass
class _Block:
    kind: str  # "paragraph", "list" or "heading" / "subheading" once classified
    lines: list[str] = field(default_factory=list)


def import_text(path: str, text: str, today: date) -> ImportedFile:
    """Read one plain-text article; ``path`` names it and gives its slug."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return ImportedFile(path, (), skipped=(f"{path}: the file is empty",))
    title = " ".join(lines[0].split())
    body = [line for line in lines[1:] if " ".join(line.split()) != title]
    body, dropped = _cut_furniture(body)
    warnings = [f"{path}: dropped {dropped} lines of page furniture at the end"] if dropped else []
    intro, sections = _sections(_classify(_blocks(body)))
    first_paragraph = next(
        (
            " ".join(b.lines)
            for b in intro + [b for _, bs in sections for b in bs]
            if b.kind == "paragraph"
        ),
        title,
    )
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    article = ImportedArticle(
        source=path,
        kind="post",
        slug=slugify(stem) or slugify(title) or "imported",
        front_matter={
            "title": title,
            "description": describe(first_paragraph),
            "date": today,
        },
        intro=_markdown(intro),
        sections=tuple(ImportedSection(name, _markdown(blocks)) for name, blocks in sections),
    )
    return ImportedFile(path, (article,), warnings=tuple(warnings))


def _cut_furniture(lines: list[str]) -> tuple[list[str], int]:
    for index, line in enumerate(lines):
        if FURNITURE.match(line.strip()):
            return lines[:index], sum(1 for rest in lines[index:] if rest.strip())
    return lines, 0


def _blocks(lines: list[str]) -> list[_Block]:
    """Blank lines separate blocks; bullet lines make lists, each bullet an item."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for line in lines:
        if not line.strip():
            current = None
            continue
        bullet = BULLET.match(line)
        if bullet:
            if current is None or current.kind != "list":
                current = _Block("list")
                blocks.append(current)
            current.lines.append(bullet.group(1).strip())
        elif current is not None and current.kind == "list":
            current.lines[-1] += " " + line.strip()  # a wrapped bullet
        elif current is not None:
            current.lines.append(line.strip())
        else:
            current = _Block("paragraph", [line.strip()])
            blocks.append(current)
    return _merge_lists(blocks)


def _merge_lists(blocks: list[_Block]) -> list[_Block]:
    merged: list[_Block] = []
    for block in blocks:
        if block.kind == "list" and merged and merged[-1].kind == "list" and len(block.lines) > 1:
            merged[-1].lines += block.lines
        else:
            merged.append(block)
    return merged


def _classify(blocks: list[_Block]) -> list[_Block]:
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if following is None:
            continue
        if block.kind == "paragraph" and len(block.lines) == 1 and _heading_like(block.lines[0]):
            block.kind = "heading"
        elif (
            block.kind == "list"
            and len(block.lines) == 1
            and following.kind == "paragraph"
            and _heading_like(block.lines[0])
        ):
            block.kind = "subheading"
    return blocks


def _heading_like(line: str) -> bool:
    return (
        len(line) <= HEADING_MAX_CHARS
        and len(line.split()) <= HEADING_MAX_WORDS
        and not line.endswith((".", ",", ";", ":"))
        and (line[0].isupper() or line[0].isdigit())
    )


def _sections(blocks: list[_Block]) -> tuple[list[_Block], list[tuple[str, list[_Block]]]]:
    intro: list[_Block] = []
    sections: list[tuple[str, list[_Block]]] = []
    for block in blocks:
        if block.kind == "heading":
            sections.append((block.lines[0], []))
        elif sections:
            sections[-1][1].append(block)
        else:
            intro.append(block)
    return intro, sections


def _markdown(blocks: list[_Block]) -> str:
    parts = []
    for block in blocks:
        if block.kind == "list":
            parts.append("\n".join("- " + escape_text(item) for item in block.lines))
        elif block.kind == "subheading":
            parts.append("### " + escape_text(block.lines[0]))
        else:
            parts.append(guard_lines(escape_text(" ".join(block.lines))))
    return "\n\n".join(parts)
