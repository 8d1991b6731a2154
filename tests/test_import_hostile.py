"""sitegen import with hostile or odd files: clear errors, nothing half-written, no
hidden text in descriptions."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.scaffold import new_site

DATA = Path(__file__).resolve().parent / "data" / "import"
TODAY = date(2024, 6, 1)


@pytest.fixture
def site(tmp_path) -> Path:
    new_site(tmp_path / "site", TODAY)
    return tmp_path / "site"


def _state(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _import(site: Path, *files: Path, capsys) -> tuple[int, str]:
    code = main(["import", *map(str, files), "--site", str(site)])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text
    return code, text


def _front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---\n")[1])


def test_a_text_too_large_to_build_is_refused_before_anything_is_written(site, tmp_path, capsys):
    small = tmp_path / "small-note.txt"
    small.write_text("A small note\n\nIt is short and fine.\n")
    huge = tmp_path / "huge.txt"
    paragraph = "Sunscreen every morning protects the skin from damage. " * 20 + "\n\n"
    huge.write_text("A huge article\n\n" + paragraph * 4000)
    assert huge.stat().st_size > 4 * 1024 * 1024
    before = _state(site)
    code, text = _import(site, small, huge, capsys=capsys)
    assert code == 1
    assert "huge.txt" in text and "the build accepts at most 4 MB per file" in text
    assert _state(site) == before


@pytest.mark.slow
def test_a_wxr_with_a_long_prolog_is_recognised_by_its_root(site, tmp_path, capsys):
    export = (DATA / "clinic-export.xml").read_text("utf-8")
    declaration, rest = export.split("\n", 1)
    padding = "<!-- " + "a long note from the exporting plugin " * 300 + "-->\n"
    doctype = "<!DOCTYPE rss [\n" + "<!-- internal subset -->\n" * 200 + "]>\n"
    long = tmp_path / "long-prolog.xml"
    long.write_text(declaration + "\n" + padding + doctype + rest, "utf-8")
    assert long.read_text().index("<rss") > 4096
    code, text = _import(site, long, capsys=capsys)
    assert code == 0, text
    titles = [_front_matter(p)["title"] for p in (site / "content/posts").glob("*/index.md")]
    assert "Acne: what works" in titles
    assert not any(title.startswith("<?xml") for title in titles)


def _nested(depth: int) -> str:
    return "<div>" * depth + "<p>Deep text.</p>" + "</div>" * depth


def test_html_nested_too_deeply_is_an_error_not_a_recursion_error(site, tmp_path, capsys):
    page = tmp_path / "deep.html"
    page.write_text(f"<!doctype html><html><body><h1>Deep</h1>{_nested(600)}</body></html>")
    before = _state(site)
    code, text = _import(site, page, capsys=capsys)
    assert code == 1
    assert "deep.html:1:" in text and "the HTML nests elements more than 200 deep" in text
    assert _state(site) == before


def test_a_wordpress_post_nested_too_deeply_is_an_error_naming_it(site, tmp_path, capsys):
    export = (DATA / "clinic-export.xml").read_text("utf-8")
    deep = export.replace(
        "<p>Acne affects most teenagers.", _nested(600) + "<p>Acne affects most teenagers.", 1
    )
    path = tmp_path / "deep-export.xml"
    path.write_text(deep, "utf-8")
    code, text = _import(site, path, capsys=capsys)
    assert code == 1
    assert "deep-export.xml" in text and "post 101: the HTML nests elements more than 200" in text


HIDDEN = (
    "<script>var tracking = 'SCRIPT-TEXT';</script>"
    "<style>.x { content: 'STYLE-TEXT' }</style>"
    "<noscript>NOSCRIPT-TEXT please enable JavaScript</noscript>"
    "<template><p>TEMPLATE-TEXT</p></template>"
)


@pytest.mark.parametrize(
    "body",
    [
        f"{HIDDEN}Visible words about skin care and how to look after it.",
        f"<div>{HIDDEN}<p>{HIDDEN}Visible words about skin care and how to look after it.</p>"
        "</div>",
    ],
)
def test_hidden_text_never_becomes_the_description(site, tmp_path, capsys, body):
    page = tmp_path / "hidden.html"
    page.write_text(f"<!doctype html><html><body><article><h1>Skin care</h1>{body}</article>")
    code, text = _import(site, page, capsys=capsys)
    assert code == 0, text
    description = _front_matter(site / "content/posts/hidden/index.md")["description"]
    assert description.startswith("Visible words about skin care")
    for marker in ("SCRIPT-TEXT", "STYLE-TEXT", "NOSCRIPT-TEXT", "TEMPLATE-TEXT"):
        assert marker not in description


@pytest.mark.slow
def test_hidden_text_never_becomes_a_wordpress_description(site, tmp_path, capsys):
    export = (DATA / "clinic-export.xml").read_text("utf-8")
    changed = export.replace(
        "<p>Acne affects most teenagers.",
        HIDDEN + "<p>" + HIDDEN + "Acne affects most teenagers.",
        1,
    )
    path = tmp_path / "hidden-export.xml"
    path.write_text(changed, "utf-8")
    code, text = _import(site, path, capsys=capsys)
    assert code == 0, text
    description = _front_matter(site / "content/posts/acne-what-works/index.md")["description"]
    assert description.startswith("Acne affects most teenagers.")


def test_code_in_an_imported_page_is_left_behind_and_the_site_builds(site, tmp_path, capsys):
    """Handlers, scripts, plug-ins and addresses that run, however spelled, are not
    carried into the Markdown: the build (whose html-unsafe rule refuses them) passes."""
    code, text = _import(site, DATA / "code-in-a-page.html", capsys=capsys)
    assert code == 0, text
    (article,) = (site / "content/posts").glob("code-in-a-page*/index.md")
    markdown = article.read_text("utf-8")
    assert "Keep the skin moist. Call us or book." in markdown
    for gone in ("alert", "<script", "script:", "data:", "onclick", "ontoggle", "srcdoc"):
        assert gone not in markdown.lower(), gone
    assert main(["build", str(site)]) == 0, capsys.readouterr()
