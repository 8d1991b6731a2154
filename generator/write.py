"""WRITE: put rendered bytes into the output folder, changing only what changed.

- Each file is written atomically (a temporary file renamed over the old one),
  so an interrupted build leaves every file whole, old or new.
- A file whose bytes are already there is not touched: deploys stay small and
  a build with nothing changed writes nothing.
- Files that an earlier build wrote and this one does not are removed; files
  the build never wrote (put there by hand) are left alone. The list of what
  was written (each file's digest, size and modification time) lives in the
  site's cache folder, not in the output: a later build reads it to know,
  from a ``stat`` alone, which files are still exactly what it wrote.
- No output path may leave the output folder, whatever a slug says.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.discover import digest_of
from generator.errors import OutputError

CACHE_DIR = ".sitegen-cache"
_MANIFEST_VERSION = 2


@dataclass(frozen=True)
class WrittenFile:
    """An output file as the build left it: its bytes' digest and what ``stat`` said then."""

    digest: str
    size: int
    mtime_ns: int


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    files: dict[str, WrittenFile] = field(default_factory=dict)  # the output folder now


def write_outputs(
    output_dir: Path,
    outputs: Mapping[str, bytes],
    cache_dir: Path,
    unchanged: Set[str] = frozenset(),
    *,
    compare: bool = True,
    digest: Callable[[str], str] | None = None,
) -> WriteReport:
    """Make ``output_dir`` hold ``outputs`` (dest_path -> bytes); return what changed.

    ``unchanged`` names outputs known to be on disk already with these bytes
    (the incremental engine wrote them), so they are not even read back;
    ``compare=False`` rewrites every other file without reading it first.
    ``digest(dest)`` gives an output's digest where the caller knows it already.
    """
    output_dir = output_dir.resolve()
    manifest = manifest_path(cache_dir, output_dir)
    previous = read_manifest(manifest)
    report = WriteReport(unchanged=len(unchanged & outputs.keys()))
    report.files = {dest: previous[dest] for dest in unchanged if dest in previous}
    # Every path is checked before the first write; known-unchanged ones were checked before.
    folder = _OutputFolder(output_dir)
    targets = {dest: folder.target(dest) for dest in sorted(outputs) if dest not in report.files}
    mode = _file_mode()
    for dest, target in targets.items():
        data = outputs[dest]
        known = digest(dest) if digest else digest_of(data)
        if compare and _same_bytes(target, data):
            report.unchanged += 1
            report.files[dest] = _written_file(target, known)
            continue
        folder.make_parent(target)
        size, mtime_ns = _write_atomically(target, data, mode)
        report.written.append(dest)
        report.files[dest] = WrittenFile(known, size, mtime_ns)
    for dest in sorted(previous.keys() - outputs.keys()):
        if _remove(output_dir, dest):
            report.removed.append(dest)
    if previous != report.files:
        _write_manifest(manifest, report.files)
    return report


def write_files(output_dir: Path, outputs: Mapping[str, bytes]) -> dict[str, WrittenFile]:
    """Write some outputs now, leaving every other file and the manifest as they are.

    For the dev server's early pages; the build that follows writes the manifest.
    """
    folder = _OutputFolder(output_dir.resolve())
    targets = {dest: folder.target(dest) for dest in sorted(outputs)}
    written = {}
    for dest, target in targets.items():
        folder.make_parent(target)
        size, mtime_ns = _write_atomically(target, outputs[dest], _file_mode())
        written[dest] = WrittenFile(digest_of(outputs[dest]), size, mtime_ns)
    return written


class Staging:
    """Outputs set aside on disk until the build may write them.

    Everything is rendered and checked before the first write, so a large
    site's pages would all sit in memory at once; a staging folder in the cache
    holds them instead, each read back when a later stage or the writer asks.
    Once cleared (after the write), a page is read from the output folder.
    """

    def __init__(self, cache_dir: Path, read_written: Callable[[str], bytes]) -> None:
        self.folder = cache_dir / f"staging-{os.getpid()}"
        self._read_written = read_written
        self._names: dict[str, str] = {}
        for old in cache_dir.glob("staging-*"):  # left by builds that were killed
            if not _running(old.name.removeprefix("staging-")):
                shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def put(self, dest: str, data: bytes) -> None:
        name = self._names.setdefault(dest, str(len(self._names)))
        (self.folder / name).write_bytes(data)

    def read(self, dest: str) -> bytes:
        name = self._names.get(dest)
        if name is None:
            return self._read_written(dest)
        return (self.folder / name).read_bytes()

    def __contains__(self, dest: object) -> bool:
        return dest in self._names

    def clear(self) -> None:
        self._names = {}
        shutil.rmtree(self.folder, ignore_errors=True)


