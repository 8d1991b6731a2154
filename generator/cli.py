"""The command line: parse arguments, call the build, turn errors into messages.

Exit codes: 0 success, 1 a problem in the site (the message names the file),
2 wrong command-line usage (argparse's own).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import __version__
from generator.build import BuildOptions, BuildResult, build_site
from generator.check import check_site, format_json, format_text
from generator.comments.commands import add_comments_parser
from generator.errors import SiteError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.command(args)
    except SiteError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen", description="Build a clinic's blog from Markdown into a static site."
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build the site into an output folder")
    build.add_argument("site", nargs="?", default=".", type=Path, help="site folder (default: .)")
    build.add_argument("--output", "-o", type=Path, help="output folder (default: SITE/build)")
    build.add_argument("--drafts", action="store_true", help="include articles marked draft")
    build.add_argument("--future", action="store_true", help="include articles dated later")
    build.set_defaults(command=_build)

    check = commands.add_parser("check", help="report every problem of the site; write nothing")
    check.add_argument("site", nargs="?", default=".", type=Path, help="site folder (default: .)")
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    check.set_defaults(command=_check)
    add_comments_parser(commands)
    return parser


def _build(args: argparse.Namespace) -> int:
    options = BuildOptions(output_dir=args.output, drafts=args.drafts, future=args.future)
    result = build_site(args.site, options)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(_summary(result))
    return 0


def _check(args: argparse.Namespace) -> int:
    report = check_site(args.site)
    print(format_json(report) if args.format == "json" else format_text(report))
    return 1 if report.errors else 0


def _summary(result: BuildResult) -> str:
    report = result.report
    return (
        f"Built {result.page_count} pages ({len(result.site.articles)} articles) "
        f"into {result.output_dir} in {result.seconds:.2f} s: "
        f"{len(report.written)} files written, {report.unchanged} unchanged, "
        f"{len(report.removed)} removed"
    )
