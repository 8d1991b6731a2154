"""The clinic's details in a page's or article's text: ``{{ clinic.telephone }}`` and more.

A page (About, Contact, ...) or an article ("call us on ... to book") names the
clinic's details rather than copying them, so that ``site.toml`` is the one place
they are written and no page shows an old phone number::

    Call us on [{{ clinic.telephone }}]({{ clinic.telephone_link }}) or write to
    [{{ clinic.email }}](mailto:{{ clinic.email }}).

Each placeholder becomes plain text (escaped for HTML, so it is safe in a link
as in a sentence); nothing a writer types is run. The fields are
:data:`FIELDS`; any other ``{{ clinic.… }}`` is left as written, and
``sitegen check`` reports it (:mod:`generator.starter_text`).

    >>> from generator.model import Clinic
    >>> clinic = Clinic("A", telephone="+1 2")
    >>> str(fill_clinic_fields("<p>Call {{ clinic.telephone }}</p>", clinic, "en"))
    '<p>Call +1 2</p>'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

from generator.model import Clinic
from generator.opening_hours import opening_hours_in_words

PLACEHOLDER = re.compile(r"\{\{\s*clinic\.([a-z_]+)\s*\}\}")

FIELDS: dict[str, Callable[[Clinic, str], str]] = {
    "name": lambda clinic, _: clinic.name,
    "telephone": lambda clinic, _: clinic.telephone,
    "telephone_link": lambda clinic, _: "tel:" + clinic.telephone.replace(" ", ""),
    "email": lambda clinic, _: clinic.email,
    "url": lambda clinic, _: clinic.url,
    "booking_url": lambda clinic, _: clinic.booking_url,
    "address": lambda clinic, _: ", ".join(clinic.address.lines),
    "locality": lambda clinic, _: clinic.address.locality,
    "opening_hours": lambda clinic, language: "; ".join(
        opening_hours_in_words(clinic.opening_hours, language)
    ),
}


def fill_clinic_fields(html: str, clinic: Clinic, language: str) -> Markup:
    """``html`` with each known ``{{ clinic.<field> }}`` replaced by the clinic's value."""
    return Markup(_filled(str(html), clinic, language, lambda value: str(escape(value))))


def fill_clinic_text(text: str, clinic: Clinic, language: str) -> str:
    """Plain ``text`` (a FAQ answer for the structured data) with the known placeholders
    replaced by the clinic's values, as they are."""
    return _filled(text, clinic, language, str) if "clinic." in text else text


def _filled(text: str, clinic: Clinic, language: str, shown: Callable[[str], str]) -> str:
    def value(match: re.Match) -> str:
        field = FIELDS.get(match[1])
        return shown(field(clinic, language)) if field else match[0]

    return PLACEHOLDER.sub(value, text)


def unknown_fields(text: str) -> list[tuple[int, int, str]]:
    """(line, column, name) of each ``{{ clinic.<name> }}`` in ``text`` that is no field."""
    found: list[tuple[int, int, str]] = []
    if PLACEHOLDER.search(text) is None:  # most texts: no placeholder to place by line
        return found
    for number, line in enumerate(text.split("\n"), start=1):
        for match in PLACEHOLDER.finditer(line):
            if match[1] not in FIELDS:
                found.append((number, match.start() + 1, match[1]))
    return found
