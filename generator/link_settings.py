"""Links written in ``site.toml`` (the clinic's ``url``, ``booking_url`` and ``logo``, a
person's ``url``) lead to a page, a web address, an e-mail or a phone number.

Each is a link on pages (the booking link is on every one), so an address that runs
code when followed (``javascript:``, ``data:``, ...) would run in readers' browsers:
an error at its line. A browser drops tabs and line breaks anywhere in an address,
and spaces and control characters around it, so the scheme is read as it would::

    >>> link_scheme(" JavaScript:alert(1)"), link_scheme("/contact/"), link_scheme("tel:+1")
    ('javascript', '', 'tel')
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from generator.errors import ConfigError

CONFIG_NAME = "site.toml"
LINK_SCHEMES = ("http", "https", "mailto", "tel")
_DROPPED = re.compile(r"[\t\n\r]")
_AROUND = "".join(map(chr, range(0x21)))
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def has_space_or_control(value: str) -> bool:
    """Whether ``value`` holds a space, tab, line break or other control character."""
    return _SPACE_OR_CONTROL.search(value) is not None


def address_as_read(value: str) -> str:
    """``value`` as a browser reads it for an address: tabs and line breaks dropped, and
    spaces and control characters around it."""
    return _DROPPED.sub("", value).strip(_AROUND)


def link_scheme(value: str) -> str:
    """The scheme of the address a browser reads in ``value`` ('' for a path)."""
    return urlsplit(address_as_read(value)).scheme


def check_link(value: str, name: str, line: int | None) -> str:
    """``value`` if it is a link that runs nothing when followed; else a ConfigError."""
    scheme = link_scheme(value)
    if scheme and scheme not in LINK_SCHEMES:
        key = name.rsplit(".", 1)[-1]
        raise ConfigError(
            CONFIG_NAME,
            f"'{name}' is a {scheme}: address; a link here leads to a page of the site, a web "
            "address, an e-mail address or a phone number",
            line=line,
            hint=f'for example {key} = "https://clinic.example.com/contact/"',
        )
    return value
