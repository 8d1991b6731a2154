"""``ssh://`` to a host with rsync: each group of files in one rsync run over ssh.

rsync writes each file to a temporary name and renames it into place, so a
reader (or a publish cut short) never sees half a file. Only the files the
plan names are sent (``--files-from``), whatever rsync's own size-and-time
test would say (``--ignore-times``), and deletions go the same way
(``--delete-missing-args``): sitegen's record decides, not rsync.

An rsync cut short (the publish killed, the connection lost, the far side's
process stopped) can leave its temporary file behind, and nothing on the far
side removes it. So the temporary files go into one folder of sitegen's own at
the target's root (:data:`UPLOAD_FOLDER`, ``--temp-dir``): the next publish
empties it before it sends, and a publish that completes removes it.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

from generator.publish.plan import RECORD_NAME, UPLOAD_SUFFIX, groups
from generator.publish.ssh import BATCH_OPTIONS, connection_error, run_remote
from generator.publish.targets import Done, Local, TargetURL

# Web servers must read what is sent, whatever the build folder's permissions were. Each
# clause names its kind (D, F): one without applies to folders and files alike.
_MODES = "--chmod=Du=rwx,Dgo=rx,Fu=rw,Fgo=r"
# Where rsync writes its temporary files: a folder inside the target, so that the rename
# into place stays on one file system; relative to the target folder.
UPLOAD_FOLDER = UPLOAD_SUFFIX


class RsyncTarget:
    def __init__(self, url: TargetURL, ssh_command: list[str], work_dir: Path) -> None:
        self.url = url
        self.ssh_command = ssh_command
        self.work_dir = work_dir
        self._upload_folder_made = False

    def extras(self, base_url: str) -> dict[str, bytes]:
        return {}

    def read_record(self) -> bytes | None:
        path = shlex.quote(_join(self.url.remote_path, RECORD_NAME))
        found = run_remote(self.url, self.ssh_command, f"cat -- {path}", check=False)
        return found.stdout if found.returncode == 0 else None

    def list_files(self, tidy: bool = True) -> set[str] | None:
        result = self._rsync(["--list-only", "--recursive", self._remote("")], check=False)
        if result.returncode != 0:
            return set()  # no folder there yet
        found = set()
        for line in result.stdout.decode("utf-8", "surrogateescape").splitlines():
            fields = line.split(maxsplit=4)
            if len(fields) == 5 and not fields[0].startswith("d") and fields[4] != ".":
                found.add(fields[4])
        return {dest for dest in found if not dest.startswith(f"{UPLOAD_FOLDER}/")}

    def send(self, dests: list[str], local: Local, sent: Done) -> None:
        if not dests:
            return
        self._make_upload_folder()
        # rsync sends a run's files in its own order: one run per kind keeps the plan's.
        for group in groups(tuple(dests)):
            roots = {local(dest).as_posix().removesuffix(dest) for dest in group}
            for root in sorted(roots):  # the build folder, or the folder of a host's extras
                mine = [dest for dest in group if local(dest).as_posix() == root + dest]
                options = ["--ignore-times", _MODES, f"--temp-dir={UPLOAD_FOLDER}"]
                self._transfer(root, mine, options, sent)

    def delete(self, dests: list[str], deleted: Done) -> None:
        with tempfile.TemporaryDirectory(dir=self._work()) as empty:
            # rsync walks to each missing file through its folders: they must be there.
            for dest in dests:
                (Path(empty) / dest).parent.mkdir(parents=True, exist_ok=True)
            self._transfer(f"{empty}/", dests, ["--delete-missing-args"], deleted)
        folders = sorted(
            {str(p) for d in dests for p in PurePosixPath(d).parents if str(p) != "."},
            key=lambda folder: -folder.count("/"),
        )
        if folders:
            quoted = " ".join(shlex.quote(_join(self.url.remote_path, f)) for f in folders)
            run_remote(self.url, self.ssh_command, f"rmdir -- {quoted} 2>/dev/null; true")

    def write_record(self, data: bytes) -> None:
        self._make_upload_folder()
        with tempfile.TemporaryDirectory(dir=self._work()) as folder:
            (Path(folder) / RECORD_NAME).write_bytes(data)
            self._transfer(
                folder + "/", [RECORD_NAME], [f"--temp-dir={UPLOAD_FOLDER}"], lambda dest: None
            )

    def finish(self, message: str) -> None:
        """rsync put each file in place as it went: only its upload folder is left to remove."""
        if self._upload_folder_made:
            upload = shlex.quote(_join(self.url.remote_path, UPLOAD_FOLDER))
            run_remote(self.url, self.ssh_command, f"rm -rf -- {upload}")
            self._upload_folder_made = False

    def _transfer(self, root: str, dests: list[str], options: list[str], done: Done) -> None:
        if not dests:
            return
        with tempfile.NamedTemporaryFile(dir=self._work(), suffix=".list") as listing:
            listing.write(b"\0".join(dest.encode("utf-8") for dest in dests))
            listing.flush()
            argv = [
                "rsync",
                "--recursive",
                "--links",
                "--times",
                "--from0",
                f"--files-from={listing.name}",
                "--out-format=%n",
                *options,
                root,
                self._remote(""),
            ]
            self._stream(argv, set(dests), done)

    def _stream(self, argv: list[str], wanted: set[str], done: Done) -> None:
        """Run rsync, telling ``done`` of each file as rsync reports it."""
        process = subprocess.Popen(
            [*argv[:1], "-e", self._ssh(), *argv[1:]],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        assert process.stdout is not None and process.stderr is not None
        reported = set()
        for raw in process.stdout:
            name = raw.decode("utf-8", "surrogateescape").rstrip("\n").removeprefix("deleting ")
            if name in wanted and name not in reported:
                reported.add(name)
                done(name)
        stderr = process.stderr.read().decode("utf-8", "replace")
        if process.wait() != 0:
            raise connection_error(self.url, stderr)
        for name in sorted(wanted - reported):  # rsync names no file it had nothing to do for
            done(name)

    def _rsync(self, arguments: list[str], *, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            ["rsync", "-e", self._ssh(), *arguments],
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise connection_error(self.url, result.stderr.decode("utf-8", "replace"))
        if result.returncode == 255:
            raise connection_error(self.url, result.stderr.decode("utf-8", "replace"))
        return result

    def _make_upload_folder(self) -> None:
        """The target folder, made if need be (rsync before 3.2.3 cannot make it itself), and
        an empty upload folder in it: what a transfer cut short left there goes."""
        if not self._upload_folder_made:
            path = shlex.quote(self.url.remote_path)
            upload = shlex.quote(_join(self.url.remote_path, UPLOAD_FOLDER))
            run_remote(
                self.url,
                self.ssh_command,
                f"mkdir -p -- {path} && rm -rf -- {upload} && mkdir -- {upload}",
            )
            self._upload_folder_made = True

    def _ssh(self) -> str:
        port = ["-p", str(self.url.port)] if self.url.port else []
        return shlex.join([*self.ssh_command, *BATCH_OPTIONS, *port])

    def _remote(self, dest: str) -> str:
        return f"{self.url.login}:{_join(self.url.remote_path, dest)}"

    def _work(self) -> Path:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        return self.work_dir


def _join(folder: str, name: str) -> str:
    return f"{folder.rstrip('/')}/{name}" if name else folder.rstrip("/") + "/"
