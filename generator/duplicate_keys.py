"""Keys given twice in a YAML mapping: YAML forbids it, PyYAML keeps the last silently.

``title:`` on line 2 and again on line 5 would publish the second title without
a word; the front matter is refused instead, naming both lines.
"""

from __future__ import annotations

from typing import NamedTuple

import yaml


class DuplicateKey(NamedTuple):
    key: str
    first_line: int  # 0-based, in the YAML text
    second_line: int


def find_duplicate_key(node: yaml.Node | None) -> DuplicateKey | None:
    """The first key given twice in any mapping of ``node``'s tree, in document order.

    >>> loader = yaml.SafeLoader("title: A\\ntags: [x]\\ntitle: B\\n")
    >>> find_duplicate_key(loader.get_single_node())
    DuplicateKey(key='title', first_line=0, second_line=2)
    """
    pending = [node] if node is not None else []
    visited: set[int] = set()  # an alias shares its node: each is looked at once (YAML bombs)
    while pending:  # a loop, not recursion: nesting depth is the writer's to choose
        current = pending.pop()
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        return DuplicateKey(key.value, seen[key.value], key.start_mark.line)
                    seen[key.value] = key.start_mark.line
                pending.append(value)
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(reversed(current.value))
    return None
