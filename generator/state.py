"""What the build engine knows, kept on disk from one ``sitegen build`` to the next.

After a successful build two files go into the site's cache folder, named for
the output folder and options (``.sitegen-cache/engine-<key>.*``):

- ``.pickle``: the engine's memos (parsed files by digest, articles, related
  posts, each page's fingerprint, what the lints found per page). No bytes of
  sources or outputs are kept: the site's files and the output folder hold
  them, and the engine reads either only where it needs to (a source whose
  ``stat`` changed, a page it must look at again), checking the digest it knows.
- ``.summary``: what the build said (pages, articles, warnings), the ``stat``
  of every file it read, and until when its result holds (the next article
  date or medical review due). When every input and output still has that
  ``stat``, the next build is that result: :func:`unchanged_build` answers
  without loading the memos or any stage of the pipeline.

Both are ignored, and the build starts from nothing, when they cannot be read
or were written by another version of sitegen, its code, or the libraries
whose output it depends on: a resumed build must give exactly what a clean
build gives. This module imports no stage at load time.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.build import BuildOptions, BuildResult
from generator.discover import TIMESTAMP_SLACK_NS, default_theme_dir, input_stamps
from generator.errors import SiteError, SiteWarning
from generator.output_record import read_record, trusted_files
from generator.outputs import Outputs
from generator.write import CACHE_DIR, WriteReport

if TYPE_CHECKING:
    from generator.incremental import Engine

STATE_FORMAT = 4
# Libraries whose output ends up in pages: a new version of any makes the state stale.
LIBRARIES = ("jinja2", "markdown", "markupsafe", "yaml", "frontmatter", "numpy", "PIL")
LIBRARIES += ("pagefind_bin",)


@dataclass(frozen=True)
class Summary:
    """A successful build's result and the ``stat`` of everything it read and wrote."""

    code: str
    inputs: dict[str, tuple[int, ...]]
    looked_at_ns: int  # when the build started reading
    outputs: int  # files in the output folder's record
    article_count: int
    warnings: list
    valid_until: datetime | None  # the next moment a date makes the site change


def save(engine: Engine, valid_until: datetime | None, article_count: int, warnings) -> None:
    """Keep what ``engine`` knows for the next run; a failure to save is not an error."""
    code = code_digest()
    memory = {"format": STATE_FORMAT, "code": code, "memory": _memory(engine)}
    _write(state_path(engine.site_dir, engine.output_dir, engine.options, ".pickle"), memory)
    stamps = engine._sources.input_stamps
    if stamps is None:
        return  # the last build read only what it was told changed: no summary to trust
    record = read_record(engine.output_dir)
    summary = Summary(
        code,
        stamps,
        engine._sources.looked_at_ns,
        len(record.files),
        article_count,
        [_plain(warning) for warning in warnings],
        valid_until,
    )
    _write(state_path(engine.site_dir, engine.output_dir, engine.options, ".summary"), summary)


def _plain(warning: SiteError) -> SiteWarning:
    """The same warning as a plain :class:`SiteWarning`, whose class loads with no stage."""
    plain = SiteWarning.__new__(SiteWarning)
    Exception.__init__(plain, *warning.args)
    plain.__dict__.update(warning.__dict__)
    plain.severity = warning.severity
    return plain


def restore(engine: Engine) -> bool:
    """Give ``engine`` what the last successful build saved; False if there is nothing usable."""
    path = state_path(engine.site_dir, engine.output_dir, engine.options, ".pickle")
    saved = _read(path)
    if not isinstance(saved, dict) or saved.get("format") != STATE_FORMAT:
        return False
    if saved.get("code") != code_digest():
        return False
    _take(engine, saved["memory"])
    return True


def unchanged_build(site_dir: Path, options: BuildOptions) -> BuildResult | None:
    """The last build's result if nothing it read or wrote changed since, else None."""
    started = time.perf_counter()
    site_dir = site_dir.resolve()
    output_dir = (options.output_dir or site_dir / "build").resolve()
    summary = _read(state_path(site_dir, output_dir, options, ".summary"))
    if not isinstance(summary, Summary) or summary.code != code_digest():
        return None
    now = options.now or datetime.now(UTC)
    if summary.valid_until is not None and now >= summary.valid_until:
        return None
    stamps = input_stamps(site_dir, default_theme_dir())
    trusted_before = summary.looked_at_ns - TIMESTAMP_SLACK_NS
    if stamps != summary.inputs or any(not s or s[0] >= trusted_before for s in stamps.values()):
        return None
    record = read_record(output_dir)
    if not record.complete:
        return None  # a build was cut short while writing
    written = trusted_files(output_dir, record)
    if len(written) != summary.outputs:
        return None  # an output was changed or removed by hand
    return _unchanged_result(site_dir, options, output_dir, summary, written, started)


