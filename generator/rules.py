"""The content rules ``sitegen check`` and ``sitegen build`` apply, in one table.

Each rule has an id (shown after a message, like ``[title-length]``), a
default severity and a line of documentation. ``site.toml`` can change the
severity of the *lint* rules, or turn one off, and say which articles are
medical::

    [check]
    medical_categories = ["Skin Treatments"]   # default: every article is medical
    medical_tags = ["dermatology"]
    review_interval = 12                       # months before a review is due again
    reading_grade = 8                          # school grade articles should not exceed

    [check.rules]
    title-length = "error"                     # error, warning, info or off
    duplicate-title = "off"

The *fatal* rules describe input the build cannot go on with (a front matter
that is not YAML, two articles with one URL): they are always errors.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info", "off")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # the default
    doc: str
    fatal: bool = False  # the build cannot continue; the severity cannot be changed


RULES = {
    rule.id: rule
    for rule in (
        # Fatal: reported by the stage that finds them, one at a time in a build.
        Rule(
            "config", "error", "site.toml is missing, not valid TOML, or holds a wrong value.", True
        ),
        Rule(
            "unreadable",
            "error",
            "A file cannot be read (permissions, broken link), or changed under every run.",
            True,
        ),
        Rule("output-folder", "error", "The output folder lies among the site's inputs.", True),
        Rule(
            "cache-folder",
            "error",
            "The cache folder lies among the inputs or outputs, or is not sitegen's.",
            True,
        ),
        Rule("content-layout", "error", "A file stands where sitegen does not expect it.", True),
        Rule("encoding", "error", "A content file is not UTF-8 text.", True),
        Rule("empty-file", "error", "A content file is empty.", True),
        Rule("file-too-large", "error", "A content file is larger than sitegen accepts.", True),
        Rule("front-matter-syntax", "error", "Front matter missing, unclosed or not YAML.", True),
        Rule("front-matter-required", "error", "A required front matter field is missing.", True),
        Rule("front-matter-type", "error", "A front matter value has the wrong type.", True),
        Rule("markdown", "error", "The Markdown body cannot be converted.", True),
        Rule("unknown-person", "error", "author/reviewed_by names nobody in site.toml.", True),
        Rule("related-missing", "error", "related: names an article that does not exist.", True),
        Rule("duplicate-url", "error", "Two articles or pages get the same URL.", True),
        Rule("slug", "error", "A slug is empty, reserved or too long for a file name.", True),
        Rule("redirect", "error", "An old address (aliases:, [redirects]) is unusable.", True),
        Rule(
            "publish", "error", "publish cannot reach its target, or the target does not fit.", True
        ),
        Rule(
            "image-beside", "error", "image: names a file that is not in the article folder.", True
        ),
        Rule("template", "error", "A template has a syntax error or fails while rendering.", True),
        Rule("image-unreadable", "error", "An image file that cannot be decoded.", True),
        Rule("symlink-outside", "error", "A link in the site leads to a file outside it.", True),
        Rule("svg-unsafe", "error", "An SVG file holds a script or loads from elsewhere.", True),
        Rule("html-unsafe", "error", "A content file's HTML holds a script or runs code.", True),
        Rule(
            "runnable-file",
            "error",
            "A file in content/ that browsers or servers run (HTML, XML, JS, PHP).",
            True,
        ),
        # Lints: found by looking at the whole site; their severity can be changed.
        Rule("unknown-field", "warning", "A front matter field that no schema knows."),
        Rule("draft-empty", "warning", "A draft leaves its title or description empty."),
        Rule("title-length", "warning", "A title over 60 characters (search results cut it)."),
        Rule("description-length", "warning", "A description outside 50-160 characters."),
        Rule("image-alt", "error", "An article image without image_alt."),
        Rule("image-missing", "error", "An image path that no file of the site provides."),
        Rule("alt-text", "error", "An image without alt text (decorative ones say so)."),
        Rule("third-party", "error", "A page loads from a host not in allowed_hosts."),
        Rule("broken-link", "error", "An internal link or #anchor that leads nowhere."),
        Rule("heading-order", "warning", "A heading that skips a level, or a second <h1>."),
        Rule("empty-section", "warning", "A section without text, or a FAQ without questions."),
        Rule("duplicate-title", "warning", "Two articles or pages with the same title."),
        Rule("medical-review", "warning", "A medical article without reviewed_by/last_reviewed."),
        Rule("review-age", "warning", "A medical review older than review_interval months."),
        Rule("theme-file", "error", "A [theme] logo or font missing from static/, or not WOFF2."),
        Rule("appointment", "error", "An appointment block, but no booking_url or telephone."),
        Rule("reading-level", "warning", "An article harder to read than reading_grade."),
        Rule("starter-text", "warning", "A setting or published page still holds new-site's text."),
        Rule("clinic-field", "error", "A {{ clinic.<name> }} placeholder that names no field."),
        Rule("unpublished", "info", "Drafts and future-dated articles this build leaves out."),
    )
}

TITLE_MAX = 60
DESCRIPTION_RANGE = (50, 160)


@dataclass(frozen=True)
class CheckSettings:
    """The ``[check]`` table of ``site.toml``, validated."""

    severities: dict[str, str] = field(default_factory=dict)  # rule id -> severity, overrides
    medical_categories: tuple[str, ...] = ()
    medical_tags: tuple[str, ...] = ()
    review_interval: int = 12  # months
    reading_grade: float = 8  # school grade above which the rule reading-level warns

    def severity(self, rule: str) -> str:
        default = RULES[rule].severity if rule in RULES else "warning"
        return self.severities.get(rule, default)

    def is_medical(self, category: str | None, tags: tuple[str, ...]) -> bool:
        """With neither list set every article counts as medical: the safe default for a clinic."""
        if not self.medical_categories and not self.medical_tags:
            return True
        categories = {name.casefold() for name in self.medical_categories}
        wanted_tags = {name.casefold() for name in self.medical_tags}
        return (category or "").casefold() in categories or any(
            tag.casefold() in wanted_tags for tag in tags
        )


class SettingError(ValueError):
    """A bad ``[check]`` setting: ``key`` is where it stands, the message what is wrong."""

    def __init__(self, key: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.hint = hint


_CHECK_KEYS = ("medical_categories", "medical_tags", "review_interval", "reading_grade", "rules")


def check_settings(raw: dict[str, Any] | None) -> CheckSettings:
    """Validate the ``[check]`` table; raise :class:`SettingError` on a mistake.

    >>> check_settings({"rules": {"title-length": "off"}}).severity("title-length")
    'off'
    """
    raw = raw or {}
    for key in raw:
        if key not in _CHECK_KEYS:
            raise SettingError(key, f"unknown setting 'check.{key}'", _suggest(key, _CHECK_KEYS))
    interval = raw.get("review_interval", 12)
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise SettingError(
            "review_interval",
            "'check.review_interval' must be a whole number of months, at least 1",
        )
    grade = raw.get("reading_grade", 8)
    if isinstance(grade, bool) or not isinstance(grade, int | float) or not 1 <= grade <= 20:
        raise SettingError(
            "reading_grade",
            f"'check.reading_grade' must be a school grade from 1 to 20, got {grade!r}",
            "for example reading_grade = 8",
        )
    return CheckSettings(
        severities=_severities(raw.get("rules", {})),
        reading_grade=grade,
        medical_categories=_names(raw, "medical_categories"),
        medical_tags=_names(raw, "medical_tags"),
        review_interval=interval,
    )


def _severities(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise SettingError("rules", "'check.rules' must be a table like [check.rules]")
    severities = {}
    for rule, severity in raw.items():
        if rule not in RULES:
            raise SettingError(
                rule, f"unknown rule '{rule}' in [check.rules]", _suggest(rule, RULES)
            )
        if RULES[rule].fatal:
            raise SettingError(
                rule,
                f"the rule '{rule}' cannot be changed: the build cannot go on past it",
                "remove the line; only lint rules can change severity",
            )
        if severity not in SEVERITIES:
            raise SettingError(
                rule,
                f"'{rule}' must be one of {', '.join(SEVERITIES)}, got {severity!r}",
                f'for example {rule} = "warning"',
            )
        severities[rule] = severity
    return severities


def _names(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SettingError(key, f"'check.{key}' must be a list of text, like [\"Dermatology\"]")
    return tuple(value)


def _suggest(key: str, known) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(known)
