"""``sftp://`` (and ``ssh://`` to a host without rsync): OpenSSH's ``sftp`` in batch mode.

Each file is uploaded under a temporary name and renamed over the old one
(OpenSSH's servers rename atomically), so a reader never gets half a file.
Commands go to one ``sftp -b -`` per step; sftp echoes each command as it
runs it, which is how the progress is known.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from generator.publish.plan import RECORD_NAME, UPLOAD_SUFFIX
from generator.publish.ssh import connection_error, ssh_wrapper
from generator.publish.targets import Done, Local, TargetURL


class SftpTarget:
    def __init__(self, url: TargetURL, ssh_command: list[str], work_dir: Path) -> None:
        self.url = url
        self.work_dir = work_dir
        self.wrapper = ssh_wrapper(ssh_command, work_dir)

    def extras(self, base_url: str) -> dict[str, bytes]:
        return {}

    def read_record(self) -> bytes | None:
        with tempfile.TemporaryDirectory(dir=self._work()) as folder:
            copy = Path(folder) / RECORD_NAME
            self._batch([f"-get {_q(self._path(RECORD_NAME))} {_q(str(copy))}"])
            return copy.read_bytes() if copy.exists() else None

    def list_files(self, tidy: bool = True) -> set[str] | None:
        """The files below the target folder, one ``ls`` per folder, a level at a time."""
        files: set[str] = set()
        level = [""]
        while level:
            listing = self._batch([f"-ls -la {_q(self._path(folder))}" for folder in level])
            level = []
            for kind, path in _entries(listing, self._path("")):
                (level.append(path) if kind == "d" else files.add(path))
        leftovers = sorted(path for path in files if path.endswith(UPLOAD_SUFFIX))
        if leftovers and tidy:  # uploads a publish cut short left behind
            self._batch([f"-rm {_q(self._path(path))}" for path in leftovers])
        return files - set(leftovers)

    def send(self, dests: list[str], local: Local, sent: Done) -> None:
        # The target folder and its parents first (SFTP makes one folder at a time; a
        # folder that is there already only makes the ignored command fail).
        root = PurePosixPath(self._path(""))
        commands = [
            f"-mkdir {_q(str(p))}" for p in reversed(root.parents) if str(p) not in ("/", ".")
        ]
        commands.append(f"-mkdir {_q(str(root))}")
        commands += [f"-mkdir {_q(self._path(folder))}" for folder in _folders(dests)]
        done: dict[str, str] = {}
        for dest in dests:
            upload = self._path(f"{dest}{UPLOAD_SUFFIX}")
            commands.append(f"put {_q(str(local(dest)))} {_q(upload)}")
            rename = f"rename {_q(upload)} {_q(self._path(dest))}"
            commands.append(rename)
            done[rename] = dest
        self._batch(commands, done, sent)

    def delete(self, dests: list[str], deleted: Done) -> None:
        commands, done = [], {}
        for dest in dests:
            remove = f"-rm {_q(self._path(dest))}"
            commands.append(remove)
            done[remove] = dest
        # Folders the deletions may have emptied, deepest first; a folder still in use stays.
        folders = sorted(_folders(dests), key=lambda folder: -folder.count("/"))
        commands += [f"-rmdir {_q(self._path(folder))}" for folder in folders]
        self._batch(commands, done, deleted)

    def write_record(self, data: bytes) -> None:
        with tempfile.TemporaryDirectory(dir=self._work()) as folder:
            (Path(folder) / RECORD_NAME).write_bytes(data)
            self.send([RECORD_NAME], lambda dest: Path(folder) / dest, lambda dest: None)

    def finish(self, message: str) -> None:
        """Each file was renamed into place as it came: nothing more to do."""

    def _batch(
        self,
        commands: list[str],
        done: dict[str, str] | None = None,
        told: Callable[[str], None] | None = None,
    ) -> list[str]:
        """Run sftp on ``commands``; tell ``told`` of ``done[command]`` as each one runs."""
        wrapper = ["-S", str(self.wrapper)] if self.wrapper else []
        port = ["-P", str(self.url.port)] if self.url.port else []
        script = ("\n".join(commands) + "\n").encode("utf-8")
        lines, pending = [], None
        with tempfile.TemporaryFile() as errors:  # a file: a full pipe would stall sftp
            process = subprocess.Popen(
                ["sftp", *wrapper, *port, "-o", "BatchMode=yes", "-b", "-", "--", self.url.login],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
            assert process.stdin and process.stdout
            # sftp echoes each command as it reads it: feed it from a thread, or both
            # pipes could fill at once on a large site.
            feeder = threading.Thread(target=_feed, args=(process.stdin, script), daemon=True)
            feeder.start()
            for raw in process.stdout:
                line = raw.decode("utf-8", "surrogateescape").rstrip("\n")
                lines.append(line)
                if line.startswith("sftp> "):
                    if pending and told:  # the command before this one finished
                        told(pending)
                    pending = (done or {}).get(line[6:])
            feeder.join()
            if process.wait() != 0:
                errors.seek(0)
                raise connection_error(self.url, errors.read().decode("utf-8", "replace"))
        if pending and told:
            told(pending)
        return lines

    def _path(self, dest: str) -> str:
        base = self.url.remote_path.rstrip("/") or "/"
        if not dest:
            return base
        return f"{base}/{dest}" if base != "/" else f"/{dest}"

    def _work(self) -> Path:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        return self.work_dir


def _feed(stream, data: bytes) -> None:
    try:
        stream.write(data)
        stream.close()
    except BrokenPipeError:
        pass  # sftp stopped early; its exit status says why


def _q(path: str) -> str:
    """A path quoted for sftp's batch language."""
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _folders(dests: Iterable[str]) -> list[str]:
    """Every folder the files sit in, parents before children."""
    found = {str(parent) for dest in dests for parent in PurePosixPath(dest).parents}
    found.discard(".")
    return sorted(found, key=lambda folder: (folder.count("/"), folder))


def _entries(listing: list[str], root: str) -> Iterable[tuple[str, str]]:
    """(kind, dest_path) of each entry of ``ls -la`` output, relative to ``root``."""
    prefix = root.rstrip("/") + "/"
    for line in listing:
        if line.startswith("sftp> "):
            continue
        fields = line.split(maxsplit=8)
        if len(fields) < 9 or not fields[8].startswith(prefix):
            continue
        path = fields[8][len(prefix) :]
        name = path.rsplit("/", 1)[-1]
        if name in (".", ".."):
            continue
        yield fields[0][0], path
