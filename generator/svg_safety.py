"""SVG files are published only when they cannot run anything or load anything.

An SVG opened on its own (a reader following its link) is a document of the
site's origin: a ``<script>`` or an ``onload=`` in it would run with the site's
cookies and storage. So an SVG is refused, with the first thing found, when it
holds a script, an event handler attribute, a ``javascript:`` URL, a
``<foreignObject>`` (HTML inside the drawing), or a reference to another file
or host (``href``, ``@import``, ``url(...)``, an ``xml-stylesheet``), except
``#fragments`` within itself and ``data:`` raster images.

Refusing, rather than rewriting the file through a sanitizer, keeps every
published SVG byte for byte what its author saved (so the drawing is never
changed behind the writer's back), and needs no allow-list of the hundreds of
SVG elements and attributes to be kept up to date: the refused constructs are
the short list above. The file is parsed by ``defusedxml``, which refuses
entity declarations and external DTDs instead of expanding them.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from generator.errors import ContentError

RULE = "svg-unsafe"
_ACTIVE_ELEMENTS = frozenset(
    {"script", "foreignobject", "handler", "listener", "iframe", "embed", "object"}
)
_LINK_ATTRIBUTES = frozenset({"href", "src"})
_SAFE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp);", re.IGNORECASE)
_CSS_REFERENCE = re.compile(
    r"@import|url\(\s*(?!['\"]?\s*#)(['\"]?)\s*(?!data:image/(png|jpeg|gif|webp);)", re.IGNORECASE
)
_SPACE_AND_CONTROLS = re.compile(r"[\x00-\x20\x7f]+")


def is_svg(name: str) -> bool:
    return name.lower().endswith(".svg")


def svg_problem(data: bytes) -> str | None:
    """What makes an SVG unsafe to publish, or ``None``.

    >>> svg_problem(b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>') is None
    True
    >>> svg_problem(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    'an event handler attribute onload= on <svg>'
    """
    if b"<?xml-stylesheet" in data:
        return "an <?xml-stylesheet?> instruction, which loads another file"
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        return "an XML entity declaration"
    except (ParseError, ValueError):
        return "text that is not well-formed XML, so what it holds cannot be checked"
    for element in root.iter():
        found = _element_problem(element)
        if found:
            return found
    return None


def refuse_unsafe_svg(src_path: str, data: bytes) -> None:
    """Raise the ``svg-unsafe`` error naming the file and what was found in it."""
    found = svg_problem(data)
    if found is not None:
        raise ContentError(
            src_path,
            f"this SVG holds {found}; an SVG is published only when it cannot run or load anything",
            hint="export the drawing again as plain SVG (no scripts, links or embedded HTML), "
            "or save it as PNG",
            rule=RULE,
        )


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _element_problem(element: Element) -> str | None:
    if not isinstance(element.tag, str):
        return None
    tag = _local(element.tag)
    if tag in _ACTIVE_ELEMENTS:
        return f"a <{tag}> element"
    if tag == "style" and _CSS_REFERENCE.search(element.text or ""):
        return "a stylesheet that loads another file (@import or url(...))"
    for attribute, value in element.attrib.items():
        found = _attribute_problem(tag, _local(attribute), value)
        if found:
            return found
    return None


def _attribute_problem(tag: str, name: str, value: str) -> str | None:
    compact = _SPACE_AND_CONTROLS.sub("", value).lower()
    if name.startswith("on"):
        return f"an event handler attribute {name}= on <{tag}>"
    if "javascript:" in compact or "vbscript:" in compact:
        return f"a script URL in {name}= on <{tag}>"
    if name in _LINK_ATTRIBUTES and not (compact.startswith("#") or _SAFE_DATA.match(compact)):
        return f"a reference to another file or host, {name}={value[:80]!r} on <{tag}>"
    if name == "style" and _CSS_REFERENCE.search(value):
        return f"a style attribute that loads another file on <{tag}>"
    return None