def _running(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def written_files(cache_dir: Path, output_dir: Path) -> dict[str, WrittenFile]:
    """What the last build wrote into ``output_dir`` and that is still there as it left it."""
    output_dir = output_dir.resolve()
    found = {}
    for dest, written in read_manifest(manifest_path(cache_dir, output_dir)).items():
        try:
            stat = os.stat(output_dir / dest)
        except OSError:
            continue
        if written.digest and (stat.st_size, stat.st_mtime_ns) == (written.size, written.mtime_ns):
            found[dest] = written
    return found


def safe_target(output_dir: Path, dest_path: str) -> Path:
    """The file for ``dest_path`` inside ``output_dir``; raise if it would lie outside."""
    return _OutputFolder(output_dir.resolve()).target(dest_path)


class _OutputFolder:
    """Checks and makes paths inside one output folder, resolving each folder only once.

    A symbolic link anywhere on the way (a folder or the file itself) is followed
    before the check, so a link cannot lead a write outside.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._resolved: dict[Path, Path] = {}
        self._made: set[Path] = set()

    def target(self, dest_path: str) -> Path:
        parts = PurePosixPath(dest_path).parts
        bad = (
            not parts
            or PurePosixPath(dest_path).is_absolute()
            or "\x00" in dest_path
            or any(part in ("..", ".") for part in parts)
        )
        target = self.root.joinpath(*parts)
        if bad or not self._resolve(target).is_relative_to(self.root):
            raise OutputError(dest_path, "refusing to write outside the output folder")
        return target

    def _resolve(self, target: Path) -> Path:
        if target.is_symlink():
            return target.resolve()
        parent = target.parent
        if parent not in self._resolved:
            self._resolved[parent] = parent.resolve()
        return self._resolved[parent] / target.name

    def make_parent(self, target: Path) -> None:
        if target.parent not in self._made:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise OutputError(
                    str(target), f"cannot write the file: {error.strerror or error}"
                ) from None
            self._made.add(target.parent)


def _same_bytes(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def write_file(target: Path, data: bytes) -> None:
    """Write one file atomically, making its folder; for files outside the output folder."""
    _OutputFolder(target.parent).make_parent(target)
    _write_atomically(target, data, _file_mode())


def _write_atomically(target: Path, data: bytes, mode: int) -> tuple[int, int]:
    """Write through a temporary file renamed over ``target``; return its size and mtime."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                stat = os.fstat(handle)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OutputError(
            str(target), f"cannot write the file: {error.strerror or error}"
        ) from None
    return stat.st_size, stat.st_mtime_ns


def _remove(output_dir: Path, dest: str) -> bool:
    try:
        target = safe_target(output_dir, dest)
        target.unlink()
    except (OutputError, FileNotFoundError):
        return False
    for parent in target.parents:
        if parent == output_dir or any(parent.iterdir()):
            break
        parent.rmdir()
    return True


def _file_mode() -> int:
    """Permissions a plain ``open()`` would give, so web servers can read the files."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _written_file(target: Path, digest: str) -> WrittenFile:
    stat = target.stat()
    return WrittenFile(digest, stat.st_size, stat.st_mtime_ns)


def manifest_path(cache_dir: Path, output_dir: Path) -> Path:
    """Where the list of what a build wrote into ``output_dir`` is kept."""
    key = hashlib.blake2b(str(output_dir).encode(), digest_size=8).hexdigest()
    return cache_dir / f"outputs-{key}.json"


def read_manifest(path: Path) -> dict[str, WrittenFile]:
    """The files a build wrote; an older manifest names them without digests."""
    try:
        manifest = json.loads(path.read_text("utf-8"))
        if manifest.get("version") == _MANIFEST_VERSION:
            return {dest: WrittenFile(*entry) for dest, entry in manifest["files"].items()}
        return {dest: WrittenFile("", -1, -1) for dest in manifest["outputs"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write_manifest(path: Path, files: dict[str, WrittenFile]) -> None:
    entries = {dest: [f.digest, f.size, f.mtime_ns] for dest, f in sorted(files.items())}
    data = json.dumps({"version": _MANIFEST_VERSION, "files": entries}, indent=0)
    write_file(path, data.encode("utf-8"))
