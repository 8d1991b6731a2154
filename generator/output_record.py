"""The record of what sitegen wrote into an output folder, kept inside that folder.

``<output>/.sitegen-outputs.json`` names every file a build wrote there, each
with its digest and what ``stat`` said once it was written. It lives with the
output folder, keyed by paths relative to it, so it follows the folder when the
site is moved or copied, and a build that starts from nothing still knows which
files are its own.

Before the first byte of a build is written, the record is replaced by one that
also names every file the build is about to write (``complete: false``) and is
flushed to disk: a build that fails, is killed or loses power half way leaves a
record naming every file it may have written, so the next build removes those
that nothing produces any more, and the temporary files of a write cut short.
Once the write is done the record names exactly what the folder holds::

    {"format": "sitegen-outputs", "version": 3, "complete": true, "writer": 4242,
     "files": {"index.html": ["3f2a...", 5120, 1733400000000000000, 1733400000000000000, 81]}}

A file is trusted to hold the bytes of its digest only while its size,
modification time, change time and inode are those recorded: a hand edit that
keeps size and modification time still changes the change time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

RECORD_NAME = ".sitegen-outputs.json"
_FORMAT = "sitegen-outputs"
_VERSION = 3
# The temporary file of an atomic write: ".<name>.<pid>.tmp" beside the file.
TEMPORARY_NAME = re.compile(r"^\..+\.\d+\.tmp$")


def temporary_path(target: Path, writer: int) -> Path:
    """The temporary file that process ``writer`` writes ``target`` through (see
    ``TEMPORARY_NAME``): named in one place, so that a build finds what a killed one left.

    >>> temporary_path(Path("out/a/index.html"), 4242).as_posix()
    'out/a/.index.html.4242.tmp'
    """
    return target.with_name(f".{target.name}.{writer}.tmp")


@dataclass(frozen=True)
class WrittenFile:
    """An output file as the build left it: its bytes' digest and what ``stat`` said then.

    An empty digest stands for a file a build was about to write: it is the
    build's own, but nothing is known of its bytes.
    """

    digest: str
    size: int
    mtime_ns: int
    ctime_ns: int = -1
    inode: int = -1

    def matches(self, stat: os.stat_result) -> bool:
        """Whether a file with this ``stat`` is still exactly what was written."""
        return bool(self.digest) and (
            stat.st_size,
            stat.st_mtime_ns,
            stat.st_ctime_ns,
            stat.st_ino,
        ) == (self.size, self.mtime_ns, self.ctime_ns, self.inode)

    @staticmethod
    def of(digest: str, stat: os.stat_result) -> WrittenFile:
        return WrittenFile(digest, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


UNKNOWN = WrittenFile("", -1, -1)


@dataclass(frozen=True)
class OutputRecord:
    """The files of an output folder that sitegen wrote (by path relative to the folder)."""

    files: dict[str, WrittenFile]
    complete: bool = True  # False: a build was writing and may have left more
    writer: int = 0  # the process that wrote it, whose temporary files may be left

    def planning(self, dests, writer: int) -> OutputRecord:
        """This record with ``dests`` about to be written: what to flush before writing."""
        files = dict(self.files)
        for dest in dests:
            files[dest] = UNKNOWN
        return OutputRecord(files, complete=False, writer=writer)


def record_path(output_dir: Path) -> Path:
    return output_dir / RECORD_NAME


def read_record(output_dir: Path, legacy_cache_dir: Path | None = None) -> OutputRecord:
    """The folder's record; an empty one if there is none (or it cannot be read).

    Without a record, the list an older sitegen kept in the site's cache folder
    (``legacy_cache_dir``) still names the files it wrote, so they are removed too.
    """
    try:
        record = json.loads(record_path(output_dir).read_text("utf-8"))
    except FileNotFoundError:
        return _legacy_record(output_dir, legacy_cache_dir)
    except (OSError, ValueError):
        return OutputRecord({}, complete=False)
    try:
        if record["format"] != _FORMAT or record["version"] != _VERSION:
            raise ValueError(record.get("version"))
        files = {dest: WrittenFile(*entry) for dest, entry in record["files"].items()}
        return OutputRecord(files, bool(record["complete"]), int(record["writer"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return OutputRecord({}, complete=False)


def write_record(output_dir: Path, record: OutputRecord, *, durable: bool) -> None:
    """Replace the folder's record; ``durable`` waits until it is on disk."""
    entries = {
        dest: [f.digest, f.size, f.mtime_ns, f.ctime_ns, f.inode]
        for dest, f in sorted(record.files.items())
    }
    data = json.dumps(
        {
            "format": _FORMAT,
            "version": _VERSION,
            "complete": record.complete,
            "writer": record.writer,
            "files": entries,
        },
        separators=(",", ":"),  # not indented: only then does json encode in C (10,000s of files)
    ).encode("utf-8")
    target = record_path(output_dir)
    temporary = target.with_name(f"{RECORD_NAME}.{os.getpid()}.tmp")
    output_dir.mkdir(parents=True, exist_ok=True)
    with open(temporary, "wb") as stream:
        stream.write(data)
        if durable:
            stream.flush()
            os.fsync(stream.fileno())
    os.replace(temporary, target)
    if durable:
        _sync_folder(output_dir)


def _sync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def trusted_files(output_dir: Path, record: OutputRecord) -> dict[str, WrittenFile]:
    """The recorded files still exactly as written (by ``stat``), with their digests."""
    found = {}
    inside = f"{output_dir}{os.sep}"  # joined as strings: a Path apiece cost more than the stat
    for dest, written in record.files.items():
        if not written.digest:
            continue
        try:
            stat = os.stat(inside + dest)
        except OSError:
            continue
        if written.matches(stat):
            found[dest] = written
    return found


def leftover_temporaries(output_dir: Path, record: OutputRecord) -> list[Path]:
    """The temporary files an unfinished build of ``record`` may have left beside its files."""
    if record.complete or not record.writer:
        return []
    found = []
    for dest, written in record.files.items():
        if written.digest:
            continue
        temporary = temporary_path(output_dir / dest, record.writer)
        if temporary.is_file():
            found.append(temporary)
    return found


def every_temporary(output_dir: Path) -> list[Path]:
    """Every temporary file of an atomic write anywhere in the folder (for ``--clean``)."""
    found = []
    for folder, _subfolders, names in os.walk(output_dir):
        found.extend(Path(folder) / name for name in names if TEMPORARY_NAME.match(name))
    return found


def legacy_manifest_path(cache_dir: Path, output_dir: Path) -> Path:
    """Where sitegen 0.1 kept the list of what it wrote, keyed by the output folder's path."""
    key = hashlib.blake2b(str(output_dir).encode(), digest_size=8).hexdigest()
    return cache_dir / f"outputs-{key}.json"


def _legacy_record(output_dir: Path, cache_dir: Path | None) -> OutputRecord:
    if cache_dir is None:
        return OutputRecord({})
    try:
        manifest = json.loads(legacy_manifest_path(cache_dir, output_dir).read_text("utf-8"))
        names = manifest["files"] if "files" in manifest else manifest["outputs"]
        return OutputRecord(dict.fromkeys(names, UNKNOWN), complete=False)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return OutputRecord({})
