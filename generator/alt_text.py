"""Markdown images say what they show: ``![What it shows](x.jpg)``, or ``{decorative}``.

Empty brackets break the rule ``alt-text`` (an error unless ``site.toml`` says
otherwise); :class:`AltTextCheck` runs inside Python-Markdown and ``parse``
reports what it found.
"""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

DECORATIVE = "decorative"


class AltTextCheck(Treeprocessor):
    """Every Markdown image says what it shows, or is marked ``{decorative}`` (then ``alt=""``).

    The ``src`` of each image without either is kept in ``missing`` for ``parse`` to report.
    """

    def __init__(self, md: Markdown, missing: list[str]) -> None:
        super().__init__(md)
        self.missing = missing

    def run(self, root):
        for image in root.iter("img"):
            # attr_list turns a bare word into an attribute whose value is None.
            decorative = DECORATIVE in image.attrib
            image.attrib.pop(DECORATIVE, None)
            if decorative:
                image.set("alt", "")
            elif not (image.get("alt") or "").strip():
                self.missing.append(image.get("src", ""))


class AltTextExtension(Extension):
    """Registers :class:`AltTextCheck`; ``missing`` lists the last conversion's images."""

    def __init__(self) -> None:
        super().__init__()
        self.missing: list[str] = []

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.registerExtension(self)  # so that Markdown.reset() calls reset() below
        # After attr_list (priority 8), which turns {decorative} into an attribute.
        md.treeprocessors.register(AltTextCheck(md, self.missing), "sitegen_alt_text", 4)

    def reset(self) -> None:
        self.missing.clear()
