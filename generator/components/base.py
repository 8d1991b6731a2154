"""What every component shares: its placeholder in parsed HTML and its error."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from urllib.parse import quote

from markdown.util import AtomicString
from markupsafe import escape

MARKER = "data-sitegen-component"
# A component with Markdown inside (a callout) is two comments around its parsed body:
# <!--sitegen-component callout 1 kind=note title=Good%20to%20know-->
# ...
# <!--/sitegen-component 1-->
WRAPPED = "sitegen-component"


class ComponentError(ValueError):
    """A component's Markdown names something it cannot show.

    ``text`` is the writer's line at fault (the parser finds its line number),
    ``hint`` says how to mend it."""

    def __init__(self, message: str, text: str, hint: str) -> None:
        super().__init__(message)
        self.text = text
        self.hint = hint


def placeholder(name: str, fields: dict[str, str]) -> str:
    """The HTML a component's Markdown becomes when parsed (fields in a stable order)."""
    attributes = "".join(f' data-{key}="{escape(fields[key])}"' for key in sorted(fields))
    return f'<div {MARKER}="{name}"{attributes}></div>'


def wrap(parent: etree.Element, index: int, name: str, number: int, fields: dict[str, str]) -> None:
    """Put comments around ``parent[index]``'s children and replace it by them.

    ``number`` tells the closing comment of nested components apart; field
    values are percent-encoded, so no ``--`` or ``>`` ends a comment early."""
    box = parent[index]
    encoded = " ".join(
        f"{key}={quote(fields[key], safe='').replace('-', '%2D')}" for key in sorted(fields)
    )
    opening = etree.Comment(AtomicString(f"{WRAPPED} {name} {number} {encoded}".rstrip()))
    closing = etree.Comment(AtomicString(f"/{WRAPPED} {number}"))
    opening.tail, closing.tail = "\n", box.tail
    children = list(box)
    parent.remove(box)
    for offset, element in enumerate([opening, *children, closing]):
        parent.insert(index + offset, element)
