"""The small edits an import makes to a site besides its articles.

- comment files beside an article, in the format ``sitegen comments export``
  writes (:mod:`generator.comments.export`), plus ``reply_to`` for threads;
- ``[redirects]`` lines and the ``language`` line of ``site.toml``, changed in
  place so that everything else the user wrote there stays as it was;
- which files are still exactly what ``sitegen new-site`` wrote, so that an
  unedited starter page can give way to the imported page of the same name;
- where in the written files a reported link or image is (file and line).
"""

from __future__ import annotations

import json
import re
from datetime import UTC
from pathlib import Path
from urllib.parse import quote

import yaml

from generator.importers.model import ImportedComment

# What `sitegen new-site` copies (generator/scaffold.py); named here, not imported,
# because scaffold itself imports the importers' writer.
STARTER = Path(__file__).resolve().parent.parent / "starter"

LANGUAGE_LINE = re.compile(r'^language\s*=\s*"[^"\n]*"', re.MULTILINE)
DATE = r"\d{4}-\d{2}-\d{2}"


def write_comments(folder: Path, comments: tuple[ImportedComment, ...]) -> None:
    """One ``comment-<id>.md`` per comment; the same comment always gives the same bytes."""
    if not comments:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for comment in comments:
        meta = {"name": comment.name, "date": comment.published.astimezone(UTC).isoformat()}
        if comment.reply_to:
            meta["reply_to"] = f"comment-{comment.reply_to}"
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
        text = f"---\n{front}---\n{comment.body.rstrip()}\n"
        (folder / f"comment-{comment.id}.md").write_text(text, "utf-8")


def add_redirects(config_path: Path, redirects: dict[str, str], known) -> int:
    """Add ``old = new`` lines to ``[redirects]`` (made when missing); return how many."""
    taken = {rule.old for rule in known}
    lines = [
        f"{json.dumps(old, ensure_ascii=False)} = {json.dumps(new, ensure_ascii=False)}"
        for old, new in sorted(redirects.items())
        if old not in taken
    ]
    if not lines:
        return 0
    text = config_path.read_text("utf-8")
    header = re.search(r"^\[redirects\][ \t]*(#.*)?$", text, re.MULTILINE)
    if header:
        end = header.end()
        text = text[:end] + "\n" + "\n".join(lines) + text[end:]
    else:
        old_address = (
            "# Old addresses of the site (before `sitegen import`) and where they lead now."
        )
        text = text.rstrip("\n") + "\n\n" + old_address + "\n[redirects]\n"
        text += "\n".join(lines) + "\n"
    config_path.write_text(text, "utf-8")
    return len(lines)


def set_language(config_path: Path, language: str) -> None:
    text = config_path.read_text("utf-8")
    line = f"language = {json.dumps(language)}"
    if LANGUAGE_LINE.search(text):
        text = LANGUAGE_LINE.sub(line, text, count=1)
    else:
        text = line + "\n" + text
    config_path.write_text(text, "utf-8")


def unedited_starter_files(site_dir: Path) -> set[str]:
    """Paths (relative, POSIX) of the files that are byte for byte what ``new-site`` wrote."""
    found = set()
    for source in STARTER.rglob("*"):
        if not source.is_file():
            continue
        relative = source.relative_to(STARTER)
        target = site_dir / relative
        if target.is_file() and _starter_pattern(source).fullmatch(target.read_text("utf-8")):
            found.add(relative.as_posix())
    return found


def is_new_site(site_dir: Path, untouched: set[str]) -> bool:
    """Nothing in ``content/`` but the starter's files, unedited."""
    content = site_dir / "content"
    files = [p for p in content.rglob("*") if p.is_file()] if content.is_dir() else []
    return all(p.relative_to(site_dir).as_posix() in untouched for p in files)


def _starter_pattern(source: Path) -> re.Pattern[str]:
    """The starter file's text, with its ``$today`` standing for any date."""
    text = source.read_text("utf-8")
    parts = [re.escape(part) for part in text.split("$today")]
    return re.compile(DATE.join(parts), re.DOTALL)


def locate(
    site_dir: Path, written: list[Path], found: tuple[tuple[str, str], ...] | list
) -> list[tuple[str, str, str]]:
    """``(url, text, "file:line")`` for each ``(url, text)``: the first line of the written
    files that shows the text (or the URL), for a summary a writer can act on."""
    texts = {path: path.read_text("utf-8").split("\n") for path in written if path.is_file()}
    located = []
    for url, text in found:
        needles = [n for n in (markdown_url(url), " ".join(text.split())[:40]) if n]
        where = _first_line(texts, needles, site_dir) or (
            written[0].relative_to(site_dir).as_posix() if written else ""
        )
        located.append((url, text, where))
    return located


def markdown_url(url: str) -> str:
    """A URL as the importers write it inside Markdown's ``(...)`` (see markup._url)."""
    quoted = quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._[]")
    return quoted.replace("(", "%28").replace(")", "%29")


def _first_line(texts: dict[Path, list[str]], needles: list[str], site_dir: Path) -> str:
    for needle in needles:
        for path, lines in texts.items():
            for number, line in enumerate(lines, start=1):
                if needle in line:
                    return f"{path.relative_to(site_dir).as_posix()}:{number}"
    return ""
