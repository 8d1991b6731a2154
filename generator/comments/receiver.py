"""`sitegen comments serve`: the HTTP receiver for the comment form (Tornado + SQLite).

It answers a POST to the path of ``[comments] endpoint``; every answer:

=====  ==================================================================
303    See Other: the comment is stored as pending; ``Location`` is the
       build's thank-you page, on the origin the form was posted from (an
       allowed one, such as ``sitegen serve`` on a laptop). A filled
       honeypot gets the same answer and nothing is stored.
400    Bad Request: the form is not valid UTF-8 form data, a field is
       missing, empty, given twice or too long, the email has no valid
       shape, or a field holds control characters, direction controls
       (U+202E ...) or zero-width characters. (Tornado answers 400 and
       closes the connection for a malformed request or a body over eight
       times the size limit.)
403    Forbidden: the ``Origin`` header is missing or is neither the origin
       of ``base_url`` nor one of ``[comments] allowed_origins``.
404    Not Found: any path other than the endpoint's.
405    Method Not Allowed: any method other than POST.
413    Content Too Large: the body is over the size limit (from
       ``max_length``).
415    Unsupported Media Type: the body is not
       ``application/x-www-form-urlencoded`` (what an HTML form sends).
422    Unprocessable Content: the form names no article of the site.
429    Too Many Requests: the client address posted ``rate_limit`` times
       within ``rate_window`` seconds; ``Retry-After`` says when to retry.
=====  ==================================================================

Each accepted comment is one committed transaction before the 303 is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import signal
import time
import unicodedata
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import tornado.httpserver
import tornado.netutil
import tornado.web

from generator.comments import THANKS_PATH
from generator.comments.articles import comment_settings, load_articles
from generator.comments.impostors import impersonation, invisible_problem, protected_people
from generator.comments.store import CommentsError, CommentStore, NewComment
from generator.comments.text import markup_problem

# Form field names, shared with templates/partials/comments.html.
FIELDS = ("article", "name", "email", "comment")
HONEYPOT = "website"
NAME_MAX = 100
EMAIL_MAX = 254  # RFC 5321's limit on a path
EMAIL_SHAPE = re.compile(r"^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$")


@dataclass(frozen=True)
class ReceiverSettings:
    """What the receiver checks posts against, read once from the site at start."""

    path: str  # the endpoint's path, such as "/comments"
    thanks_url: str
    origins: frozenset[str]
    articles: frozenset[str]  # slugs
    rate_limit: int
    rate_window: int
    max_length: int
    thanks_path: str = "/" + THANKS_PATH  # under base_url's path: the same on every origin
    # Names a comment must not pose as: the clinic, [authors], [reviewers] (see impostors).
    people: tuple[tuple[str, str], ...] = ()

    def thanks_for(self, origin: str) -> str:
        """The thank-you page on ``origin`` (an allowed one), so that a reader testing on a
        laptop lands on the preview's page, not on the live site."""
        origin = same_origin(origin)
        if origin in self.origins and not self.thanks_url.startswith(origin + "/"):
            return origin + self.thanks_path
        return self.thanks_url

    @property
    def max_body(self) -> int:
        """Bytes of form data a comment of ``max_length`` may take, percent-encoded."""
        return 12 * (self.max_length + NAME_MAX + EMAIL_MAX) + 1024


def receiver_settings(site_dir: Path) -> ReceiverSettings:
    config, articles = load_articles(site_dir, drafts=False)
    comments = comment_settings(config)
    return ReceiverSettings(
        path=urlsplit(comments.endpoint).path or "/",
        thanks_url=config.base_url + THANKS_PATH,
        thanks_path=config.base_path + THANKS_PATH,
        origins=frozenset(map(same_origin, (config.origin, *comments.allowed_origins))),
        articles=frozenset(article.slug for article in articles),
        rate_limit=comments.rate_limit,
        rate_window=comments.rate_window,
        max_length=comments.max_length,
        people=protected_people(config),
    )


