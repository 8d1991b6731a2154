"""The site as the comment tools need it: its settings and its articles, nothing rendered."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from generator.assemble import Visibility, assemble
from generator.build import parse_sources
from generator.comments.store import CommentsError
from generator.config import CommentSettings, Config, load_config
from generator.discover import discover
from generator.model import Article
from generator.render import default_theme_dir


def load_articles(site_dir: Path, *, drafts: bool) -> tuple[Config, tuple[Article, ...]]:
    """Every article of the site, future-dated ones included (and drafts if asked)."""
    config = load_config(site_dir)
    sources = discover(site_dir, default_theme_dir())
    assets = [source for source in sources.posts if source.kind == "asset"]
    visibility = Visibility(now=datetime.now(UTC), drafts=drafts, future=True)
    site = assemble(config, parse_sources(sources), assets, visibility)
    return config, site.articles


def comment_settings(config: Config) -> CommentSettings:
    """The ``[comments]`` table, or a clear error when comments are off."""
    if config.comments is None:
        raise CommentsError(
            "site.toml",
            "comments are off for this site",
            hint='add a [comments] table with endpoint = "https://..." (see README)',
        )
    return config.comments
