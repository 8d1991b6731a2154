"""The command line: parse arguments, call the build, turn errors into messages.

Exit codes: 0 success, 1 a problem in the site (the message names the file),
2 wrong command-line usage (argparse's own).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from generator import __version__, progress
from generator.build import BuildOptions, BuildResult, build_site
from generator.build_warnings import ALL_UP_TO, SHOWN_PER_RULE, warnings_text
from generator.cache_folder import add_cache_option, chosen_cache_dir
from generator.code_frame import with_frame
from generator.comments.commands import add_comments_parser
from generator.errors import SiteError
from generator.free_memory import share_one_heap
from generator.progress import for_stream
from generator.publish.command import add_publish_parser

# Each command imports what it needs when it runs: `sitegen build` with nothing to do
# should cost little more than starting Python.


def run() -> NoReturn:
    """The ``sitegen`` command: :func:`main`, then an exit that leaves memory to the system.

    Python would otherwise free every object of the build one by one on the way
    out, which at 10,000 articles costs more than a second after the work is done.
    """
    share_one_heap()  # the process is sitegen's from here: one heap for its threads
    # What the build loaded: kept alive to the end, as os._exit frees it all at once.
    held: list[object] = []
    code = main(held=held)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass  # the reader stopped reading (`sitegen check | head`): nothing left to tell it
    os._exit(code)


def main(argv: list[str] | None = None, held: list[object] | None = None) -> int:
    """Run one command; ``held`` (see :func:`generator.build.build_site`) when the
    process ends right after."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.held = held
    try:
        return args.command(args)
    except SiteError as error:
        print(with_frame(getattr(args, "site", None) or Path("."), error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of the output stopped reading (`sitegen check | head`); what was
        # done is done, and there is nobody to tell more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen", description="Build a clinic's blog from Markdown into a static site."
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    _add_build_parser(commands)
    _add_serve_parser(commands)
    _add_writing_parsers(commands)
    _add_check_parser(commands)
    add_comments_parser(commands)
    add_publish_parser(commands)
    return parser


def _add_build_parser(commands: argparse._SubParsersAction) -> None:
    build = commands.add_parser("build", help="build the site into an output folder")
    build.add_argument("site", nargs="?", default=".", type=Path, help="site folder (default: .)")
    build.add_argument("--output", "-o", type=Path, help="output folder (default: SITE/build)")
    build.add_argument("--drafts", action="store_true", help="include articles marked draft")
    build.add_argument("--future", action="store_true", help="include articles dated later")
    build.add_argument(
        "--clean", action="store_true", help="write every output again, trusting nothing there"
    )
    add_cache_option(build)
    build.add_argument(
        "--all-warnings",
        action="store_true",
        help=f"print every warning (default: the first {SHOWN_PER_RULE} of a rule broken "
        f"more than {ALL_UP_TO} times)",
    )
    build.set_defaults(command=_build)


def _add_serve_parser(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="preview the site, rebuilding as files change")
    serve.add_argument("site", nargs="?", default=".", type=Path, help="site folder (default: .)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    serve.add_argument("--drafts", action="store_true", help="include articles marked draft")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    serve.add_argument("--output", "-o", type=Path, help="output folder (default: CACHE/serve)")
    add_cache_option(serve)
    serve.set_defaults(command=_serve)


def _add_writing_parsers(commands: argparse._SubParsersAction) -> None:
    """The commands that write content: ``new-site``, ``new`` and ``import``."""
    new_site = commands.add_parser("new-site", help="create a new site folder that builds at once")
    new_site.add_argument("directory", type=Path, help="the folder to create (new or empty)")
    new_site.set_defaults(command=_new_site)

    new = commands.add_parser("new", help="start a draft article in section files")
    new.add_argument("title", help='the article\'s title, like "What is micro needling?"')
    new.add_argument(
        "--sections", default="", help='section titles, comma-separated: "What is it, Benefits"'
    )
    new.add_argument("--site", type=Path, default=Path("."), help="site folder (default: .)")
    new.set_defaults(command=_new)

    imports = commands.add_parser(
        "import", help="import articles from text, HTML pages or a WordPress export"
    )
    imports.add_argument("files", nargs="+", type=Path, help="files to import")
    imports.add_argument("--site", type=Path, default=Path("."), help="site folder (default: .)")
    imports.add_argument("--force", action="store_true", help="replace articles that exist")
    _add_file_options(imports)
    imports.set_defaults(command=_import)


def _add_check_parser(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="report every problem of the site; write nothing")
    check.add_argument("site", nargs="?", default=".", type=Path, help="site folder (default: .)")
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    add_cache_option(check, "the builds' cache folder, whose converted images the check reads")
    check.set_defaults(command=_check)


def _build(args: argparse.Namespace) -> int:
    options = BuildOptions(
        output_dir=args.output,
        drafts=args.drafts,
        future=args.future,
        cache_dir=chosen_cache_dir(args.cache_dir),
    )
    # SIGTERM stops a build as Ctrl-C does: temporary files removed, the output as it was.
    before = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = build_site(
            args.site, options, clean=args.clean, progress=for_stream(sys.stderr), held=args.held
        )
    finally:
        signal.signal(signal.SIGTERM, before)
    if result.warnings:
        print(warnings_text(result.warnings, every=args.all_warnings), file=sys.stderr)
    print(_summary(result))
    _print_next_change(args.site, result.warnings)
    return 0


def _interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


def _serve(args: argparse.Namespace) -> int:
    from generator.serve import ServeOptions, serve  # the web server loads only when needed

    cache_dir = chosen_cache_dir(args.cache_dir)
    options = ServeOptions(args.host, args.port, args.drafts, args.open, args.output, cache_dir)
    serve(args.site, options)
    return 0


def _new_site(args: argparse.Namespace) -> int:
    from generator import scaffold

    written = scaffold.new_site(args.directory, date.today())
    print(f"Created a site in {args.directory} ({len(written)} files).")
    print(f"Next: cd {args.directory} && sitegen serve   (then open the address it prints)")
    print("When the site is ready: sitegen check, then sitegen build (the site lands in build/).")
    return 0


def _new(args: argparse.Namespace) -> int:
    from generator import scaffold
    from generator.config import load_config

    sections = args.sections.split(",")
    today = datetime.now(load_config(args.site).zone).date()
    written = scaffold.new_article(args.site, args.title, sections, today)
    print(f"Created a draft article: {Path(written[0]).parent}/")
    for path in written:
        print(f"  {path}")
    print("Fill in its fields and sections, then set draft: false to publish it.")
    return 0


def _add_file_options(imports: argparse.ArgumentParser) -> None:
    """Where a WordPress import brings the old site's images and documents from."""
    where = imports.add_mutually_exclusive_group()
    where.add_argument(
        "--fetch-from",
        metavar="URL",
        default="",
        help="ask this address for the old site's files, with their old paths "
        "(default: the old site itself)",
    )
    where.add_argument(
        "--uploads",
        metavar="DIR",
        type=Path,
        help="a copy of the old site's wp-content/uploads/ folder to take the files from",
    )
    where.add_argument(
        "--no-files", action="store_true", help="leave images and documents on the old site"
    )
    imports.add_argument(
        "--format", choices=("text", "json"), default="text", help="summary format (default: text)"
    )


def _import(args: argparse.Namespace) -> int:
    from generator.importers import import_files
    from generator.importers.fetch import file_source
    from generator.importers.summary import import_summary, import_summary_json

    source = None if args.no_files else file_source(args.fetch_from, args.uploads)
    report = import_files(
        args.files, args.site, force=args.force, source=source, progress=for_stream(sys.stderr)
    )
    print(import_summary_json(report) if args.format == "json" else import_summary(report))
    return 0


def _check(args: argparse.Namespace) -> int:
    from generator.check import check_site, format_json, format_text

    report = check_site(args.site, BuildOptions(cache_dir=chosen_cache_dir(args.cache_dir)))
    print(format_json(report) if args.format == "json" else format_text(report))
    if args.format == "text":
        _print_next_change(args.site, report.findings)
    return 1 if report.errors else 0


def _print_next_change(site: Path, findings) -> None:
    """The day a future-dated article goes live, which needs a build then (see schedule.py)."""
    from generator.schedule import next_change

    try:
        line = next_change(site, findings)
    except SiteError:
        return  # the configuration's own error is reported already
    if line:
        print(line, file=sys.stderr)  # a note like the warnings: stdout stays the report


def _summary(result: BuildResult) -> str:
    report = result.report
    many = result.rendered >= progress.MANY  # a rate says little about a rebuild of a few pages
    rate = f" ({result.rendered / result.seconds:,.0f} pages/s)" if many else ""
    return (
        f"Built {result.page_count} pages ({result.article_count} articles) "
        f"into {result.output_dir} in {result.seconds:.2f} s{rate}: "
        f"{len(report.written)} files written, {report.unchanged} unchanged, "
        f"{len(report.removed)} removed"
    )
