"""WRITE: put rendered bytes into the output folder, changing only what changed.

- Each file is written atomically (a temporary file renamed over the old one),
  so an interrupted build leaves every file whole, old or new.
- A file whose bytes are already there is not touched: deploys stay small and
  a build with nothing changed writes nothing.
- Files that an earlier build wrote and this one does not are removed; files
  the build never wrote (put there by hand) are left alone. The list of what
  was written lives in the site's cache folder, not in the output.
- No output path may leave the output folder, whatever a slug says.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.errors import OutputError

CACHE_DIR = ".sitegen-cache"


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def write_outputs(
    output_dir: Path,
    outputs: dict[str, bytes],
    cache_dir: Path,
    unchanged: Set[str] = frozenset(),
    *,
    compare: bool = True,
) -> WriteReport:
    """Make ``output_dir`` hold ``outputs`` (dest_path -> bytes); return what changed.

    ``unchanged`` names outputs known to be on disk already with these bytes
    (the incremental engine wrote them), so they are not even read back;
    ``compare=False`` rewrites every other file without reading it first.
    """
    output_dir = output_dir.resolve()
    report = WriteReport(unchanged=len(unchanged & outputs.keys()))
    # Every path is checked before the first write; known-unchanged ones were checked before.
    targets = {
        dest: safe_target(output_dir, dest) for dest in sorted(outputs) if dest not in unchanged
    }
    manifest = _manifest_path(cache_dir, output_dir)
    previous = _read_manifest(manifest)
    mode = _file_mode()
    for dest, target in targets.items():
        if compare and _same_bytes(target, outputs[dest]):
            report.unchanged += 1
            continue
        _write_atomically(target, outputs[dest], mode)
        report.written.append(dest)
    for dest in sorted(previous - outputs.keys()):
        if _remove(output_dir, dest):
            report.removed.append(dest)
    if previous != outputs.keys():
        _write_manifest(manifest, sorted(outputs))
    return report


def safe_target(output_dir: Path, dest_path: str) -> Path:
    """The file for ``dest_path`` inside ``output_dir``; raise if it would lie outside."""
    parts = PurePosixPath(dest_path).parts
    bad = (
        not parts
        or PurePosixPath(dest_path).is_absolute()
        or "\x00" in dest_path
        or any(part in ("..", ".") for part in parts)
    )
    target = output_dir.joinpath(*parts)
    if bad or not target.resolve().is_relative_to(output_dir):
        raise OutputError(dest_path, "refusing to write outside the output folder")
    return target


def _same_bytes(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _write_atomically(target: Path, data: bytes, mode: int) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OutputError(
            str(target), f"cannot write the file: {error.strerror or error}"
        ) from None


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


def _manifest_path(cache_dir: Path, output_dir: Path) -> Path:
    key = hashlib.blake2b(str(output_dir).encode(), digest_size=8).hexdigest()
    return cache_dir / f"outputs-{key}.json"


def _read_manifest(path: Path) -> set[str]:
    try:
        return set(json.loads(path.read_text("utf-8"))["outputs"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _write_manifest(path: Path, outputs: list[str]) -> None:
    data = json.dumps({"outputs": outputs}, indent=0).encode("utf-8")
    _write_atomically(path, data, _file_mode())
