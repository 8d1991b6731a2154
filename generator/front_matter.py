"""A content file's front matter: the YAML between its ``---`` lines, loaded and validated.

Lines in messages are the file's own, counting the opening ``---`` as line 1::

    front, body = split_front_matter(src_path, text)
    raw, lines = load_front_matter(src_path, front)   # lines: field -> line in the file
    meta, warnings = validate_fields(src_path, raw, lines, FIELDS_BY_KIND["article"])
"""

from __future__ import annotations

import difflib
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from generator.duplicate_keys import find_duplicate_key
from generator.errors import ContentError, SiteErrors, SiteWarning
from generator.schema import Field, FieldValueError, coerce

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_MATTER = YAMLHandler()
# The front matter text starts with the newline that ends the opening '---',
# so YAML's zero-based line numbers plus one are the file's own line numbers.
_FRONT_MATTER_OFFSET = 1


def split_front_matter(src_path: str, text: str) -> tuple[str, str]:
    """Return (front matter, body)."""
    if not text.strip():
        raise ContentError(
            src_path,
            "the file is empty",
            hint="add front matter (---, title: ..., ---) and text, or delete the file",
            rule="empty-file",
        )
    if not _FRONT_MATTER.detect(text):
        raise ContentError(
            src_path,
            "the file has no front matter",
            line=1,
            column=1,
            hint="start the file with a line '---', the fields (title: ...), and another '---'",
            rule="front-matter-syntax",
        )
    try:
        front_matter, body = _FRONT_MATTER.split(text)
    except ValueError:
        raise ContentError(
            src_path,
            "the front matter opened with '---' on line 1 is never closed",
            line=1,
            column=1,
            hint="add a line '---' after the last front matter field",
            rule="front-matter-syntax",
        ) from None
    return front_matter, body


def load_front_matter(src_path: str, front_matter: str) -> tuple[dict[str, Any], dict[str, int]]:
    # One pass of libyaml's parser gives the node tree (for the line of each field) and
    # the values; PyYAML's pure-Python parser costs about ten times as much.
    loader, node = _YAML_LOADER(front_matter), None
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as error:
        raise _yaml_error(src_path, error) from None
    except (ValueError, OverflowError) as error:
        # PyYAML's constructors raise these for values that look right but are not,
        # such as the date 2024-13-45.
        raise ContentError(
            src_path,
            f"the front matter holds an impossible value: {error}",
            line=_bad_value_line(node, error),
            column=1,
            hint="dates are written year-month-day, like 2024-05-01",
            rule="front-matter-type",
        ) from None
    finally:
        loader.dispose()
    _refuse_duplicate_keys(src_path, node)
    if not isinstance(meta, dict):
        raise ContentError(
            src_path,
            "the front matter must be fields like 'title: ...', one per line",
            line=2,
            column=1,
            rule="front-matter-syntax",
        )
    return {str(key): value for key, value in meta.items()}, _field_lines(node)


def _refuse_duplicate_keys(src_path: str, node: yaml.Node | None) -> None:
    duplicate = find_duplicate_key(node)
    if duplicate is not None:
        first = duplicate.first_line + _FRONT_MATTER_OFFSET
        raise ContentError(
            src_path,
            f"'{duplicate.key}' is given twice, on lines {first} and "
            f"{duplicate.second_line + _FRONT_MATTER_OFFSET}",
            line=duplicate.second_line + _FRONT_MATTER_OFFSET,
            column=1,
            hint=f"keep one '{duplicate.key}:' line and delete the other",
            rule="front-matter-syntax",
        )


def _field_lines(node: yaml.Node | None) -> dict[str, int]:
    """Where each top-level key stands, as file line numbers (the '---' is line 1)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + _FRONT_MATTER_OFFSET for key, _ in node.value}


def _bad_value_line(node: yaml.Node | None, error: Exception) -> int | None:
    """The line of the first date-like scalar PyYAML refused: its constructors keep no mark."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for _key, value in node.value:
        if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":timestamp"):
            try:
                yaml.safe_load(value.value)
            except (ValueError, OverflowError, yaml.YAMLError):
                return value.start_mark.line + _FRONT_MATTER_OFFSET
    return None


def _yaml_error(src_path: str, error: yaml.YAMLError) -> ContentError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark and mark and context_mark.line != mark.line:
        problem += f" ({context} that starts on line {context_mark.line + _FRONT_MATTER_OFFSET})"
    return ContentError(
        src_path,
        f"the front matter is not valid YAML: {problem}",
        line=mark.line + _FRONT_MATTER_OFFSET if mark else None,
        column=mark.column + 1 if mark else None,
        hint="values with ':' or '#' need quotes, like title: \"Acne: causes\"",
        rule="front-matter-syntax",
    )


def validate_fields(
    src_path: str, raw: dict[str, Any], lines: dict[str, int], fields: tuple[Field, ...]
) -> tuple[dict[str, Any], list[SiteWarning]]:
    known = {field.name: field for field in fields}
    meta: dict[str, Any] = {}
    warnings: list[SiteWarning] = []
    # A draft may leave required text empty: it is not published until it is filled in.
    draft = raw.get("draft") is True
    errors: list[ContentError] = []  # every wrong field of the file, reported together
    for field in fields:
        value = raw.get(field.name)
        if draft and field.required and field.kind == "text" and value in (None, ""):
            meta[field.name] = ""
            warnings.append(_empty_in_draft(src_path, field, lines))
            continue
        if value is None:
            if field.required:
                errors.append(
                    ContentError(
                        src_path,
                        f"'{field.name}' is required",
                        line=lines.get(field.name, 2),
                        column=1,
                        hint=f"add a line '{field.name}: ...' to the front matter ({field.doc})",
                        rule="front-matter-required",
                    )
                )
            meta[field.name] = field.default
            continue
        try:
            meta[field.name] = coerce(field, value)
        except FieldValueError as error:
            errors.append(
                ContentError(
                    src_path,
                    str(error),
                    line=lines.get(field.name),
                    column=1,
                    rule="front-matter-type",
                )
            )
    if errors:
        raise errors[0] if len(errors) == 1 else SiteErrors(errors)
    warnings += [_unknown_key(src_path, key, lines, known) for key in raw if key not in known]
    return meta, warnings


def _empty_in_draft(src_path: str, field: Field, lines: dict[str, int]) -> SiteWarning:
    return SiteWarning(
        src_path,
        f"'{field.name}' is still empty",
        line=lines.get(field.name),
        column=1,
        hint=f"fill it in before you publish the article with draft: false ({field.doc})",
        rule="draft-empty",
    )


def _unknown_key(src_path: str, key: str, lines: dict[str, int], known: dict) -> SiteWarning:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else "known fields: " + ", ".join(known)
    return SiteWarning(
        src_path,
        f"unknown field '{key}'",
        line=lines.get(key),
        column=1,
        hint=hint,
        rule="unknown-field",
    )
