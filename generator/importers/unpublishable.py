"""Posts and pages that are only machinery: a contact form, a widget, a style or a script.

WordPress draws such a page with a plugin (a form handler, a widget); copied
into a static site it would be an empty page, or one whose description is the
CSS of its ``<style>`` block. The importer leaves it out and says why::

    >>> unpublishable('[contact-form-7 id="12" title="Contact"]')
    Unpublishable(kind='form', why='its content is only a form ([contact-form-7])')
    >>> unpublishable("<p>Call us on 555 0100.</p>[contact-form-7 id=12]") is None
    True
"""

from __future__ import annotations

import re
from typing import NamedTuple

from generator.importers.shortcodes import LANGUAGE_SHORTCODES
from generator.importers.tree import Node, parse_html

# Shortcodes of the common form plugins.
FORM_SHORTCODES = frozenset(
    {
        "contact-form-7",
        "contact-form",
        "wpforms",
        "gravityform",
        "gravityforms",
        "ninja_form",
        "ninja_forms",
        "formidable",
        "mc4wp_form",
        "caldera_form",
        "fluentform",
        "forminator_form",
        "everest_form",
        "quform",
        "wpcf7",
    }
)
# Shortcodes that show content of their own (the converter keeps them).
CONTENT_SHORTCODES = frozenset(
    {"gallery", "youtube", "vimeo", "video", "audio", "playlist", "embed", "caption", "wp_caption"}
)
SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)\b[^\]]*\]")
DYNAMIC_BLOCK = re.compile(r"<!--\s*wp:([a-z][a-z0-9/-]*)[^>]*?/-->")
# Blocks that only lay out what is around them; alone, they show nothing.
LAYOUT_BLOCKS = frozenset({"more", "nextpage", "spacer", "separator"})
MACHINERY = {"form": "form", "script": "script", "style": "style", "noscript": "script"}


class Unpublishable(NamedTuple):
    """Why some content is not published: ``kind`` is form, widget, style or script."""

    kind: str
    why: str


def unpublishable(content: str) -> Unpublishable | None:
    """Why ``content`` (a post's raw HTML) is not a page to publish, or None when it is one
    (it has words or images outside forms, scripts and styles) or is simply empty."""
    shortcodes = sorted({m.group(2) for m in SHORTCODE.finditer(content) if not m.group(1)})
    blocks = sorted(set(DYNAMIC_BLOCK.findall(content)) - LAYOUT_BLOCKS)
    document = parse_html(SHORTCODE.sub(" ", content))
    found = {MACHINERY[n.tag] for n in document.iter() if n.tag in MACHINERY}
    if _shows_something(document) or not (found or shortcodes or blocks):
        return None
    if CONTENT_SHORTCODES & set(shortcodes) or LANGUAGE_SHORTCODES & set(shortcodes):
        return None
    named = ", ".join([f"[{name}]" for name in shortcodes] + [f"wp:{name}" for name in blocks])
    if "form" in found or FORM_SHORTCODES & set(shortcodes):
        kind = "form"
    elif shortcodes or blocks:
        kind = "widget"
    else:
        kind = "script" if "script" in found else "style"
    what = {"style": "a <style> block", "script": "a script"}.get(kind, f"a {kind}")
    return Unpublishable(kind, f"its content is only {what}" + (f" ({named})" if named else ""))


def _shows_something(node: Node) -> bool:
    """Words or an image outside forms, scripts and styles."""
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                return True
        elif child.tag not in MACHINERY and (child.tag == "img" or _shows_something(child)):
            return True
    return False
