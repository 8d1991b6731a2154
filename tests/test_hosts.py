"""Redirect and header files for web hosts: each parsed, and Apache's and nginx's checked
by the real server (Debian's, on a loopback port): an old address answers 301 with the new."""

from __future__ import annotations

import http.client
import re
import shutil
from pathlib import Path

import pytest

from tests import webservers
from tests.conftest import SITES, build

REDIRECTS = """
[redirects]
"/blog/category/sleep/" = "/blog/tags/sleep/"
"/blog/feed.php" = "/blog/feed.xml"
"""
EXPECTED = {  # old address -> new, from the basic site's aliases and the table above
    "/blog/2023/01/older-article/": "https://example.org/blog/posts/older/",
    "/blog/older.html": "https://example.org/blog/posts/older/",
    "/blog/category/sleep/": "https://example.org/blog/tags/sleep/",
    "/blog/feed.php": "https://example.org/blog/feed.xml",
}


def _site(tmp_path: Path, host: str, query: bool = True) -> Path:
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    extra = REDIRECTS + ('"/blog/?p=12" = "/blog/posts/single/"\n' if query else "")
    extra += f'\n[publish]\nhost = "{host}"\n'
    (site / "site.toml").write_text((site / "site.toml").read_text("utf-8") + extra, "utf-8")
    return site


def _get(origin: str, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(origin, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _fingerprinted(out: Path) -> str:
    return next(
        p.name for p in (out / "static").iterdir() if re.search(r"\.[0-9a-f]{10}\.css$", p.name)
    )


def test_htaccess_holds_a_301_per_old_address_and_caches_fingerprinted_files(tmp_path):
    out = build(_site(tmp_path, "apache")).output_dir
    text = (out / ".htaccess").read_text("utf-8")
    rules = dict(re.findall(r'^RedirectMatch 301 "([^"]+)" "([^"]+)"$', text, re.MULTILINE))
    for old, new in EXPECTED.items():
        matching = [target for pattern, target in rules.items() if re.fullmatch(pattern, old)]
        assert matching == [new], old
    assert not any(re.fullmatch(pattern, "/blog/posts/older/") for pattern in rules)
    assert 'RewriteCond %{QUERY_STRING} "^p=12$"' in text
    assert "Header set Cache-Control" in text
    assert not (out / "_redirects").exists() and not (out / "nginx-map.conf").exists()


def test_apache_answers_an_old_address_with_a_301(tmp_path):
    reason = webservers.missing(webservers.APACHE)
    if reason:
        pytest.skip(reason)
    out = build(_site(tmp_path, "apache")).output_dir
    with (
        webservers.readable_copy(out) as (docroot, scratch),
        webservers.apache(docroot, scratch) as origin,
    ):
        for old, new in EXPECTED.items():
            response = _get(origin, old)
            assert (response.status, response.getheader("Location")) == (301, new), old
        response = _get(origin, "/blog/?p=12")
        assert response.status == 301
        assert response.getheader("Location") == "https://example.org/blog/posts/single/"
        assert _get(origin, "/blog/posts/older/").status == 200
        asset = _get(origin, f"/blog/static/{_fingerprinted(out)}")
        assert asset.status == 200 and "immutable" in asset.getheader("Cache-Control")


def test_nginx_map_parses_and_nginx_answers_an_old_address_with_a_301(tmp_path):
    out = build(_site(tmp_path, "nginx")).output_dir
    text = (out / "nginx-map.conf").read_text("utf-8")
    entries = dict(re.findall(r'^    "([^"]+)" "([^"]+)";$', text, re.MULTILINE))
    assert entries == {**EXPECTED, "/blog/?p=12": "https://example.org/blog/posts/single/"}
    reason = webservers.missing(webservers.NGINX)
    if reason:
        pytest.skip(reason)
    with webservers.readable_copy(out) as (docroot, scratch):
        blog = docroot / "blog"
        with webservers.nginx(
            docroot, scratch, blog / "nginx-map.conf", blog / "nginx-server.conf"
        ) as origin:
            for old, new in {**EXPECTED, "/blog/?p=12": entries["/blog/?p=12"]}.items():
                response = _get(origin, old)
                assert (response.status, response.getheader("Location")) == (301, new), old
            assert _get(origin, "/blog/posts/older/").status == 200
            assert _get(origin, "/blog/?utm=x").status == 200
            asset = _get(origin, f"/blog/static/{_fingerprinted(out)}")
            assert asset.status == 200 and "immutable" in asset.getheader("Cache-Control")


def test_netlify_files_parse(tmp_path):
    out = build(_site(tmp_path, "netlify", query=False)).output_dir
    rules = {}
    for line in (out / "_redirects").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            old, new, status = line.split()
            rules[old] = (new, status)
    assert rules == {
        old: (new.removeprefix("https://example.org"), "301") for old, new in EXPECTED.items()
    }
    headers: dict[str, list[str]] = {}
    for line in (out / "_headers").read_text("utf-8").splitlines():
        if line.startswith("/"):
            headers[line] = []
        elif line.startswith("  "):
            headers[list(headers)[-1]].append(line.strip())
    css = f"/blog/static/{_fingerprinted(out)}"
    assert headers[css] == ["Cache-Control: public, max-age=31536000, immutable"]
    assert all((out / path.removeprefix("/blog/")).is_file() for path in headers)
    assert not any(path.endswith("favicon.svg") for path in headers)


def test_netlify_cannot_match_a_query_string(tmp_path, capsys):
    from generator.cli import main

    assert main(["build", str(_site(tmp_path, "netlify"))]) == 1
    assert "has a query string" in capsys.readouterr().err
