"""Content components: blocks a writer asks for in Markdown and a template draws.

A component has a Markdown syntax of its own (a line like
``!video[Title](https://www.youtube.com/watch?v=...)``), read when a file is
parsed, and a template, ``templates/components/<name>.html``, used when a page
is rendered. Between the two, the parsed HTML holds a placeholder that carries
only what the writer wrote::

    <div data-sitegen-component="video" data-url="..." data-title="..."></div>

so that a site may override the template and see every page change at once,
without parsing its Markdown again. A component with Markdown inside (a
callout box) leaves two comment markers around its parsed body instead
(``base.wrap``); its template gets the body drawn as ``body``. To add a
component: a module here with a ``BLOCK`` pattern, a ``context(fields)``
function and a block processor, listed in :data:`COMPONENTS`, and its template
in ``templates/components/``.

The components: ``video`` (:mod:`.video`), ``callout`` and ``key-facts``
(:mod:`.callout`), ``appointment`` (:mod:`.appointment`) and
``before-after`` (:mod:`.before_after`).

    >>> placeholder("video", {"url": "https://vimeo.com/1", "title": "A & B"})
    '<div data-sitegen-component="video" data-title="A &amp; B" data-url="https://vimeo.com/1"></div>'
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import unquote

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionExtension
from markupsafe import Markup

from generator.components import appointment, before_after, callout, video
from generator.components.base import MARKER, WRAPPED, ComponentError, placeholder

__all__ = ["ComponentError", "ComponentsExtension", "placeholder", "render_components"]
# name -> the function that turns the placeholder's fields into the template's variables
COMPONENTS: dict[str, Callable[[dict[str, str]], dict | None]] = {
    "appointment": appointment.context,
    "before-after": before_after.context,
    "callout": callout.context,
    "key-facts": callout.key_facts_context,
    "video": video.context,
}
TEMPLATES = tuple(f"components/{name}.html" for name in sorted(COMPONENTS))
_PLACEHOLDER = re.compile(rf'<div {MARKER}="([a-z-]+)"((?: data-[a-z_]+="[^"]*")*)></div>')
_FIELD = re.compile(r' data-([a-z_]+)="([^"]*)"')
# The body between the markers of one component (its number pairs them when nested).
_WRAPPED = re.compile(
    rf"<!--{WRAPPED} ([a-z-]+) (\d+)((?: [a-z_]+=[^ >]*)*)-->\n?(.*?)<!--/{WRAPPED} \2-->", re.S
)


class ComponentsExtension(Extension):
    """The Markdown syntax of every component (a block processor each)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # Above the paragraph processor (10), below lists and quotes.
        md.parser.blockprocessors.register(video.VideoBlock(md.parser), "sitegen-video", 12)
        md.parser.blockprocessors.register(
            appointment.AppointmentBlock(md.parser), "sitegen-appointment", 12
        )
        md.parser.blockprocessors.register(
            before_after.PairBlock(md.parser), "sitegen-before-after", 12
        )
        # Boxes: Python-Markdown's admonition syntax, checked and marked last (before
        # unescaping, 0): the table of contents (5) cannot walk past comment markers.
        AdmonitionExtension().extendMarkdown(md)
        md.treeprocessors.register(callout.BoxTree(md), "sitegen-boxes", 1)


def render_components(content: str, render: Callable[[str, dict], str]) -> Markup:
    """``content`` (parsed HTML) with each placeholder drawn by its component's template.

    ``render(template_name, variables)`` renders one template. A placeholder
    whose fields make no sense (typed by hand as raw HTML) is dropped.
    """
    if MARKER not in content and WRAPPED not in content:
        return Markup(content)

    def draw(match: re.Match) -> str:
        make = COMPONENTS.get(match.group(1))
        fields = {key: html.unescape(value) for key, value in _FIELD.findall(match.group(2))}
        variables = make(fields) if make else None
        return render(f"components/{match.group(1)}.html", variables) if variables else ""

    def draw_box(match: re.Match) -> str:
        make = COMPONENTS.get(match.group(1))
        fields = dict(field.split("=", 1) for field in match.group(3).split())
        variables = make({key: unquote(value) for key, value in fields.items()}) if make else None
        if not variables:
            return match.group(4)
        body = render_components(match.group(4), render)
        return render(f"components/{match.group(1)}.html", {**variables, "body": body})

    content = _WRAPPED.sub(draw_box, content)
    return Markup(_PLACEHOLDER.sub(draw, content))
