"""``sitegen publish``: build, compare with the target's record, send what changed.

    build -> open target -> read its record -> plan -> (confirm) -> send -> delete -> record

The build is the same as ``sitegen build`` (no drafts, no future-dated
articles; a site with errors stops here, before anything is sent), so a
publish with nothing changed costs a no-op build and one look at the target.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TextIO
from urllib.parse import urlsplit

from generator.build_options import BuildOptions
from generator.config import Config, load_config
from generator.errors import PublishError
from generator.progress import Progress
from generator.publish.connect import open_target, target_locked
from generator.publish.plan import (
    PublishPlan,
    parse_record,
    plan_publish,
    record_bytes,
    record_while_sending,
)
from generator.publish.ssh import ssh_command
from generator.publish.targets import Target, TargetURL, parse_target
from generator.schedule import next_change

_SHOWN = 10  # files named in a message before "and N more"


@dataclass(frozen=True)
class PublishOptions:
    to: str = ""  # overrides [publish] to
    dry_run: bool = False
    yes: bool = False  # no question before deleting or replacing files
    verbose: bool = False  # name each file as it is sent or deleted
    cache_dir: Path | None = None  # default: SITE/.sitegen-cache (see generator.cache_folder)


@dataclass(frozen=True)
class BuiltSite:
    """What the build left for publishing: its folder and each file's digest."""

    output_dir: Path
    digests: dict[str, str]
    warnings: tuple = ()  # the build's findings (next_change reads them)


@dataclass(frozen=True)
class PublishReport:
    url: str
    plan: PublishPlan
    sent_bytes: int
    seconds: float
    dry_run: bool
    next_change: str | None = None  # see generator.schedule


def publish_site(
    site_dir: Path,
    options: PublishOptions,
    *,
    out: TextIO,
    progress: Progress,
    confirm: Callable[[str], bool],
) -> PublishReport:
    """Publish the site in ``site_dir``; raise a :class:`~generator.errors.SiteError` if it
    cannot be. ``confirm(question)`` is asked before files are deleted or replaced."""
    config = load_config(site_dir)
    url = parse_target(options.to or config.publish.to or _no_target())
    check_fits(config, url)
    build_options = BuildOptions(cache_dir=options.cache_dir)
    built = built_site(site_dir, progress, build_options)
    work = build_options.cache_folder(site_dir) / "publish"
    with target_locked(url, work):
        target = open_target(url, ssh_command(config.publish.ssh_command), work)
        local, digests = _with_extras(built, target.extras(config.base_url), work)
        published = parse_record(target.read_record())
        plan = plan_publish(digests, published, target.list_files(tidy=not options.dry_run))
        coming = next_change(site_dir, built.warnings)
        if options.dry_run:
            _print_plan(plan, out)
            return PublishReport(url.url, plan, _size(plan, local), 0.0, True, coming)
        _confirm(plan, options.yes, confirm)
        started = time.perf_counter()
        if plan.new:  # claimed before they are there, in case the publish is cut short
            target.write_record(record_bytes(record_while_sending(published, plan)))
        _send(target, plan, local, progress, out if options.verbose else None)
        if plan.record != published:
            target.write_record(record_bytes(plan.record))
        target.finish(commit_message(plan))
        seconds = time.perf_counter() - started
    return PublishReport(url.url, plan, _size(plan, local), seconds, False, coming)


def built_site(
    site_dir: Path, progress: Progress, options: BuildOptions | None = None
) -> BuiltSite:
    """Build as ``sitegen build`` does, and read each output's digest from the result.

    The one place publishing depends on the build engine's results: the write
    report's ``files`` (dest_path -> digest, size, mtime) name every output.
    """
    from generator.build import build_site
    from generator.discover import digest_of

    result = build_site(site_dir, options or BuildOptions(), progress=progress)
    files = result.report.files
    digests = {
        dest: (files[dest].digest if dest in files and files[dest].digest else "")
        for dest in result.outputs
    }
    for dest, digest in digests.items():
        if not digest:  # a build that did not record it: read it back
            digests[dest] = digest_of((result.output_dir / dest).read_bytes())
    return BuiltSite(result.output_dir, digests, tuple(result.warnings))


