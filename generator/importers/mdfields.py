"""Front matter values of other generators, read as sitegen reads them: dates in
their several spellings, lists written as one string, images given as tables."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

JEKYLL_NAME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})-(.+)$")
IMAGE_FIELDS = ("image", "cover", "featured_image", "feature_image", "thumbnail", "banner")
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def is_draft(meta: dict) -> bool:
    status = str(meta.get("status", "")).lower()
    return (
        meta.get("draft") is True or meta.get("published") is False or status in ("draft", "hidden")
    )


def words(value: Any, generator: str) -> list[str]:
    """Categories or tags: a list, or one string of words (Jekyll) or of names split by commas."""
    if isinstance(value, (list, tuple)):
        names = [str(v) for v in value]
    elif isinstance(value, str):
        names = value.split(",") if "," in value or generator == "pelican" else value.split()
    else:
        names = []
    return list(dict.fromkeys(" ".join(name.split()) for name in names if name.strip()))


def first(value: Any) -> Any:
    return value[0] if isinstance(value, (list, tuple)) and value else value


def parse_date(value: Any) -> date | datetime | None:
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = " ".join(value.strip().split())
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # -0700 -> -07:00
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?", text)
    if match:
        year, month, day, hour, minute = (int(part or 0) for part in match.groups())
        return (
            datetime(year, month, day, hour, minute) if match.group(4) else date(year, month, day)
        )
    return None


def date_from_name(stem: str) -> date | None:
    match = JEKYLL_NAME.match(stem)
    return parse_date(match.group(1)) if match else None  # type: ignore[return-value]


def image_field(meta: dict) -> str:
    for name in IMAGE_FIELDS:
        value = meta.get(name)
        if isinstance(value, dict):
            value = value.get("image") or value.get("path") or value.get("src")
        if isinstance(value, str) and value.strip():
            return value.strip()
    images = meta.get("images")
    return str(images[0]) if isinstance(images, list) and images else ""


def image_alt(meta: dict) -> str:
    for name in IMAGE_FIELDS:
        value = meta.get(name)
        if isinstance(value, dict) and (value.get("alt") or value.get("caption")):
            return str(value.get("alt") or value.get("caption"))
    return str(meta.get("image_alt") or meta.get("image_description") or "")
