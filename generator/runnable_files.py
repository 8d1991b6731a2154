"""The ``runnable-file`` rule: no file of ``content/`` that a browser or a server would run.

An article's or page's folder holds what its writers put there (images, PDFs),
published byte for byte on the site's own address. A file a browser opens as a
page or runs as a script (HTML, XHTML, XML, JavaScript), or that a web server
runs (PHP, CGI), would run code as the clinic's site, so it is an error naming
the file. SVG drawings are read and refused only when they could run
(:mod:`generator.svg_safety`); Markdown's own HTML is checked by
:mod:`generator.html_safety`. Files of ``static/`` are the web team's and are
published as they are.
"""

from __future__ import annotations

from generator.errors import ContentError

RULE = "runnable-file"

# Opened as a page or run as a script by a browser, or run by a web server.
_RUNNABLE_SUFFIXES = frozenset(
    {
        *("html", "htm", "xhtml", "xht", "shtml", "shtm", "mht", "mhtml", "hta", "svgz"),
        *("xml", "xsl", "xslt", "js", "mjs", "cjs"),
        *("php", "php3", "php4", "php5", "php7", "phtml", "phar", "cgi", "pl", "py", "rb"),
        *("asp", "aspx", "jsp", "jspx"),
    }
)


def refuse_runnable_file(src_path: str) -> None:
    """A file of ``content/`` that a browser or a web server would run is a
    ``runnable-file`` error: writers' files are published as they are, on the site's
    own address (SVG drawings are read instead: :mod:`generator.svg_safety`)."""
    name = src_path.rpartition("/")[2]
    suffix = name.rpartition(".")[2].lower()
    if "." in name and suffix in _RUNNABLE_SUFFIXES:
        raise ContentError(
            src_path,
            f"a .{suffix} file in content/ would run in readers' browsers or on the web "
            "server, and the build publishes writers' files as they are",
            hint="write it as Markdown (a section, or a page in content/pages/); a file the "
            "web team made for the whole site goes in static/",
            rule=RULE,
        )
