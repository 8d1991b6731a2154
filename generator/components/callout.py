"""Callouts and key-facts boxes: Markdown inside a box, in Python-Markdown's admonition syntax.

A writer opens a box with ``!!!``, its kind and an optional title in quotes,
and indents what goes inside by four spaces::

    !!! warning "Before your appointment"
        Stop retinol creams five days before a micro needling session.

    !!! doctor
        See a doctor if the redness lasts more than three days.

    !!! key-facts
        - A session takes 30 to 60 minutes.
        - Most people need three to six sessions.

Kinds: ``note``, ``warning``, ``doctor`` ("When to see a doctor"), drawn by
``templates/components/callout.html``; and ``key-facts``, a summary list,
drawn by ``templates/components/key-facts.html``. Python-Markdown's
``admonition`` extension reads the syntax; :class:`BoxTree` then checks each
box and leaves its parsed body between two markers (see ``base.wrap``), so
the template draws the box around it when a page is rendered.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

from generator.components.base import ComponentError, wrap

TITLES = {
    "note": "Note",
    "warning": "Warning",
    "doctor": "When to see a doctor",
    "key-facts": "Key facts",
}
HINT = (
    "open a box with !!! and one of note, warning, doctor or key-facts, a title in quotes "
    'if you like (!!! note "Good to know"), and indent its text by four spaces'
)


def context(fields: dict[str, str]) -> dict | None:
    """The template's variables: the box's kind and title (the body is added when drawn)."""
    kind = fields.get("kind", "")
    if kind not in TITLES:
        return None
    title = fields.get("title") or TITLES[kind]
    return {"kind": kind, "title": title, "kind_title": TITLES[kind]}


class BoxTree(Treeprocessor):
    """Each admonition ``<div>`` -> its body between the markers of its component.

    Runs after inline Markdown: a title is the text of what the writer typed."""

    def run(self, root: etree.Element) -> None:
        self.number = 0
        self._convert(root)

    def _convert(self, parent: etree.Element) -> None:
        for child in list(parent):
            self._convert(child)  # inner boxes first: their markers move with the body
        for index in reversed(range(len(parent))):
            box = parent[index]
            if box.tag == "div" and "admonition" in (box.get("class") or "").split():
                self.number += 1
                name, fields = _checked(box)
                wrap(parent, index, name, self.number, fields)


def _checked(box: etree.Element) -> tuple[str, dict[str, str]]:
    """The component name and fields of an admonition box; its mistakes as ComponentError."""
    kinds = (box.get("class") or "").split()[1:]
    first = box[0] if len(box) else None
    titled = first is not None and first.get("class") == "admonition-title"
    title = " ".join("".join(first.itertext()).split()) if titled else ""
    line = f"!!! {' '.join(kinds)}" + (f' "{title}"' if title and title != _default(kinds) else "")
    if len(kinds) != 1 or kinds[0] not in TITLES:
        raise ComponentError(f"'{' '.join(kinds)}' is not a kind of box", line, HINT)
    if titled:
        box.remove(first)
    kind = kinds[0]
    if not len(box):
        raise ComponentError(f"the {kind} box is empty", line, "indent its text by four spaces")
    if kind == "key-facts":
        if any(child.tag not in ("ul", "ol") for child in box):
            raise ComponentError(
                "a key-facts box holds one list and nothing else",
                line,
                "write each fact as a list item, '- ', indented by four spaces",
            )
        return "key-facts", {"title": title if title != _default(kinds) else ""}
    return "callout", {"kind": kind, "title": title if title != _default(kinds) else ""}


def _default(kinds: list[str]) -> str:
    """The title Python-Markdown gives a box without one: its kind, capitalised."""
    return kinds[0].capitalize() if kinds else ""


def key_facts_context(fields: dict[str, str]) -> dict:
    """The key-facts template's variables: its title."""
    return {"title": fields.get("title") or TITLES["key-facts"]}
