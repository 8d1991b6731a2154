"""WordPress shortcodes in post content -> the HTML the converter understands.

- code (``[code lang="python"]``, ``[sourcecode]``, SyntaxHighlighter's
  ``[csharp]``, ``[javascript]``, ...) -> ``<pre><code class="language-x">``,
  its text as written: entities decoded, ``<br>`` a line break;
- ``[caption]`` -> ``<figure>`` with ``<figcaption>``;
- ``[embed]URL[/embed]``, ``[youtube URL]``, ``[vimeo ID]`` -> an embed as the
  block editor writes it (the converter makes a video block or a link of it);
- ``[video]``, ``[audio]``, ``[playlist]`` -> a link to the file;
- ``[gallery]`` -> a gallery figure of its images (from the export's attachments);
- any other shortcode is removed, its text kept, and named in a note.

Code (shortcodes, ``<pre>`` and ``<code>``) is set aside first, so that nothing in
it is taken for a shortcode::

    >>> convert_shortcodes('[code lang="js"]a[i=0] &lt; 1;[/code]')[0]
    '<pre><code class="language-javascript">a[i=0] &lt; 1;</code></pre>'
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import NamedTuple

from markupsafe import escape

from generator.importers.codeblocks import ALIASES, language_name

# SyntaxHighlighter Evolved's shortcodes: each is a language name (or an alias of one).
LANGUAGE_SHORTCODES = frozenset(
    [
        "actionscript3",
        "bash",
        "c",
        "cpp",
        "csharp",
        "css",
        "diff",
        "erlang",
        "go",
        "groovy",
        "html",
        "java",
        "javafx",
        "javascript",
        "json",
        "kotlin",
        "latex",
        "lua",
        "markdown",
        "matlab",
        "objectivec",
        "perl",
        "php",
        "powershell",
        "python",
        "r",
        "ruby",
        "rust",
        "scala",
        "sql",
        "swift",
        "typescript",
        "vbnet",
        "xml",
        "xslt",
        "yaml",
    ]
) | frozenset(name for name in ALIASES if re.fullmatch(r"[a-z][a-z-]*", name))
CODE_SHORTCODE = re.compile(r"\[(code|sourcecode)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL)
LANGUAGE_SHORTCODE = re.compile(r"\[([a-z][a-z0-9-]*)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL)
CODE_ELEMENT = re.compile(r"<(pre|code)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
LANGUAGE_ATTRIBUTE = re.compile(r"""^\s*(?:=|(?:lang|language|brush)\s*=)\s*["']?([\w#+-]+)""")
CAPTION = re.compile(r"\[(?:wp_)?caption\b[^\]]*\](.*?)\[/(?:wp_)?caption\]", re.DOTALL)
CAPTION_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL)
EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.DOTALL)
VIDEO_SITE = re.compile(r"\[(youtube|vimeo)(?:\s+|=)([^\]\s]+)[^\]]*\]")
MEDIA_SHORTCODE = re.compile(r"\[(video|audio|playlist)\b([^\]]*)\](?:.*?\[/\1\])?", re.DOTALL)
URL_IN_ATTRIBUTES = re.compile(r"""(?:=\s*["']?)?(https?://[^\s"'\]]+)""")
GALLERY = re.compile(r"\[gallery\b([^\]]*)\]")
IDS = re.compile(r"""\bids\s*=\s*["']?([\d,\s]+)""")
# A shortcode: [name attr="x"], [name /], or [name]...[/name]; plain "[sic]" is left alone.
CLOSING_SHORTCODE = re.compile(r"\[/([a-z][a-z0-9_-]*)\]")
ATTRIBUTE_SHORTCODE = re.compile(r"\[([a-z][a-z0-9_-]*)(\s+[^\]]*=[^\]]*|\s*/)\]")
_SET_ASIDE = re.compile("\x02(\\d+)\x03")


class Attachment(NamedTuple):
    """An image the export lists as an attachment: for galleries."""

    url: str
    alt: str
    caption: str
    parent: str  # the post it was uploaded to


