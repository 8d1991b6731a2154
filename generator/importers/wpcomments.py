"""A WordPress post's comments -> the approved ones, as sitegen comment files hold them.

Only approved comments (``wp:comment_approved`` 1) are imported; pending,
spam and trashed comments, pingbacks and trackbacks are counted and left
out. A reply keeps the comment it answers (``reply_to``), or the nearest
imported one above it when that was left out. The commenter's e-mail, IP
address and website are never read, and an e-mail address in the name or
the text is replaced, so none reaches a file or a page.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from generator.importers.markup import Context, Node, parse_html, to_markdown
from generator.importers.model import ImportedComment

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_REPLACEMENT = "(e-mail address removed)"
LEFT_OUT = {"0": "pending", "spam": "spam", "trash": "trash", "post-trashed": "trash"}
NO_DATE = "0000-00-00 00:00:00"


@dataclass
class ReadComments:
    comments: tuple[ImportedComment, ...] = ()
    counts: Counter = field(default_factory=Counter)  # "comments", "comments pending", ...


def read_comments(
    item: ET.Element,
    wp: str,
    relink: Callable[[Node], object] = lambda document: None,
    on_a_page: bool = False,
) -> ReadComments:
    """The approved comments of one post, oldest first, and counts of the others;
    ``relink`` points a comment's links to the old site at the new one. A page's
    comments are only counted: pages here take no comments."""
    counts: Counter = Counter()
    kept: dict[str, ImportedComment] = {}
    parents: dict[str, str] = {}

    def text(element: ET.Element, name: str) -> str:
        return (element.findtext(f"{{{wp}}}{name}") or "").strip()

    for element in item.findall(f"{{{wp}}}comment"):
        comment_id, status = text(element, "comment_id"), text(element, "comment_approved")
        parents[comment_id] = text(element, "comment_parent")
        kind = text(element, "comment_type")
        if kind in ("pingback", "trackback"):
            counts[f"{kind}s left out"] += 1
        elif status != "1":
            counts[f"comments left out ({LEFT_OUT.get(status, status or 'unknown')})"] += 1
        else:
            comment = _comment(comment_id, element, text, relink)
            if comment is None:
                counts["comments left out (empty)"] += 1
            else:
                kept[comment_id] = comment
    threaded = [_with_parent(comment, parents, kept) for comment in kept.values()]
    threaded.sort(key=lambda c: (c.published, int(c.id) if c.id.isdigit() else 0))
    if on_a_page:
        counts["comments left out (on a page)"] += len(threaded)
        return ReadComments((), counts)
    counts["comments"] += len(threaded)
    return ReadComments(tuple(threaded), counts)


def _comment(comment_id: str, element: ET.Element, text, relink) -> ImportedComment | None:
    document = parse_html(text(element, "comment_content"))
    relink(document)
    body = to_markdown(document, Context(autop=True))
    body = EMAIL.sub(EMAIL_REPLACEMENT, body).strip()
    if not body or not comment_id.isdigit():
        return None
    name = EMAIL.sub(EMAIL_REPLACEMENT, " ".join(text(element, "comment_author").split()))
    published = _moment(text(element, "comment_date_gmt")) or _moment(text(element, "comment_date"))
    if published is None:
        return None
    return ImportedComment(comment_id, name or "Anonymous", published, body)


def _with_parent(
    comment: ImportedComment, parents: dict[str, str], kept: dict[str, ImportedComment]
) -> ImportedComment:
    parent, seen = parents.get(comment.id, ""), {comment.id}
    while parent and parent not in kept and parent not in seen:
        seen.add(parent)
        parent = parents.get(parent, "")
    if not parent or parent == "0" or parent not in kept or parent in seen:
        return comment
    return ImportedComment(comment.id, comment.name, comment.published, comment.body, parent)


def _moment(value: str) -> datetime | None:
    if not value or value == NO_DATE:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None
