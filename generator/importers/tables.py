"""HTML tables -> Markdown, keeping what the source says about headers and captions.

A table whose head (``<thead>``) is one row of header cells over rows of data
cells becomes a Markdown pipe table. Any other table (no head, a row of header
cells in its body, header cells down the side, cells spanning rows or columns)
is written as an HTML table that Markdown still reads inside
(``markdown="1"``), so that every cell stays where it was, as it was. A
caption makes the table a figure, its caption the figure's (Markdown has no
table captions, and ``<caption>`` is not read inside ``markdown="1"``)::

    <figure class="table" markdown="1">
    <figcaption markdown="span">Doses by *age*</figcaption>
    <table markdown="1">
    <tbody markdown="1">
    <tr markdown="1"><th markdown="span">Age</th><td markdown="span">12</td></tr>
    ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from markupsafe import escape

if TYPE_CHECKING:
    from generator.importers.markup import Node

Inline = Callable[[list], str]  # cell children -> Markdown on one line
SPANS = ("colspan", "rowspan")


def table_markdown(table: Node, inline: Inline) -> str:
    """Markdown for ``table``; ``inline`` converts a cell's children to inline Markdown."""
    rows = _rows(table)
    if not rows:
        return ""
    caption = next((c for c in table.children if _is(c, "caption")), None)
    caption_text = _one_line(inline(caption.children)) if caption is not None else ""
    markdown = _pipe_table(rows, inline) if _is_plain_grid(rows) else _html_table(rows, inline)
    if not caption_text:
        return markdown
    caption_html = f'<figcaption markdown="span">{caption_text}</figcaption>'
    return f'<figure class="table" markdown="1">\n{caption_html}\n\n{markdown}\n\n</figure>'


def _is(node, tag: str) -> bool:
    return not isinstance(node, str) and node.tag == tag


def _rows(table: Node) -> list[tuple[Node, list[Node]]]:
    """Each row with its cells, in order, and the part it is in (thead, tbody, tfoot)."""
    found = []
    for child in table.children:
        if _is(child, "tr"):
            found.append((table, child))
        elif not isinstance(child, str) and child.tag in ("thead", "tbody", "tfoot"):
            found += [(child, row) for row in child.children if _is(row, "tr")]
    return [
        (part, [c for c in row.children if not isinstance(c, str) and c.tag in ("td", "th")])
        for part, row in found
        if any(not isinstance(c, str) and c.tag in ("td", "th") for c in row.children)
    ]


def _is_plain_grid(rows) -> bool:
    """A head of one row of header cells over rows of data cells, nothing spanning."""
    cells = [cell for _, row in rows for cell in row]
    if any(cell.attrs.get(span, "1") not in ("", "1") for cell in cells for span in SPANS):
        return False
    (first_part, first), rest = rows[0], rows[1:]
    return (
        all(cell.tag == "th" for cell in first)
        and all(cell.tag == "td" for _, row in rest for cell in row)
        and first_part.tag == "thead"
        and all(part.tag != "thead" for part, _ in rest)
    )


def _one_line(text: str) -> str:
    return " ".join(text.replace("<br>", " ").split())


def _pipe_table(rows, inline: Inline) -> str:
    lines = [
        [_one_line(inline(cell.children)).replace("|", "\\|") or " " for cell in row]
        for _, row in rows
    ]
    width = max(len(line) for line in lines)
    lines = [line + [" "] * (width - len(line)) for line in lines]
    text = ["| " + " | ".join(line) + " |" for line in lines]
    text.insert(1, "|" + " --- |" * width)
    return "\n".join(text)


def _html_table(rows, inline: Inline) -> str:
    lines = ['<table markdown="1">']
    part = None
    for row_part, cells in rows:
        name = row_part.tag if row_part.tag in ("thead", "tbody", "tfoot") else "tbody"
        if name != part:
            if part:
                lines.append(f"</{part}>")
            lines.append(f'<{name} markdown="1">')
            part = name
        lines.append('<tr markdown="1">' + "".join(_cell(c, inline) for c in cells) + "</tr>")
    lines.append(f"</{part}>")
    lines.append("</table>")
    return "\n".join(lines)


def _cell(cell: Node, inline: Inline) -> str:
    spans = "".join(
        f' {name}="{escape(cell.attrs[name])}"'
        for name in (*SPANS, "scope")
        if cell.attrs.get(name, "").strip() and cell.attrs[name] != "1"
    )
    text = _one_line(inline(cell.children))
    return f'<{cell.tag}{spans} markdown="span">{text}</{cell.tag}>'
