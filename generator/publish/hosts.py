"""Redirects and cache headers in the formats web hosts read, chosen by ``[publish] host``.

=========  ==============================================================================
host       files the build writes beside the redirect pages
=========  ==============================================================================
static     none: the redirect pages work everywhere (the default)
apache     ``.htaccess``: a permanent redirect per old address (``RedirectMatch 301``,
           ``RewriteCond`` for a query string), long caching of fingerprinted assets
nginx      ``nginx-map.conf`` (for the ``http`` block: which address goes where) and
           ``nginx-server.conf`` (for the site's ``server`` block: the 301, the caching)
netlify    ``_redirects`` and ``_headers`` (Netlify, Cloudflare Pages)
=========  ==============================================================================

Each function takes the site's settings and its checked redirects
(:func:`generator.redirects.site_redirects`) and returns each file's text;
``plan`` turns them into outputs like any page.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from generator.config import Config
from generator.redirects import Redirect

HEADER = "Written by sitegen from aliases: and [redirects]; a build replaces it."
# Stylesheets and scripts carry a hash of their bytes in their names: cache them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
FINGERPRINTED = r"\.[0-9a-f]{10}\.(css|js)$"
NETLIFY_HEADERS_TEMPLATE = "hosts/netlify-headers.txt"
HEADERS = {
    "header": "Written by sitegen; a build replaces it.",
    "cache_control": IMMUTABLE,
}  # what that template is given


def host_files(config: Config, redirects: tuple[Redirect, ...]) -> dict[str, str]:
    """``dest_path -> text`` of the host's own files; nothing for ``static``."""
    host = config.publish.host
    if host == "apache":
        return {".htaccess": htaccess(config, redirects)}
    if host == "nginx":
        return {
            "nginx-map.conf": nginx_map(config, redirects),
            "nginx-server.conf": nginx_server(config),
        }
    if host == "netlify":
        return {"_redirects": netlify_redirects(redirects)}
    return {}


def target_url(config: Config, redirect: Redirect) -> str:
    return config.origin + redirect.target if redirect.target.startswith("/") else redirect.target


def htaccess(config: Config, redirects: tuple[Redirect, ...]) -> str:
    lines = [f"# {HEADER}", f"ErrorDocument 404 {config.base_path}404.html", ""]
    plain = [r for r in redirects if not r.query]
    if plain:
        lines.append("<IfModule mod_alias.c>")
        for redirect in plain:
            pattern = "^" + re.escape(unquote(redirect.path)) + "$"
            lines.append(
                f"RedirectMatch 301 {_apache(pattern)} {_apache(target_url(config, redirect))}"
            )
        lines += ["</IfModule>", ""]
    queries = [r for r in redirects if r.query]
    if queries:
        lines += ["<IfModule mod_rewrite.c>", "RewriteEngine On"]
        for redirect in queries:
            path = "^" + re.escape(unquote(redirect.path)) + "$"
            lines.append(f"RewriteCond %{{REQUEST_URI}} {_apache(path)}")
            query = "^" + re.escape(redirect.query) + "$"
            lines.append(f"RewriteCond %{{QUERY_STRING}} {_apache(query)}")
            lines.append(f"RewriteRule ^ {_apache(target_url(config, redirect))} [R=301,L,QSD]")
        lines += ["</IfModule>", ""]
    lines += [
        "<IfModule mod_headers.c>",
        f'<FilesMatch "{FINGERPRINTED}">',
        f'Header set Cache-Control "{IMMUTABLE}"',
        "</FilesMatch>",
        "</IfModule>",
    ]
    return "\n".join(lines) + "\n"


def nginx_map(config: Config, redirects: tuple[Redirect, ...]) -> str:
    """Two maps: an old path (``$uri``, decoded) or an old path with its query
    (``$request_uri``, as sent) to the new address."""
    lines = [
        f"# {HEADER}",
        "# Include it in nginx's http block, and nginx-server.conf in the site's server block:",
        "#   include /path/to/the/site/nginx-map.conf;",
        "map $uri $sitegen_redirect_path {",
        '    default "";',
    ]
    for redirect in (r for r in redirects if not r.query):
        lines.append(
            f"    {_nginx(unquote(redirect.path))} {_nginx(target_url(config, redirect))};"
        )
    lines += ["}", "map $request_uri $sitegen_redirect {", "    default $sitegen_redirect_path;"]
    for redirect in (r for r in redirects if r.query):
        lines.append(f"    {_nginx(redirect.old)} {_nginx(target_url(config, redirect))};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def nginx_server(config: Config) -> str:
    static = re.escape(f"{config.base_path}static/")
    return (
        "\n".join(
            [
                f"# {HEADER}",
                "# Include it in the site's server block (nginx-map.conf goes in the http block):",
                "#   include /path/to/the/site/nginx-server.conf;",
                "if ($sitegen_redirect) {",
                "    return 301 $sitegen_redirect;",
                "}",
                f"error_page 404 {config.base_path}404.html;",
                f'location ~ "^{static}.+{FINGERPRINTED}" {{',
                f'    add_header Cache-Control "{IMMUTABLE}";',
                "}",
            ]
        )
        + "\n"
    )


def netlify_redirects(redirects: tuple[Redirect, ...]) -> str:
    lines = [f"# {HEADER}"]
    for redirect in redirects:
        lines.append(f"{_no_spaces(redirect.path)}  {_no_spaces(redirect.target)}  301")
    return "\n".join(lines) + "\n"


def _apache(text: str) -> str:
    """A quoted argument of an Apache directive (Apache reads a backslash literally, but
    for one before a quote)."""
    return '"' + text.replace('"', '\\"') + '"'


def _nginx(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _no_spaces(address: str) -> str:
    """``_redirects`` separates fields by spaces: a space in an address is percent-encoded."""
    return quote(address, safe="/%:?=&#@!$'()*+,;~")
