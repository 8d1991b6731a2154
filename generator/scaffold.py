"""``sitegen new-site`` and ``sitegen new``: start a site, or an article inside one.

A new site is a copy of ``generator/starter/``: a commented ``site.toml``, one
example article in section files, and About and Contact pages. It has no ``templates/``
folder, so it uses the default theme from the installed package, and it builds
as it is. ``$today`` in the starter's text files becomes today's date.

A new article is a folder ``content/posts/<slug>/`` with an ``index.md`` whose
fields are there to fill in, marked ``draft: true`` so that it is not published
half-written, and one numbered file per section::

    >>> new_article(site, "Acne myths", ["What causes acne", "Treatments"])  # doctest: +SKIP
    ['content/posts/acne-myths/index.md', 'content/posts/acne-myths/01-what-causes-acne.md', ...]
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from string import Template

from generator.config import load_config
from generator.errors import SiteError
from generator.importers.writer import front_matter
from generator.schema import is_faq_title
from generator.slugs import RESERVED_NAMES, shortened, slugify

STARTER = Path(__file__).resolve().parent / "starter"
# Stored without the dot so that git and CI do not read them here.
RENAMED = {"gitignore": ".gitignore", "github": ".github"}
DEFAULT_SECTIONS = ("Overview",)
# Said above a field of a new article's index.md: what a first-time writer gets wrong.
FIELD_NOTES = {
    "title": "This folder is one article: this file holds its details; each other file, a section.",
    "description": "One or two sentences for search results and the top of the article.",
    "updated": "The day of a later change worth telling readers about (or leave it empty).",
    "author": "A key of [authors] in site.toml, like alex-writer: not the person's name.",
    "reviewed_by": "A key of [reviewers] in site.toml: the clinician who checked the article.",
    "last_reviewed": "The day that clinician last checked it, like 2024-05-01: shown to readers.",
    "image": "A picture beside this file (photo.jpg) or under static/ (/static/photo.jpg).",
    "image_alt": "What the picture shows, for readers who cannot see it.",
    "draft": "Set to false to publish the article.",
}
FAQ_EXAMPLE = "### A question patients ask?\n\nThe answer, in a few sentences.\n"


class ScaffoldError(SiteError):
    """A new site or article cannot be created where asked."""


def new_site(site_dir: Path, today: date) -> list[str]:
    """Create a working site in ``site_dir`` (new or empty); return the files written."""
    if site_dir.exists() and (not site_dir.is_dir() or any(site_dir.iterdir())):
        raise ScaffoldError(
            str(site_dir),
            "the folder is not empty",
            hint="give a new folder name: sitegen new-site my-clinic-blog",
        )
    written = []
    schedule = load_config(STARTER).publish  # the CI workflow runs at the starter's daily_at
    values = {
        "today": today.isoformat(),
        "cron": schedule.daily_cron,
        "daily_at": schedule.daily_at,
    }
    for source in sorted(path for path in STARTER.rglob("*") if path.is_file()):
        relative = Path(*(RENAMED.get(part, part) for part in source.relative_to(STARTER).parts))
        text = Template(source.read_text("utf-8")).safe_substitute(values)
        target = site_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        written.append(relative.as_posix())
    return written


def new_article(site_dir: Path, title: str, sections: list[str], today: date) -> list[str]:
    """Scaffold a draft article titled ``title`` in the site; return the files written."""
    load_config(site_dir)  # only inside a site folder
    slug = shortened(slugify(title))  # the title stays whole; the folder name fits a file name
    if not slug:
        raise ScaffoldError(
            None,
            f"cannot make a URL name from the title {title!r}",
            hint="use a title with letters or digits",
        )
    if slug in RESERVED_NAMES:
        raise ScaffoldError(
            None,
            f"the URL name {slug!r} is reserved on some systems and cannot be a folder",
            hint='use a title of more than one word, like "Con questions answered"',
        )
    folder = Path("content/posts") / slug
    for taken in (folder, folder.with_suffix(".md")):
        if (site_dir / taken).exists():
            raise ScaffoldError(
                taken.as_posix(),
                "an article with this name already exists",
                hint="choose another title, or edit the existing article",
            )
    titles = [name.strip() for name in sections if name.strip()] or list(DEFAULT_SECTIONS)
    files = {folder / "index.md": _commented(front_matter(_empty_fields(title, today)))}
    for number, name in enumerate(titles, start=1):
        file_name = f"{number:02d}-{slugify(name)[:60].rstrip('-') or 'section'}.md"
        files[folder / file_name] = _section_file(name)
    for relative, text in files.items():
        (site_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / relative).write_text(text, "utf-8")
    return [relative.as_posix() for relative in files]


def _empty_fields(title: str, today: date) -> dict:
    """Every article field, empty where the writer has to fill it in."""
    return {
        "title": title,
        "description": "",
        "date": today,
        "updated": None,
        "author": "",
        "reviewed_by": "",
        "last_reviewed": None,
        "category": "",
        "tags": [],
        "image": "",
        "image_alt": "",
        "draft": True,
    }


def _commented(text: str) -> str:
    """Front matter with a comment line above each field a writer could misread."""
    lines = []
    for line in text.split("\n"):
        note = FIELD_NOTES.get(line.split(":", 1)[0])
        if note:
            lines.append(f"# {note}")
        lines.append(line)
    return "\n".join(lines)


def _section_file(title: str) -> str:
    """A section's file; a FAQ's says how questions are written."""
    if is_faq_title(title):
        return front_matter({"title": title, "kind": "faq"}, FAQ_EXAMPLE)
    return front_matter({"title": title})
