"""Static files: give stylesheets and scripts a content hash in their names.

``style.css`` is written as ``static/style.3f2a9c1e0b.css`` so browsers may
cache it forever; templates ask for it with ``asset_url("style.css")``. Other
static files (images, fonts, icons) keep their names, because Markdown refers
to them by name.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from generator.discover import SourceFile

HASHED_SUFFIXES = frozenset({".css", ".js"})


def static_sources(
    config_base_path: str, files: tuple[SourceFile, ...]
) -> tuple[dict[str, SourceFile], dict[str, str]]:
    """Return ``(dest_path -> the file copied there, name -> URL)``; nothing is read."""
    sources: dict[str, SourceFile] = {}
    urls: dict[str, str] = {}
    for source in files:
        dest_path = "static/" + _hashed_name(source)
        sources[dest_path] = source
        urls[source.static_name] = config_base_path + dest_path
    return sources, urls


def _hashed_name(source: SourceFile) -> str:
    path = PurePosixPath(source.static_name)
    if path.suffix not in HASHED_SUFFIXES:
        return source.static_name
    return str(path.with_name(f"{path.stem}.{source.digest[:10]}{path.suffix}"))
