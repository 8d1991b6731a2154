"""``sitegen comments backup``: a consistent copy of the comment database, taken live.

SQLite's online backup API copies the database page by page under a read
transaction: in WAL mode (the receiver's) the receiver goes on accepting
comments meanwhile, and the copy holds every comment committed before the
backup began. The copy is written beside its destination, checked with
``PRAGMA integrity_check`` and only then renamed into place.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generator.comments.store import CommentsError


@dataclass(frozen=True)
class Backup:
    path: Path
    comments: int


def backup_database(db: Path, destination: Path, now: datetime | None = None) -> Backup:
    """Copy ``db`` to ``destination`` (a file, or a folder to put a dated file in)."""
    if not db.is_file():
        raise CommentsError(
            str(db),
            "no comment database here",
            hint="give the file `sitegen comments serve` uses: --db path/to/comments.sqlite3",
        )
    if destination.is_dir():
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
        destination = destination / f"{db.stem}-{stamp}{db.suffix or '.sqlite3'}"
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        _copy(db, partial)
        comments = _checked(partial)
        os.replace(partial, destination)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise CommentsError(str(destination), f"the backup failed: {error}") from None
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CommentsError(str(destination), f"cannot write the backup: {error}") from None
    return Backup(destination, comments)


def _copy(db: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    source = sqlite3.connect(db)
    try:
        source.execute("PRAGMA busy_timeout=5000")
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # every page in one step: one consistent snapshot
        finally:
            copy.close()
    finally:
        source.close()


def _checked(path: Path) -> int:
    """The number of comments in the copy, after SQLite finds it whole."""
    copy = sqlite3.connect(path)
    try:
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy is damaged: {verdict}")
        return int(copy.execute("SELECT count(*) FROM comments").fetchone()[0])
    finally:
        copy.close()
