"""Site templates that extend the theme's own, reached as ``theme/<name>``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.errors import SiteError
from tests.conftest import SITES, build


def _site(tmp_path: Path, article: str) -> Path:
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text(article, "utf-8")
    return site


def test_a_site_template_extends_the_theme_template_of_the_same_name(tmp_path):
    site = _site(
        tmp_path,
        '{% extends "theme/article.html" %}\n'
        '{% block content %}<p class="mine">Mine</p>{{ super() }}{% endblock %}\n',
    )
    html = (build(site).output_dir / "posts/single/index.html").read_text("utf-8")
    assert html.count('<p class="mine">Mine</p>') == 1
    assert html.index('class="mine"') < html.index("<article") and html.count("<article") == 1


def test_an_error_in_the_theme_template_names_it(tmp_path):
    site = _site(tmp_path, '{% extends "theme/nothing.html" %}\n')
    with pytest.raises(SiteError, match="nothing.html"):
        build(site)


# -- a site that overrides only the byline block and the brand settings -------------------------

BRAND = SITES / "brand"  # a patch on tests/sites/basic: site.toml's [theme], templates, static
_STYLE = re.compile(r"<style>\n.*?</style>\n", re.S)
_LOGO = re.compile(r'<img class="site-name__logo"[^>]*>')
_BYLINE = re.compile(r'<(div|p) class="byline" data-pagefind-ignore>.*?</\1>', re.S)


def branded_site(folder: Path) -> Path:
    site = Path(shutil.copytree(SITES / "basic", folder))
    shutil.copytree(BRAND / "templates", site / "templates")
    shutil.copytree(BRAND / "static", site / "static")
    toml = site / "site.toml"
    toml.write_text(toml.read_text("utf-8") + "\n" + (BRAND / "brand.toml").read_text("utf-8"))
    return site


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("brand")
    default = build(Path(shutil.copytree(SITES / "basic", root / "default"))).output_dir
    branded = build(branded_site(root / "branded")).output_dir
    return default, branded


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".sitegen" not in path.name
    }


def test_the_pages_differ_from_the_themes_exactly_in_the_brand_and_the_byline(both):
    default, branded = _files(both[0]), _files(both[1])
    assert set(branded) - set(default) == {"static/logo.svg", "static/fonts/clinic.woff2"}
    assert set(default) <= set(branded)
    # Pages drawn by base.html (redirect pages are not: they must be the same bytes).
    pages = [name for name in default if b'<header class="site-header' in default[name]]
    assert len(pages) > 10
    bylines = 0
    for name in pages:
        theirs, ours = default[name].decode(), branded[name].decode()
        assert not _STYLE.search(theirs) and len(_STYLE.findall(ours)) == 1, name
        assert 'class="site-header site-header--brand"' in ours, name
        assert len(_LOGO.findall(ours)) == 1, name
        if _BYLINE.search(theirs):
            bylines += 1
            assert _BYLINE.search(theirs).group() != _BYLINE.search(ours).group()
        ours = _LOGO.sub("", _STYLE.sub("", ours, count=1), count=1)
        ours = ours.replace(" site-header--brand", "", 1)
        assert _BYLINE.sub("", ours) == _BYLINE.sub("", theirs), name
    assert bylines >= 3  # every published article
    for name in set(default) - set(pages):
        assert branded[name] == default[name], name


def test_the_brand_becomes_the_themes_custom_properties(both):
    page = (both[1] / "posts" / "single" / "index.html").read_text("utf-8")
    style = _STYLE.search(page).group()
    assert ":root { --link: #7a1f5c; --accent: #1f5c7a; --header: #7a1f5c; " in style
    assert "@media (prefers-color-scheme: dark) { :root { --link: #f2a6d6;" in style
    assert 'src: url("/blog/static/fonts/clinic.woff2") format("woff2")' in style
    assert '<img class="site-name__logo" src="/blog/static/logo.svg" alt=""' in page


@pytest.mark.slow
def test_the_branded_pages_are_valid_html(both):
    from tests.test_html_validity import VNU_JAR, nu_messages

    if shutil.which("java") is None or not VNU_JAR.is_file():
        pytest.skip("needs Java and the Nu checker (scripts/setup-tests installs both)")
    messages = nu_messages(both[1] / "posts")
    assert [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_violation_with_the_brand(both, width, scheme):
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve
    from tests.test_accessibility import AXE, axe_violations

    playwright = pytest.importorskip("playwright.sync_api", reason="scripts/setup-tests")
    if not Path(CHROMIUM).is_file() or not AXE.is_file():
        pytest.skip("needs Chromium and axe-core (scripts/setup-tests installs both)")
    served = both[1].parent / "served"  # the site lives under /blog/ (its base_url)
    if not served.exists():
        served.mkdir()
        (served / "blog").symlink_to(both[1], target_is_directory=True)
    page = "/blog/posts/faq-article/"
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with serve(served) as origin:
                viewport = {"width": width, "height": 900}
                found = axe_violations(browser, origin + page, scheme, viewport)
                header = _header_colour(browser, origin + page, scheme)
        finally:
            browser.close()
    assert header == ("rgb(122, 31, 92)" if scheme == "light" else "rgb(242, 166, 214)")
    assert found == []


def _header_colour(browser, url: str, scheme: str) -> str:
    """The header's drawn background: the brand colour, so the stylesheets did load."""
    page = browser.new_page(color_scheme=scheme)
    try:
        page.goto(url)
        return page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        )
    finally:
        page.close()


def test_a_raster_logo_goes_through_the_image_pipeline(tmp_path):
    from PIL import Image

    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    (site / "static").mkdir()
    Image.new("RGB", (600, 200), (122, 31, 92)).save(site / "static" / "logo.png")
    toml = site / "site.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[theme]\nlogo = "static/logo.png"\n', "utf-8")
    html = (build(site).output_dir / "index.html").read_text("utf-8")
    header = html.split('<a class="site-name"', 1)[1].split("</a>", 1)[0]
    assert '<picture><source type="image/webp"' in header
    assert 'class="site-name__logo"' in header and 'width="600" height="200"' in header
    assert 'loading="lazy"' not in header
