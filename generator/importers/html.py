"""HTML pages: the article inside a saved blog page, without the page around it.

The article is the element marked as the post's content (``itemprop=articleBody``,
``entry-content`` and the like), else ``<article>``, ``<main>`` or ``<body>``.
Its title is the article's own ``<h1>`` (in the content, else in the
``<article>`` or ``<main>`` around it, never the site's name in the page
header), else ``og:title`` or ``<title>``; its sections start at the highest
heading level below that. Its date is ``article:published_time`` or the first
``<time datetime>``; without one, the import day, with a warning.
Navigation, headers, footers, sidebars, forms, sharing and comment blocks and
"Related posts" lists are furniture and are dropped.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from generator.importers.guards import check_nesting
from generator.importers.markup import (
    Context,
    Node,
    heading_depths,
    lead_text,
    parse_html,
    plain,
    section_level,
    split_sections,
    to_markdown,
)
from generator.importers.model import ImportedArticle, ImportedFile, ImportedSection, describe
from generator.importers.text import FURNITURE
from generator.slugs import slugify

CONTENT_CLASSES = frozenset(
    {"entry-content", "post-content", "article-content", "article-body", "post-body", "content"}
)
FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "header", "form"})
FURNITURE_NAMES = re.compile(
    r"(^|[-_])(related|share|sharing|sharedaddy|social|comments?|respond|reply|author-?box|"
    r"breadcrumbs?|sidebar|widget|newsletter|subscribe|navigation|nav|entry-meta|post-meta|"
    r"byline|tags|advert|ads|cookie|popup)([-_]|$)"
)


def import_html(path: str, text: str, today: date) -> ImportedFile:
    """Read one saved HTML page as an article."""
    check_nesting(path, text)
    document = parse_html(text)
    content = _content_root(document)
    title = _title(document, content)
    if not title:
        return ImportedFile(path, (), skipped=(f"{path}: no title (<h1> or <title>) found",))
    _drop_furniture(content, title)
    level = section_level(content)
    intro, sections = split_sections(content, level)
    context = Context(depths=heading_depths(content, level, 3))
    intro_md = to_markdown(intro, context, after=1)
    bodies = [(name, to_markdown(body, context)) for name, body in sections]
    published = _published(document)
    warnings = [f"{path}: embedded media kept as a link: {url}" for url in context.media]
    if published is None:
        warnings.append(
            f"{path}: no publication date found (article:published_time or <time datetime>); "
            f"dated {today.isoformat()}, the day of the import: correct 'date:' if need be"
        )
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    slug = slugify(stem) if stem.lower() not in ("index", "page", "post") else ""
    article = ImportedArticle(
        source=path,
        kind="post",
        slug=slug or slugify(title) or "imported",
        front_matter={
            "title": title,
            "description": _meta(document, "description", "og:description")
            or describe(lead_text(content)),
            "date": published or today,
        },
        intro=intro_md,
        sections=tuple(ImportedSection(name, body) for name, body in bodies),
        images=tuple(dict.fromkeys(context.images)),
        warnings=tuple(warnings),
    )
    return ImportedFile(path, (article,))


def _content_root(document: Node) -> Node:
    nodes = list(document.iter())
    for test in (
        lambda n: n.attrs.get("itemprop") == "articleBody",
        lambda n: bool(CONTENT_CLASSES & set(n.classes)) and n.tag != "body",
        lambda n: n.tag == "article",
        lambda n: n.tag == "main",
        lambda n: n.tag == "body",
    ):
        found = next((node for node in nodes if test(node)), None)
        if found is not None:
            return found
    return document


def _title(document: Node, content: Node) -> str:
    for scope in (content, *_article_scopes(document, content)):
        heading = next((node for node in scope.iter() if node.tag == "h1" and plain(node)), None)
        if heading is not None:
            return plain(heading)
    outside = [n for n in _outside_furniture(document) if n.tag == "h1" and plain(n)]
    if outside:
        return plain(outside[0])
    og = _meta(document, "og:title")
    if og:
        return og
    title = next((node for node in document.iter() if node.tag == "title"), None)
    return re.split(r"\s+[|–—-]\s+", plain(title))[0] if title is not None else ""


def _article_scopes(document: Node, content: Node) -> list[Node]:
    """The ``<article>`` and ``<main>`` elements around ``content`` (innermost first), then
    any others of the page: where the article's own ``<h1>`` is, when not in the content."""
    around = [
        node for node in reversed(_path_to(document, content)) if node.tag in ("article", "main")
    ]
    others = [n for n in document.iter() if n.tag in ("article", "main") and n not in around]
    return around + others


def _path_to(root: Node, target: Node) -> list[Node]:
    """``root`` and every element down to ``target``, outermost first ([] if not below)."""
    if root is target:
        return [root]
    for child in root.children:
        if isinstance(child, Node):
            path = _path_to(child, target)
            if path:
                return [root, *path]
    return []


def _outside_furniture(node: Node):
    """Elements not inside the page's header, navigation, sidebars or footer."""
    for child in node.children:
        if isinstance(child, Node) and child.tag not in FURNITURE_TAGS:
            yield child
            yield from _outside_furniture(child)


def _meta(document: Node, *names: str) -> str:
    for name in names:
        for node in document.iter():
            if node.tag == "meta" and name in (node.attrs.get("name"), node.attrs.get("property")):
                return " ".join(node.attrs.get("content", "").split())
    return ""


def _published(document: Node) -> datetime | date | None:
    candidates = [_meta(document, "article:published_time")]
    candidates += [n.attrs.get("datetime", "") for n in document.iter() if n.tag == "time"]
    for value in candidates:
        try:
            return (
                datetime.fromisoformat(value.strip())
                if "T" in value
                else date.fromisoformat(value.strip())
            )
        except ValueError:
            continue
    return None


def _drop_furniture(node: Node, title: str) -> None:
    """Remove page furniture below ``node``, in place."""
    kept: list[Node | str] = []
    for child in node.children:
        if isinstance(child, Node):
            if _is_furniture(child, title):
                continue
            if child.tag.startswith("h") and FURNITURE.match(plain(child)):
                break  # "Related Posts", "Leave a Reply": the rest is furniture too
            _drop_furniture(child, title)
        kept.append(child)
    node.children = kept


def _is_furniture(node: Node, title: str) -> bool:
    if node.tag in FURNITURE_TAGS or node.tag == "h1":
        return True
    names = " ".join([*node.classes, node.attrs.get("id", "")]).lower()
    if any(FURNITURE_NAMES.search(name) for name in names.split()):
        return True
    return node.tag in ("p", "h2", "h3") and plain(node) == title  # the title repeated
