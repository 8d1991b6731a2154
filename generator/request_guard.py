"""What the dev server answers at all: requests for this site, on this machine.

The preview holds drafts and listens on loopback, but a web page the writer
visits can still reach it: a name the attacker controls is made to resolve to
127.0.0.1 ("DNS rebinding") and the page then reads the preview as its own
origin. The browser sends that name in the ``Host`` header and the page's
origin in a websocket's ``Origin``, so:

- a request whose ``Host`` is not a loopback name or the address the server
  listens on gets 421 Misdirected Request;
- livereload's websocket accepts only a page of the preview itself (its
  ``Origin`` names the host the request came to);
- a path with a NUL byte, a ``%`` not followed by two hex digits, or bytes
  that are not UTF-8 once decoded gets 400, before any handler sees it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes, urlsplit

from livereload.handlers import LiveReloadHandler
from tornado import httputil, web

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def host_name(host_header: str) -> str:
    """``"[::1]:8000"`` -> ``"::1"``, ``"Localhost.:80"`` -> ``"localhost"``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0].rstrip(".") if host.count(":") <= 1 else host


def host_allowed(host_header: str, listening: str) -> bool:
    return host_name(host_header) in LOOPBACK_NAMES | {host_name(listening)}


def path_problem(path: str) -> str | None:
    """Why a request path cannot name a file, or ``None``."""
    if "\0" in path or _BAD_PERCENT.search(path):
        return "malformed path"
    decoded = unquote_to_bytes(path)
    if b"\0" in decoded:
        return "NUL byte in path"
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return "path is not UTF-8"
    return None


def origin_allowed(origin: str, host_header: str) -> bool:
    """A websocket's ``Origin`` must be a page of the server it connects to."""
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host_header.lower()


class _Refused(web.RequestHandler):
    def initialize(self, status: int, reason: str) -> None:  # type: ignore[override]
        self.status, self.reason = status, reason

    def prepare(self) -> None:
        self.set_status(self.status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{self.status} {self.reason}\n")


class GuardedApplication(web.Application):
    """A Tornado application that refuses foreign hosts and unusable paths first."""

    def __init__(self, *args, listening: str = "127.0.0.1", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.listening = listening

    def find_handler(self, request: httputil.HTTPServerRequest, **kwargs):
        if not host_allowed(request.host, self.listening):
            refusal = {"status": 421, "reason": "this server answers only for localhost"}
        else:
            problem = path_problem(request.path)
            if problem is None:
                return super().find_handler(request, **kwargs)
            refusal = {"status": 400, "reason": problem}
        return self.get_handler_delegate(request, _Refused, refusal)


class SameOriginLiveReload(LiveReloadHandler):
    """livereload's websocket, for pages of this preview only (it accepts any origin)."""

    def check_origin(self, origin: str) -> bool:
        return origin_allowed(origin, self.request.host)
