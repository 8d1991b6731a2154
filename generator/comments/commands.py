"""The ``sitegen comments ...`` commands, added to the main parser by ``cli.py``.

sitegen comments serve [SITE] [--host 127.0.0.1] [--port 8090] [--db comments.sqlite3]
sitegen comments list [--db FILE]
sitegen comments approve ID [--db FILE] [--publish [--site SITE]]
sitegen comments reject ID [--db FILE] [--publish [--site SITE]]
sitegen comments export [SITE] [--db FILE]
sitegen comments backup [--db FILE] DEST
sitegen comments install-service [SITE] [--db FILE] [--port 8090] [--user USER] [--output FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the commands' modules load when a command runs, not with every `sitegen`
    from generator.comments.store import CommentStore

DEFAULT_DB = Path("comments.sqlite3")


def add_comments_parser(commands: argparse._SubParsersAction) -> None:
    comments = commands.add_parser("comments", help="receive, moderate and export reader comments")
    actions = comments.add_subparsers(title="actions", required=True, metavar="ACTION")

    receive = actions.add_parser("serve", help="run the receiver the comment form posts to")
    _site_argument(receive)
    receive.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    receive.add_argument("--port", type=int, default=8090, help="port (default: 8090; 0: any)")
    _db_argument(receive)
    receive.set_defaults(command=_serve)

    listing = actions.add_parser("list", help="print the pending comments, one per line")
    _db_argument(listing)
    listing.set_defaults(command=_list)

    for name, verb in (("approve", "publish"), ("reject", "never publish")):
        action = actions.add_parser(name, help=f"{verb} a comment (at the next export)")
        action.add_argument("id", type=int, help="the comment's id, from `sitegen comments list`")
        _db_argument(action)
        action.add_argument(
            "--publish", action="store_true", help="then export, build and publish the site"
        )
        action.add_argument(
            "--site", type=Path, default=Path("."), help="site folder for --publish (default: .)"
        )
        action.set_defaults(command=_moderate, action=name)

    export = actions.add_parser("export", help="write approved comments beside their articles")
    _site_argument(export)
    _db_argument(export)
    export.set_defaults(command=_export)
    _add_production_parsers(actions)


def _add_production_parsers(actions: argparse._SubParsersAction) -> None:
    """The commands for a receiver that runs for real: backups and a systemd unit."""
    backup = actions.add_parser("backup", help="copy the database safely, even while it is used")
    _db_argument(backup)
    backup.add_argument("dest", type=Path, help="the copy's file name, or a folder for a dated one")
    backup.set_defaults(command=_backup)

    service = actions.add_parser(
        "install-service", help="write a systemd unit that runs the receiver (not enabled)"
    )
    _site_argument(service)
    _db_argument(service)
    service.add_argument("--port", type=int, default=8090, help="port (default: 8090)")
    service.add_argument("--user", help="the account it runs as (default: you)")
    service.add_argument(
        "--output",
        type=Path,
        default=None,
        help="the unit file (default: sitegen-comments.service)",
    )
    service.set_defaults(command=_install_service)


def _site_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", nargs="?", default=".", type=Path, help="site folder (default: .)")


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=DEFAULT_DB, help=f"comment database (default: {DEFAULT_DB})"
    )


def _serve(args: argparse.Namespace) -> int:
    from generator.comments.receiver import serve

    serve(args.site, args.host, args.port, args.db, announce=lambda line: print(line, flush=True))
    return 0


def _list(args: argparse.Namespace) -> int:
    from generator.comments import moderate

    store = _open(args.db)
    lines = list(moderate.pending_lines(store))
    for line in lines:
        print(line)
    if not lines:
        print("No comments are waiting for moderation.")
    store.close()
    return 0


def _moderate(args: argparse.Namespace) -> int:
    from generator.comments import moderate

    store = _open(args.db)
    try:
        print(getattr(moderate, args.action)(store, args.id))
        if not args.publish:
            return 0
        _export_to(args.site, store, args.db)
    finally:
        store.close()
    from generator.publish.command import publish_and_report

    return publish_and_report(args.site)


def _backup(args: argparse.Namespace) -> int:
    from generator.comments.backup import backup_database

    done = backup_database(args.db, args.dest)
    print(f"Backed up {done.comments} comments to {done.path} (integrity check: ok)")
    return 0


def _install_service(args: argparse.Namespace) -> int:
    from generator.comments.service import UNIT_NAME, service_unit

    output = args.output or Path(UNIT_NAME)
    output.write_text(service_unit(args.site, args.db, args.port, args.user), "utf-8")
    print(f"Wrote {output}. It is not enabled; to run the receiver at every boot:")
    print(f"  sudo cp {output} /etc/systemd/system/{UNIT_NAME}")
    print("  sudo systemctl daemon-reload && sudo systemctl enable --now sitegen-comments")
    return 0


def _export(args: argparse.Namespace) -> int:
    store = _open(args.db)
    try:
        _export_to(args.site, store, args.db)
    finally:
        store.close()
    return 0


def _export_to(site: Path, store: CommentStore, db: Path) -> None:
    from generator.comments.export import export_comments

    report = export_comments(site, store)
    for comment in report.orphans:
        print(
            f"{db}: warning: comment {comment.id} is for '{comment.article}', "
            "which is no article of the site; not exported",
            file=sys.stderr,
        )
    print(
        f"Exported comments: {len(report.written)} written, {report.unchanged} unchanged, "
        f"{len(report.removed)} removed"
    )


def _open(path: Path) -> CommentStore:
    """The moderation commands need an existing database: a typo must not create one."""
    from generator.comments.store import CommentsError, CommentStore

    if not path.is_file():
        raise CommentsError(
            str(path),
            "no comment database here",
            hint="give the file `sitegen comments serve` uses: --db path/to/comments.sqlite3",
        )
    return CommentStore(path)
