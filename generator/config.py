"""Load and validate ``site.toml`` into one frozen :class:`Config`.

Every setting, its type and its default is listed here once; unknown keys are
errors (with a suggestion), so a typo never silently falls back to a default.

A minimal ``site.toml``::

    title = "Lakeside Skin Clinic"
    base_url = "https://clinic.example.com/"
"""

from __future__ import annotations

import difflib
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.brand import ThemeError, ThemeSettings, theme_settings
from generator.errors import ConfigError
from generator.image_limits import DEFAULT_MAX_PIXELS, HIGHEST_MAX_PIXELS
from generator.link_settings import check_link, has_space_or_control
from generator.model import Address, Clinic, Person
from generator.publish.settings import (
    PublishSettings,
    RedirectRule,
    publish_settings,
    redirect_rules,
)
from generator.rules import CheckSettings, SettingError, check_settings
from generator.site_links import links_under_base_path
from generator.toml_hints import toml_key

CONFIG_NAME = "site.toml"

# name: (type, default); a default of ... marks a required setting.
SITE_SETTINGS: dict[str, tuple[type, Any]] = {
    "title": (str, ...),
    "base_url": (str, ...),
    "description": (str, ""),
    "language": (str, "en"),
    "timezone": (str, "UTC"),
    "posts_per_page": (int, 10),
    "related_count": (int, 4),
    "feed_limit": (int, 0),
    "image_max_pixels": (int, DEFAULT_MAX_PIXELS),
    "allowed_hosts": (list, []),
    "clinic": (dict, None),
    "authors": (dict, None),
    "reviewers": (dict, None),
    "check": (dict, None),  # rule severities and medical review settings: see rules.py
    "comments": (dict, None),
    "redirects": (dict, None),  # old address -> new: see generator/publish/settings.py
    "publish": (dict, None),
    "theme": (dict, None),  # brand colours, logo, font, header style: see brand.py
}
CLINIC_SETTINGS: dict[str, tuple[type, Any]] = {
    "name": (str, ...),
    "url": (str, ""),
    "telephone": (str, ""),
    "email": (str, ""),
    "address": (dict, None),
    "logo": (str, ""),
    "booking_url": (str, ""),
    "opening_hours": (list, []),
    "medical_specialty": (list, []),
}
ADDRESS_SETTINGS: dict[str, tuple[type, Any]] = {
    "street": (str, ""),
    "locality": (str, ""),
    "region": (str, ""),
    "postal_code": (str, ""),
    "country": (str, ""),
}
PERSON_SETTINGS: dict[str, tuple[type, Any]] = {
    "name": (str, ...),
    "credentials": (str, ""),
    "job_title": (str, ""),
    "bio": (str, ""),
    "url": (str, ""),
}
COMMENT_SETTINGS: dict[str, tuple[type, Any]] = {
    "endpoint": (str, ...),
    "allowed_origins": (list, []),
    "rate_limit": (int, 5),
    "rate_window": (int, 3600),
    "max_length": (int, 4000),
}


@dataclass(frozen=True)
class CommentSettings:
    """``[comments]``: where the form posts and what the receiver accepts.

    ``rate_limit`` posts per client address within ``rate_window`` seconds;
    ``max_length`` characters of comment text.
    """

    endpoint: str
    allowed_origins: tuple[str, ...] = ()
    rate_limit: int = 5
    rate_window: int = 3600
    max_length: int = 4000


@dataclass(frozen=True)
class Config:
    site_dir: Path
    title: str
    base_url: str  # always ends with "/"
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    posts_per_page: int = 10
    related_count: int = 4
    feed_limit: int = 0  # 0: every published article
    image_max_pixels: int = DEFAULT_MAX_PIXELS  # width x height; see image_limits
    allowed_hosts: tuple[str, ...] = ()  # hosts pages may load resources from (privacy)
    clinic: Clinic = field(default_factory=lambda: Clinic(name=""))
    authors: dict[str, Person] = field(default_factory=dict)
    reviewers: dict[str, Person] = field(default_factory=dict)
    check: CheckSettings = field(default_factory=CheckSettings)
    comments: CommentSettings | None = None  # None: comments are off
    redirects: tuple[RedirectRule, ...] = ()
    publish: PublishSettings = field(default_factory=PublishSettings)
    theme: ThemeSettings = field(default_factory=ThemeSettings)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: ``/`` or, say, ``/blog/``."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


