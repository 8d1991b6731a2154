"""Comments on an article: each comment file attached to its article, replies threaded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from generator.article_model import article_folder, moment
from generator.config import Config
from generator.errors import ModelError
from generator.model import Article, Comment
from generator.parse import ParsedFile


def with_comments(
    config: Config, articles: list[Article], comments: list[ParsedFile]
) -> list[Article]:
    """Attach each comment file to its article, oldest first (ties by file name)."""
    by_folder: dict[str, list[Comment]] = defaultdict(list)
    for item in comments:
        published = moment(item.meta["date"], config).astimezone(config.zone)
        name = item.src_path.rsplit("/", 1)[-1].removesuffix(".md")
        by_folder[item.article_dir].append(
            Comment(
                item.src_path, item.meta["name"], published, item.html, name,
                item.meta.get("reply_to") or "",
            )
        )  # fmt: skip
    folders = {article_folder(article): article for article in articles}
    for folder, found in sorted(by_folder.items()):
        if folder not in folders:
            raise ModelError(
                found[0].src_path,
                f"this comment belongs to {folder}, which is no article",
                hint="move the comment beside its article, or delete it",
            )
    return [
        replace(article, comments=threaded(by_folder[folder])) if folder in by_folder else article
        for folder, article in folders.items()
    ]


def _comment_order(comment: Comment) -> tuple[datetime, str]:
    return comment.published, comment.src_path


def threaded(comments: list[Comment]) -> tuple[Comment, ...]:
    """Comments oldest first, each followed by its replies (oldest first, at ``depth`` + 1);
    a reply to a comment the article does not have is a comment of its own."""
    by_id = {comment.id: comment for comment in comments}
    replies: dict[str, list[Comment]] = defaultdict(list)
    for comment in sorted(comments, key=_comment_order):
        parent = comment.reply_to if comment.reply_to in by_id else ""
        replies[parent if parent != comment.id else ""].append(comment)
    ordered: list[Comment] = []
    waiting = [(comment, 0) for comment in reversed(replies[""])]
    while waiting:
        comment, depth = waiting.pop()
        parent = by_id.get(comment.reply_to) if depth else None
        ordered.append(
            replace(
                comment,
                reply_to=parent.id if parent else "",
                reply_to_name=parent.name if parent else "",
                depth=depth,
            )
        )
        waiting += [(reply, depth + 1) for reply in reversed(replies.get(comment.id, []))]
    shown = {comment.src_path for comment in ordered}
    # Replies that answer each other in a circle reach no comment: shown on their own.
    ordered += [
        replace(comment, reply_to="", depth=0)
        for comment in sorted(comments, key=_comment_order)
        if comment.src_path not in shown
    ]
    return tuple(ordered)
