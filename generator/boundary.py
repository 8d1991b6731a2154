"""The site folder is a boundary: nothing whose real path lies outside it is read.

A link in ``content/``, ``static/`` or ``templates/`` that leads out of the site
folder (``ln -s /etc/passwd content/posts/a/passwd.txt``, or a link to
``/proc/self/environ`` holding a build's secrets) would otherwise be read and
published as if it were the site's own file. Links that stay inside the site
keep working; links to folders are not followed at all (see :mod:`discover`),
but one leading out is refused all the same, so that it is not dropped silently.
"""

from __future__ import annotations

import os

from generator.errors import ContentError, SiteError, SiteErrors

RULE = "symlink-outside"


def real_root(site_dir: object) -> str:
    """The site folder's real path, what every link must stay inside."""
    return os.path.realpath(site_dir)


def leads_outside(root: str, path: str) -> bool:
    """Whether ``path`` (a link, or a path through one) really lies outside ``root``."""
    real = os.path.realpath(path)
    return real != root and not real.startswith(root.rstrip("/") + "/")


def outside_error(src_paths: list[str]) -> SiteError:
    """One error for every link found leading out, each naming its link.

    >>> error = outside_error(["static/a.txt", "content/posts/b/env.txt"])
    >>> [each.path for each in each_error(error)], error.message.split(";")[0]
    (['static/a.txt', 'content/posts/b/env.txt'], 'a link to a file outside the site folder')
    """
    errors = [
        ContentError(
            src_path,
            "a link to a file outside the site folder; sitegen never reads or publishes it",
            hint="copy the file into the site folder instead of linking to it, or remove the link",
            rule=RULE,
        )
        for src_path in src_paths
    ]
    return errors[0] if len(errors) == 1 else SiteErrors(errors)


def refuse_outside(root: str, path: str, src_path: str) -> None:
    """Raise the ``symlink-outside`` error if the link at ``path`` leads out of ``root``."""
    if leads_outside(root, path):
        raise outside_error([src_path])
