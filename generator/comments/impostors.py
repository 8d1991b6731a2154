"""Comment names and texts that mislead: invisible characters and look-alike names.

A right-to-left override (U+202E) makes "gnp.exe" read "exe.png"; zero-width
characters hide words from a moderator's search. Both are refused outright in
every field a reader fills in (:func:`invisible_problem`).

"Dаniel Reyes, MD" with a Cyrillic "а" reads as the clinic's reviewer. A name
whose *skeleton* (Unicode's confusables, from the ``confusable_homoglyphs``
package, which ships Unicode's confusables.txt; then NFKC and case folding)
holds the skeleton of a person of ``[authors]``, ``[reviewers]`` or the
clinic's name is not refused: a reader may share a name with the doctor. It is
kept pending with a warning that ``sitegen comments list`` shows, so the
moderator decides knowingly::

    >>> impersonation("Dаniel Reyes, MD", {"Daniel Reyes": "reviewer Daniel Reyes"})
    'the name looks like reviewer Daniel Reyes, written with look-alike letters (CYRILLIC а)'
    >>> impersonation("Dana Reyes", {"Daniel Reyes": "reviewer Daniel Reyes"})
    ''
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from anyascii import anyascii
from confusable_homoglyphs import categories, confusables

from generator.config import Config

# Bidirectional controls (embeddings, overrides, isolates, marks) and characters of no width.
INVISIBLE = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi
    "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u034f\u115f\u1160\u3164"
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def invisible_problem(value: str) -> str:
    """The first invisible or direction-changing character in ``value``, named, or ``""``.

    >>> invisible_problem("Ann\\u202egpj.exe")
    'U+202E RIGHT-TO-LEFT OVERRIDE'
    """
    for char in value:
        if char in INVISIBLE:
            return f"U+{ord(char):04X} {unicodedata.name(char, 'invisible character')}"
    return ""


def without_invisible(value: str) -> str:
    """``value`` without its invisible characters, for what is published."""
    return "".join(c for c in value if c not in INVISIBLE)


def visible(value: str) -> str:
    """``value`` with every invisible character shown as ``<U+XXXX>``, for a terminal."""
    return "".join(f"<U+{ord(c):04X}>" if c in INVISIBLE else c for c in value)


def skeleton(text: str) -> str:
    """The lower-case ASCII words a name reads as.

    >>> skeleton("Dаniel  RЕYES!")
    'daniel reyes'
    """
    spelled = "".join(_latin(char) for char in unicodedata.normalize("NFKC", text))
    return _NOT_WORD.sub(" ", spelled.casefold()).strip()


def impersonation(name: str, people: Mapping[str, str]) -> str:
    """A warning if ``name`` reads as one of ``people``, or ``""``.

    ``people`` maps each protected name to who it is, like ``"reviewer Daniel Reyes"``.
    """
    padded = f" {skeleton(name)} "
    for person, who in people.items():
        wanted = skeleton(person)
        if wanted and f" {wanted} " in padded:
            lookalikes = _lookalikes(name)
            how = f", written with look-alike letters ({lookalikes})" if lookalikes else ""
            return f"the name looks like {who}{how}"
    return ""


def protected_people(config: Config) -> tuple[tuple[str, str], ...]:
    """``(name, who)`` for the clinic and every person of ``[authors]`` and ``[reviewers]``."""
    people = [(config.clinic.name, "the clinic")] if config.clinic.name else []
    for table, persons in (("author", config.authors), ("reviewer", config.reviewers)):
        people += [(person.name, f"{table} {person.name}") for person in persons.values()]
    return tuple(people)


@lru_cache(maxsize=4096)
def _latin(char: str) -> str:
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for entry in found or ():
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii():
                return glyph["c"]
    return anyascii(char)


def _lookalikes(name: str) -> str:
    """Letters of another script than most of the name's, like ``CYRILLIC а``."""
    scripts = [categories.alias(char) for char in name if char.isalpha()]
    if not scripts:
        return ""
    main = max(set(scripts), key=scripts.count)
    odd = [
        f"{categories.alias(c)} {c}" for c in name if c.isalpha() and categories.alias(c) != main
    ]
    return ", ".join(dict.fromkeys(odd))
