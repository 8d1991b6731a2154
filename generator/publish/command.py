"""``sitegen publish [SITE] [--to URL] [--dry-run] [--yes] [--verbose] [--cache-dir DIR]``,
added by ``cli.py``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache_folder import add_cache_option, chosen_cache_dir

if TYPE_CHECKING:  # the publishing modules load when the command runs
    from generator.publish.run import PublishOptions


def add_publish_parser(commands: argparse._SubParsersAction) -> None:
    publish = commands.add_parser(
        "publish", help="build, then send what changed to the site's web host"
    )
    publish.add_argument("site", nargs="?", default=".", type=Path, help="site folder (default: .)")
    publish.add_argument(
        "--to", default="", metavar="URL", help="target (default: [publish] to in site.toml)"
    )
    publish.add_argument(
        "--dry-run", action="store_true", help="list what would be sent and deleted; change nothing"
    )
    publish.add_argument(
        "--yes", "-y", action="store_true", help="delete and replace files without asking"
    )
    publish.add_argument(
        "--verbose", "-v", action="store_true", help="name each file as it is sent or deleted"
    )
    add_cache_option(publish)
    publish.set_defaults(command=_publish)


def _publish(args: argparse.Namespace) -> int:
    from generator.publish.run import PublishOptions

    cache_dir = chosen_cache_dir(args.cache_dir)
    return publish_and_report(
        args.site, PublishOptions(args.to, args.dry_run, args.yes, args.verbose, cache_dir)
    )


def publish_and_report(site: Path, options: PublishOptions | None = None) -> int:
    """Publish ``site`` as ``sitegen publish`` does, printing what it does; the exit code."""
    from generator.errors import SiteError
    from generator.progress import for_stream
    from generator.publish.run import PublishOptions, left_alone, publish_site, summary

    options = options or PublishOptions()
    try:
        report = publish_site(
            site, options, out=sys.stdout, progress=for_stream(sys.stderr), confirm=_ask
        )
    except SiteError as error:
        print(error, file=sys.stderr)
        print("Nothing more was published.", file=sys.stderr)
        return 1
    note = left_alone(report.plan)
    if note:
        print(note)
    print(summary(report))
    if report.next_change:
        print(report.next_change)
    return 0


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