def same_origin(origin: str) -> str:
    """An origin as browsers send it: lower case, without the scheme's default port.

    >>> same_origin("HTTPS://Clinic.example.com:443")
    'https://clinic.example.com'
    """
    origin = origin.strip().lower()
    for scheme, port in (("http://", ":80"), ("https://", ":443")):
        if origin.startswith(scheme) and origin.endswith(port):
            return origin.removesuffix(port)
    return origin


class RateLimiter:
    """At most ``limit`` posts per client address in any ``window`` seconds.

    >>> limiter = RateLimiter(2, 60, clock=lambda: 0.0)
    >>> [limiter.retry_after("10.0.0.1") for _ in range(3)]
    [0, 0, 61]
    """

    SWEEP_EVERY = 1000  # posts; forgets addresses that went quiet, so memory stays bounded

    def __init__(self, limit: int, window: int, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._posts: dict[str, deque[float]] = defaultdict(deque)
        self._calls = 0

    def retry_after(self, address: str) -> int:
        """0 and the post counted if it may go ahead, else the seconds to wait."""
        now = self.clock()
        self._calls += 1
        if self._calls % self.SWEEP_EVERY == 0:
            self._sweep(now)
        posts = self._posts[address]
        while posts and posts[0] <= now - self.window:
            posts.popleft()
        if len(posts) >= self.limit:
            return max(1, int(posts[0] + self.window - now) + 1)
        posts.append(now)
        return 0

    def _sweep(self, now: float) -> None:
        for address in [a for a, p in self._posts.items() if not p or p[-1] <= now - self.window]:
            del self._posts[address]


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@tornado.web.stream_request_body
class CommentHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)

    def initialize(
        self,
        settings: ReceiverSettings,
        store: CommentStore,
        limiter: RateLimiter,
        log: Callable[[str], None],
    ) -> None:
        self.receiver = settings
        self.store = store
        self.limiter = limiter
        self.log = log
        self.received = bytearray()
        self.oversize = False

    def prepare(self) -> None:
        try:
            self._check_headers()
        except Refused as refused:
            self._refuse(refused)

    def data_received(self, chunk: bytes) -> None:
        if len(self.received) + len(chunk) > self.receiver.max_body:
            self.oversize = True
        if not self.oversize:
            self.received += chunk

    def post(self) -> None:
        try:
            if self.oversize:
                raise Refused(413, "The comment is too long.")
            form = parse_form(bytes(self.received))
            if form.get(HONEYPOT):
                self.redirect(self._thanks(), status=303)  # the same answer, unsaved
                return
            comment = validate(form, self.receiver)
        except Refused as refused:
            self._refuse(refused)
            return
        number = self.store.add(comment)
        # What the clinic needs to find it in `comments list`; never the e-mail or address.
        self.log(f"comment {number} received for '{comment.article}', pending moderation")
        self.redirect(self._thanks(), status=303)

    def _thanks(self) -> str:
        return self.receiver.thanks_for(self.request.headers.get("Origin", ""))

    def _check_headers(self) -> None:
        length = self.request.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > self.receiver.max_body:
            raise Refused(413, "The comment is too long.")
        if same_origin(self.request.headers.get("Origin", "")) not in self.receiver.origins:
            raise Refused(403, "Comments are accepted only from the clinic's own pages.")
        kind = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise Refused(415, "Send the comment with the form on the article's page.")
        wait = self.limiter.retry_after(self.request.remote_ip or "")
        if wait:
            self.set_header("Retry-After", str(wait))
            raise Refused(429, "Too many comments from your address; please try again later.")

    def _refuse(self, refused: Refused) -> None:
        self.set_status(refused.status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        reason = html.escape(HTTPStatus(refused.status).phrase)
        self.finish(
            f'<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>{reason}</title>'
            f"<h1>Your comment was not sent</h1><p>{html.escape(refused.message)}</p>"
            "<p>Use your browser's Back button to return to your comment.</p></html>\n"
        )


def parse_form(body: bytes) -> dict[str, str]:
    """Decode a form-encoded body strictly: UTF-8 only, each field at most once."""
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=2 * (len(FIELDS) + 1),
        )
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "The form data is not valid UTF-8.") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise Refused(400, f"The field '{key}' was sent twice.")
        form[key] = value
    return form


