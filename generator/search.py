"""On-site search: a Pagefind index of the rendered pages, produced as more outputs.

Pagefind (the ``pagefind[bin]`` package ships its binary) reads the HTML the
build rendered and writes a static index under ``pagefind/``; the search page's
script loads it from the site itself, so search terms never leave the browser.

The index is made from the rendered bytes, not from the output folder: the
pages are put in a temporary folder, Pagefind indexes it, and its files come
back as ``dest_path -> bytes`` like every other output. So the writer decides
what changed, a failed build writes nothing, and the same pages give the same
index, byte for byte.

Only what templates mark with ``data-pagefind-body`` (articles and pages) is
indexed, and only those pages are handed to Pagefind; chrome inside them
carries ``data-pagefind-ignore``.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.errors import OutputError, SiteWarning
from generator.write import safe_target

SEARCH_FOLDER = "pagefind"
# Pagefind also writes ready-made search interfaces; the theme has its own page.
_UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


def search_outputs(outputs: dict[str, bytes]) -> tuple[dict[str, bytes], list[SiteWarning]]:
    """The Pagefind index of the HTML among ``outputs``, as ``dest_path -> bytes``.

    Returns no files and a warning when the Pagefind binary is not installed,
    so a site still builds (without search) where Pagefind has no binary.
    """
    binary = pagefind_binary()
    if binary is None:
        warning = SiteWarning(
            None,
            "the search index was not built: the Pagefind binary is not installed",
            hint="pip install 'pagefind[bin]'",
        )
        return {}, [warning]
    pages = _indexed_pages(outputs)
    key = _digest(binary, pages)
    if _LAST is not None and _LAST[0] == key:
        return dict(_LAST[1]), []
    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as folder:
        root = Path(folder)
        for dest_path, data in pages.items():
            target = safe_target(root, dest_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _run(binary, root)
        files = _collect(root / SEARCH_FOLDER)
    _remember(key, files)
    return files, []


# The last index made in this process, by a digest of what it was made from: a dev
# server rebuilding after a change that no indexed page shows reuses it.
_LAST: tuple[str, dict[str, bytes]] | None = None


def _indexed_pages(outputs: dict[str, bytes]) -> dict[str, bytes]:
    """The HTML pages Pagefind reads: those marked for indexing, or all if none is marked."""
    pages = {dest: outputs[dest] for dest in sorted(outputs) if dest.endswith(".html")}
    marked = {dest: data for dest, data in pages.items() if b"data-pagefind-body" in data}
    return marked or pages


def _digest(binary: Path, pages: dict[str, bytes]) -> str:
    digest = hashlib.blake2b(str(binary).encode(), digest_size=16)
    for dest, data in pages.items():
        digest.update(f"\0{dest}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _remember(key: str, files: dict[str, bytes]) -> None:
    global _LAST
    _LAST = (key, dict(files))


def pagefind_binary() -> Path | None:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        found = shutil.which("pagefind")
        return Path(found) if found else None
    try:
        return Path(get_executable())
    except FileNotFoundError:
        return None


def _run(binary: Path, root: Path) -> None:
    command = [str(binary), "--site", str(root), "--output-subdir", SEARCH_FOLDER, "--silent"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise OutputError(
            SEARCH_FOLDER,
            "Pagefind could not build the search index: "
            + (result.stderr or result.stdout).strip()[-500:],
        )


def _collect(folder: Path) -> dict[str, bytes]:
    return {
        f"{SEARCH_FOLDER}/{path.relative_to(folder).as_posix()}": path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(_UNUSED)
    }