def load_config(site_dir: Path) -> Config:
    """Read ``site_dir/site.toml``; raise :class:`ConfigError` naming the line when known."""
    path = site_dir / CONFIG_NAME
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            CONFIG_NAME,
            f"no {CONFIG_NAME} in {site_dir}",
            hint="run sitegen in a site folder, or name one: sitegen build path/to/site",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(CONFIG_NAME, f"cannot read the file: {error}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(error) from None
    return _build_config(site_dir, raw, _Locator(text))


class _Locator:
    """Finds the line where a key is set, for messages (tomllib keeps no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line_of(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=|^\s*\[[^\]]*\b{re.escape(key)}\]")
        for number, line in enumerate(self.lines, start=1):
            if pattern.search(line):
                return number
        return None

    def line_in_table(self, table: str, key: str) -> int | None:
        """The line of ``key`` inside ``[table]`` (a key name may stand in several tables)."""
        header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
        setting = re.compile(rf"^\s*{re.escape(key)}\s*=")
        inside = False
        for number, line in enumerate(self.lines, start=1):
            if line.lstrip().startswith("["):
                inside = bool(header.match(line))
            elif inside and setting.match(line):
                return number
        return None


def _toml_error(error: tomllib.TOMLDecodeError) -> ConfigError:
    match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
    message = re.sub(r"\s*\(at line.*\)", "", str(error))
    return ConfigError(
        CONFIG_NAME,
        f"not valid TOML: {message}",
        line=int(match.group(1)) if match else None,
        column=int(match.group(2)) if match else None,
        hint='strings need quotes: title = "My Clinic"',
    )


def _build_config(site_dir: Path, raw: dict[str, Any], where: _Locator) -> Config:
    values = _settings(raw, SITE_SETTINGS, "", where)
    base_url = _base_url(values["base_url"], where)
    _check_timezone(values["timezone"], where)
    for name in ("posts_per_page", "related_count", "feed_limit"):
        _check_at_least(values, name, 1 if name == "posts_per_page" else 0, where)
    clinic = _clinic(values["clinic"], values["title"], where)
    config = Config(
        site_dir=site_dir,
        title=values["title"],
        base_url=base_url,
        description=values["description"],
        language=values["language"],
        timezone=values["timezone"],
        posts_per_page=values["posts_per_page"],
        related_count=values["related_count"],
        feed_limit=values["feed_limit"],
        image_max_pixels=_image_max_pixels(values["image_max_pixels"], where),
        allowed_hosts=values["allowed_hosts"],
        clinic=clinic,
        authors=_people(values["authors"], "authors", where),
        reviewers=_people(values["reviewers"], "reviewers", where),
        check=_check(values["check"], where),
        comments=_comments(values["comments"], where),
        redirects=redirect_rules(values["redirects"], where.line_of),
        publish=publish_settings(values["publish"], where.line_of),
        theme=_theme(values["theme"], where),
    )
    return links_under_base_path(config)


def _settings(
    raw: dict[str, Any], table: dict[str, tuple[type, Any]], prefix: str, where: _Locator
) -> dict[str, Any]:
    for key in raw:
        if key not in table:
            close = difflib.get_close_matches(key, table, n=1)
            raise ConfigError(
                CONFIG_NAME,
                f"unknown setting '{prefix}{key}'",
                line=where.line_of(key),
                hint=f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(table),
            )
    values = {}
    for key, (kind, default) in table.items():
        if key not in raw:
            if default is ...:
                raise ConfigError(
                    CONFIG_NAME,
                    f"the setting '{prefix}{key}' is required",
                    hint=f'add a line: {key} = "..."',
                )
            values[key] = default
            continue
        values[key] = _typed(raw[key], kind, prefix + key, where)
    return values


def _typed(value: Any, kind: type, name: str, where: _Locator) -> Any:
    if kind is list and isinstance(value, str):
        value = [value]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        expected = {str: "text in quotes", int: "a whole number", dict: "a table", list: "a list"}
        raise ConfigError(
            CONFIG_NAME,
            f"'{name}' must be {expected[kind]}, got {value!r}",
            line=where.line_of(name.rsplit(".", 1)[-1]),
        )
    if kind is list and not all(isinstance(item, str) for item in value):
        raise ConfigError(CONFIG_NAME, f"'{name}' must be a list of text", line=where.line_of(name))
    return tuple(value) if kind is list else value


def _base_url(value: str, where: _Locator) -> str:
    parts = urlsplit(value)  # which drops line breaks and tabs: they are refused here
    if parts.scheme not in ("http", "https") or not parts.netloc or has_space_or_control(value):
        raise ConfigError(
            CONFIG_NAME,
            f"'base_url' must be an absolute http(s) URL without spaces, got {value!r}",
            line=where.line_of("base_url"),
            hint='for example base_url = "https://clinic.example.com/"',
        )
    return value if value.endswith("/") else value + "/"


def _image_max_pixels(value: int, where: _Locator) -> int:
    if not 1 <= value <= HIGHEST_MAX_PIXELS:
        raise ConfigError(
            CONFIG_NAME,
            f"'image_max_pixels' must be between 1 and {HIGHEST_MAX_PIXELS}, got {value}",
            line=where.line_of("image_max_pixels"),
            hint=f"for example image_max_pixels = {DEFAULT_MAX_PIXELS}",
        )
    return value


def _check_timezone(name: str, where: _Locator) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            CONFIG_NAME,
            f"unknown timezone {name!r}",
            line=where.line_of("timezone"),
            hint='use a name like "UTC" or "America/Chicago"',
        ) from None


def _check_at_least(values: dict[str, Any], name: str, minimum: int, where: _Locator) -> None:
    if values[name] < minimum:
        raise ConfigError(
            CONFIG_NAME, f"'{name}' must be at least {minimum}", line=where.line_of(name)
        )


def _clinic(raw: dict[str, Any] | None, site_title: str, where: _Locator) -> Clinic:
    if raw is None:
        return Clinic(name=site_title)
    values = _settings(raw, CLINIC_SETTINGS, "clinic.", where)
    for key in ("url", "booking_url", "logo"):
        check_link(values[key], f"clinic.{key}", where.line_in_table("clinic", key))
    address = _settings(values.pop("address") or {}, ADDRESS_SETTINGS, "clinic.address.", where)
    return Clinic(address=Address(**address), **values)


def _check(raw: dict[str, Any] | None, where: _Locator) -> CheckSettings:
    try:
        return check_settings(raw)
    except SettingError as error:
        line = where.line_of(error.key) or where.line_of("check")
        raise ConfigError(CONFIG_NAME, str(error), line=line, hint=error.hint) from None


def _theme(raw: dict[str, Any] | None, where: _Locator) -> ThemeSettings:
    try:
        return theme_settings(raw)
    except ThemeError as error:
        line = where.line_in_table("theme", error.key) or where.line_of("theme")
        raise ConfigError(CONFIG_NAME, str(error), line=line, hint=error.hint) from None


def _people(raw: dict[str, Any] | None, table: str, where: _Locator) -> dict[str, Person]:
    people = {}
    for key, fields in (raw or {}).items():
        if not isinstance(fields, dict):
            raise ConfigError(
                CONFIG_NAME,
                f"'{table}.{key}' must be a table of a person's details",
                line=where.line_of(key),
                hint=f'write [{table}.{toml_key(key)}] and under it name = "..."',
            )
        values = _settings(fields, PERSON_SETTINGS, f"{table}.{key}.", where)
        line = where.line_in_table(f"{table}.{key}", "url")
        check_link(values["url"], f"{table}.{key}.url", line)
        people[key] = Person(key=key, **values)
    return dict(sorted(people.items()))


def _comments(raw: dict[str, Any] | None, where: _Locator) -> CommentSettings | None:
    if raw is None:
        return None
    values = _settings(raw, COMMENT_SETTINGS, "comments.", where)
    values["endpoint"] = _comment_endpoint(values["endpoint"], where)
    values["allowed_origins"] = tuple(
        _origin(origin, where) for origin in values["allowed_origins"]
    )
    for name in ("rate_limit", "rate_window", "max_length"):
        _check_at_least(values, name, 1, where)
    return CommentSettings(**values)


def _comment_endpoint(value: str, where: _Locator) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or has_space_or_control(value):
        raise ConfigError(
            CONFIG_NAME,
            f"'comments.endpoint' must be an absolute http(s) URL, got {value!r}",
            line=where.line_of("endpoint"),
            hint='the address of `sitegen comments serve`: "https://comments.example.com/comments"',
        )
    return value


def _origin(value: str, where: _Locator) -> str:
    """``"http://127.0.0.1:8000/"`` -> ``"http://127.0.0.1:8000"``: browsers send no path."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ConfigError(
            CONFIG_NAME,
            f"'comments.allowed_origins' holds {value!r}, which is not an origin",
            line=where.line_of("allowed_origins"),
            hint='an origin is scheme, host and port only: "http://127.0.0.1:8000"',
        )
    return f"{parts.scheme}://{parts.netloc}".lower()
