"""``file:///path``: publish into a folder on this machine (a share, a web server's root)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

from generator.errors import PublishError
from generator.publish.plan import RECORD_NAME, UPLOAD_SUFFIX
from generator.publish.targets import Done, Local, TargetURL


class FolderTarget:
    def __init__(self, url: TargetURL) -> None:
        self.url = url
        self.root = Path(url.path).expanduser()

    def extras(self, base_url: str) -> dict[str, bytes]:
        return {}

    def read_record(self) -> bytes | None:
        try:
            return (self.root / RECORD_NAME).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise PublishError(str(self.root), f"cannot read the folder: {error}") from None

    def list_files(self, tidy: bool = True) -> set[str] | None:
        if not self.root.is_dir():
            return set()
        found = set()
        for folder, _, names in os.walk(self.root):
            relative = PurePosixPath(Path(folder).relative_to(self.root).as_posix())
            for name in names:
                if not name.endswith(UPLOAD_SUFFIX):  # else left by a publish cut short
                    found.add(str(relative / name) if str(relative) != "." else name)
                elif tidy:
                    (Path(folder) / name).unlink(missing_ok=True)
        return found

    def send(self, dests: list[str], local: Local, sent: Done) -> None:
        for dest in dests:
            target = self._inside(dest)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                _copy_atomically(local(dest), target)
            except OSError as error:
                raise PublishError(str(target), f"cannot write the file: {error}") from None
            sent(dest)

    def delete(self, dests: list[str], deleted: Done) -> None:
        for dest in dests:
            target = self._inside(dest)
            target.unlink(missing_ok=True)
            _remove_empty_parents(target.parent, self.root)
            deleted(dest)

    def write_record(self, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.root / f"{RECORD_NAME}{UPLOAD_SUFFIX}"
        temporary.write_bytes(data)
        os.replace(temporary, self.root / RECORD_NAME)

    def finish(self, message: str) -> None:
        """Each file was in place as soon as it was copied: nothing more to do."""

    def _inside(self, dest: str) -> Path:
        parts = PurePosixPath(dest).parts
        if not parts or PurePosixPath(dest).is_absolute() or ".." in parts:
            raise PublishError(dest, "refusing to publish outside the target folder")
        return self.root.joinpath(*parts)


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy through a temporary file renamed over ``target``: a reader sees old or new."""
    temporary = target.with_name(f".{target.name}{UPLOAD_SUFFIX}")
    try:
        shutil.copyfile(source, temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return  # not empty, or gone already
        folder = folder.parent
