"""What the build engine knows, kept on disk from one ``sitegen build`` to the next.

After a successful build these go into the site's cache folder, named for
the output folder and options (``.sitegen-cache/engine-<key>.*``):

- ``.pickle`` and ``.records/``: the engine's memos (parsed files by digest,
  articles, related posts, each page's fingerprint, what the lints found per
  page), as an index and records written once (:mod:`generator.engine.records`),
  so that a build after an edit writes the few records the edit made. No bytes
  of sources or outputs are kept: the site's files and the output folder hold
  them, and the engine reads either only where it needs to (a source whose
  ``stat`` changed, a page it must look at again), checking the digest it knows.
- ``.summary``: what the build said (pages, articles, warnings), the ``stat``
  of every file it read, and until when its result holds (the next article
  date or medical review due). When every input and output still has that
  ``stat``, the next build is that result: :func:`first_look` answers
  without loading the memos or any stage of the pipeline.

Both are ignored, and the build starts from nothing, when they cannot be read
or were written by another version of sitegen, its code, or the libraries
whose output it depends on: a resumed build must give exactly what a clean
build gives. After each save, the states that no build will read again (the
site's state from before its folder was moved, another version's, a killed
save's temporary file) are removed: :mod:`generator.stranded_states`. This
module imports no stage at load time.
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
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.build_options import BuildOptions, BuildResult
from generator.discover import TIMESTAMP_SLACK_NS, default_theme_dir
from generator.engine.records import RecordStore
from generator.engine.snapshot import SNAPSHOT_VERSION, BuildSummary, EngineSnapshot
from generator.errors import SiteError, SiteWarning
from generator.input_look import InputLook, input_look
from generator.output_kinds import OutputKind
from generator.output_record import OutputRecord, read_record, trusted_files
from generator.outputs import Outputs
from generator.stranded_states import remove_stranded_states, temporary_prefix
from generator.write import WriteReport, WrittenFile

if TYPE_CHECKING:
    from generator.model import Site

STATE_FORMAT = SNAPSHOT_VERSION
# Libraries whose output ends up in pages: a new version of any makes the state stale.
LIBRARIES = ("jinja2", "markdown", "markupsafe", "yaml", "frontmatter", "numpy", "PIL")
LIBRARIES += ("pagefind_bin",)


@dataclass(frozen=True)
class Summary:
    """A successful build's result and the ``stat`` of everything it read and wrote."""

    code: str
    inputs: dict[str, tuple[int, ...]]
    looked_at_ns: int  # when the build started reading
    kinds: dict[OutputKind, tuple[str, ...]]  # the files it wrote, by kind (Outputs.kinds)
    article_count: int
    # Pickled apart (:func:`_packed`): a build that finds something changed reads the
    # summary for its stamps only, and its 24,000 warnings took a tenth of a second.
    warnings: bytes
    valid_until: datetime | None  # the next moment a date makes the site change


def record_store(site_dir: Path, output_dir: Path, options: BuildOptions) -> RecordStore:
    """Where the records of this output folder's snapshot live; give the same store to
    :func:`load_snapshot` and then :func:`save`, so that the save writes only new records."""
    return RecordStore(state_path(site_dir, output_dir, options, ".records"))


def save(
    site_dir: Path,
    output_dir: Path,
    options: BuildOptions,
    snapshot: EngineSnapshot,
    summary: BuildSummary | None,
    kinds: dict[OutputKind, tuple[str, ...]] | None = None,
    store: RecordStore | None = None,
) -> None:
    """Keep an engine's snapshot (and the summary of its build) for the next run.

    ``kinds`` are the build's outputs by kind (``Outputs.kinds()``), which a build
    that finds nothing changed gives back; without them no summary is kept.

    A failure to save is not an error: the next build starts from nothing.
    """
    code = code_digest()
    store = store or record_store(site_dir, output_dir, options)
    header = {"format": STATE_FORMAT, "code": code, "site": str(site_dir)}

    def write_index(stream) -> None:
        pickle.dump(header, stream, protocol=pickle.HIGHEST_PROTOCOL)
        store.save(stream, snapshot)

    index = state_path(site_dir, output_dir, options, ".pickle")
    if _write(index, write_index):
        store.remove_unused()  # only once the index that no longer needs them is in place
        remove_stranded_states(index.parent, _key(output_dir, options), site_dir, code)
    if summary is None or kinds is None:
        return  # the last build read only what it was told changed: no summary to trust
    kept = Summary(
        code,
        summary.inputs,
        summary.looked_at_ns,
        kinds,
        summary.article_count,
        _packed(summary.warnings),
        summary.valid_until,
    )
    _write(state_path(site_dir, output_dir, options, ".summary"), _pickled(kept))


def _packed(warnings: list[SiteError]) -> bytes:
    """The warnings as plain values (pickled without a call into Python apiece)."""
    fields = [(w.args, {**w.__dict__, "severity": w.severity}) for w in warnings]
    return pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)


def _unpacked(packed: bytes) -> list[SiteWarning]:
    """The warnings :func:`_packed` kept, as plain :class:`SiteWarning` (whose class loads
    with no stage), each with the attributes and severity it had."""
    warnings = []
    for args, attributes in pickle.loads(packed):
        plain = SiteWarning.__new__(SiteWarning)
        Exception.__init__(plain, *args)
        plain.__dict__.update(attributes)
        warnings.append(plain)
    return warnings


