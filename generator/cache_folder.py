"""Where a build keeps what it knows between runs, when that is not the site's own folder.

By default the engine's state, converted images, compiled templates and staged
pages live in ``SITE/.sitegen-cache``. ``--cache-dir DIR`` (or the environment
variable ``SITEGEN_CACHE_DIR``) puts them elsewhere: for a site folder kept in a
sync tool and built on two computers, each computer keeps its own cache outside
the synced folder, instead of the tool carrying the cache (300 MB at 10,000
articles) and each computer's build removing the other's state as that of a
moved site (:mod:`generator.stranded_states`).

sitegen removes what it no longer uses from its cache folder (old states, image
copies unused for a day, the staging folders of ended builds), so a folder it is
given must be one it owns: new or empty, or marked by an earlier build with a
``CACHEDIR.TAG`` file (the cache directory tagging convention, which backup tools
such as tar, borg and restic can skip) that names this site. It must not lie
among the site's inputs, where the next build would read it, nor in the output
folder, which would publish it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from generator.build_options import CACHE_DIR
from generator.errors import OutputError
from generator.output_folder import INPUT_FOLDERS

CACHE_DIR_VARIABLE = "SITEGEN_CACHE_DIR"
TAG_NAME = "CACHEDIR.TAG"
_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
_SITE_LINE = "# sitegen cache of the site in: "


def add_cache_option(
    command: argparse.ArgumentParser,
    what: str = "where to keep what the next build goes on from",
) -> None:
    """The ``--cache-dir`` option of a command that builds (or reads what builds keep)."""
    command.add_argument(
        "--cache-dir",
        type=Path,
        help=f"{what} (default: ${CACHE_DIR_VARIABLE}, else SITE/{CACHE_DIR}); "
        "a folder of its own, for this site alone",
    )


def chosen_cache_dir(given: Path | None) -> Path | None:
    """The cache folder the command line asked for: ``--cache-dir``, else the environment
    variable, else ``None`` (the site's own ``.sitegen-cache``)."""
    if given is not None:
        return given
    named = os.environ.get(CACHE_DIR_VARIABLE, "").strip()
    return Path(named).expanduser() if named else None


def check_cache_folder(site_dir: Path, output_dir: Path, cache_dir: Path, theme_dir: Path) -> None:
    """Raise an :class:`~generator.errors.OutputError` if ``cache_dir`` is no place for
    this site's cache; otherwise make it (if needed) and mark it as this site's."""
    site_dir, output_dir, cache_dir = site_dir.resolve(), output_dir.resolve(), cache_dir.resolve()
    if cache_dir == site_dir / CACHE_DIR:
        return  # the default, named: the site's own
    problem = _misplaced(site_dir, output_dir, cache_dir, theme_dir.resolve())
    if problem is None:
        problem = _owned_by_other(site_dir, cache_dir)
    if problem is not None:
        message, hint = problem
        raise OutputError(str(cache_dir), message, hint=hint, rule="cache-folder")
    _mark(cache_dir, site_dir)


def _misplaced(
    site_dir: Path, output_dir: Path, cache_dir: Path, theme_dir: Path
) -> tuple[str, str] | None:
    hint = "give a folder of its own outside the site, for example ~/.cache/sitegen/clinic"
    inputs = [site_dir / name for name in INPUT_FOLDERS] + [theme_dir]
    inside = next((folder for folder in inputs if cache_dir.is_relative_to(folder)), None)
    if inside is not None:
        shown = f"{inside.relative_to(site_dir)}/" if inside.is_relative_to(site_dir) else inside
        return f"the cache folder is inside {shown}: the next build would read it back", hint
    if site_dir.is_relative_to(cache_dir):
        return "the cache folder is the site folder or a folder that holds it", hint
    if cache_dir.is_relative_to(output_dir):
        return "the cache folder is inside the output folder, which is published", hint
    return None


def _owned_by_other(site_dir: Path, cache_dir: Path) -> tuple[str, str] | None:
    """Why sitegen may not take ``cache_dir`` for this site's cache, if it may not."""
    try:
        names = {entry.name for entry in os.scandir(cache_dir)}
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return "the cache folder is a file", "give a folder, new or empty"
    except OSError as error:
        return f"cannot read the cache folder: {error.strerror or error}", "check its permissions"
    if not names:
        return None
    tagged_for = _tagged_site(cache_dir / TAG_NAME) if TAG_NAME in names else None
    if tagged_for is None:
        return (
            "the cache folder holds files sitegen did not make, and sitegen removes "
            "what it does not use from its cache folder",
            "give a new or empty folder for sitegen's cache alone",
        )
    other = Path(tagged_for)
    if other != site_dir and (other / "site.toml").is_file():
        return (
            f"the cache folder is that of the site in {other}",
            "give each site a cache folder of its own",
        )
    return None  # this site's, or that of a site since moved here


def _tagged_site(tag: Path) -> str | None:
    """The site a sitegen ``CACHEDIR.TAG`` names; ``None`` if it is not one (another tool's
    tag, or no tag at all)."""
    try:
        lines = tag.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or lines[0] != _SIGNATURE:
        return None
    named = [line.removeprefix(_SITE_LINE) for line in lines if line.startswith(_SITE_LINE)]
    return named[0] if named else None


def _mark(cache_dir: Path, site_dir: Path) -> None:
    """Write the folder's tag, naming this site, unless it says so already."""
    tag = cache_dir / TAG_NAME
    text = (
        f"{_SIGNATURE}\n"
        "# This file is a cache directory tag created by sitegen.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n"
        f"{_SITE_LINE}{site_dir}\n"
    )
    try:
        if tag.read_text("utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tag.write_text(text, "utf-8")
    except OSError as error:
        raise OutputError(
            str(cache_dir),
            f"cannot write the cache folder: {error.strerror or error}",
            hint="check its permissions, or give another folder",
            rule="cache-folder",
        ) from None
