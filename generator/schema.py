"""The front matter schema: every field a content file may set, in one place.

``parse`` validates front matter against these tables, and the README's field
reference is written from them. A field's ``kind`` says what YAML value it takes:

- ``text``: a string (numbers are taken as their text);
- ``date``: a YAML date (``2024-05-01``) or date-time (``2024-05-01T09:30:00+01:00``);
- ``bool``: ``true`` or ``false``;
- ``list``: a list of strings (a comma-separated string is split);
- ``choice``: one of ``choices``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    doc: str = ""


ARTICLE_FIELDS = (
    Field("title", "text", required=True, doc="The headline, shown as the page's <h1>."),
    Field(
        "description", "text", required=True, doc="One or two sentences for listings and search."
    ),
    Field("date", "date", required=True, doc="When the article was first published."),
    Field("updated", "date", doc="When the article was last changed in substance."),
    Field("author", "text", doc="Key of a person under [authors] in site.toml."),
    Field("reviewed_by", "text", doc="Key of a person under [reviewers] in site.toml."),
    Field("last_reviewed", "date", doc="When the medical reviewer last checked the article."),
    Field("tags", "list", default=(), doc="Topics; each gets a page under /tags/."),
    Field("category", "text", doc="One broad category; it gets a page under /categories/."),
    Field("image", "text", doc="Hero image: a file beside the article, a /path or a URL."),
    Field("image_alt", "text", default="", doc="What the hero image shows, for screen readers."),
    Field("slug", "text", doc="The URL name; defaults to the file or folder name."),
    Field("draft", "bool", default=False, doc="Drafts are built only with --drafts."),
    Field(
        "related", "list", default=(), doc="Slugs of articles to list first under Related posts."
    ),
    Field(
        "aliases",
        "list",
        default=(),
        doc="Old addresses of the article (/2019/05/acne/ or a full URL): each redirects here.",
    ),
)

SECTION_FIELDS = (
    Field("title", "text", required=True, doc="The section heading, rendered as its <h2>."),
    Field("id", "text", doc="The heading's anchor; defaults to one made from the title."),
    Field(
        "kind",
        "choice",
        default="text",
        choices=("text", "faq"),
        doc="faq: each ### heading of the body is a question, the text under it the answer; "
        'the default for a section titled "Frequently asked questions" (or "FAQ").',
    ),
)
FAQ_TITLES = frozenset({"frequently asked questions", "faq", "faqs"})


def is_faq_title(title: str) -> bool:
    """Whether a section's title says it is a FAQ, like "Frequently Asked Questions"."""
    return " ".join(title.lower().replace("'", "").split()).strip(" .:?") in FAQ_TITLES


PAGE_FIELDS = (
    Field("title", "text", required=True, doc="The page's <h1> and <title>."),
    Field("description", "text", default="", doc="A sentence for search results."),
    Field("slug", "text", doc="The URL name; defaults to the file name."),
    Field("updated", "date", doc="When the page last changed, for the sitemap."),
    Field(
        "menu",
        "choice",
        default="footer",
        choices=("main", "footer", "none"),
        doc="Where the page is linked: the main navigation, the footer, or nowhere.",
    ),
    Field("draft", "bool", default=False, doc="Drafts are built only with --drafts."),
    Field(
        "aliases",
        "list",
        default=(),
        doc="Old addresses of the page (/about-us.html or a full URL): each redirects here.",
    ),
)

# Written by `sitegen comments export`, one file per approved comment.
COMMENT_FIELDS = (
    Field("name", "text", required=True, doc="The commenter's name as they gave it."),
    Field("date", "date", required=True, doc="When the comment was received (UTC)."),
    Field(
        "reply_to",
        "text",
        doc="The comment it answers, by file name without .md (comment-7): shown beneath it.",
    ),
)

FIELDS_BY_KIND = {
    "article": ARTICLE_FIELDS,
    "article_index": ARTICLE_FIELDS,
    "section": SECTION_FIELDS,
    "page": PAGE_FIELDS,
    "comment": COMMENT_FIELDS,
}


class FieldValueError(ValueError):
    """A value does not fit its field; the message says what was expected."""


def coerce(field: Field, value: Any) -> Any:
    """Return ``value`` as the field's type, or raise :class:`FieldValueError`.

    >>> coerce(Field("tags", "list"), "acne, scars")
    ('acne', 'scars')
    """
    return _COERCERS[field.kind](field, value)


def _text(field: Field, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldValueError(f"'{field.name}' must be text, got {_describe(value)}")
    text = str(value).strip()
    if field.required and not text:
        raise FieldValueError(f"'{field.name}' must not be empty")
    if _CONTROL.search(text):
        # They cannot appear in XML at all, so the feed and sitemap would break.
        raise FieldValueError(f"'{field.name}' holds an invisible control character")
    return text


def _date(field: Field, value: Any) -> date | datetime:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for parse in (date.fromisoformat, datetime.fromisoformat):
            try:
                return parse(value.strip())
            except ValueError:
                pass
    raise FieldValueError(f"'{field.name}' must be a date like 2024-05-01, got {_describe(value)}")


def _bool(field: Field, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldValueError(f"'{field.name}' must be true or false, got {_describe(value)}")
    return value


def _list(field: Field, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(item, str | int) for item in value):
        raise FieldValueError(
            f"'{field.name}' must be a list of text like [acne, scars], got {_describe(value)}"
        )
    return tuple(dict.fromkeys(str(item).strip() for item in value if str(item).strip()))


def _choice(field: Field, value: Any) -> str:
    if value not in field.choices:
        allowed = ", ".join(field.choices)
        raise FieldValueError(f"'{field.name}' must be one of {allowed}, got {_describe(value)}")
    return value


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"


_COERCERS = {"text": _text, "date": _date, "bool": _bool, "list": _list, "choice": _choice}
