"""WRITE: put rendered bytes into the output folder, changing only what changed.

- Each file is written atomically (a temporary file renamed over the old one),
  so an interrupted build leaves every file whole, old or new.
- A file whose bytes are already there is not touched: deploys stay small and
  a build with nothing changed writes nothing.
- Files that an earlier build wrote and this one does not are removed; files
  the build never wrote (put there by hand) are left alone. What was written
  is recorded in the output folder itself before the first write
  (:mod:`generator.output_record`), so this holds after a build that failed or
  was killed half way, and after the site folder moved.
- No output path may leave the output folder, whatever a slug says.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.discover import digest_of
from generator.errors import OutputError
from generator.output_record import (
    OutputRecord,
    WrittenFile,
    every_temporary,
    leftover_temporaries,
    read_record,
    temporary_path,
    trusted_files,
    write_record,
)
from generator.staging import Staging

__all__ = ["WriteReport", "WrittenFile", "write_outputs", "written_files"]


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    files: dict[str, WrittenFile] = field(default_factory=dict)  # the output folder now


def write_outputs(
    output_dir: Path,
    outputs: Mapping[str, bytes],
    cache_dir: Path | None = None,
    unchanged: Mapping[str, WrittenFile] | None = None,
    *,
    compare: bool = True,
    digest: Callable[[str], str] | None = None,
    previous: OutputRecord | None = None,
    staging: Staging | None = None,
) -> WriteReport:
    """Make ``output_dir`` hold ``outputs`` (dest_path -> bytes); return what changed.

    ``unchanged`` gives the outputs the engine knows are on disk with these bytes (early
    pages of the dev server included, not as the record says): they are not even read back;
    ``compare=False`` (``--clean``) rewrites every other file without reading it
    first, and removes every temporary file a killed write left. ``digest(dest)``
    gives an output's digest, ``previous`` the folder's record, where the caller
    knows them; ``cache_dir`` is where older versions of sitegen kept their record.
    An output set aside in ``staging`` is moved into place rather than written.
    """
    output_dir = output_dir.resolve()
    previous = previous or read_record(output_dir, cache_dir)
    unchanged = unchanged or {}
    report = WriteReport(unchanged=len(unchanged.keys() & outputs.keys()))
    report.files = {dest: unchanged[dest] for dest in unchanged if dest in outputs}
    # Every path is checked before the first write; known-unchanged ones were checked before.
    folder = _OutputFolder(output_dir)
    targets = {dest: folder.target(dest) for dest in sorted(outputs) if dest not in report.files}
    _remove_temporaries(output_dir, previous, everywhere=not compare)
    mode, planned = _file_mode(), False
    for dest, target in targets.items():
        compared = compare and folder.may_hold(target)  # else a page set aside moves unread
        data = outputs[dest] if compared or digest is None else None
        known = digest_of(data) if digest is None else digest(dest)
        if compared and _same_bytes(target, data):
            report.unchanged += 1
            report.files[dest] = _unchanged_file(target, known)
            continue
        if not planned:  # what may be written from here on is on disk before it is
            pending = (d for d in targets if d not in report.files)
            _record(output_dir, previous.planning(pending, os.getpid()), durable=True)
            planned = True
        folder.make_parent(target)
        report.files[dest] = _put_in_place(dest, target, known, mode, outputs, data, staging)
        report.written.append(dest)
    _remove_the_rest(output_dir, previous, outputs, report)
    if planned or previous.files != report.files or not previous.complete:
        _record(output_dir, OutputRecord(report.files, writer=os.getpid()), durable=False)
    return report


def _put_in_place(
    dest: str,
    target: Path,
    known: str,
    mode: int,
    outputs: Mapping[str, bytes],
    data: bytes | None,
    staging: Staging | None,
) -> WrittenFile:
    """Move ``dest`` to ``target`` from ``staging`` if it waits there, else write its bytes
    (``data`` when already read); what ``stat`` then says of it."""
    if staging is None or not staging.move_into(dest, target, known):
        _write_atomically(target, outputs[dest] if data is None else data, mode)
    return _stat_written(target, known)


def _remove_the_rest(
    output_dir: Path, previous: OutputRecord, outputs: Mapping[str, bytes], report: WriteReport
) -> None:
    """Remove the files an earlier build wrote that are no output now."""
    for dest in sorted(previous.files.keys() - outputs.keys()):
        if _remove(output_dir, dest):
            report.removed.append(dest)


def _record(output_dir: Path, record: OutputRecord, *, durable: bool) -> None:
    try:
        write_record(output_dir, record, durable=durable)
    except OSError as error:
        raise OutputError(
            str(output_dir), f"cannot write the output folder: {error.strerror or error}"
        ) from None


def _remove_temporaries(output_dir: Path, previous: OutputRecord, *, everywhere: bool) -> None:
    """The temporary files of writes cut short (a killed build) are no output: remove them."""
    if everywhere:
        found = every_temporary(output_dir)
    else:
        found = leftover_temporaries(output_dir, previous)
    for temporary in found:
        temporary.unlink(missing_ok=True)
        _remove_empty_folders(output_dir, temporary)


def write_files(output_dir: Path, outputs: Mapping[str, bytes]) -> dict[str, WrittenFile]:
    """Write some outputs now, leaving every other file and the record as they are.

    For the dev server's early pages, which the record names already; the build
    that follows records their new bytes.
    """
    folder = _OutputFolder(output_dir.resolve())
    targets = {dest: folder.target(dest) for dest in sorted(outputs)}
    written = {}
    for dest, target in targets.items():
        folder.make_parent(target)
        data = outputs[dest]
        _write_atomically(target, data, _file_mode())
        written[dest] = _stat_written(target, digest_of(data))
    return written


def written_files(output_dir: Path, cache_dir: Path | None = None) -> dict[str, WrittenFile]:
    """What builds wrote into ``output_dir`` that is still there exactly as they left it."""
    output_dir = output_dir.resolve()
    return trusted_files(output_dir, read_record(output_dir, cache_dir))


def safe_target(output_dir: Path, dest_path: str) -> Path:
    """The file for ``dest_path`` inside ``output_dir``; raise if it would lie outside."""
    return _OutputFolder(output_dir.resolve()).target(dest_path)


def plainly_inside(dest_path: str) -> bool:
    """Whether ``dest_path`` names a file below the folder it is taken in, as text: relative,
    with no ``..`` or ``.`` part and no NUL (links on the way are :func:`safe_target`'s)."""
    parts = PurePosixPath(dest_path).parts
    return (
        bool(parts)
        and not PurePosixPath(dest_path).is_absolute()
        and "\x00" not in dest_path
        and not any(part in ("..", ".") for part in parts)
    )


class _OutputFolder:
    """Checks and makes paths inside one output folder, looking at each folder only once.

    A symbolic link anywhere on the way (a folder or the file itself) is followed
    before the check, so a link cannot lead a write outside. A folder is resolved
    from its parent's resolved path and one ``lstat`` of its own (a link is resolved
    in full), and nothing below a folder found not there is looked at: in a build into
    an empty folder a new folder costs one ``lstat`` at most, a new file none.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._resolved: dict[Path, Path] = {root: root}
        self._missing: set[Path] = set()  # folders not there when checked: nothing is below
        self._made: set[Path] = set()

    def target(self, dest_path: str) -> Path:
        target = self.root.joinpath(*PurePosixPath(dest_path).parts)
        if not plainly_inside(dest_path) or not self._resolve(target).is_relative_to(self.root):
            raise OutputError(dest_path, "refusing to write outside the output folder")
        return target

    def may_hold(self, target: Path) -> bool:
        """Whether ``target`` may be there: False if its folder was not, when checked."""
        return target.parent not in self._missing

    def _resolve(self, target: Path) -> Path:
        folder = self._folder(target.parent)
        if self.may_hold(target) and target.is_symlink():
            return target.resolve()
        return folder / target.name

    def _folder(self, folder: Path) -> Path:
        """``folder`` (the root or a folder below it, as :meth:`target` joins them) resolved."""
        found = self._resolved.get(folder)
        if found is None:
            found = self._folder(folder.parent) / folder.name
            if folder.parent in self._missing:
                self._missing.add(folder)
            else:
                try:
                    if stat.S_ISLNK(os.lstat(folder).st_mode):
                        found = folder.resolve()
                except (FileNotFoundError, NotADirectoryError):
                    self._missing.add(folder)
                except OSError:
                    pass  # as resolve() takes a folder it cannot look at: not a link
            self._resolved[folder] = found
        return found

    def make_parent(self, target: Path) -> None:
        if target.parent not in self._made:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise _cannot_write(target, error) from None
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


def _write_atomically(target: Path, data: bytes, mode: int) -> None:
    """Write through a temporary file renamed over ``target``."""
    temporary = temporary_path(target, os.getpid())
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
        try:
            try:
                _write_all(handle, data)
            finally:
                os.close(handle)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        raise _cannot_write(target, error) from None


def _stat_written(target: Path, digest: str) -> WrittenFile:
    """What ``stat`` says of a file just written or moved into place (after the rename,
    which changes the file's change time)."""
    try:
        return WrittenFile.of(digest, os.stat(target, follow_symlinks=False))
    except OSError as error:
        raise _cannot_write(target, error) from None


def _cannot_write(target: Path, error: OSError) -> OutputError:
    return OutputError(str(target), f"cannot write the file: {error.strerror or error}")


def _write_all(handle: int, data: bytes) -> None:
    """``data`` to an open file, with no file object (which would ask whether the file is
    a terminal and where it stands, and copy small writes into its buffer)."""
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def _remove(output_dir: Path, dest: str) -> bool:
    try:
        target = safe_target(output_dir, dest)
        target.unlink()
    except (OutputError, FileNotFoundError):
        return False
    _remove_empty_folders(output_dir, target)
    return True


def _remove_empty_folders(output_dir: Path, removed: Path) -> None:
    """The folders that held only ``removed``, up to the output folder."""
    for parent in removed.parents:
        if parent == output_dir or not parent.is_dir() or any(parent.iterdir()):
            break
        parent.rmdir()


def _file_mode() -> int:
    """Permissions a plain ``open()`` would give, so web servers can read the files."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _unchanged_file(target: Path, digest: str) -> WrittenFile:
    """What ``stat`` says of a file found already holding its bytes (through a link
    inside the folder, as :func:`_same_bytes` read it)."""
    return WrittenFile.of(digest, target.stat())
