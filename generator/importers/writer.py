"""Write imported articles into a site folder, the one place importing writes.

An article becomes ``content/posts/<slug>/index.md`` plus one numbered file per
section; a page becomes ``content/pages/<slug>.md``. An existing article or
page is never replaced unless ``force`` is given. Authors the site does not
know yet are added to ``site.toml`` as new ``[authors.<key>]`` tables, at the
end of the file so that nothing the user wrote there changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.config import CONFIG_NAME, load_config
from generator.importers.model import ImportedArticle, ImportedFile
from generator.slugs import slugify


@dataclass
class ImportReport:
    """What an import did, for the summary it ends with."""

    imported: list[str] = field(default_factory=list)  # src paths written
    skipped: list[str] = field(default_factory=list)  # reasons
    warnings: list[str] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (URL, article src path)
    authors_added: list[str] = field(default_factory=list)


def write_imports(
    site_dir: Path, files: list[ImportedFile], *, force: bool = False
) -> ImportReport:
    """Write every imported article of ``files`` into ``site_dir``; return what happened."""
    config = load_config(site_dir)  # a site folder, with a valid site.toml
    report = ImportReport()
    authors: dict[str, str] = {}
    for imported in files:
        report.warnings += imported.warnings
        report.skipped += imported.skipped
        for article in imported.articles:
            _write_article(site_dir, article, force, report)
        for key, name in imported.authors.items():
            if key not in config.authors:
                authors.setdefault(key, name)
    if authors:
        _add_authors(site_dir / CONFIG_NAME, authors)
        report.authors_added = sorted(authors)
    return report


def _write_article(
    site_dir: Path, article: ImportedArticle, force: bool, report: ImportReport
) -> None:
    if article.kind == "page":
        target = Path("content/pages") / f"{article.slug}.md"
        existing = [target]
    else:
        target = Path("content/posts") / article.slug
        existing = [target, target.with_suffix(".md")]
    taken = next((path for path in existing if (site_dir / path).exists()), None)
    if taken is not None and not force:
        report.skipped.append(
            f"{article.source}: {taken.as_posix()} already exists (--force replaces it)"
        )
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
    report.imported.append(target.as_posix() + ("/" if article.kind == "post" else ""))
    report.images += [(url, target.as_posix()) for url in article.images]


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


def import_summary(report: ImportReport) -> str:
    """The report an import ends with: what was written, skipped, warned and left to fetch."""
    lines = [f"Imported: {path}" for path in report.imported]
    lines += [f"Skipped: {reason}" for reason in report.skipped]
    lines += [f"Warning: {warning}" for warning in report.warnings]
    if report.authors_added:
        lines.append("Added to site.toml's [authors]: " + ", ".join(report.authors_added))
    if report.images:
        lines.append(f"Images still on the old site ({len(report.images)}); fetch them and")
        lines.append("put each beside its article, then point the Markdown at the file:")
        lines += [f"  {url}  ({where})" for url, where in report.images]
    lines.append(
        f"{len(report.imported)} imported, {len(report.skipped)} skipped, "
        f"{len(report.warnings)} warnings"
    )
    return "\n".join(lines)
