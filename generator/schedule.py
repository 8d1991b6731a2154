"""When the site next changes by the date alone: the next future-dated article to go live.

``build``, ``check`` and ``publish`` end with one line, so that a clinic that
dates an article ahead knows a build must run on that day (the CI workflow of
``sitegen new-site`` builds and publishes daily)::

    next change: 2026-12-12 09:00, 'Acne myths' goes live

It reads what the build already reports: the ``unpublished`` findings name each
future-dated article, and only those files are opened again, for their title
and exact date. With the rule turned off, there is nothing to say.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a build with nothing dated ahead loads neither the settings nor YAML
    from generator.config import Config
    from generator.errors import SiteError

_FUTURE = "dated "  # how lint's `unpublished` finding begins for a future-dated article


def next_change(site_dir: Path, findings: Iterable[SiteError]) -> str | None:
    """``"next change: 2026-12-12 09:00, 'Acne myths' goes live"``, or None."""
    dated = [
        finding.path or ""
        for finding in findings
        if finding.rule == "unpublished" and finding.message.startswith(_FUTURE)
    ]
    if not dated:
        return None
    from generator.config import load_config

    config = load_config(site_dir)
    coming: dict[datetime, list[str]] = {}
    for src_path in dated:
        found = _date_and_title(config, src_path)
        if found is not None:
            coming.setdefault(found[0], []).append(found[1])
    if not coming:
        return None
    moment = min(coming)
    titles = " and ".join(f"'{title}'" for title in sorted(coming[moment]))
    verb = "goes" if len(coming[moment]) == 1 else "go"
    return f"next change: {moment:%Y-%m-%d %H:%M}, {titles} {verb} live"


def _date_and_title(config: Config, src_path: str) -> tuple[datetime, str] | None:
    import frontmatter
    import yaml

    try:
        meta = frontmatter.loads(Path(config.site_dir, src_path).read_text("utf-8-sig")).metadata
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return None
    value = meta.get("date")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=config.zone)
    elif isinstance(value, date):
        moment = datetime.combine(value, time(), tzinfo=config.zone)
    else:
        return None
    return moment.astimezone(config.zone), str(meta.get("title") or src_path)
