"""``sitegen serve``: build, serve the output on loopback, rebuild on change, reload the browser.

- The build is the incremental :class:`~generator.engine.pipeline.Engine`, told
  which paths changed by ``watchfiles`` (inotify events, no polling), so every
  save reaches the browser at once; livereload's own watcher polls and its
  handler drops a reload within 3 s of the last one, so only its protocol and
  browser script are used here, and reloads are sent directly.
- A stylesheet-only change swaps the CSS without reloading the page: the
  browser asks again for the stylesheet it has (``style.<old hash>.css``) and
  gets the current one.
- A build error never stops the server: every page shows the error (the same
  text the terminal prints), and the next good build brings the pages back.
- Only files inside the output folder are served: ``..``, encoded or not, and
  symlinks that lead out are refused.

Use::

    serve(Path("my-site"))              # http://127.0.0.1:8000/ until Ctrl-C
"""

from __future__ import annotations

import contextlib
import gc
import html
import os
import re
import threading
import time
import traceback
import webbrowser
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import watchfiles
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from tornado import web
from tornado.ioloop import IOLoop

from generator.build_lock import output_folder_locked
from generator.build_options import BuildOptions, BuildResult
from generator.cache_folder import check_cache_folder
from generator.code_frame import code_frame, with_frame
from generator.config import CONFIG_NAME, load_config
from generator.discover import default_theme_dir
from generator.editor_files import SourceChanges
from generator.engine.pipeline import Engine
from generator.errors import SiteError
from generator.output_kinds import OutputKind
from generator.request_guard import GuardedApplication, SameOriginLiveReload

WATCHED = ("content", "templates", "static", CONFIG_NAME)
STYLESHEET = re.compile(r"^(?P<stem>.+)\.[0-9a-f]{10}\.css$")
_LIVE_SCRIPT = (
    '<script>(function(){var s=document.createElement("script");'
    's.src="/livereload.js?port=" + (window.location.port || 80);'
    "document.head.appendChild(s);})();</script>"
)


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    drafts: bool = False
    open_browser: bool = False
    output_dir: Path | None = None  # default: CACHE/serve
    cache_dir: Path | None = None  # default: SITE/.sitegen-cache


class Preview:
    """The site as last built for the browser: its output folder, or the error that stopped it."""

    def __init__(
        self,
        site_dir: Path,
        drafts: bool = False,
        output_dir: Path | None = None,
        cache_dir: Path | None = None,
    ):
        self.site_dir = site_dir.resolve()
        cache = BuildOptions(cache_dir=cache_dir).cache_folder(self.site_dir)
        self.output_dir = (output_dir or cache / "serve").resolve()
        check_cache_folder(self.site_dir, self.output_dir, cache, default_theme_dir())
        options = BuildOptions(output_dir=self.output_dir, drafts=drafts, cache_dir=cache_dir)
        self.engine = Engine(self.site_dir, options)
        self.error: SiteError | None = None
        self.written: set[str] = set()  # what the last rebuild wrote
        self._lock = threading.Lock()

    def write_edited(self, changed: Iterable[Path]) -> list[str]:
        """Write the pages of articles whose text alone changed, before the rebuild."""
        if self.error is not None:
            return []  # the error page stays until a build succeeds
        with self._lock, self._output_locked():
            return self.engine.write_edited_pages(changed)

    def _output_locked(self) -> contextlib.AbstractContextManager[None]:
        """No ``sitegen build`` writes the preview's output folder meanwhile."""
        tell = partial(print, flush=True)
        return output_folder_locked(self.engine.cache_dir, self.output_dir, tell)

    def rebuild(self, changed: Iterable[Path] | None = None, early: Iterable[str] = ()) -> str:
        """Build (again); return the line to print: what changed, what was written, how long.

        ``early`` names the pages :meth:`write_edited` wrote just before: changed too."""
        started = time.perf_counter()
        what = _describe(self.site_dir, changed)
        with self._lock, self._output_locked():
            self.written = set()
            try:
                result = self.engine.build(changed)
            except SiteError as error:
                self.error = error
                return f"{what}: build failed\n{with_frame(self.site_dir, error)}"
            except Exception as error:  # a bug in sitegen must not stop the preview either
                traceback.print_exc()
                self.error = SiteError(None, f"sitegen failed: {type(error).__name__}: {error}")
                return f"{what}: build failed\n{self.error}"
            self.error = None
            self.written = set(result.report.written)
        return f"{what}: {_summary(result, early, time.perf_counter() - started)}"


