"""TOML shown in hints, valid when pasted into ``site.toml``.

A hint that shows configuration is copied as it is, so it must parse:
``author: Priya Nair`` cannot become ``[authors.Priya Nair]`` (a key with a
space must be quoted), and the suggested key must be the one the article then
names::

    >>> print(person_hint("authors", "author", "Priya Nair"))
    fix the name, or add these lines to site.toml and write author: priya-nair here:
    [authors.priya-nair]
    name = "Priya Nair"
"""

from __future__ import annotations

import json
import re

from generator.slugs import slugify

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(key: str) -> str:
    """``key`` as TOML writes it: bare when it may be, quoted otherwise."""
    return key if _BARE_KEY.match(key) else toml_string(key)


def toml_string(text: str) -> str:
    """A TOML basic string; JSON's escapes are TOML's."""
    return json.dumps(text, ensure_ascii=False)


def person_hint(table: str, field: str, written: str) -> str:
    """How to add the person an article names by ``written`` (a key, or a name by mistake)."""
    key = slugify(written) or "someone"
    name = written if key != written else written.replace("-", " ").title()
    keep = "" if key == written else f" and write {field}: {key} here"
    return (
        f"fix the name, or add these lines to site.toml{keep}:\n"
        f"[{table}.{toml_key(key)}]\nname = {toml_string(name)}"
    )
