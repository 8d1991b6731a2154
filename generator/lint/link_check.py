"""The link check: every internal link and ``#anchor`` of every built page leads somewhere."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from generator.config import Config
from generator.lint.findings import Finding
from generator.lint.locate import locate, sources_of_pages
from generator.lint.memo import LintMemo
from generator.lint.resolve import Links, Problem
from generator.lint.scan import PageScan
from generator.model import Site
from generator.output_kinds import OutputKind
from generator.outputs import Outputs


class LinkProblem(NamedTuple):
    """A link of a page that leads nowhere."""

    tag: str  # the element holding it: "img" is an image-missing, others a broken-link
    ref: str
    problem: Problem


def links(
    config: Config,
    site: Site,
    outputs: Outputs,
    texts: Mapping[str, str],
    memo: LintMemo | None = None,
) -> Iterator[Finding]:
    """Every internal link and ``#anchor`` of every built page must lead somewhere.

    A link found in a content file is reported at its line there; one the
    templates make is reported once, at the first built page that has it.
    """
    memo = memo if memo is not None else LintMemo()
    memo.start(config, outputs)
    scans = {
        dest: memo.scan(dest, outputs.digest(dest), lambda dest=dest: outputs[dest])
        for dest in sorted(outputs.of_kind(OutputKind.PAGE))
    }
    resolved = Links(config, scans, outputs)
    sources = sources_of_pages(site)
    reported: set[tuple[str, str]] = set()
    for dest, scan in scans.items():

        def check(asked, dest=dest, scan=scan):
            return page_problems(resolved, dest, scan, asked)

        for tag, ref, (message, hint) in memo.problems(dest, scan, scans, check):
            rule = "image-missing" if tag == "img" else "broken-link"
            path, line, column = locate(ref, sources.get(dest, ()), texts)
            if (path or dest, ref) in reported:
                continue
            reported.add((path or dest, ref))
            if path is None:
                path, message = dest, f"{message} (a link the templates make, in the built page)"
            yield Finding(rule, path, message, line=line, column=column, hint=hint)


def page_problems(resolved: Links, dest: str, scan: PageScan, asked: set[str]):
    """``([LinkProblem], ((target page, its scan), ...))`` for one page: its broken
    links, and the pages whose anchors the answer depended on."""
    page_url = resolved.config.base_url + dest.removesuffix("index.html")
    problems, targets = [], []
    anywhere, verdict = resolved.anywhere, resolved.verdict
    for tag, ref in scan.refs:
        problem, target, names = anywhere.get(ref) or verdict(page_url, ref)
        asked.update(names)
        if problem is None and target is None:
            continue
        if problem is not None:
            problems.append(LinkProblem(tag, ref, problem))
        if target is not None:
            targets.append((target, resolved.scans[target]))
    return problems, tuple(targets)
