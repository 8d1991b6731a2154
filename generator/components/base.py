"""What every component shares: its placeholder in parsed HTML and its error."""

from __future__ import annotations

from markupsafe import escape

MARKER = "data-sitegen-component"


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