def serve(site_dir: Path, options: ServeOptions | None = None) -> None:
    """Build and serve ``site_dir`` until interrupted; rebuild and reload on every change."""
    options = options or ServeOptions()
    preview = Preview(site_dir, options.drafts, options.output_dir, options.cache_dir)
    loop = IOLoop.current()
    stop, watching = threading.Event(), threading.Event()
    watcher = threading.Thread(
        target=_watch, args=(preview, loop, stop, watching), name="sitegen-watch", daemon=True
    )
    watcher.start()
    # The first build reads the files only once they are watched: a save made while
    # the server starts is then either in the first build or starts the next one.
    watching.wait(timeout=10)
    print(preview.rebuild(), flush=True)
    # The first build's records last as long as the server: kept out of the cyclic
    # garbage collector's full collections, which would walk all of them in the
    # middle of a later rebuild (half a second apiece at 10,000 articles).
    gc.collect()
    gc.freeze()
    base_path = _base_path(preview.site_dir)
    app = make_app(preview, base_path, options.host)
    app.listen(options.port, address=options.host)
    url = f"http://{options.host}:{options.port}{base_path}"
    print(f"Serving {preview.site_dir} at {url} (Ctrl-C to stop)", flush=True)
    if options.open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        loop.start()
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        stop.set()


def make_app(preview: Preview, base_path: str = "/", host: str = "127.0.0.1") -> web.Application:
    """The web application: the output folder under ``base_path`` plus livereload's endpoints,
    answering only requests for ``host`` or loopback (see :mod:`generator.request_guard`)."""
    LiveReloadHandler.watcher = SimpleNamespace(filepath=None)  # read by its log line only
    LiveReloadHandler.live_css = True

    class InjectLiveScript(LiveScriptInjector):
        script = _LIVE_SCRIPT.encode()

    handlers: list = [
        (r"/livereload", SameOriginLiveReload),
        (r"/livereload\.js", LiveReloadJSHandler),
        (re.escape(base_path) + r"(.*)", OutputHandler, {"preview": preview}),
    ]
    if base_path != "/":
        handlers.append((r"/", web.RedirectHandler, {"url": base_path}))
    # One line per rebuild is what the terminal shows, not one per request.
    return GuardedApplication(
        handlers, transforms=[InjectLiveScript], log_function=_quiet, listening=host
    )


class OutputHandler(web.StaticFileHandler):
    """Files of the output folder, the error page while the build is broken, and 404.html."""

    def initialize(self, preview: Preview) -> None:  # type: ignore[override]
        super().initialize(path=str(preview.output_dir), default_filename="index.html")
        self.preview = preview

    async def get(self, path: str, include_body: bool = True) -> None:
        error = self.preview.error
        if error is not None and _is_page(path):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(error_page(error, code_frame(self.preview.site_dir, error)))
            return
        await super().get(self._current_stylesheet(path), include_body)

    async def head(self, path: str) -> None:
        """What GET would answer, without the body (link checkers and uptime probes ask so)."""
        await self.get(path, include_body=False)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        """Refuse anything that is not, once symlinks are followed, inside the output folder."""
        real_root = os.path.realpath(root)
        real = os.path.realpath(absolute_path)
        if real != real_root and not real.startswith(real_root + os.sep):
            raise web.HTTPError(404)
        return super().validate_absolute_path(root, absolute_path)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")  # a preview is always current

    def write_error(self, status_code: int, **kwargs) -> None:
        not_found = Path(self.root) / "404.html"
        if status_code == 404 and not_found.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(not_found.read_bytes())
            return
        super().write_error(status_code, **kwargs)

    def _current_stylesheet(self, path: str) -> str:
        """``static/style.<old hash>.css`` -> today's ``static/style.<hash>.css``, if gone.

        After a stylesheet change the open page asks again for the name it has;
        answering with the current file lets livereload swap the CSS in place.
        """
        folder, _, name = path.rpartition("/")
        match = STYLESHEET.match(name)
        if not match or (Path(self.root) / path).exists():
            return path
        for candidate in sorted((Path(self.root) / folder).glob(match["stem"] + ".*.css")):
            if STYLESHEET.match(candidate.name):
                return f"{folder}/{candidate.name}" if folder else candidate.name
        return path


