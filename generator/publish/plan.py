"""What a publish does: which files are new, changed or gone, decided by content digest.

The target keeps a record of what sitegen published there (:data:`RECORD_NAME`,
``dest_path -> digest``). Comparing the build's digests with that record says
what to send without reading a byte on the target; a file the target holds
that the record does not name was put there by someone else and is left alone.

Files go in an order that keeps the site whole for a reader at every moment:
assets first (a page's new stylesheet is there before the page that asks for
it), then pages, then the files that point at pages (sitemap, feed, robots and
the host's redirect rules), and deletions last::

    >>> plan = plan_publish({"a.css": "1", "index.html": "2"}, {"index.html": "0", "old.html": "3"})
    >>> plan.sends, plan.deletes
    (('a.css', 'index.html'), ('old.html',))
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Set
from dataclasses import dataclass, field

RECORD_NAME = ".sitegen-published.json"
RECORD_VERSION = 1
# A file on its way to the target is written under this suffix, then renamed; one that
# a publish cut short left behind is removed by the next.
UPLOAD_SUFFIX = ".sitegen-upload"
# Files that list or point at pages: sent after the pages they name.
POINTERS = ("sitemap.xml", "feed.xml", "robots.txt", ".htaccess", "_redirects", "_headers")
POINTER_SUFFIXES = (".conf",)  # nginx's redirect map
PAGE_SUFFIXES = (".html", ".htm")
NOT_YET_SENT = ""  # the digest in the record of a file a publish is about to send


@dataclass(frozen=True)
class PublishPlan:
    """The changes a publish makes, in the order it makes them."""

    new: tuple[str, ...]
    changed: tuple[str, ...]
    deletes: tuple[str, ...]
    unchanged: int
    foreign: tuple[str, ...] = ()  # on the target, never published by sitegen: left alone
    replaces_foreign: tuple[str, ...] = ()  # foreign files the build now has a file for
    record: dict[str, str] = field(default_factory=dict)  # what the target holds afterwards

    @property
    def sends(self) -> tuple[str, ...]:
        return tuple(sorted((*self.new, *self.changed), key=send_order))

    @property
    def nothing_to_do(self) -> bool:
        return not (self.new or self.changed or self.deletes)


def plan_publish(
    built: Mapping[str, str],
    published: Mapping[str, str],
    on_target: Set[str] | None = None,
) -> PublishPlan:
    """Compare the build (``dest_path -> digest``) with the target's record.

    ``on_target`` lists every file the target holds, where the target can say;
    it only serves to name the files that sitegen never published there.
    """
    new = tuple(dest for dest in sorted(built) if dest not in published)
    changed = tuple(
        dest for dest in sorted(built) if published.get(dest, built[dest]) != built[dest]
    )
    deletes = tuple(dest for dest in sorted(published) if dest not in built)
    foreign = tuple(sorted((on_target or set()) - published.keys() - {RECORD_NAME}))
    return PublishPlan(
        new=new,
        changed=changed,
        deletes=deletes,
        unchanged=len(built) - len(new) - len(changed),
        foreign=tuple(dest for dest in foreign if dest not in built),
        replaces_foreign=tuple(dest for dest in foreign if dest in built),
        record=dict(sorted(built.items())),
    )


def send_order(dest: str) -> tuple[int, str]:
    """Assets (0) before pages (1) before the files that point at pages (2)."""
    name = dest.rsplit("/", 1)[-1]
    if dest in POINTERS or name.endswith(POINTER_SUFFIXES) and "/" not in dest:
        return (2, dest)
    if name.endswith(PAGE_SUFFIXES):
        return (1, dest)
    return (0, dest)


def groups(dests: tuple[str, ...]) -> list[list[str]]:
    """``dests`` (in send order) cut where the kind changes: each group is sent whole
    before the next begins."""
    cut: list[list[str]] = []
    for dest in dests:
        if cut and send_order(cut[-1][-1])[0] == send_order(dest)[0]:
            cut[-1].append(dest)
        else:
            cut.append([dest])
    return cut


def record_while_sending(published: Mapping[str, str], plan: PublishPlan) -> dict[str, str]:
    """The record a target keeps while the files are sent: the one it had, and each new file
    claimed under :data:`NOT_YET_SENT`, a digest no file has.

    A publish cut short then leaves no file of its own that the next publish would take
    for someone else's (to leave alone, or to ask before it is replaced): each is sent
    again, or deleted when the build no longer has it::

        >>> plan = plan_publish({"new.html": "1"}, {"old.html": "2"})
        >>> record_while_sending({"old.html": "2"}, plan)
        {'old.html': '2', 'new.html': ''}
        >>> plan_publish({}, {"old.html": "2", "new.html": ""}).deletes
        ('new.html', 'old.html')
    """
    return {**published, **dict.fromkeys(plan.new, NOT_YET_SENT)}


def record_bytes(record: Mapping[str, str]) -> bytes:
    data = {"version": RECORD_VERSION, "files": dict(sorted(record.items()))}
    return (json.dumps(data, indent=0) + "\n").encode("utf-8")


def parse_record(data: bytes | None) -> dict[str, str]:
    """The record a target holds; an unreadable or foreign one counts as none."""
    if not data:
        return {}
    try:
        found = json.loads(data.decode("utf-8"))
        if found.get("version") != RECORD_VERSION:
            return {}
        return {str(dest): str(digest) for dest, digest in found["files"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}
