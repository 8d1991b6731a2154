"""`sitegen comments list|approve|reject`: the clinic decides what appears.

``list`` prints one pending comment per line, its id first, then when it was
received (UTC), the article's slug, the name and the start of the text::

    7  2024-06-03 14:05 UTC  what-is-micro-needling  Ann: Does it hurt? I have ...

The email is never printed: it stays in the database. A comment held with a
warning (a name that looks like the clinic's or one of its people's, see
:mod:`generator.comments.impostors`) gets a second line::

    8  2024-06-03 14:07 UTC  what-is-micro-needling  Dаniel Reyes, MD: Great article ...
       warning: the name looks like reviewer Daniel Reyes, written with look-alike ...

Invisible characters in stored names and texts are shown as ``<U+202E>``.
"""

from __future__ import annotations

from generator.comments.impostors import visible
from generator.comments.store import CommentStore, StoredComment

EXCERPT = 60


def pending_lines(store: CommentStore) -> list[str]:
    return [summary(comment) for comment in store.comments("pending")]


def summary(comment: StoredComment) -> str:
    text = " ".join(visible(comment.body).split())
    if len(text) > EXCERPT:
        text = text[: EXCERPT - 3].rstrip() + "..."
    received = comment.received.strftime("%Y-%m-%d %H:%M UTC")
    name = " ".join(visible(comment.name).split())
    line = f"{comment.id}  {received}  {comment.article}  {name}: {text}"
    return line + (f"\n   warning: {comment.warning}" if comment.warning else "")


def approve(store: CommentStore, comment_id: int) -> str:
    return f"approved: {summary(store.set_status(comment_id, 'approved'))}"


def reject(store: CommentStore, comment_id: int) -> str:
    return f"rejected: {summary(store.set_status(comment_id, 'rejected'))}"
