"""The before/after pair: two photos side by side, each described, under one caption.

A writer puts the caption after ``!before-after`` and the two images on the
next lines, before first::

    !before-after[Acne scars on the left cheek, before and after three sessions]
    ![Deep, rolling acne scars across the cheek](before.jpg)
    ![The same cheek three months later, the scars shallower](after.jpg)

Both alt texts are required (a reader who cannot see the photos gets the
comparison from them). The images are files of the site, beside the article
or in ``static/``, so they go through the image pipeline like any other
(``<picture>``, widths, WebP). ``templates/components/before-after.html``
draws the pair.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor

from generator.components.base import ComponentError, placeholder

BLOCK = re.compile(r"^ {0,3}!before-after\[((?:\\.|[^\]\\\n])*)\][ \t]*$")
STARTS = re.compile(r"^ {0,3}!before-after\b")
IMAGE = re.compile(
    r'^ {0,3}!\[((?:\\.|[^\]\\\n])*)\]\(\s*<?([^\s<>()"]+)>?(?:\s+"[^"]*")?\s*\)[ \t]*$'
)
HINT = (
    "write !before-after[Caption] and, on the next two lines, "
    "![What the first photo shows](before.jpg) and ![What the second shows](after.jpg)"
)


def context(fields: dict[str, str]) -> dict | None:
    keys = ("caption", "before_src", "before_alt", "after_src", "after_alt")
    if not all(fields.get(key) for key in keys):
        return None
    return {key: fields[key] for key in keys}


class PairBlock(BlockProcessor):
    """``!before-after[Caption]`` and two image lines -> the before/after placeholder."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(STARTS.match(block.split("\n", 1)[0]))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        lines = blocks.pop(0).split("\n")
        first = lines[0]
        match = BLOCK.match(first)
        caption = " ".join(_unescaped(match.group(1)).split()) if match else ""
        if not caption:
            raise ComponentError("a before/after pair needs a caption in brackets", first, HINT)
        images = [IMAGE.match(line) for line in lines[1:3]]
        if len(images) < 2 or not all(images):
            raise ComponentError(
                "a before/after pair needs two images on the next lines", first, HINT
            )
        fields = {"caption": caption}
        for which, image, line in zip(("before", "after"), images, lines[1:3], strict=True):
            fields[f"{which}_alt"] = " ".join(_unescaped(image.group(1)).split())
            fields[f"{which}_src"] = image.group(2)
            _check_image(which, fields, line)
        if len(lines) > 3 and "\n".join(lines[3:]).strip():
            blocks.insert(0, "\n".join(lines[3:]))
        stash = self.parser.md.htmlStash.store(placeholder("before-after", fields))
        etree.SubElement(parent, "p").text = stash


def _check_image(which: str, fields: dict[str, str], line: str) -> None:
    if not fields[f"{which}_alt"]:
        raise ComponentError(
            f"the {which} photo of a before/after pair has no alt text",
            line,
            f"say what the {which} photo shows: ![Deep acne scars on the cheek]"
            f"({fields[f'{which}_src']})",
        )
    if re.match(r"^[a-z][a-z0-9+.-]*:|^//", fields[f"{which}_src"], re.I):
        raise ComponentError(
            f"the {which} photo of a before/after pair is not a file of the site",
            line,
            "put the photo beside the article and give its name, like before.jpg",
        )


def _unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)
