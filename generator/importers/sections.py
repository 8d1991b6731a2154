"""Where an imported article is cut into section files, and how deep its headings go."""

from __future__ import annotations

from generator.importers.tree import HEADINGS, Node, plain, tag_set

CONTAINERS = tag_set("div section article main span center figure")


def section_level(root: Node) -> int:
    """The heading level that splits an article into sections: the highest below ``<h1>``."""
    levels = {int(node.tag[1]) for node in root.iter() if node.tag in HEADINGS[1:]}
    return min(levels, default=2)


def heading_depths(root: Node, below: int, first_depth: int) -> dict[int, int]:
    """Markdown depths for the heading levels under ``below``, with no level skipped.

    An article's sections are ``##``, so the levels inside them start at ``###``;
    a page's content starts at ``##``. A page that jumps from ``h2`` to ``h4``
    gets ``##`` and ``###``: valid HTML never skips a heading level.
    """
    levels = sorted(
        {int(n.tag[1]) for n in root.iter() if n.tag in HEADINGS and int(n.tag[1]) > below}
    )
    return {level: min(6, first_depth + rank) for rank, level in enumerate(levels)}


def split_sections(
    root: Node, level: int
) -> tuple[list[Node | str], list[tuple[str, list[Node | str]]]]:
    """``(intro, [(title, body), ...])``: the content cut at each heading of ``level``.

    Headings wrapped in containers (Gutenberg groups, theme ``div``\\ s) still cut:
    a container that holds one is opened up first.
    """
    tag = f"h{level}"
    flat = _open_containers(root.children, tag)
    intro: list[Node | str] = []
    sections: list[tuple[str, list[Node | str]]] = []
    for child in flat:
        if isinstance(child, Node) and child.tag == tag:
            sections.append((plain(child), []))
        elif sections:
            sections[-1][1].append(child)
        else:
            intro.append(child)
    return intro, [(title, body) for title, body in sections if title]


def _open_containers(children: list[Node | str], tag: str) -> list[Node | str]:
    flat: list[Node | str] = []
    for child in children:
        if (
            isinstance(child, Node)
            and child.tag in CONTAINERS
            and any(node.tag == tag for node in child.iter())
        ):
            flat += _open_containers(child.children, tag)
        else:
            flat.append(child)
    return flat
