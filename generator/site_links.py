"""Links written in ``site.toml`` follow ``base_url``'s path.

A blog that lives under ``https://clinic.example/blog/`` serves its About
page at ``/blog/about/``; a reviewer's ``url = "/about/"`` means that page, as
it does for a blog at the root. So a link from the root of the site
(``/about/``, ``/static/logo.png``) is read as under the base path; a link
already under it, a full URL (``https://...``, for a page elsewhere on the
clinic's host) and other schemes (``tel:``) are kept::

    >>> under_base_path("/about/", "/blog/"), under_base_path("/blog/about/", "/blog/")
    ('/blog/about/', '/blog/about/')
    >>> under_base_path("https://clinic.example/book/", "/blog/")
    'https://clinic.example/book/'
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # config.py imports this module
    from generator.config import Config


def under_base_path(url: str, base_path: str) -> str:
    """``url`` as the site serves it: a root-relative link moved under ``base_path``."""
    if not url.startswith("/") or url.startswith("//") or url.startswith(base_path):
        return url
    return base_path + url.lstrip("/")


def links_under_base_path(config: Config) -> Config:
    """``config`` with the links its templates show (people's pages, the clinic's booking
    page, logo and website) under the base path."""
    base = config.base_path
    if base == "/":
        return config
    clinic = config.clinic
    moved = {name: under_base_path(getattr(clinic, name), base) for name in _CLINIC_LINKS}
    return replace(
        config,
        clinic=replace(clinic, **moved),
        authors=_people(config.authors, base),
        reviewers=_people(config.reviewers, base),
    )


_CLINIC_LINKS = ("url", "booking_url", "logo")


def _people(people: dict, base: str) -> dict:
    return {
        key: replace(person, url=under_base_path(person.url, base))
        for key, person in people.items()
    }
