"""Code in imported HTML -> fenced Markdown code with its language, indentation kept.

The language is read from where editors and highlighters put it: a
``language-x``/``lang-x`` class (Prism, highlight.js, the block editor), a
SyntaxHighlighter ``brush: x`` class, or a ``data-lang`` attribute::

    >>> code_language([{"class": "brush: csharp; gutter: false"}])
    'csharp'
    >>> fenced("if (a < b)\\n    go();", "js")
    '```javascript\\nif (a < b)\\n    go();\\n```'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Other names of one language, as SyntaxHighlighter and its shortcodes spell them.
ALIASES = {
    "c#": "csharp",
    "c-sharp": "csharp",
    "cs": "csharp",
    "js": "javascript",
    "jscript": "javascript",
    "py": "python",
    "rb": "ruby",
    "ror": "ruby",
    "rails": "ruby",
    "sh": "bash",
    "shell": "bash",
    "pl": "perl",
    "ps": "powershell",
    "vb": "vbnet",
    "pas": "pascal",
    "delphi": "pascal",
    "erl": "erlang",
    "as3": "actionscript3",
    "jfx": "javafx",
    "cf": "coldfusion",
    "obj-c": "objectivec",
    "objc": "objectivec",
    "golang": "go",
    "xhtml": "html",
    "patch": "diff",
    "plain": "",
    "text": "",
    "none": "",
}
_BRUSH = re.compile(r"\bbrush\s*:\s*([\w#+-]+)", re.IGNORECASE)
_CLASS = re.compile(r"^(?:language|lang)-([\w#+-]+)$", re.IGNORECASE)


def language_name(name: str) -> str:
    """A language's usual name: ``c#`` -> ``csharp``; only letters, digits, ``_+-``."""
    name = name.strip().lower()
    name = ALIASES.get(name, name)
    return re.sub(r"[^a-z0-9_+-]", "", name)


def code_language(attribute_sets: Iterable[dict[str, str]]) -> str:
    """The language named by the first of ``attribute_sets`` that names one."""
    for attrs in attribute_sets:
        classes = attrs.get("class", "")
        brush = _BRUSH.search(classes)
        if brush:
            return language_name(brush.group(1))
        for name in classes.split():
            match = _CLASS.match(name)
            if match:
                return language_name(match.group(1))
        if attrs.get("data-lang") or attrs.get("data-language"):
            return language_name(attrs.get("data-lang") or attrs["data-language"])
    return ""


def fenced(code: str, language: str = "") -> str:
    """A fenced code block that no backtick run inside ``code`` can close."""
    code = code.replace("\r\n", "\n").strip("\n")
    fence = "```"
    while fence in code:
        fence += "`"
    return f"{fence}{language_name(language)}\n{code}\n{fence}"
