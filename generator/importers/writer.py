"""Write imported articles into a site folder, the one place importing writes.

An article becomes ``content/posts/<slug>/index.md`` plus one numbered file per
section; a page becomes ``content/pages/<slug>.md``. An existing article or
page is never replaced unless ``force`` is given. Authors the site does not
know yet are added to ``site.toml`` as new ``[authors.<key>]`` tables, at the
end of the file so that nothing the user wrote there changes.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.config import CONFIG_NAME, load_config
from generator.discover import COMMENTS_FOLDER
from generator.importers.fetch import FetchReport
from generator.importers.guards import check_sizes
from generator.importers.model import ImportedArticle, ImportedFile
from generator.importers.sitefiles import (
    add_redirects,
    is_new_site,
    locate,
    set_language,
    unedited_starter_files,
    write_comments,
)
from generator.slugs import slugify


@dataclass
class ImportReport:
    """What an import did, for the summary it ends with."""

    imported: list[str] = field(default_factory=list)  # src paths written
    skipped: list[str] = field(default_factory=list)  # reasons
    warnings: list[str] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (URL, article src path)
    authors_added: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # posts, pages, comments, redirects...
    files: list[tuple[str, str, str]] = field(default_factory=list)  # to bring in (see fetch)
    dead_links: list[str] = field(default_factory=list)  # "file:line: text -> old URL"
    without_alt: list[str] = field(default_factory=list)  # "file:line: image"
    language: str = ""  # set as the site's language
    starters_replaced: list[str] = field(default_factory=list)
    fetched: FetchReport | None = None  # None when files were not brought in


def write_imports(
    site_dir: Path, files: list[ImportedFile], *, force: bool = False
) -> ImportReport:
    """Write every imported article of ``files`` into ``site_dir``; return what happened."""
    config = load_config(site_dir)  # a site folder, with a valid site.toml
    check_sizes(files, _files)  # before the first write: all or nothing
    report = ImportReport()
    authors: dict[str, str] = {}
    untouched = unedited_starter_files(site_dir)
    new = is_new_site(site_dir, untouched)
    redirects: dict[str, str] = {}
    for imported in files:
        report.warnings += imported.warnings
        report.skipped += imported.skipped
        report.counts.update(imported.counts)
        for article in imported.articles:
            _write_article(site_dir, article, force, report, untouched)
        for key, name in imported.authors.items():
            if key not in config.authors:
                authors.setdefault(key, name)
        redirects.update(imported.redirects)
        if new and imported.language and not report.language:
            report.language = imported.language
    if authors:
        _add_authors(site_dir / CONFIG_NAME, authors)
        report.authors_added = sorted(authors)
    config_path = site_dir / CONFIG_NAME
    report.counts["redirects"] += add_redirects(config_path, redirects, config.redirects)
    if report.language and report.language != config.language:
        set_language(config_path, report.language)
    return report


def _write_article(
    site_dir: Path,
    article: ImportedArticle,
    force: bool,
    report: ImportReport,
    untouched: set[str],
) -> None:
    if article.kind == "page":
        target = Path("content/pages") / f"{article.slug}.md"
        existing = [target]
    else:
        target = Path("content/posts") / article.slug
        existing = [target, target.with_suffix(".md")]
    taken = next((path for path in existing if (site_dir / path).exists()), None)
    if taken is not None and taken.as_posix() in untouched:
        report.starters_replaced.append(taken.as_posix())
    elif taken is not None and not force:
        report.skipped.append(
            f"{article.source}: {taken.as_posix()} already exists (--force replaces it)"
        )
        report.files += article.files  # still brought in if missing: a resumed import
        return
    report.warnings += article.warnings
    files = _files(article)
    if article.kind == "post":
        _clear_article(site_dir / target)
        (site_dir / target).with_suffix(".md").unlink(missing_ok=True)
    for relative, text in files.items():
        path = site_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    if article.kind == "post":
        write_comments(site_dir / target / COMMENTS_FOLDER, article.comments)
    for source, relative in article.copies:  # images of a Markdown site, beside the article
        (site_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, site_dir / relative)
    _note_written(site_dir, article, target, [site_dir / name for name in files], report)


def _note_written(
    site_dir: Path,
    article: ImportedArticle,
    target: Path,
    written: list[Path],
    report: ImportReport,
) -> None:
    """What the report says of an article written as ``written`` (its files)."""
    report.imported.append(target.as_posix() + ("/" if article.kind == "post" else ""))
    report.images += [(url, target.as_posix()) for url in article.images]
    report.files += article.files
    report.counts[f"{article.kind}s"] += 1
    report.counts["aliases"] += len(article.front_matter.get("aliases") or ())
    dead = [(url, text) for url, text, _ in article.dead_links]
    report.dead_links += [
        f"{where}: the link [{text}] to {url} {why}: it is now plain text"
        for (url, text, where), (_, _, why) in zip(
            locate(site_dir, written, dead), article.dead_links, strict=True
        )
    ]
    report.without_alt += [
        f"{where}: the image {ref} has no alt text: describe it"
        for ref, _, where in locate(site_dir, written, [(r, r) for r in article.without_alt])
    ]


def _files(article: ImportedArticle) -> dict[str, str]:
    """Relative path -> text of every file the article is written as."""
    if article.kind == "page":
        body = [article.intro] + [f"## {s.title}\n\n{s.body}" for s in article.sections]
        text = "\n\n".join(part for part in body if part.strip())
        return {f"content/pages/{article.slug}.md": front_matter(article.front_matter, text)}
    folder = f"content/posts/{article.slug}"
    files = {f"{folder}/index.md": front_matter(article.front_matter, article.intro)}
    for number, section in enumerate(article.sections, start=1):
        name = slugify(section.title)[:60].rstrip("-") or "section"
        files[f"{folder}/{number:02d}-{name}.md"] = front_matter(
            {"title": section.title}, section.body
        )
    return files


class _FrontMatterDumper(yaml.SafeDumper):
    """Block-style fields, lists on one line (``tags: [acne, scars]``), nothing as nothing."""


_FrontMatterDumper.add_representer(
    list,
    lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True),
)

_FrontMatterDumper.add_representer(
    type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", "")
)


def front_matter(fields: dict, body: str = "") -> str:
    """A Markdown file: YAML front matter between ``---`` lines, then the body."""
    data = yaml.dump(
        fields, Dumper=_FrontMatterDumper, sort_keys=False, allow_unicode=True, width=1000
    )
    return f"---\n{data}---\n" + (body.strip() + "\n" if body.strip() else "")


def _clear_article(folder: Path) -> None:
    """Remove an article folder's Markdown files (the article is replaced); keep its images."""
    if folder.is_dir():
        for path in folder.glob("*.md"):
            path.unlink()


def _add_authors(config_path: Path, authors: dict[str, str]) -> None:
    text = config_path.read_text("utf-8")
    lines = [] if text.endswith("\n") or not text else [""]
    for key in sorted(authors):
        # A JSON string is a valid TOML basic string: quotes and escapes agree.
        lines += ["", f"[authors.{key}]", f"name = {json.dumps(authors[key], ensure_ascii=False)}"]
    config_path.write_text(text + "\n".join(lines) + "\n", "utf-8")
