"""What each output of a build is, decided once where the output is planned.

Later stages ask an output's kind (``outputs.kind(dest_path)``) rather than
guess it from the file name: the finishing pass looks at pages and stylesheets,
the search index and the link checker at pages, the build's summary counts pages.
"""

from __future__ import annotations

from enum import Enum


class OutputKind(Enum):
    PAGE = "page"  # an HTML page a reader visits (rendered, or an .html file copied as it is)
    # Rendered, not a page: the Atom feed, the sitemap, robots.txt, the host's redirect
    # and header files (and a redirect page at an old ".htm" address, see plan.py).
    FEED = "feed"
    STYLESHEET = "stylesheet"  # a CSS file copied as it is
    ASSET = "asset"  # any other file copied as it is (images, fonts, scripts, downloads)
    IMAGE = "image"  # a responsive copy converted from an image
    SEARCH = "search"  # a file of the search index


def copied_kind(dest_path: str) -> OutputKind:
    """The kind of a file copied as it is, known only by its name (``static/``, files
    beside an article).

    >>> copied_kind("static/style.3f2a9c1e0b.css"), copied_kind("posts/jar/hero.jpg")
    (<OutputKind.STYLESHEET: 'stylesheet'>, <OutputKind.ASSET: 'asset'>)
    """
    if dest_path.endswith(".html"):
        return OutputKind.PAGE
    if dest_path.endswith(".css"):
        return OutputKind.STYLESHEET
    return OutputKind.ASSET