def _unchanged_result(site_dir, options, output_dir, summary, written, started) -> BuildResult:
    outputs = Outputs()
    for dest, file in written.items():
        outputs.add_known(dest, file.digest, lambda d: (output_dir / d).read_bytes())

    def load_site():
        from generator.incremental import Engine

        return Engine.resume(site_dir, options).render().site

    report = WriteReport(unchanged=len(written), files=written)
    seconds = time.perf_counter() - started
    return BuildResult(
        outputs,
        report,
        output_dir,
        seconds,
        summary.warnings,
        0,
        summary.article_count,
        load_site=load_site,
    )


def state_path(site_dir: Path, output_dir: Path, options: BuildOptions, suffix: str) -> Path:
    key = hashlib.blake2b(
        repr((str(output_dir), options.drafts, options.future)).encode(), digest_size=8
    ).hexdigest()
    return site_dir / CACHE_DIR / f"engine-{key}{suffix}"


def code_digest() -> str:
    """Stands for the code that made the state: sitegen's modules and its libraries' files."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((__version__, sys.version)).encode())
    package = Path(__file__).resolve().parent
    files = sorted(package.rglob("*.py"))
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            files.append(Path(spec.origin))
    for path in files:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


@contextmanager
def collector_paused():
    """Pickle without the cyclic garbage collector.

    Loading a large site's state makes millions of objects; each burst of them
    would start a full collection over all those loaded before, which cost
    more than the loading itself (at 10,000 articles, 3.0 s instead of 0.8 s).
    Neither loading nor saving makes garbage for it to find."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(path: Path):
    try:
        with path.open("rb", buffering=1 << 20) as stream, collector_paused():
            return pickle.load(stream)
    except Exception:  # noqa: BLE001 - missing, truncated or from elsewhere: start from nothing
        return None


def _write(path: Path, value) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except OSError:
        return  # a read-only site folder builds all the same, only not incrementally
    try:
        # Pickled straight into the file: a large site's state never sits in memory twice.
        with os.fdopen(handle, "wb", buffering=1 << 20) as stream, collector_paused():
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def _memory(engine: Engine) -> dict:
    sources = engine._sources
    fingerprints = engine._fingerprints
    finished = engine._finishing._pages
    return {
        "config": engine._config,
        "files": {src: f.without_data() for src, f in (sources._files or {}).items()},
        "static": tuple(f.without_data() for f in sources.static),
        "template_stamps": sources.template_stamps,
        "looked_at_ns": sources.looked_at_ns,
        "parsed": engine._parsed,
        "articles": engine._articles,
        "related": engine._related,
        "images": engine._images and (engine._images[0], engine._images[1].without_data()),
        "jobs": [(key[0], *value) for key, value in engine._jobs.items()],
        "rendered": {dest: page.without_data() for dest, page in engine._rendered.items()},
        "finished": {dest: page.without_data() for dest, page in finished.items()},
        "lint": engine._lint_memo,
        "search": engine._search,
        "epoch": engine._epoch,
        "projections": fingerprints.projections() if fingerprints is not None else [],
        "references": _fingerprint().known_references(),
    }


def _take(engine: Engine, memory: dict) -> None:
    engine._config = memory["config"]
    engine._sources.restore(
        memory["files"], memory["static"], memory["template_stamps"], memory["looked_at_ns"]
    )
    engine._parsed = memory["parsed"]
    engine._articles = memory["articles"]
    engine._related = memory["related"]
    engine._images = memory["images"]
    engine._jobs = {
        (config_digest, id(article), tuple(id(other) for other in related)): (
            article,
            related,
            job,
        )
        for config_digest, article, related, job in memory["jobs"]
    }
    engine._rendered = memory["rendered"]
    engine._finishing._pages = memory["finished"]
    engine._lint_memo = memory["lint"]
    engine._search = memory["search"]
    engine._epoch = memory["epoch"]
    engine._saved_projections = memory["projections"]
    _fingerprint().add_references(memory["references"])


def _fingerprint():
    """The module, loaded only with the engine (it imports Jinja)."""
    from generator import fingerprint

    return fingerprint