def error_page(error: SiteError, frame: str = "") -> str:
    """A page that shows a build error as the terminal does, with the lines around it
    (``frame``, see :mod:`generator.code_frame`); livereload brings the site back."""
    text = html.escape(str(error))
    shown = (
        '<pre id="sitegen-frame" class="frame" tabindex="0" role="region" '
        f'aria-label="The lines around the mistake">{html.escape(frame)}</pre>\n'
        if frame
        else ""
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Build error | sitegen</title>\n"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:1rem;max-width:60rem;"
        "color:#1c2630;background:#fff}pre{white-space:pre-wrap;overflow-wrap:anywhere;"
        "background:#fff0f0;color:#600;padding:1rem;border-left:4px solid #c00}"
        "pre.frame{white-space:pre;overflow-x:auto;overflow-wrap:normal;background:#f3f6f8;"
        "color:#1c2630;border-left-color:#4a5866}</style>\n</head>\n<body>\n"
        "<h1>The site could not be built</h1>\n"
        f'<pre id="sitegen-error">{text}</pre>\n{shown}'
        "<p>Fix the file and save it: this page reloads by itself.</p>\n</body>\n</html>\n"
    )


def _watch(
    preview: Preview, loop: IOLoop, stop: threading.Event, watching: threading.Event
) -> None:
    """Rebuild on every batch of file changes and tell the browsers to reload.

    ``watching`` is set at the first answer of the watcher (a change, or a quiet
    moment): by then every folder is watched."""
    paths = [preview.site_dir / name for name in WATCHED if (preview.site_dir / name).exists()]
    changes_of_sources = watchfiles.watch(
        *paths,
        watch_filter=SourceChanges(),
        stop_event=stop,
        step=10,
        rust_timeout=50,
        yield_on_timeout=True,
        raise_interrupt=False,
    )
    for changes in changes_of_sources:
        watching.set()
        if not changes:
            continue
        changed = sorted({Path(path) for _, path in changes})
        # An edited article's own page first, so that the writer sees it at once; the
        # rebuild then decides everything else and reloads again if it wrote more.
        early = preview.write_edited(changed)
        if early:
            loop.add_callback(LiveReloadHandler.reload_waiters, "*")
        print(preview.rebuild(changed, early), flush=True)
        if not early or preview.error is not None or not preview.written <= set(early):
            loop.add_callback(LiveReloadHandler.reload_waiters, _reload_path(preview, changed))


def _reload_path(preview: Preview, changed: list[Path]) -> str:
    """What livereload should reload: a stylesheet's name when only stylesheets changed."""
    if preview.error is None and all(path.suffix == ".css" for path in changed):
        return "static/" + changed[0].name
    return "*"


def _quiet(handler: web.RequestHandler) -> None:
    """Requests are not logged."""


def _is_page(path: str) -> bool:
    return path == "" or path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]


def _base_path(site_dir: Path) -> str:
    try:
        return load_config(site_dir).base_path
    except SiteError:
        return "/"


def _describe(site_dir: Path, changed: Iterable[Path] | None) -> str:
    if changed is None:
        return "Initial build"
    names = [_relative(site_dir, path) for path in changed]
    more = f" and {len(names) - 2} more" if len(names) > 2 else ""
    return ", ".join(names[:2]) + more + " changed"


def _relative(site_dir: Path, path: Path) -> str:
    return path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else str(path)


def _summary(result: BuildResult, early: Iterable[str], seconds: float) -> str:
    """``1 page changed (3 files written, 1 removed) in 40 ms``: what a reader would see."""
    report = result.report
    # The early ones are article pages; what the build wrote is whatever changed.
    written_pages = (d for d in report.written if result.outputs.kind(d) is OutputKind.PAGE)
    pages = {*early, *written_pages}
    files = len(set(early) | set(report.written))
    return (
        f"{len(pages)} {'page' if len(pages) == 1 else 'pages'} changed "
        f"({files} {'file' if files == 1 else 'files'} written, {len(report.removed)} removed) "
        f"in {seconds * 1000:.0f} ms"
    )
