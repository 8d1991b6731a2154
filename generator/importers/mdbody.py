"""The Markdown body of a post from Jekyll, Hugo or Pelican, made sitegen Markdown.

- template tags become what they stood for: Jekyll's ``{% highlight ruby %}``
  fenced code, ``{% post_url 2024-01-02-acne %}`` and Hugo's ``{{< ref "acne" >}}``
  and Pelican's ``{filename}/acne.md`` the new address of that post, Hugo's
  ``{{< youtube ID >}}`` and ``{{< vimeo ID >}}`` a video block; ``{{ site.baseurl }}``
  and Pelican's ``{static}`` go; any other tag is removed, with a warning;
- images and files the post links to on the old site's disk are copied beside
  the article (a page's into ``static/``) and the references rewritten;
- headings are shifted so that the first level is ``##`` (the title is the ``<h1>``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from generator.components.video import markdown_block

HIGHLIGHT = re.compile(
    r"\{%-?\s*highlight\s+([\w#+-]+)[^%]*-?%\}\n?(.*?)\n?\{%-?\s*endhighlight\s*-?%\}", re.DOTALL
)
POST_URL = re.compile(r"\{%-?\s*post_url\s+([^\s%]+)\s*-?%\}")
HUGO_REF = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s+\"?([^\"\s>%]+)\"?\s*[>%]\}\}")
HUGO_VIDEO = re.compile(r"\{\{[<%]\s*(youtube|vimeo)\s+(?:id=)?\"?([\w-]+)\"?[^>%]*[>%]\}\}")
PELICAN_LINK = re.compile(r"(?:\{(?:filename|attach|static)\}|\|(?:filename|attach|static)\|)")
SITE_URL = re.compile(r"\{\{-?\s*(?:site\.baseurl|site\.url|\.Site\.BaseURL)\s*-?\}\}/?")
TEMPLATE_TAG = re.compile(r"\{%-?.*?-?%\}|\{\{[<%].*?[>%]\}\}|\{\{.*?\}\}", re.DOTALL)
LINK = re.compile(r"(!?)\[((?:\\.|[^\]\\])*)\]\(\s*<?([^)\s>]+)>?(\s+\"[^\"]*\")?\s*\)")
HTML_SOURCE = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*["'])([^"']+)(["'])""", re.IGNORECASE)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^(#{1,6})(?=[ \t]|$)")
FILE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".pdf", ".mp3", ".mp4")


@dataclass
class Rewriter:
    """How to rewrite one post's body, and what the rewrite found.

    ``post_address`` gives the new address of another post of the old site
    named by a file name or path (or None); ``find_file`` gives the local file
    an image path stands for (or None); ``place`` gives a copied file's
    reference from the article (and records the copy).
    """

    post_address: Callable[[str], str | None]
    find_file: Callable[[str], Path | None]
    place: Callable[[Path], str]
    warnings: list[str] = field(default_factory=list)


def rewrite_body(body: str, rewriter: Rewriter) -> str:
    """``body`` as sitegen Markdown (see the module's docstring)."""
    body = HIGHLIGHT.sub(lambda m: f"```{m.group(1)}\n{m.group(2)}\n```", body)
    body = SITE_URL.sub("/", body)
    body = POST_URL.sub(lambda m: rewriter.post_address(m.group(1)) or m.group(0), body)
    body = HUGO_REF.sub(lambda m: rewriter.post_address(m.group(1)) or m.group(0), body)
    body = HUGO_VIDEO.sub(_video, body)
    body = PELICAN_LINK.sub("", body)
    body = _outside_code(body, lambda text: _rewrite_text(text, rewriter))
    return shift_headings(body)


def _video(match: re.Match) -> str:
    site, identifier = match.group(1), match.group(2)
    url = (
        f"https://vimeo.com/{identifier}"
        if site == "vimeo"
        else f"https://www.youtube.com/watch?v={identifier}"
    )
    return (
        "\n\n"
        + markdown_block(f"Video on {site.title() if site == 'vimeo' else 'YouTube'}", url)
        + "\n\n"
    )


def _rewrite_text(text: str, rewriter: Rewriter) -> str:
    tags = sorted({" ".join(tag.split())[:40] for tag in TEMPLATE_TAG.findall(text)})
    if tags:
        rewriter.warnings.append("template tags removed: " + ", ".join(tags))
        text = TEMPLATE_TAG.sub("", text)
    text = LINK.sub(lambda m: _link(m, rewriter), text)
    return HTML_SOURCE.sub(
        lambda m: m.group(1) + _reference(m.group(2), rewriter) + m.group(3), text
    )


def _link(match: re.Match, rewriter: Rewriter) -> str:
    bang, text, target, title = match.groups()
    return f"{bang}[{text}]({_reference(target, rewriter, image=bool(bang))}{title or ''})"


def _reference(target: str, rewriter: Rewriter, image: bool = True) -> str:
    """A link or image target, rewritten when it is a file or post of the old site."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith(("#", "mailto:")):
        return target
    path = unquote(parts.path)
    suffix = PurePosixPath(path).suffix.lower()
    if not image and suffix in (".md", ".markdown", "") or suffix in (".html", ".htm"):
        address = rewriter.post_address(path)
        if address:
            return address + (f"#{parts.fragment}" if parts.fragment else "")
        if not image and suffix not in FILE_SUFFIXES:
            return target
    found = rewriter.find_file(path)
    if found is None:
        if image or suffix in FILE_SUFFIXES:
            rewriter.warnings.append(f"{target}: not found on the old site's disk; left as it is")
        return target
    return rewriter.place(found)


def _outside_code(body: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the text between fenced code blocks, not inside them."""
    parts, lines, fence = [], [], ""
    for line in body.split("\n"):
        opening = FENCE.match(line)
        if fence:
            parts.append(line)
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            if lines:
                parts.append(change("\n".join(lines)))
            lines, fence = [], opening.group(1)
            parts.append(line)
            continue
        lines.append(line)
    if lines:
        parts.append(change("\n".join(lines)))
    return "\n".join(parts)


def shift_headings(body: str) -> str:
    """Headings moved down so that the highest is ``##``, and none skips a level."""
    lines = body.split("\n")
    levels = []
    fence = ""
    for index, line in enumerate(lines):
        opening = FENCE.match(line)
        if opening and (not fence or opening.group(1)[0] == fence[0]):
            fence = "" if fence else opening.group(1)
        match = HEADING.match(line) if not fence else None
        if match:
            levels.append((index, len(match.group(1))))
    if not levels:
        return body
    shift = 2 - min(level for _, level in levels)
    previous = 1
    for index, level in levels:
        depth = min(max(level + shift, 2), previous + 1, 6)
        lines[index] = "#" * depth + lines[index][level:]
        previous = depth
    return "\n".join(lines)
