"""Tables that stay readable on a phone: each one scrolls sideways inside its own box.

A 4-column table is wider than a 350 px column. Rather than squeezing its
cells or letting the page itself scroll, every ``<table>`` of an article is
wrapped in a box that scrolls horizontally::

    <div class="table-scroll" role="region" tabindex="0"
         aria-label="Table: Treatment area, Sessions needed, Price, Recovery">
      <table>...</table>
    </div>

The box can take keyboard focus (so a keyboard user can scroll it with the
arrow keys) and is named after the table's column headings, so a screen
reader says what the region holds. The theme draws the visible cue (shadows
at the edge that can still scroll).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

LABEL_WORDS = 12  # enough to tell two tables of a page apart, short enough to listen to


class ScrollingTablesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API name
        # After inline processing (priority 20): header cells then hold their final text.
        md.treeprocessors.register(_WrapTables(md), "scrolling_tables", 3)


class _WrapTables(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    parent[index] = _scroll_box(child)


def _scroll_box(table: etree.Element) -> etree.Element:
    box = etree.Element(
        "div",
        {"class": "table-scroll", "role": "region", "tabindex": "0", "aria-label": _label(table)},
    )
    box.tail, table.tail = table.tail, None
    box.append(table)
    return box


def _label(table: etree.Element) -> str:
    """``Table: <column headings>``, or plain ``Table`` when it has none."""
    headings = [" ".join("".join(cell.itertext()).split()) for cell in table.iter("th")]
    words = ", ".join(heading for heading in headings if heading).split(" ")
    text = " ".join(words[:LABEL_WORDS]) + (" …" if len(words) > LABEL_WORDS else "")
    return f"Table: {text}" if text else "Table"
