"""PARSE: one source file's bytes -> validated front matter and rendered Markdown.

Each file is parsed on its own (no knowledge of the rest of the site), so the
stage can run in any order, in parallel, and be cached by the file's digest.
Lines in messages are the file's own, counting the opening ``---`` as line 1.
"""

from __future__ import annotations

import codecs
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml
from frontmatter.default_handlers import YAMLHandler
from markdown import Markdown
from markdown.extensions.footnotes import FootnoteExtension
from markupsafe import Markup

from generator.alt_text import AltTextExtension
from generator.comments.text import render_comment
from generator.components import ComponentError, ComponentsExtension
from generator.discover import SourceFile
from generator.duplicate_keys import find_duplicate_key
from generator.errors import ContentError, SiteErrors, SiteWarning
from generator.model import Question, TocEntry
from generator.related import term_counts
from generator.schema import FIELDS_BY_KIND, Field, FieldValueError, coerce, is_faq_title
from generator.slugs import slugify
from generator.tables import ScrollingTablesExtension

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_MATTER = YAMLHandler()
# The front matter text starts with the newline that ends the opening '---',
# so YAML's zero-based line numbers plus one are the file's own line numbers.
_FRONT_MATTER_OFFSET = 1
_FAQ_QUESTION = re.compile(r"^###[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
# Python-Markdown makes "#Heading" (no space) a heading too, so the lint must see it.
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]*(.*?))?[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BOUNDARY = re.compile(r"^-{3,}\s*$")
_MARKS = ("#", "`", "~")  # what a heading or a fence starts with, after up to 3 spaces
# Far beyond any article (the sample's longest is 8 KB); a bigger file is a mistake,
# like a video saved as .md, and would only make the build slow.
MAX_CONTENT_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class ParsedFile:
    """A content file after parsing: typed front matter, HTML and what is counted of its text."""

    src_path: str
    kind: str
    article_dir: str
    order: int
    meta: dict[str, Any]
    field_lines: dict[str, int]
    html: str
    toc: tuple[TocEntry, ...]
    questions: tuple[Question, ...]
    words: int  # of the plain text; the text itself is not kept
    headings: tuple[tuple[int, int, int], ...] = ()  # (line, column, level) in the file
    terms: bytes = b""  # word counts for related posts; articles and sections only
    warnings: tuple[SiteWarning, ...] = ()

    def line_of(self, name: str) -> int | None:
        return self.field_lines.get(name)


def parse_source(source: SourceFile) -> ParsedFile:
    """Parse one content file; raise :class:`ContentError` naming the file and line."""
    _check_size(source)
    text = _decode(source)
    headings = tuple(body_headings(text)) if source.kind != "comment" else ()
    front_matter, body = _split(source.src_path, text)
    raw_meta, field_lines = _load_front_matter(source.src_path, front_matter)
    fields = FIELDS_BY_KIND[source.kind]
    meta, warnings = _validate(source.src_path, raw_meta, field_lines, fields)
    if source.kind == "section" and "kind" not in raw_meta and is_faq_title(meta["title"]):
        meta["kind"] = "faq"  # what a writer means by such a title; 'kind: text' keeps prose
    anchor = _section_anchor(source.kind, meta)
    if anchor is not None:
        meta["id"] = anchor
    try:
        if source.kind == "comment":  # a reader's text: no raw HTML, images or odd links
            html, toc = render_comment(body), ()
        else:
            html, toc, missing_alt = convert_markdown(body, footnote_prefix=anchor or "")
            warnings += [_missing_alt(source.src_path, text, body, src) for src in missing_alt]
        questions = _questions(body, anchor or "") if meta.get("kind") == "faq" else ()
    except ComponentError as error:
        raise _component_error(source.src_path, text, error) from None
    except RecursionError:
        raise ContentError(
            source.src_path,
            "the Markdown is nested too deeply to convert (lists or quotes inside each other)",
            hint="flatten the deepest nested lists or block quotes",
            rule="markdown",
        ) from None
    text = plain_text(html)
    return ParsedFile(
        src_path=source.src_path,
        kind=source.kind,
        article_dir=source.article_dir,
        order=source.order,
        meta=meta,
        field_lines=field_lines,
        html=html,
        toc=toc,
        questions=questions,
        words=len(text.split()),
        headings=headings,
        terms=_terms(source.kind, meta, text),
        warnings=tuple(warnings),
    )


def front_matter_text(source: SourceFile) -> str:
    """The text between a content file's ``---`` lines, for a look at its raw fields."""
    return _split(source.src_path, _decode(source))[0]


def render_markdown(body: str, footnote_prefix: str = "") -> tuple[str, tuple[TocEntry, ...]]:
    """Markdown -> (HTML, table of contents), with the extensions writers expect."""
    html, toc, _ = convert_markdown(body, footnote_prefix)
    return html, toc


def convert_markdown(
    body: str, footnote_prefix: str = ""
) -> tuple[str, tuple[TocEntry, ...], tuple[str, ...]]:
    """Markdown -> (HTML, table of contents, the ``src`` of each image without alt text)."""
    converter = _markdown_instance()
    # Footnote ids must stay unique when several sections share one page.
    separator = f"-{footnote_prefix}-" if footnote_prefix else "-"
    converter.footnotes.setConfig("SEPARATOR", separator)
    converter.markdown.reset()
    html = converter.markdown.convert(body)
    toc = _toc_entries(converter.markdown.toc_tokens)  # type: ignore[attr-defined]
    return html, toc, tuple(converter.alt_text.missing)


def plain_text(html: str) -> str:
    return Markup(html).striptags()


class _Converter(NamedTuple):
    """A configured Markdown and the extensions a conversion sets (footnotes) or reads
    (the images without alt text that it found)."""

    markdown: Markdown
    footnotes: FootnoteExtension
    alt_text: AltTextExtension


_MARKDOWN: _Converter | None = None  # a cache: building it costs more than a conversion


def _markdown_instance() -> _Converter:
    """One configured Markdown per process."""
    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = new_converter()
    return _MARKDOWN


def new_converter() -> _Converter:
    """A Markdown converter with sitegen's extensions and settings (the benchmark's
    Markdown floor uses it too, so that both convert alike)."""
    footnotes, alt_text = FootnoteExtension(), AltTextExtension()
    markdown = Markdown(
        extensions=[
            "abbr",
            "attr_list",
            "def_list",
            "fenced_code",
            footnotes,
            "md_in_html",
            "tables",
            "sane_lists",
            "toc",
            alt_text,
            ComponentsExtension(),
            ScrollingTablesExtension(),
        ],
        extension_configs={"toc": {"slugify": slugify, "toc_depth": "2-3"}},
        output_format="html",
    )
    return _Converter(markdown, footnotes, alt_text)


def _component_error(src_path: str, text: str, error: ComponentError) -> ContentError:
    """A component's mistake at the first line of the file that holds it."""
    wanted = "".join(error.text.split())  # spaces aside: "!!!tip" is "!!! tip"
    lines = text.split("\n")
    line = next(
        (n for n, found in enumerate(lines, start=1) if "".join(found.split()) == wanted), None
    )
    return ContentError(src_path, str(error), line=line, hint=error.hint, rule="markdown")


def _check_size(source: SourceFile) -> None:
    if len(source.data) > MAX_CONTENT_BYTES:
        megabytes = len(source.data) / 1024 / 1024
        raise ContentError(
            source.src_path,
            f"the file is {megabytes:.1f} MB; a content file may be at most "
            f"{MAX_CONTENT_BYTES // 1024 // 1024} MB",
            hint="split the article into section files; put media beside it, not in Markdown",
            rule="file-too-large",
        )


def _decode(source: SourceFile) -> str:
    try:
        text = source.data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # The codec counts from after a byte order mark; the offset is the file's own.
        offset = error.start + (3 if source.data.startswith(codecs.BOM_UTF8) else 0)
        before = source.data[:offset]
        raise ContentError(
            source.src_path,
            f"the file is not UTF-8 text (invalid byte 0x{source.data[offset]:02x} "
            f"at offset {offset})",
            line=before.count(b"\n") + 1,
            column=offset - (before.rfind(b"\n") + 1) + 1,
            hint="save the file with UTF-8 encoding",
            rule="encoding",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split(src_path: str, text: str) -> tuple[str, str]:
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


def _load_front_matter(src_path: str, front_matter: str) -> tuple[dict[str, Any], dict[str, int]]:
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


def _validate(
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


def _missing_alt(src_path: str, text: str, body: str, image: str) -> SiteWarning:
    """An image without alt text (rule ``alt-text``), at the first body line naming it."""
    body_start = text.count("\n", 0, len(text) - len(body))
    lines = body.splitlines()
    line = next((n for n, content in enumerate(lines, 1) if image and image in content), None)
    return SiteWarning(
        src_path,
        f"the image {image!r} has no alt text",
        line=body_start + line if line else None,
        hint=f"say what it shows: ![A nurse applying numbing cream]({image}), "
        f"or mark a purely decorative image: ![]({image}){{decorative}}",
        rule="alt-text",
    )


def _section_anchor(kind: str, meta: dict[str, Any]) -> str | None:
    if kind != "section":
        return None
    anchor = slugify(meta["id"] or meta["title"])
    return anchor or "section"


def _questions(body: str, prefix: str) -> tuple[Question, ...]:
    """Split a FAQ body at its ``###`` headings into questions and answers."""
    parts = _FAQ_QUESTION.split(body)
    questions = []
    for question, answer in zip(parts[1::2], parts[2::2], strict=True):
        answer_html, _ = render_markdown(answer, footnote_prefix=prefix)
        questions.append(Question(question.strip(), answer_html, plain_text(answer_html)))
    return tuple(questions)


def _terms(kind: str, meta: dict[str, Any], text: str) -> bytes:
    if kind not in ("article", "article_index", "section"):
        return b""
    return term_counts(" ".join([meta["title"], meta.get("description") or "", text]))


def _toc_entries(tokens: list[dict]) -> tuple[TocEntry, ...]:
    return tuple(
        TocEntry(token["id"], plain_text(token["name"]), _toc_entries(token["children"]))
        for token in tokens
    )


def body_headings(text: str) -> Iterator[tuple[int, int, int]]:
    """(line, column, level) of each ATX heading of a file's body, outside fenced code;
    ``text`` is the whole file, front matter included (lines are the file's own)."""
    lines = text.split("\n")
    start = next(
        (number for number, line in enumerate(lines[1:], start=1) if _BOUNDARY.match(line)),
        len(lines),
    )
    fence = ""
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if line.lstrip(" ")[:1] not in _MARKS:
            continue  # most lines: neither a heading nor a fence
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        match = _HEADING.match(line)
        if match and match.group(2):
            yield number + 1, match.start(1) + 1, len(match.group(1))
