"""PARSE: one source file's bytes -> validated front matter and rendered Markdown.

Each file is parsed on its own (no knowledge of the rest of the site), so the
stage can run in any order, in parallel, and be cached by the file's digest.
Lines in messages are the file's own, counting the opening ``---`` as line 1.
The front matter is read by :mod:`generator.front_matter`, the Markdown
converted by :mod:`generator.markdown_text`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

from generator.comments.text import render_comment
from generator.components import ComponentError
from generator.discover import SourceFile
from generator.errors import ContentError, SiteWarning
from generator.front_matter import load_front_matter, split_front_matter, validate_fields
from generator.html_safety import HINT as HTML_HINT
from generator.html_safety import RULE as HTML_RULE
from generator.html_safety import Unsafe
from generator.markdown_text import body_headings, convert_markdown, plain_text, render_markdown
from generator.model import Question, TocEntry
from generator.related import term_counts
from generator.schema import FIELDS_BY_KIND, is_faq_title
from generator.slugs import slugify

_FAQ_QUESTION = re.compile(r"^###[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
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
    front_matter, body = split_front_matter(source.src_path, text)
    raw_meta, field_lines = load_front_matter(source.src_path, front_matter)
    fields = FIELDS_BY_KIND[source.kind]
    meta, warnings = validate_fields(source.src_path, raw_meta, field_lines, fields)
    if source.kind == "section" and "kind" not in raw_meta and is_faq_title(meta["title"]):
        meta["kind"] = "faq"  # what a writer means by such a title; 'kind: text' keeps prose
    anchor = _section_anchor(source.kind, meta)
    if anchor is not None:
        meta["id"] = anchor
    try:
        if source.kind == "comment":  # a reader's text: no raw HTML, images or odd links
            html, toc = render_comment(body), ()
        else:
            html, toc, missing_alt, unsafe = convert_markdown(body, anchor or "")
            if unsafe:
                raise _unsafe_error(source.src_path, text, body, unsafe)
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
    return split_front_matter(source.src_path, _decode(source))[0]


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


def _unsafe_error(src_path: str, text: str, body: str, unsafe: tuple[Unsafe, ...]) -> ContentError:
    """The ``html-unsafe`` error for what would run, the first one in the file at its line."""
    body_start = text.count("\n", 0, len(text) - len(body))
    lines = body.lower().splitlines()

    def line_of(found: Unsafe) -> int | None:
        for needle in found.needles:
            needle = needle.lower()
            for number, content in enumerate(lines, 1):
                if needle in content:
                    return body_start + number
        return None

    placed = sorted((line_of(found) or len(text), order) for order, found in enumerate(unsafe))
    line, first = placed[0][0], unsafe[placed[0][1]]
    more = f" (and {len(unsafe) - 1} more in this file)" if len(unsafe) > 1 else ""
    return ContentError(
        src_path,
        f"{first.what}{more}",
        line=line if line <= body_start + len(lines) else None,
        hint=HTML_HINT,
        rule=HTML_RULE,
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
