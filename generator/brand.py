"""Brand settings: the ``[theme]`` table of ``site.toml``, and the contrast they must keep.

A clinic gives its own colours, logo, font and header style::

    [theme]
    brand = "#0a5291"        # links (and the header's background with header = "brand")
    accent = "#0b6b5d"       # the booking button
    brand_dark = "#8cc4ff"   # the same in the dark scheme (default: brand, accent)
    accent_dark = "#6fd3c0"
    logo = "static/logo.svg"              # SVG or raster, drawn in the header
    font = "static/fonts/clinic.woff2"    # served from the site, never a font host
    header = "plain"                      # or "brand": the header in the brand colour

Every colour pair the default theme draws (:data:`PAIRS`) is measured with
`ColorAide`_'s WCAG 2.x contrast (the formula WCAG 2.2 keeps) in the light and
the dark scheme, and must reach AA: 4.5:1 for text, 3:1 for large text and for
user-interface parts (a button's edge, the focus outline). A colour that falls
short is a :class:`ThemeError` naming the setting, the pair and the measured
ratio, with a shade that would pass::

    >>> theme_settings({"brand": "#5b8fd4"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    generator.brand.ThemeError: [theme] brand = "#5b8fd4" gives links a contrast of 3.32:1 ...

ColorAide (MIT, maintained) over ``wcag-contrast-ratio``: the latter has had no
release since 2015 and parses no CSS colour syntax; ColorAide reads every CSS
colour form and can also search for the nearest passing shade (in OKLCh).

.. _ColorAide: https://facelessuser.github.io/coloraide/
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from generator.discover import SourceFile
from generator.errors import SiteWarning
from generator.stale_reads import StaleReads

SCHEMES = ("light", "dark")
HEADER_STYLES = ("plain", "brand")
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp")
# The default theme's colours (templates/static/style.css; a test keeps the two equal).
DEFAULT_PALETTE: dict[str, dict[str, str]] = {
    "light": {
        "text": "#1c2630",
        "muted": "#4a5866",
        "background": "#ffffff",
        "surface": "#f3f6f8",
        "link": "#0a5291",
        "accent": "#0b6b5d",
        "accent-text": "#ffffff",
        "focus": "#b3541e",
    },
    "dark": {
        "text": "#e7ecf0",
        "muted": "#b3bfca",
        "background": "#12171c",
        "surface": "#1c242b",
        "link": "#8cc4ff",
        "accent": "#6fd3c0",
        "accent-text": "#0c1a17",
        "focus": "#ffb37a",
    },
}
# Text drawn on a brand or accent colour: whichever of the two reads better on it.
_ON_COLOUR = ("#ffffff", "#0c1a17")
TEXT, LARGE_OR_UI = 4.5, 3.0


@dataclass(frozen=True)
class Pair:
    """Two colours the theme draws one on the other, by palette role."""

    foreground: str
    background: str
    minimum: float
    drawn: str  # what a reader sees, for messages


PAIRS = (
    Pair("text", "background", TEXT, "text"),
    Pair("text", "surface", TEXT, "text in the header, footer and boxes"),
    Pair("muted", "background", TEXT, "secondary text (dates, bylines)"),
    Pair("muted", "surface", TEXT, "secondary text in boxes"),
    Pair("link", "background", TEXT, "links"),
    Pair("link", "surface", TEXT, "links in the footer and boxes"),
    Pair("accent-text", "accent", TEXT, "the booking button's text"),
    Pair("accent", "background", LARGE_OR_UI, "the booking button's edge"),
    Pair("focus", "background", LARGE_OR_UI, "the focus outline"),
    Pair("focus", "surface", LARGE_OR_UI, "the focus outline in the header and footer"),
    Pair("header-text", "header", TEXT, "the header's text and links"),
    Pair("header-focus", "header", LARGE_OR_UI, "the focus outline in the header"),
)


def setting_for(setting: str, scheme: str) -> str:
    """``brand`` -> ``brand_dark`` in the dark scheme."""
    return setting if scheme == "light" else f"{setting}_dark"


class ThemeError(ValueError):
    """A wrong ``[theme]`` setting: ``key`` is the setting, the message says what is wrong."""

    def __init__(self, key: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.hint = hint


@dataclass(frozen=True)
class ThemeSettings:
    """The ``[theme]`` table, validated; colours as ``#rrggbb``, files as static names."""

    colours: dict[str, str] = field(default_factory=dict)  # setting -> "#rrggbb"
    logo: str = ""  # a file of static/, like "logo.svg"; "" for none
    font: str = ""  # a WOFF2 file of static/, like "fonts/clinic.woff2"
    header: str = "plain"

    def palette(self, scheme: str) -> dict[str, str]:
        """Every colour role of ``scheme`` ("light" or "dark") with the settings applied."""
        colours = dict(DEFAULT_PALETTE[scheme])
        for role, setting in (("link", "brand"), ("accent", "accent")):
            given = self.colours.get(setting_for(setting, scheme)) or self.colours.get(setting)
            if given:
                colours[role] = given
                if role == "accent":
                    colours["accent-text"] = text_on(given)
        if self.header == "brand":
            # On the brand colour the focus outline takes the header's text colour.
            text = text_on(colours["link"])
            colours.update({"header": colours["link"], "header-text": text, "header-focus": text})
        else:
            plain = {"header": colours["surface"], "header-text": colours["text"]}
            colours.update(plain, **{"header-focus": colours["focus"]})
        return colours

    def overrides(self, scheme: str) -> dict[str, str]:
        """The colour roles whose value the settings change, for the theme's CSS custom
        properties (``--link: #7a1f5c``); empty for a site without ``[theme]`` colours."""
        plain = ThemeSettings().palette(scheme)
        return {
            role: colour for role, colour in self.palette(scheme).items() if plain[role] != colour
        }

    @property
    def changes_look(self) -> bool:
        """Whether pages need the brand's styles at all (else they are the theme's own)."""
        return bool(self.colours or self.font) or self.header != "plain"


