"""Brand settings: every colour pair the theme draws keeps WCAG 2.2 AA contrast."""

from __future__ import annotations

import doctest
import re

import pytest

import generator.brand
from generator.brand import (
    DEFAULT_PALETTE,
    PAIRS,
    SCHEMES,
    ThemeError,
    ThemeSettings,
    contrast,
    theme_settings,
)
from generator.build import BuildOptions
from generator.check import check_site
from generator.config import load_config
from generator.errors import ConfigError
from tests.conftest import FIXED_NOW, REPO

# The brand colours of tests/sites/brand (a site with its own look).
TEST_SITE_THEME = {
    "brand": "#7a1f5c",
    "brand_dark": "#f2a6d6",
    "accent": "#1f5c7a",
    "accent_dark": "#9fd3ee",
    "header": "brand",
}


def test_the_docstrings_examples_hold():
    assert doctest.testmod(generator.brand).failed == 0


def _stylesheet_palette(css: str, scheme: str) -> dict[str, str]:
    block = css.split("@media (prefers-color-scheme: dark)")[1] if scheme == "dark" else css
    root = re.search(r":root\s*\{(.*?)\}", block, re.S).group(1)
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", root))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_palette_is_the_default_stylesheets(scheme):
    css = (REPO / "templates" / "static" / "style.css").read_text("utf-8")
    drawn = _stylesheet_palette(css, scheme)
    for role, colour in DEFAULT_PALETTE[scheme].items():
        assert drawn[role] == colour, role


@pytest.mark.parametrize("raw", [{}, TEST_SITE_THEME, {"header": "brand"}])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_default_and_the_test_sites_colours_pass(raw, scheme):
    colours = theme_settings(raw).palette(scheme)
    for pair in PAIRS:
        ratio = contrast(colours[pair.foreground], colours[pair.background])
        assert ratio >= pair.minimum, (pair, ratio)


def test_a_brand_colour_of_3_2_to_1_on_white_fails_naming_the_setting_and_ratio():
    assert round(contrast("#6a92c8", "#ffffff"), 1) == 3.2
    with pytest.raises(ThemeError) as raised:
        theme_settings({"brand": "#6a92c8", "brand_dark": "#8cc4ff"})
    message = str(raised.value)
    assert message.startswith('[theme] brand = "#6a92c8" gives links a contrast of 3.20:1')
    assert "light scheme" in message and "needs 4.5:1" in message
    better = re.search(r'"(#[0-9a-f]{6})"', raised.value.hint).group(1)
    assert contrast(better, "#ffffff") >= 4.5
    theme_settings({"brand": better, "brand_dark": "#8cc4ff"})  # the suggestion passes


def test_a_ratio_is_never_rounded_up_to_pass():
    # #777777 on white is 4.478:1, which would show as 4.48 and not as 4.50.
    with pytest.raises(ThemeError, match=r"contrast of 4\.47:1 \(#ffffff on #777777\)"):
        theme_settings({"accent": "#777777"})


def test_the_dark_scheme_is_checked_and_brand_dark_suggested():
    with pytest.raises(ThemeError) as raised:
        theme_settings({"brand": "#0a5291"})
    assert "dark scheme" in str(raised.value) and "contrast of 2.25:1" in str(raised.value)
    hint = raised.value.hint
    assert hint.startswith('try brand_dark = "#') and hint.endswith("for the dark scheme")
    with pytest.raises(ThemeError, match=r'\[theme\] brand_dark = "#1c3a5c"'):
        theme_settings({"brand": "#0a5291", "brand_dark": "#1c3a5c"})


def test_text_on_a_brand_header_and_button_is_chosen_to_read():
    theme = theme_settings({"brand": "#7a1f5c", "brand_dark": "#f2a6d6", "header": "brand"})
    assert theme.palette("light")["header-text"] == "#ffffff"
    assert theme.palette("dark")["header-text"] == "#0c1a17"
    pale = ThemeSettings(colours={"accent": "#9fd3ee"})  # (its edge fails on white)
    assert pale.palette("light")["accent-text"] == "#0c1a17"
    assert ThemeSettings(colours={"accent": "#1f5c7a"}).palette("light")["accent-text"] == "#ffffff"


def test_colours_are_written_back_as_hex_only():
    theme = theme_settings({"brand": "oklch(45% 0.12 250)", "brand_dark": "hsl(210 90% 80%)"})
    assert all(re.fullmatch(r"#[0-9a-f]{6}", value) for value in theme.colours.values())


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"brand": "blue; } body { display: none"}, "is not a colour"),
        ({"brand": "rgb(0 0 0 / 50%)"}, "is see-through"),
        ({"brand": 12}, "'theme.brand' must be text in quotes"),
        ({"colour": "#000000"}, "unknown setting 'theme.colour'"),
        ({"header": "tall"}, '\'theme.header\' must be "plain" or "brand"'),
        ({"logo": "../logo.svg"}, "'theme.logo' must name a .svg"),
        ({"logo": "static/logo.gif"}, "'theme.logo' must name a .svg"),
        ({"font": "https://fonts.example.com/a.woff2"}, "'theme.font' must name a .woff2"),
        ({"font": "static/fonts/a.ttf"}, "'theme.font' must name a .woff2"),
    ],
)
def test_wrong_settings_are_named(raw, fragment):
    with pytest.raises(ThemeError) as raised:
        theme_settings(raw)
    assert fragment in str(raised.value)
    assert raised.value.key == next(iter(raw))


def test_files_are_named_as_the_build_publishes_them():
    theme = theme_settings({"logo": "static/brand/logo.svg", "font": "static/fonts/a.woff2"})
    assert (theme.logo, theme.font) == ("brand/logo.svg", "fonts/a.woff2")
    assert ThemeSettings() == theme_settings(None)


def _site_with_theme(copy_site, table: str):
    site = copy_site("basic")
    toml = site / "site.toml"
    toml.write_text(toml.read_text("utf-8") + "\n[theme]\n" + table, "utf-8")
    return site


def test_config_names_the_line_of_the_setting_in_the_theme_table(copy_site):
    site = _site_with_theme(copy_site, 'logo = "static/x.svg"\nbrand = "#6a92c8"\n')
    with pytest.raises(ConfigError) as raised:
        load_config(site)
    lines = (site / "site.toml").read_text("utf-8").splitlines()
    assert lines[raised.value.line - 1] == 'brand = "#6a92c8"'
    assert raised.value.hint.startswith('try brand = "#')


def _theme_findings(site):
    report = check_site(site, BuildOptions(now=FIXED_NOW))
    return [f for f in report.findings if f.rule == "theme-file"]


@pytest.mark.slow
def test_a_logo_or_font_missing_from_static_is_an_error(copy_site):
    site = _site_with_theme(copy_site, 'logo = "static/logo.svg"\nfont = "static/a.woff2"\n')
    found = _theme_findings(site)
    assert [f.severity for f in found] == ["error", "error"]
    assert 'logo = "static/logo.svg" names no file' in found[0].message


@pytest.mark.slow
def test_a_font_that_is_not_woff2_is_an_error(copy_site):
    site = _site_with_theme(copy_site, 'font = "static/fonts/a.woff2"\n')
    (site / "static" / "fonts").mkdir(parents=True)
    (site / "static" / "fonts" / "a.woff2").write_bytes(b"\x00\x01\x00\x00 a TrueType font")
    found = _theme_findings(site)
    assert len(found) == 1 and "is not a WOFF2 font" in found[0].message
    (site / "static" / "fonts" / "a.woff2").write_bytes(b"wOF2\x00\x01\x00\x00 rest")
    assert _theme_findings(site) == []
