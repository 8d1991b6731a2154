"""Reading a WordPress export (WXR): its namespaces, and the fields of its items.

WXR is RSS with WordPress's own elements. Its ``wp`` namespace is
``http://wordpress.org/export/1.2/`` in most exports and ``https://...`` in
some (the theme unit test data): both are accepted, as are versions 1.0-1.2::

    fields = WxrFields(path, namespaces(path, data), zone)
    fields.wp(item, "post_id")        # "42"
    fields.date(item, "post_date")    # the time WordPress showed, with its offset
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO
from zoneinfo import ZoneInfo

from generator.importers.model import ImportFileError

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
NO_DATE = "0000-00-00 00:00:00"


def namespaces(path: str, data: bytes) -> dict[str, str]:
    """The export's namespace URIs by role, read from its own declarations."""
    found = {"content": CONTENT_NAMESPACE, "dc": DC_NAMESPACE, "wp": "", "excerpt": ""}
    try:
        for _event, (_prefix, uri) in ET.iterparse(BytesIO(data), events=("start-ns",)):
            if WP_NAMESPACE.match(uri):
                found["wp"] = uri
            elif EXCERPT_NAMESPACE.match(uri):
                found["excerpt"] = uri
    except ET.ParseError as error:
        line, column = error.position
        raise ImportFileError(
            path,
            f"not well-formed XML: {str(error).split(':')[0]}",
            line=line,
            column=column + 1,
            hint="export the file again from WordPress (Tools > Export)",
        ) from None
    if not found["wp"]:
        raise ImportFileError(
            path,
            "not a WordPress export: no wordpress.org/export/1.x namespace",
            hint="export the file from WordPress with Tools > Export > All content",
        )
    return found


@dataclass(frozen=True)
class WxrFields:
    """The fields of an export's items, read with the export's own namespaces."""

    path: str
    ns: dict[str, str]
    zone: ZoneInfo  # the site's, for an export that gives no GMT time

    def wp(self, element: ET.Element, name: str) -> str:
        return self.text(element, f"{{{self.ns['wp']}}}{name}").strip()

    def content(self, item: ET.Element) -> str:
        return self.text(item, f"{{{self.ns['content']}}}encoded")

    def creator(self, item: ET.Element) -> str:
        return self.text(item, f"{{{DC_NAMESPACE}}}creator").strip()

    def where(self, item: ET.Element) -> str:
        """How messages name an item: ``export.xml: post 42``."""
        return f"{self.path}: {self.wp(item, 'post_type') or 'item'} {self.wp(item, 'post_id')}"

    def terms(self, item: ET.Element, domain: str) -> list[str]:
        names = [
            " ".join((c.text or "").split())
            for c in item.findall("category")
            if c.get("domain") == domain
        ]
        return list(dict.fromkeys(name for name in names if name))

    def date(self, item: ET.Element, name: str) -> datetime | None:
        """The time WordPress showed: the blog's local ``post_date`` with the offset that
        ``post_date_gmt`` gives; in the site's timezone when the export has no GMT time."""
        local = self.wp(item, name)
        moment = _parse_date(local) if local and local != NO_DATE else None
        if moment is None:
            return None
        gmt = self.wp(item, f"{name}_gmt")
        universal = _parse_date(gmt) if gmt and gmt != NO_DATE else None
        if universal is None:
            return moment
        offset = moment - universal
        if abs(offset) > timedelta(hours=14) or offset.total_seconds() % 900:
            return universal.replace(tzinfo=UTC).astimezone(self.zone)  # not an offset
        return moment.replace(tzinfo=timezone(offset))

    @staticmethod
    def text(element: ET.Element, tag: str) -> str:
        found = element.find(tag)
        return (found.text or "") if found is not None else ""


def _parse_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None