_KEYS = ("brand", "accent", "brand_dark", "accent_dark", "logo", "font", "header")
_STATIC_PATH = re.compile(r"^static/(?!.*(?:^|/)\.\.?(?:/|$))[^\\:*?\"<>|]+$")


def theme_settings(raw: dict[str, Any] | None) -> ThemeSettings:
    """Validate the ``[theme]`` table; raise :class:`ThemeError` on the first mistake.

    >>> theme = theme_settings({"brand": "#663399", "brand_dark": "#c9a6ff", "header": "brand"})
    >>> theme.palette("light")["header"], theme.palette("dark")["header-text"]
    ('#663399', '#0c1a17')
    """
    raw = raw or {}
    for key, value in raw.items():
        if key not in _KEYS:
            raise ThemeError(key, f"unknown setting 'theme.{key}'", "known: " + ", ".join(_KEYS))
        if not isinstance(value, str):
            raise ThemeError(key, f"'theme.{key}' must be text in quotes, got {value!r}")
    colours = {key: _colour(key, raw[key]) for key in _KEYS[:4] if key in raw}
    header = raw.get("header", "plain")
    if header not in HEADER_STYLES:
        raise ThemeError(
            "header",
            f'\'theme.header\' must be "plain" or "brand", got {header!r}',
            'for example header = "brand"',
        )
    settings = ThemeSettings(
        colours=colours,
        logo=_static_file("logo", raw.get("logo", ""), LOGO_SUFFIXES),
        font=_static_file("font", raw.get("font", ""), (".woff2",)),
        header=header,
    )
    check_contrast(settings)
    return settings


def _colour(key: str, value: str) -> str:
    try:
        colour = _color(value)
    except ValueError:
        raise ThemeError(
            key, f"[theme] {key} = {value!r} is not a colour", f'for example {key} = "#0a5291"'
        ) from None
    if colour.alpha() < 1:
        raise ThemeError(
            key,
            f"[theme] {key} = {value!r} is see-through; its contrast would depend on what "
            "is behind it",
            "give an opaque colour, without alpha",
        )
    return colour.convert("srgb").fit("srgb").to_string(hex=True)


def _static_file(key: str, value: str, suffixes: tuple[str, ...]) -> str:
    """``static/logo.svg`` -> ``logo.svg``, the name the build publishes it under."""
    if not value:
        return ""
    if not _STATIC_PATH.match(value) or not value.lower().endswith(suffixes):
        kinds = ", ".join(suffixes)
        raise ThemeError(
            key,
            f"'theme.{key}' must name a {kinds} file of the site's static/ folder, got {value!r}",
            f'put the file in static/ and write {key} = "static/<name>{suffixes[0]}"'
            + ("; a font is served from the site, never from a font host" if key == "font" else ""),
        )
    return value.removeprefix("static/")


