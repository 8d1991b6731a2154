"""Targets: where a publish sends the site, named by a URL.

=====================================  ==============================================
``file:///srv/www/blog``               a folder (a mounted share, a web server's root)
``ssh://user@host[:port]/path``        a host over SSH: rsync when it has it, else SFTP
``sftp://user@host[:port]/path``       a host over SFTP only
``git+ssh://git@host/owner/repo.git``  a branch a Pages host serves (``#branch``,
``git+file:///path/repo.git#branch``   default ``gh-pages``)
=====================================  ==============================================

A path after the host is absolute (``/var/www/blog``); ``/~/public_html`` is
relative to the login's home folder. Every target has the same small interface,
:class:`Target` (:func:`generator.publish.connect.open_target` makes the one a
URL names); the runner (:mod:`generator.publish.run`) decides what to send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from generator.errors import PublishError

SCHEMES = ("file", "ssh", "sftp", "git+ssh", "git+file")
DEFAULT_BRANCH = "gh-pages"

Local = Callable[[str], Path]  # dest_path -> the local file to send
Done = Callable[[str], None]  # told of each file sent or deleted


@dataclass(frozen=True)
class TargetURL:
    """A parsed target URL; ``path`` is relative to the home folder when it starts with ``~/``."""

    url: str
    scheme: str
    path: str
    user: str = ""
    host: str = ""
    port: int | None = None
    branch: str = DEFAULT_BRANCH

    @property
    def login(self) -> str:
        return f"{self.user}@{self.host}" if self.user else self.host

    @property
    def remote_path(self) -> str:
        """The path as the far side's shell and SFTP server take it."""
        return self.path[2:] or "." if self.path.startswith("~/") else self.path


class Target(Protocol):
    """One place the site is published to."""

    url: TargetURL

    def extras(self, base_url: str) -> dict[str, bytes]:
        """Files the host needs besides the build (a Pages host's ``.nojekyll``)."""

    def read_record(self) -> bytes | None:
        """The record of what sitegen published here, or None."""

    def list_files(self, tidy: bool = True) -> set[str] | None:
        """Every file the target holds (dest paths), or None where it cannot say.

        What a publish cut short left half-sent is never listed; ``tidy`` removes it
        too (a dry run does not: it changes nothing on the target)."""

    def send(self, dests: list[str], local: Local, sent: Done) -> None:
        """Put these files in place in this order (assets, pages, then the files that
        point at pages), each whole: never a half-written file, never a file before
        one listed earlier."""

    def delete(self, dests: list[str], deleted: Done) -> None:
        """Remove these files, and the folders they leave empty."""

    def write_record(self, data: bytes) -> None:
        """Keep the record of what is published here now."""

    def finish(self, message: str) -> None:
        """Make it all visible (a git target commits and pushes); ``message`` says what."""


def parse_target(url: str) -> TargetURL:
    """``"ssh://deploy@example.com:2222/var/www"`` -> its parts; raise for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise PublishError(
            "site.toml",
            f"cannot publish to {url!r}: sitegen knows {', '.join(s + '://' for s in SCHEMES)}",
            hint='for example: to = "ssh://deploy@clinic.example.com/var/www/blog"',
        )
    path = unquote(parts.path)
    if path.startswith("/~/") or path == "/~":
        path = "~/" + path[3:]
    if not path or path == "/" and scheme in ("file", "git+file"):
        raise PublishError("site.toml", f"the target {url!r} names no folder")
    needs_host = scheme in ("ssh", "sftp", "git+ssh")
    if needs_host and not parts.hostname:
        raise PublishError("site.toml", f"the target {url!r} names no host")
    if parts.password:
        raise PublishError(
            "site.toml",
            f"the target {redact(url)!r} holds a password",
            hint="use an SSH key (ssh-keygen, then ssh-copy-id) and drop the password",
        )
    try:
        port = parts.port
    except ValueError:
        raise PublishError("site.toml", f"the target {url!r} has a bad port") from None
    return TargetURL(
        url=url,
        scheme=scheme,
        path=path,
        user=unquote(parts.username or ""),
        host=parts.hostname or "",
        port=port,
        branch=parts.fragment or DEFAULT_BRANCH,
    )


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
