"""Content components: blocks a writer asks for in Markdown and a template draws.

A component has a Markdown syntax of its own (a line like
``!video[Title](https://www.youtube.com/watch?v=...)``), read when a file is
parsed, and a template, ``templates/components/<name>.html``, used when a page
is rendered. Between the two, the parsed HTML holds a placeholder that carries
only what the writer wrote::

    <div data-sitegen-component="video" data-url="..." data-title="..."></div>

so that a site may override the template and see every page change at once,
without parsing its Markdown again. To add a component: a module here with a
``BLOCK`` pattern, a ``context(fields)`` function and a block processor, listed
in :data:`COMPONENTS`, and its template in ``templates/components/``.

    >>> placeholder("video", {"url": "https://vimeo.com/1", "title": "A & B"})
    '<div data-sitegen-component="video" data-title="A &amp; B" data-url="https://vimeo.com/1"></div>'
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from markdown import Markdown
from markdown.extensions import Extension
from markupsafe import Markup

from generator.components import video
from generator.components.base import MARKER, ComponentError, placeholder

__all__ = ["ComponentError", "ComponentsExtension", "placeholder", "render_components"]
# name -> the function that turns the placeholder's fields into the template's variables
COMPONENTS: dict[str, Callable[[dict[str, str]], dict | None]] = {"video": video.context}
TEMPLATES = tuple(f"components/{name}.html" for name in sorted(COMPONENTS))
_PLACEHOLDER = re.compile(rf'<div {MARKER}="([a-z]+)"((?: data-[a-z]+="[^"]*")*)></div>')
_FIELD = re.compile(r' data-([a-z]+)="([^"]*)"')


class ComponentsExtension(Extension):
    """The Markdown syntax of every component (a block processor each)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # Above the paragraph processor (10), below lists and quotes.
        md.parser.blockprocessors.register(video.VideoBlock(md.parser), "sitegen-video", 12)


def render_components(content: str, render: Callable[[str, dict], str]) -> Markup:
    """``content`` (parsed HTML) with each placeholder drawn by its component's template.

    ``render(template_name, variables)`` renders one template. A placeholder
    whose fields make no sense (typed by hand as raw HTML) is dropped.
    """
    if MARKER not in content:
        return Markup(content)

    def draw(match: re.Match) -> str:
        make = COMPONENTS.get(match.group(1))
        fields = {key: html.unescape(value) for key, value in _FIELD.findall(match.group(2))}
        variables = make(fields) if make else None
        return render(f"components/{match.group(1)}.html", variables) if variables else ""

    return Markup(_PLACEHOLDER.sub(draw, content))