def convert_shortcodes(
    content: str, attachments: Mapping[str, Attachment] | None = None, post_id: str = ""
) -> tuple[str, list[str]]:
    """``content`` with its shortcodes converted or removed, and notes on what was lost."""
    notes: list[str] = []
    kept: list[str] = []
    content = _set_aside_code(content, kept)
    content = CAPTION.sub(_caption, content)
    content = EMBED.sub(lambda m: _embed(m.group(1).strip()), content)
    content = VIDEO_SITE.sub(_video_site, content)
    content = MEDIA_SHORTCODE.sub(_media_shortcode, content)
    content = GALLERY.sub(
        lambda m: _gallery(m.group(1), attachments or {}, post_id, notes), content
    )
    removed = sorted(set(CLOSING_SHORTCODE.findall(content)) | set(_attribute_shortcodes(content)))
    for name in removed:
        content = re.sub(rf"\[/?{re.escape(name)}\b[^\]]*\]", "", content)
    if removed:
        notes.append(
            "shortcodes removed (their text kept): " + ", ".join(f"[{n}]" for n in removed)
        )
    return _SET_ASIDE.sub(lambda m: kept[int(m.group(1))], content), notes


def _set_aside_code(content: str, kept: list[str]) -> str:
    def keep(text: str) -> str:
        kept.append(text)
        return f"\x02{len(kept) - 1}\x03"

    content = CODE_SHORTCODE.sub(lambda m: keep(_code(m.group(3), _language(m.group(2)))), content)

    def language_shortcode(match: re.Match) -> str:
        if match.group(1) not in LANGUAGE_SHORTCODES:
            return match.group(0)
        return keep(_code(match.group(3), match.group(1)))

    content = LANGUAGE_SHORTCODE.sub(language_shortcode, content)
    return CODE_ELEMENT.sub(lambda m: keep(m.group(0)), content)


def _language(attributes: str) -> str:
    match = LANGUAGE_ATTRIBUTE.match(attributes) or re.search(
        r"""\b(?:lang|language|brush)\s*=\s*["']?([\w#+-]+)""", attributes
    )
    return match.group(1) if match else ""


def _code(text: str, language: str) -> str:
    """A code shortcode's text as ``<pre><code>``: as the highlighter showed it."""
    text = re.sub(r"<br\s*/?>\n?", "\n", text.strip("\n"))
    text = re.sub(r"</?p>", "", text)
    name = language_name(language)
    attribute = f' class="language-{name}"' if name else ""
    return f"<pre><code{attribute}>{escape(html.unescape(text))}</code></pre>"


def _attribute_shortcodes(content: str) -> list[str]:
    return [m.group(1) for m in ATTRIBUTE_SHORTCODE.finditer(content)]


def _caption(match: re.Match) -> str:
    inner = match.group(1)
    parts = CAPTION_MEDIA.match(inner)
    if not parts:
        return inner
    return f"<figure>{parts.group(1)}<figcaption>{parts.group(2).strip()}</figcaption></figure>"


def _video_site(match: re.Match) -> str:
    value = html.unescape(match.group(2))
    if re.fullmatch(r"\d+", value) and match.group(1) == "vimeo":
        value = f"https://vimeo.com/{value}"
    elif re.fullmatch(r"[A-Za-z0-9_-]{11}", value):
        value = f"https://www.youtube.com/watch?v={value}"
    return _embed(value)


def _embed(url: str) -> str:
    """An embed of ``url`` as the block editor saves it."""
    if not url.startswith(("http://", "https://")):
        return ""
    wrapper = f'<div class="wp-block-embed__wrapper">{escape(url)}</div>'
    return f'<figure class="wp-block-embed">{wrapper}</figure>'


def _media_shortcode(match: re.Match) -> str:
    url = URL_IN_ATTRIBUTES.search(match.group(2) or "") or URL_IN_ATTRIBUTES.search(match.group(0))
    if not url:
        return ""
    return f'<p><a href="{escape(url.group(1))}">{escape(url.group(1))}</a></p>'


def _gallery(
    attributes: str, attachments: Mapping[str, Attachment], post_id: str, notes: list[str]
) -> str:
    ids = IDS.search(attributes)
    if ids:
        chosen = [attachments[i] for i in re.findall(r"\d+", ids.group(1)) if i in attachments]
    else:  # no ids: the images uploaded to the post, in upload order
        chosen = [
            attachments[i]
            for i in sorted(attachments, key=int)
            if post_id and attachments[i].parent == post_id
        ]
    if not chosen:
        notes.append("a [gallery] was dropped: its images are not in the export")
        return ""
    figures = "".join(
        f'<figure><img src="{escape(image.url)}" alt="{escape(image.alt)}">'
        + (f"<figcaption>{escape(image.caption)}</figcaption>" if image.caption else "")
        + "</figure>"
        for image in chosen
    )
    return f'<figure class="wp-block-gallery">{figures}</figure>'
