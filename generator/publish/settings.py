"""``[publish]`` and ``[redirects]`` of ``site.toml``, checked once when the config loads.

::

    [publish]
    to = "ssh://deploy@clinic.example.com/var/www/blog"
    host = "nginx"             # apache, nginx, netlify or static (the default)
    ssh_command = "ssh -F ./deploy_ssh_config"
    daily_at = "06:00"         # UTC; when the CI workflow builds and publishes each day

    [redirects]
    "/category/skin/" = "/categories/skin/"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.errors import ConfigError

HOSTS = ("static", "apache", "nginx", "netlify")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
LineOf = Callable[[str], "int | None"]


@dataclass(frozen=True)
class PublishSettings:
    to: str = ""  # the target URL; `sitegen publish --to` overrides it
    host: str = "static"  # which redirect and header files the build writes
    ssh_command: str = ""  # the ssh program and its options, as GIT_SSH_COMMAND
    daily_at: str = "06:00"  # HH:MM UTC of the daily CI run

    @property
    def daily_cron(self) -> str:
        """``daily_at`` as a cron schedule: ``"06:30"`` -> ``"30 6 * * *"``."""
        hour, minute = self.daily_at.split(":")
        return f"{int(minute)} {int(hour)} * * *"


@dataclass(frozen=True)
class RedirectRule:
    """One line of ``[redirects]``: an old address and where it now leads."""

    old: str
    new: str
    line: int | None = None


def publish_settings(raw: dict[str, Any] | None, line_of: LineOf) -> PublishSettings:
    if raw is None:
        return PublishSettings()
    known = ("to", "host", "ssh_command", "daily_at")
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(
                "site.toml",
                f"unknown setting 'publish.{key}'",
                line=line_of(key),
                hint="known: " + ", ".join(known),
            )
        if not isinstance(value, str):
            raise ConfigError(
                "site.toml",
                f"'publish.{key}' must be text in quotes, got {value!r}",
                line=line_of(key),
            )
    settings = PublishSettings(**raw)
    if settings.host not in HOSTS:
        raise ConfigError(
            "site.toml",
            f"'publish.host' must be one of {', '.join(HOSTS)}, got {settings.host!r}",
            line=line_of("host"),
            hint='host = "apache" for most shared hosting; "static" writes only redirect pages',
        )
    if not _TIME.match(settings.daily_at):
        raise ConfigError(
            "site.toml",
            f"'publish.daily_at' must be a time like \"06:00\" (UTC), got {settings.daily_at!r}",
            line=line_of("daily_at"),
            hint='daily_at = "06:00"',
        )
    return settings


def redirect_rules(raw: dict[str, Any] | None, line_of: LineOf) -> tuple[RedirectRule, ...]:
    rules = []
    for old, new in (raw or {}).items():
        if not isinstance(new, str):
            raise ConfigError(
                "site.toml",
                f"'redirects' maps old addresses to new ones; {old!r} is given {new!r}",
                line=line_of(f'"{old}"') or line_of("redirects"),
                hint='"/category/skin/" = "/categories/skin/"',
            )
        rules.append(RedirectRule(old, new, line_of(f'"{old}"')))
    return tuple(rules)
