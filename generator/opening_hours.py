"""Opening hours for readers: ``Mo-Th 08:00-17:00`` -> ``Monday–Thursday 8:00 AM – 5:00 PM``.

``site.toml`` keeps the clinic's hours in schema.org's form (search engines
read them from the structured data); pages show them in words, in the site's
``language``, with the day names, list words and clock of that language, from
Babel's CLDR data::

    >>> opening_hours_in_words(["Mo-Th 08:00-17:00", "Fr 08:00-13:00"], "en-GB")
    ['Monday–Thursday 08:00–17:00', 'Friday 08:00–13:00']
    >>> opening_hours_in_words(["Mo,We,Fr 09:00-12:00"], "de")
    ['Montag, Mittwoch und Freitag 09:00–12:00 Uhr']

A value that is not in that form is shown as it is written.
"""

from __future__ import annotations

import re
from datetime import time

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, get_day_names
from babel.lists import format_list

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")  # schema.org's, Monday first as Babel's
_SPEC = re.compile(r"^\s*(?P<days>[A-Za-z,\- ]+?)\s+(?P<hours>[0-9:,\- ]+)\s*$")
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def opening_hours_in_words(specs: tuple[str, ...] | list[str], language: str) -> list[str]:
    """Each schema.org opening-hours value in words of ``language`` (``en``, ``de-AT``, ...)."""
    locale = _locale(language)
    return [_in_words(spec, locale) or spec for spec in specs]


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _in_words(spec: str, locale: Locale) -> str | None:
    match = _SPEC.match(spec)
    if not match:
        return None
    days = _days(match["days"], locale)
    hours = [_hours(part, locale) for part in match["hours"].split(",")]
    if days is None or None in hours:
        return None
    return f"{days} {format_list(hours, locale=locale)}"  # type: ignore[arg-type]


def _days(text: str, locale: Locale) -> str | None:
    """``Mo-Th`` -> ``Monday–Thursday``; ``Mo,We`` -> ``Monday and Wednesday``."""
    names = get_day_names("wide", locale=locale)
    parts = []
    for part in text.replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            return None
        shown = names[DAYS.index(first)]
        parts.append(f"{shown}–{names[DAYS.index(last)]}" if last else shown)
    return format_list(parts, locale=locale)


def _hours(text: str, locale: Locale) -> str | None:
    """``08:00-17:00`` in the locale's clock, 12- or 24-hour as its people read it."""
    match = _HOURS.match(text.strip())
    if not match:
        return None
    opens_h, opens_m, closes_h, closes_m = (int(group) for group in match.groups())
    if opens_h > 23 or closes_h > 24 or opens_m > 59 or closes_m > 59:
        return None
    closes = time(0, 0) if closes_h == 24 else time(closes_h, closes_m)
    skeleton = "hm" if "h" in locale.time_formats["short"].pattern else "Hm"
    return format_interval(time(opens_h, opens_m), closes, skeleton, locale=locale)