def validate(form: dict[str, str], settings: ReceiverSettings) -> NewComment:
    """Check every field; raise :class:`Refused` with the status and a reader's message."""
    article = _field(form, "article", 200, lines=False)
    name = _field(form, "name", NAME_MAX, lines=False)
    email = _field(form, "email", EMAIL_MAX, lines=False)
    text = _field(form, "comment", settings.max_length, lines=True)
    if not EMAIL_SHAPE.match(email):
        raise Refused(400, "Please give a valid email address, like name@example.com.")
    for key, value in (("name", name), ("comment", text)):
        problem = markup_problem(value)
        if problem:
            raise Refused(400, f"The field '{key}' holds {problem}; please write plain text.")
    if article not in settings.articles:
        raise Refused(422, "The form names no article of this site.")
    return NewComment(article, name, email, text, impersonation(name, dict(settings.people)))


def _field(form: dict[str, str], key: str, limit: int, *, lines: bool) -> str:
    value = form.get(key, "").replace("\r\n", "\n").strip()
    if not value:
        raise Refused(400, f"Please fill in the field '{key}'.")
    if len(value) > limit:
        raise Refused(400, f"The field '{key}' is longer than {limit} characters.")
    allowed = "\n\t" if lines else ""
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in allowed for c in value):
        raise Refused(400, f"The field '{key}' holds control characters.")
    invisible = invisible_problem(value)
    if invisible:
        raise Refused(
            400, f"The field '{key}' holds an invisible character ({invisible}); please remove it."
        )
    return value


def make_app(
    settings: ReceiverSettings, store: CommentStore, log: Callable[[str], None] = print
) -> tornado.web.Application:
    """``log(line)`` is told of each comment accepted."""
    limiter = RateLimiter(settings.rate_limit, settings.rate_window)
    handler_settings = {"settings": settings, "store": store, "limiter": limiter, "log": log}
    return tornado.web.Application([(re.escape(settings.path), CommentHandler, handler_settings)])


def serve(
    site_dir: Path, host: str, port: int, db_path: Path, announce: Callable[[str], None] = print
) -> None:
    """Run the receiver until SIGINT or SIGTERM; requests in flight are finished first."""
    settings = receiver_settings(site_dir)
    store = CommentStore(db_path)
    try:
        asyncio.run(_run(settings, store, host, port, announce))
    finally:
        store.close()


async def _run(
    settings: ReceiverSettings,
    store: CommentStore,
    host: str,
    port: int,
    announce: Callable[[str], None],
) -> None:
    try:
        sockets = tornado.netutil.bind_sockets(port, host)
    except OSError as error:
        raise CommentsError(
            None,
            f"cannot listen on {host}:{port}: {error.strerror or error}",
            hint="choose another --port, or stop what is using this one",
        ) from None
    server = tornado.httpserver.HTTPServer(
        make_app(settings, store, announce),
        max_body_size=8 * settings.max_body,
        body_timeout=30,
        idle_connection_timeout=60,
    )
    server.add_sockets(sockets)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    bound = sockets[0].getsockname()
    announce(
        f"Receiving comments for {len(settings.articles)} articles on "
        f"http://{host}:{bound[1]}{settings.path} (database: {store.path}); Ctrl+C stops"
    )
    await stop.wait()
    server.stop()
    with contextlib.suppress(TimeoutError):  # a client that stalls mid-body is dropped
        await asyncio.wait_for(server.close_all_connections(), timeout=5)