def load_snapshot(
    site_dir: Path, output_dir: Path, options: BuildOptions, store: RecordStore | None = None
) -> EngineSnapshot | None:
    """What the last successful build saved, if it is there, whole and from this very code."""
    store = store or record_store(site_dir, output_dir, options)

    def read_index(stream) -> EngineSnapshot | None:
        header = pickle.load(stream)
        if not isinstance(header, dict) or header.get("format") != STATE_FORMAT:
            return None
        if header.get("code") != code_digest():
            return None
        return store.load(stream)

    snapshot = _read(state_path(site_dir, output_dir, options, ".pickle"), read_index)
    if not isinstance(snapshot, EngineSnapshot) or snapshot.version != SNAPSHOT_VERSION:
        return None
    return snapshot


@dataclass
class FirstLook:
    """What a build saw before reading anything, for the engine that builds if it must:
    the ``stat`` of every input (and the folder listings that found them) and the output
    folder's files as its record and ``stat`` confirm (None where not looked at), so that
    neither is taken twice."""

    unchanged: BuildResult | None = None  # the last build's result, when nothing changed
    inputs: InputLook | None = None
    written: dict[str, WrittenFile] | None = None
    record: OutputRecord | None = None  # the output folder's record they were trusted from


def first_look(site_dir: Path, options: BuildOptions, load_site: Callable[[], Site]) -> FirstLook:
    """Whether nothing the last build read or wrote changed since (then ``unchanged`` is its
    result), and what was seen to know it.

    ``load_site()`` makes the site's model, should a caller ask the result for it."""
    started = time.perf_counter()
    site_dir = site_dir.resolve()
    output_dir = (options.output_dir or site_dir / "build").resolve()
    summary = _read(state_path(site_dir, output_dir, options, ".summary"), pickle.load)
    if not isinstance(summary, Summary) or summary.code != code_digest():
        return FirstLook()
    now = options.now or datetime.now(UTC)
    if summary.valid_until is not None and now >= summary.valid_until:
        return FirstLook()
    inputs = input_look(site_dir, default_theme_dir())
    stamps = inputs.stamps
    record = read_record(output_dir, options.cache_folder(site_dir))
    if not record.complete:
        return FirstLook(inputs=inputs)  # a build was cut short while writing
    # The files as trusted are what the engine needs first if something changed.
    look = FirstLook(inputs=inputs, written=trusted_files(output_dir, record), record=record)
    trusted_before = summary.looked_at_ns - TIMESTAMP_SLACK_NS
    if stamps != summary.inputs or any(not s or s[0] >= trusted_before for s in stamps.values()):
        return look
    kinds = {dest: kind for kind, dests in summary.kinds.items() for dest in dests}
    if kinds.keys() != look.written.keys():
        return look  # an output changed or removed by hand, or not the build's own
    look.unchanged = _unchanged_result(output_dir, summary, look.written, kinds, started, load_site)
    return look


def _unchanged_result(output_dir, summary, written, kinds, started, load_site) -> BuildResult:
    def read(dest: str) -> bytes:
        return (output_dir / dest).read_bytes()

    outputs = Outputs()
    for dest, file in written.items():
        outputs.add_known(dest, file.digest, read, kind=kinds[dest])
    report = WriteReport(unchanged=len(written), files=written)
    seconds = time.perf_counter() - started
    return BuildResult(
        outputs,
        report,
        output_dir,
        seconds,
        _unpacked(summary.warnings),
        0,
        summary.article_count,
        load_site=load_site,
    )


def state_path(site_dir: Path, output_dir: Path, options: BuildOptions, suffix: str) -> Path:
    return options.cache_folder(site_dir) / f"engine-{_key(output_dir, options)}{suffix}"


def _key(output_dir: Path, options: BuildOptions) -> str:
    """What tells apart the states of one site: the output folder, and what is published."""
    found = repr((str(output_dir), options.drafts, options.future)).encode()
    return hashlib.blake2b(found, digest_size=8).hexdigest()


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


# More collections of the two young generations than any build makes.
_NO_FULL_COLLECTION = 1 << 30


@contextmanager
def young_collections_only():
    """Let the cyclic garbage collector collect young objects only, for one build.

    A full collection walks every object made since the state was loaded (the
    loaded ones are frozen, see ``build_site``): at 10,000 articles a build after
    a one-article edit ran eight of them, half a second in all, and freed almost
    nothing, for what a build makes either dies young or lives until the end."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], _NO_FULL_COLLECTION)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _read(path: Path, read: Callable):
    """``read(stream)`` of the file, or None when it is missing, damaged or from elsewhere."""
    try:
        with path.open("rb", buffering=1 << 20) as stream, collector_paused():
            return read(stream)
    except Exception:  # noqa: BLE001 - missing, damaged or from elsewhere: start from nothing
        return None


def _pickled(value) -> Callable:
    return lambda stream: pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)


def _write(path: Path, write: Callable) -> bool:
    """Replace the file with what ``write(stream)`` writes, whole or not at all; True if done."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        prefix = temporary_prefix(path)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    except OSError:
        return False  # a read-only site folder builds all the same, only not incrementally
    try:
        # Pickled straight into the file: a large site's state never sits in memory twice.
        with os.fdopen(handle, "wb", buffering=1 << 20) as stream, collector_paused():
            write(stream)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return False
    return True
