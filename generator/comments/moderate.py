"""`sitegen comments list|approve|reject`: the clinic decides what appears.

``list`` prints one pending comment per line, its id first, then when it was
received (UTC), the article's slug, the name and the start of the text::

    7  2024-06-03 14:05 UTC  what-is-micro-needling  Ann: Does it hurt? I have ...

The email is never printed: it stays in the database.
"""

from __future__ import annotations

from generator.comments.store import CommentStore, StoredComment

EXCERPT = 60


def pending_lines(store: CommentStore) -> list[str]:
    return [summary(comment) for comment in store.comments("pending")]


def summary(comment: StoredComment) -> str:
    text = " ".join(comment.body.split())
    if len(text) > EXCERPT:
        text = text[: EXCERPT - 3].rstrip() + "..."
    received = comment.received.strftime("%Y-%m-%d %H:%M UTC")
    name = " ".join(comment.name.split())
    return f"{comment.id}  {received}  {comment.article}  {name}: {text}"


def approve(store: CommentStore, comment_id: int) -> str:
    return f"approved: {summary(store.set_status(comment_id, 'approved'))}"


def reject(store: CommentStore, comment_id: int) -> str:
    return f"rejected: {summary(store.set_status(comment_id, 'rejected'))}"
