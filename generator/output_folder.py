"""Where a build may write: never among the files it reads.

An output folder inside ``content/``, ``static/`` or ``templates/`` (or the
site folder itself, or a folder holding it) would be read back by the next
build as content or static files, and the site would grow with each build.
Such a folder is refused before anything is read or written.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import OutputError

INPUT_FOLDERS = ("content", "static", "templates")


def check_output_folder(site_dir: Path, output_dir: Path, theme_dir: Path) -> None:
    """Raise an :class:`~generator.errors.OutputError` if ``output_dir`` mixes with inputs."""
    site_dir, output_dir = site_dir.resolve(), output_dir.resolve()
    inputs = [site_dir / name for name in INPUT_FOLDERS] + [theme_dir.resolve()]
    holds_site = site_dir.is_relative_to(output_dir)
    inside = next((folder for folder in inputs if output_dir.is_relative_to(folder)), None)
    holds_theme = any(folder.is_relative_to(output_dir) for folder in inputs[-1:])
    if not (holds_site or inside or holds_theme):
        return
    where = (
        f"inside {_shown(inside, site_dir)}"
        if inside is not None
        else "the site folder or a folder that holds it"
        if holds_site
        else "a folder that holds the theme"
    )
    raise OutputError(
        str(output_dir),
        f"the output folder is {where}: the next build would read its own pages back",
        hint="write elsewhere, for example `sitegen build -o build` (the default) "
        "or a folder outside the site",
        rule="output-folder",
    )


def _shown(folder: Path, site_dir: Path) -> str:
    return f"{folder.relative_to(site_dir)}/" if folder.is_relative_to(site_dir) else str(folder)
