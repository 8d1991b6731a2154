"""The comment database: one SQLite file in WAL mode, one transaction per comment.

A comment is stored the moment the receiver accepts it, as ``pending``; the
clinic then approves or rejects it. The commit happens before the receiver
answers, so a comment the reader was thanked for survives the receiver being
stopped at any point after that (WAL keeps committed transactions even when
the process dies before a checkpoint)::

    >>> store = CommentStore(Path(":memory:"))
    >>> store.add(NewComment("acne", "Ann", "ann@example.org", "Thanks!"))
    1
    >>> [c.name for c in store.comments("pending")]
    ['Ann']
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generator.errors import SiteError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY,
    article TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    body TEXT NOT NULL,
    received TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected'))
);
CREATE INDEX IF NOT EXISTS comments_by_status ON comments (status, received, id);
"""
# Added later; a database made before it gets the column on opening.
_WARNING_COLUMN = "ALTER TABLE comments ADD COLUMN warning TEXT NOT NULL DEFAULT ''"


class CommentsError(SiteError):
    """The comment database cannot be used, or a moderation command names no comment."""


@dataclass(frozen=True)
class NewComment:
    """What a reader posted, already validated."""

    article: str  # the article's slug
    name: str
    email: str
    body: str
    warning: str = ""  # for the moderator, like a name posing as the reviewer (impostors)


@dataclass(frozen=True)
class StoredComment:
    """A comment as moderation and export see it: everything but the email."""

    id: int
    article: str
    name: str
    body: str
    received: datetime  # UTC
    status: str
    warning: str = ""


class CommentStore:
    """The database at ``path``, created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            # Autocommit mode: every statement is its own transaction unless opened with BEGIN.
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(comments)")}
            if "warning" not in columns:
                self._db.execute(_WARNING_COLUMN)
        except sqlite3.Error as error:
            raise CommentsError(str(path), f"cannot open the comment database: {error}") from None

    def close(self) -> None:
        self._db.close()

    def add(self, comment: NewComment, received: datetime | None = None) -> int:
        """Store a pending comment in one transaction; return its id."""
        received = received or datetime.now(UTC)
        cursor = self._db.execute(
            "INSERT INTO comments (article, name, email, body, received, warning)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                comment.article,
                comment.name,
                comment.email,
                comment.body,
                received.isoformat(),
                comment.warning,
            ),
        )
        return int(cursor.lastrowid)

    def comments(self, status: str | None = None) -> list[StoredComment]:
        """Comments with ``status`` (all when None), in the order they were received."""
        where, arguments = ("WHERE status = ?", (status,)) if status else ("", ())
        return self._select(f"{where} ORDER BY received, id", arguments)

    def _select(self, rest: str, arguments: tuple) -> list[StoredComment]:
        rows = self._db.execute(
            f"SELECT id, article, name, body, received, status, warning FROM comments {rest}",
            arguments,
        )
        return [
            StoredComment(id, article, name, body, datetime.fromisoformat(received), state, warn)
            for id, article, name, body, received, state, warn in rows
        ]

    def set_status(self, comment_id: int, status: str) -> StoredComment:
        """Approve or reject a comment; raise :class:`CommentsError` if there is no such id."""
        cursor = self._db.execute(
            "UPDATE comments SET status = ? WHERE id = ?", (status, comment_id)
        )
        if cursor.rowcount == 0:
            raise CommentsError(
                str(self.path),
                f"there is no comment {comment_id}",
                hint="`sitegen comments list` shows the pending comments with their ids",
            )
        return self._select("WHERE id = ?", (comment_id,))[0]

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM comments").fetchone()[0])
