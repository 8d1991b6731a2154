"""A real OpenSSH server on a loopback port, with throw-away keys, for publish tests.

:func:`start_sshd` writes a host key, a user key and a config into a folder,
starts ``/usr/sbin/sshd -D`` on a free port and returns what a client needs:
the ``ssh`` command line (key, known_hosts) for ``SITEGEN_SSH_COMMAND``.
``rsync=False`` hides rsync from the far side (a shared host without it): a
forced command refuses it and runs everything else, SFTP included.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")
PRIVILEGE_SEPARATION = Path("/run/sshd")
SFTP_SERVER = next(
    (
        p
        for p in (Path("/usr/lib/openssh/sftp-server"), Path("/usr/libexec/sftp-server"))
        if p.exists()
    ),
    Path("/usr/lib/openssh/sftp-server"),
)


def available() -> str | None:
    """Why the SSH tests cannot run here, or None."""
    for program in ("ssh", "sftp", "ssh-keygen", "rsync"):
        if shutil.which(program) is None:
            return f"needs {program} (scripts/setup-tests installs openssh-client and rsync)"
    if not SSHD.exists():
        return "needs /usr/sbin/sshd (scripts/setup-tests installs openssh-server)"
    if not PRIVILEGE_SEPARATION.is_dir():
        try:  # sshd insists on it even when it runs as a plain user
            PRIVILEGE_SEPARATION.mkdir(mode=0o755)
        except OSError:
            return f"sshd needs {PRIVILEGE_SEPARATION} (scripts/setup-tests makes it)"
    return None


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    user: str
    folder: Path
    ssh_command: str  # for SITEGEN_SSH_COMMAND
    known_hosts: Path

    def url(self, scheme: str, path: Path) -> str:
        return f"{scheme}://{self.user}@127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def kill(self, program: str) -> int:
        """SIGKILL every ``program`` the server runs for its clients, as a host that stops a
        transfer midway would: no clean-up of theirs runs. Returns how many were killed."""
        parents = dict(_parents())
        found = []
        for pid, parent in parents.items():
            while parent not in (self.process.pid, 0, 1):
                parent = parents.get(parent, 0)
            if parent == self.process.pid and _command_name(pid) == program:
                found.append(pid)
        # All stopped first: one that saw another die could still clean up after itself.
        for stop in (signal.SIGSTOP, signal.SIGKILL):
            for pid in found:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, stop)
        return len(found)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sshd(folder: Path, *, rsync: bool = True, trusted: bool = True) -> Server:
    folder.mkdir(parents=True, exist_ok=True)
    host_key, user_key = folder / "host_key", folder / "user_key"
    for key in (host_key, user_key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    (folder / "authorized_keys").write_text((folder / "user_key.pub").read_text())
    port = free_port()
    config = [
        "ListenAddress 127.0.0.1",
        f"HostKey {host_key}",
        f"AuthorizedKeysFile {folder / 'authorized_keys'}",
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin yes",
        f"PidFile {folder / 'sshd.pid'}",
        f"Subsystem sftp {SFTP_SERVER}",
    ]
    if not rsync:
        wrapper = folder / "no-rsync"
        wrapper.write_text(
            "#!/bin/sh\n"
            'case "$SSH_ORIGINAL_COMMAND" in\n'
            '  *rsync*) echo "sh: rsync: not found" >&2; exit 127;;\n'
            f"  sftp|*sftp-server*) exec {SFTP_SERVER};;\n"
            'esac\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n'
        )
        wrapper.chmod(0o755)
        config.append(f"ForceCommand {wrapper}")
    (folder / "sshd_config").write_text("\n".join(config) + "\n")
    process = subprocess.Popen(
        [str(SSHD), "-D", "-e", "-f", str(folder / "sshd_config"), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "sshd.log", "wb"),  # noqa: SIM115 - the server keeps it
    )
    _wait_for(port, process)
    known_hosts = folder / "known_hosts"
    public = (folder / "host_key.pub").read_text().split()
    known_hosts.write_text(f"[127.0.0.1]:{port} {public[0]} {public[1]}\n" if trusted else "")
    command = shlex.join(
        [
            "ssh",
            "-F",
            "/dev/null",
            "-i",
            str(user_key),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            f"UserKnownHostsFile={known_hosts}",
            "-o",
            "StrictHostKeyChecking=yes",
        ]
    )
    return Server(process, port, getpass.getuser(), folder, command, known_hosts)


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sshd exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("sshd did not start")


def _parents() -> Iterator[tuple[int, int]]:
    """(pid, parent pid) of every process on this machine."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                # "pid (name) state ppid ...": the name may hold spaces and parentheses
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                yield int(entry.name), int(fields[1])


def _command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def environment(server: Server) -> dict[str, str]:
    return {**os.environ, "SITEGEN_SSH_COMMAND": server.ssh_command}
