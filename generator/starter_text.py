"""The ``starter-text`` and ``clinic-field`` rules: what ``new-site`` wrote that is not yours.

``sitegen new-site`` fills ``site.toml`` with an imaginary clinic ("Your
Clinic", ``+1 555 0123``) and its pages with instructions to the writer. A
clinic must not publish a wrong phone number, so ``starter-text`` warns:

- at ``site.toml``, for each setting that still holds a starter value;
- at a published content file, for each line that still holds one.

``clinic-field`` is an error for a ``{{ clinic.<name> }}`` placeholder
(:mod:`generator.clinic_fields`) whose name is no field: it would be published
as written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping

from generator.clinic_fields import FIELDS, unknown_fields
from generator.config import CONFIG_NAME, Config
from generator.errors import SiteWarning
from generator.parse import ParsedFile

STARTER_RULE = "starter-text"
FIELD_RULE = "clinic-field"
# What generator/starter/ holds that no real clinic would publish.
STARTER_TEXTS = (
    "Your Clinic",
    "+1 555 0123",
    "hello@example.com",
    "www.example.com",
    "1 Main Street",
    "Alex Writer",
    "Sam Doctor",
    "Tell your readers",
)
_CHECKED_KINDS = ("article", "article_index", "section", "page")


class StarterMemo:
    """The findings of each content file, by its digest, kept between builds (with the
    engine's state): a rebuild reads and scans again only the files that changed."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[str, tuple[SiteWarning, ...]]] = {}

    def in_file(self, item: ParsedFile, digest: str, texts: Mapping[str, str]) -> tuple:
        """The findings of a parsed file whose source has ``digest``."""
        found = self._found.get(item.src_path)
        if found is None or found[0] != digest:
            found = self._found[item.src_path] = (digest, _file_findings(item, texts))
        return found[1]

    def keep_only(self, names: set[str]) -> None:
        """Forget the files that are no longer checked."""
        self._found = {name: found for name, found in self._found.items() if name in names}


def findings(
    config: Config,
    parsed: list[ParsedFile],
    texts: Mapping[str, str],
    memo: StarterMemo | None = None,
) -> Iterator[SiteWarning]:
    """The starter text left in ``site.toml`` and the published content files.

    With a ``memo``, ``texts`` must also tell each file's digest (``texts.digest(src_path)``,
    as :class:`~generator.lint.locate.SourceTexts` does)."""
    yield from _in_settings(config)
    unpublished = _unpublished_folders(parsed)
    checked = set()
    for item in parsed:
        if item.kind not in _CHECKED_KINDS or item.src_path not in texts:
            continue
        if item.meta.get("draft") or item.article_dir in unpublished:
            continue  # a draft is not published: it may still say anything
        if memo is None:
            yield from _file_findings(item, texts)
        else:
            checked.add(item.src_path)
            digest = texts.digest(item.src_path)  # type: ignore[attr-defined]
            yield from memo.in_file(item, digest, texts)
    if memo is not None:
        memo.keep_only(checked)


def _file_findings(item: ParsedFile, texts: Mapping[str, str]) -> tuple[SiteWarning, ...]:
    if not _may_hold_starter_text(item):
        return ()
    return tuple(_in_file(item.src_path, texts[item.src_path]))


def _may_hold_starter_text(item: ParsedFile) -> bool:
    """Whether the parsed file shows any starter text or placeholder at all.

    Only such a file is read again to find the lines: a build that goes on from
    a saved state reads no file whose ``stat`` is unchanged, and this check must
    not be what reads every content file of a large site.
    """
    shown = item.html + "\n".join(str(value) for value in item.meta.values())
    return "clinic." in shown or any(text in shown for text in STARTER_TEXTS)


def _in_settings(config: Config) -> Iterator[SiteWarning]:
    settings = {"title": config.title, "description": config.description}
    settings |= {"base_url": config.base_url}
    settings |= _strings("clinic", config.clinic)
    settings |= _strings("clinic.address", config.clinic.address)
    for table, people in (("authors", config.authors), ("reviewers", config.reviewers)):
        for key, person in people.items():
            settings |= _strings(f"{table}.{key}", person)
    for name, value in settings.items():
        starter = next((text for text in STARTER_TEXTS if text in value), None)
        if starter:
            yield SiteWarning(
                CONFIG_NAME,
                f"'{name}' still holds the starter's {starter!r}, which pages publish",
                hint="write the clinic's own details in site.toml",
                rule=STARTER_RULE,
            )


def _strings(prefix: str, record: object) -> dict[str, str]:
    return {
        f"{prefix}.{field.name}": value
        for field in dataclasses.fields(record)  # type: ignore[arg-type]
        if isinstance(value := getattr(record, field.name), str)
    }


def _unpublished_folders(parsed: list[ParsedFile]) -> set[str]:
    return {
        item.article_dir for item in parsed if item.kind == "article_index" and item.meta["draft"]
    }


def _in_file(src_path: str, text: str) -> Iterator[SiteWarning]:
    # Most files read again hold none of the starter's texts ("clinic." is common
    # writing): looked for in the whole text first, line by line only where found.
    held = [starter for starter in STARTER_TEXTS if starter in text]
    for number, line in enumerate(text.split("\n") if held else (), start=1):
        for starter in held:
            column = line.find(starter)
            if column >= 0:
                yield SiteWarning(
                    src_path,
                    f"the starter's {starter!r} is still here and would be published",
                    line=number,
                    column=column + 1,
                    hint="write your own text; for the clinic's details use placeholders "
                    "like {{ clinic.telephone }} (see the README)",
                    rule=STARTER_RULE,
                )
    for number, column, name in unknown_fields(text):
        yield SiteWarning(
            src_path,
            f"'{{{{ clinic.{name} }}}}' is no field of the clinic and would be shown as written",
            line=number,
            column=column,
            hint="known: " + ", ".join(FIELDS),
            rule=FIELD_RULE,
        )