def check_fits(config: Config, url: TargetURL) -> None:
    """Refuse a target that cannot serve ``base_url``, where the URL says enough to know.

    A GitHub Pages branch of ``github.com/OWNER/REPO`` is served at
    ``https://OWNER.github.io/REPO/`` (``https://OWNER.github.io/`` for the
    repository ``OWNER.github.io``), or on the domain in its CNAME.
    """
    if url.host != "github.com":
        return
    parts = PurePosixPath(url.path.removesuffix(".git")).parts
    base_host = (urlsplit(config.base_url).hostname or "").lower()
    if len(parts) < 3 or not base_host.endswith(".github.io"):
        return  # a custom domain: the CNAME file says where
    owner, repo = parts[1].lower(), parts[2].lower()
    expected_path = "/" if repo == f"{owner}.github.io" else f"/{repo}/"
    if base_host != f"{owner}.github.io" or config.base_path.lower() != expected_path:
        expected = f"https://{owner}.github.io{expected_path}"
        raise PublishError(
            "site.toml",
            f"GitHub serves {url.url} at {expected}, but base_url is {config.base_url}",
            hint=f'set base_url = "{expected}", or publish to the repository that serves it',
        )


def commit_message(plan: PublishPlan) -> str:
    return f"Publish: {len(plan.new)} new, {len(plan.changed)} changed, {len(plan.deletes)} deleted"


def summary(report: PublishReport) -> str:
    """``Published 7 files (3 new, 4 changed), deleted 2, 1.4 MB in 2.1 s to ssh://…``"""
    plan = report.plan
    sent = len(plan.new) + len(plan.changed)
    verb = "Would publish" if report.dry_run else "Published"
    deleted = "would delete" if report.dry_run else "deleted"
    timing = "" if report.dry_run else f" in {report.seconds:.1f} s"
    return (
        f"{verb} {sent} files ({len(plan.new)} new, {len(plan.changed)} changed), "
        f"{deleted} {len(plan.deletes)}, {human_size(report.sent_bytes)}{timing} to {report.url}"
    )


def left_alone(plan: PublishPlan) -> str | None:
    """The files on the target that sitegen did not publish, which it leaves as they are."""
    if not plan.foreign:
        return None
    return (
        f"Left alone {len(plan.foreign)} files on the target that sitegen did not publish: "
        f"{_names(plan.foreign)}"
    )


def human_size(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _no_target() -> str:
    raise PublishError(
        "site.toml",
        "no target to publish to",
        hint='under [publish] in site.toml: to = "ssh://user@host/var/www/blog"; '
        "or sitegen publish --to URL",
    )


def _with_extras(
    built: BuiltSite, extras: Mapping[str, bytes], work: Path
) -> tuple[Callable[[str], Path], dict[str, str]]:
    """The local file for each dest (the build's, or a target's extra file) and all digests."""
    from generator.discover import digest_of

    folder = work / "extras"
    for dest, data in extras.items():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / dest).write_bytes(data)

    def local(dest: str) -> Path:
        return folder / dest if dest in extras else built.output_dir / dest

    digests = {**built.digests, **{dest: digest_of(data) for dest, data in extras.items()}}
    return local, digests


def _confirm(plan: PublishPlan, yes: bool, confirm: Callable[[str], bool]) -> None:
    questions = []
    if plan.deletes:
        questions.append(f"delete {len(plan.deletes)} files ({_names(plan.deletes)})")
    if plan.replaces_foreign:
        questions.append(
            f"replace {len(plan.replaces_foreign)} files sitegen did not publish "
            f"({_names(plan.replaces_foreign)})"
        )
    if not questions or yes:
        return
    question = "The publish will " + " and ".join(questions) + ". Go on?"
    if not confirm(question):
        raise PublishError(
            None, "nothing was published", hint="sitegen publish --yes skips the question"
        )


def _send(target: Target, plan: PublishPlan, local, progress: Progress, out: TextIO | None):
    progress.start("Sending", len(plan.sends) + len(plan.deletes), "files")

    def told(verb: str):
        def done(dest: str) -> None:
            progress.advance()
            if out is not None:
                print(f"{verb} {dest}", file=out, flush=True)

        return done

    target.send(list(plan.sends), local, told("sent"))
    if plan.deletes:
        target.delete(list(plan.deletes), told("deleted"))
    progress.finish()


def _print_plan(plan: PublishPlan, out: TextIO) -> None:
    for dest in plan.sends:
        print(f"  {'new' if dest in plan.new else 'changed':8} {dest}", file=out)
    for dest in plan.deletes:
        print(f"  {'delete':8} {dest}", file=out)
    print("Dry run: nothing was sent or deleted.", file=out)


def _size(plan: PublishPlan, local: Callable[[str], Path]) -> int:
    return sum(local(dest).stat().st_size for dest in plan.sends)


def _names(dests: tuple[str, ...]) -> str:
    shown = ", ".join(dests[:_SHOWN])
    return shown + (f" and {len(dests) - _SHOWN} more" if len(dests) > _SHOWN else "")