def _color(value: str):
    """ColorAide's colour of a CSS value. Imported here: loading it takes longer than a
    build after an edit takes otherwise, and only a build that reads site.toml needs it."""
    from coloraide import Color

    return Color(value)


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2.x contrast ratio of two colours, from 1 to 21.

    >>> round(contrast("#767676", "#ffffff"), 2)
    4.54
    """
    return _color(foreground).contrast(background, method="wcag21")


def text_on(colour: str) -> str:
    """White or near-black text, whichever reads better on ``colour``."""
    return max(_ON_COLOUR, key=lambda text: contrast(text, colour))


def check_contrast(settings: ThemeSettings) -> None:
    """Raise :class:`ThemeError` for the first pair below its minimum, light then dark."""
    for scheme in SCHEMES:
        colours = settings.palette(scheme)
        for pair in PAIRS:
            ratio = contrast(colours[pair.foreground], colours[pair.background])
            if ratio < pair.minimum:
                raise _too_little(settings, scheme, pair, colours, ratio)


def _too_little(settings, scheme: str, pair: Pair, colours: dict, ratio: float) -> ThemeError:
    setting = _culprit(pair)
    key = setting_for(setting, scheme)
    if key not in settings.colours:
        key = setting  # the dark scheme uses the light colour unless told otherwise
    value = settings.colours.get(key, "")
    shown = math.floor(ratio * 100) / 100  # never rounded up to a passing ratio
    foreground, background = colours[pair.foreground], colours[pair.background]
    message = (
        f'[theme] {key} = "{value}" gives {pair.drawn} a contrast of {shown:.2f}:1 '
        f"({foreground} on {background}) in the {scheme} scheme; WCAG 2.2 AA needs "
        f"{pair.minimum:g}:1"
    )
    better = _passing_shade(settings, setting, scheme)
    named = setting_for(setting, scheme)
    hint = f'try {named} = "{better}"' if better else None
    if better and named != key:
        hint += " for the dark scheme"
    return ThemeError(key, message, hint)


def _culprit(pair: Pair) -> str:
    """The setting whose colour a failing pair shows (only brand colours can fail)."""
    roles = {pair.foreground, pair.background}
    return "accent" if roles & {"accent", "accent-text"} else "brand"


def _passing_shade(settings: ThemeSettings, setting: str, scheme: str) -> str | None:
    """The nearest shade of a colour (by OKLCh lightness) that passes every pair of ``scheme``."""
    key = setting_for(setting, scheme)
    if not (settings.colours.get(key) or settings.colours.get(setting)):
        return None
    start = _color(settings.colours.get(key) or settings.colours[setting]).convert("oklch")
    for step in range(1, 101):
        for sign in (-1, 1):
            lightness = start["lightness"] + sign * step / 100
            if not 0 <= lightness <= 1:
                continue
            shade = start.clone().set("lightness", lightness).convert("srgb").fit("srgb")
            trial = replace(settings, colours={**settings.colours, key: shade.to_string(hex=True)})
            if _passes(trial, scheme):
                return shade.to_string(hex=True)
    return None


def _passes(settings: ThemeSettings, scheme: str) -> bool:
    colours = settings.palette(scheme)
    return all(
        contrast(colours[pair.foreground], colours[pair.background]) >= pair.minimum
        for pair in PAIRS
    )


WOFF2_SIGNATURE = b"wOF2"
CONFIG_NAME = "site.toml"


def file_findings(
    theme: ThemeSettings, static: Iterable[SourceFile], stale: StaleReads | None = None
) -> Iterator[SiteWarning]:
    """Errors (rule ``theme-file``) for a logo or font that the site's static files lack,
    or a font file that is not WOFF2 (read again if need be: a font that changed under
    the build is noted in ``stale``, the build run's log)."""
    files = {source.static_name: source for source in static}
    for key, name in (("logo", theme.logo), ("font", theme.font)):
        if name and name not in files:
            yield SiteWarning(
                CONFIG_NAME,
                f'[theme] {key} = "static/{name}" names no file of the site',
                hint=f"put the file at static/{name}, or correct the path",
                rule="theme-file",
            )
    font = files.get(theme.font) if theme.font else None
    stale = stale if stale is not None else StaleReads()
    if font is not None and not font.read(stale).startswith(WOFF2_SIGNATURE):
        yield SiteWarning(
            CONFIG_NAME,
            f'[theme] font = "static/{theme.font}" is not a WOFF2 font',
            hint="convert the font to WOFF2 (for example with fonttools: "
            "pyftsubset font.ttf --flavor=woff2) and name the .woff2 file",
            rule="theme-file",
        )
