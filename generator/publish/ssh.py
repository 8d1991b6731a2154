"""The user's own OpenSSH client, run for every SSH-based target.

sitegen never asks for or stores a password: ssh runs in batch mode with the
user's keys, agent, ``~/.ssh/config`` and ``known_hosts``. Extra options come
from ``SITEGEN_SSH_COMMAND`` or ``[publish] ssh_command`` (like git's
``GIT_SSH_COMMAND``), e.g. ``ssh -F ./deploy_ssh_config``.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from generator.errors import PublishError
from generator.publish.targets import TargetURL

ENVIRONMENT_VARIABLE = "SITEGEN_SSH_COMMAND"
# Never prompt (no password typed into a publish); fail on an unknown host key.
BATCH_OPTIONS = ("-o", "BatchMode=yes")
_HOST_KEY_FAILURES = ("Host key verification failed", "REMOTE HOST IDENTIFICATION HAS CHANGED")


def ssh_command(configured: str) -> list[str]:
    """The ssh program and its options: the environment's, else site.toml's, else ``ssh``."""
    text = os.environ.get(ENVIRONMENT_VARIABLE) or configured or "ssh"
    try:
        argv = shlex.split(text)
    except ValueError as error:
        raise PublishError(
            "site.toml", f"the ssh command {text!r} cannot be read: {error}"
        ) from None
    return argv or ["ssh"]


def ssh_argv(url: TargetURL, command: list[str]) -> list[str]:
    """``command`` to log in to the target's host (add the remote command after it)."""
    port = ["-p", str(url.port)] if url.port else []
    return [*command, *BATCH_OPTIONS, *port, "--", url.login]


def run_remote(url: TargetURL, command: list[str], remote: str, *, check: bool = True):
    """Run a shell command on the target's host; raise :class:`PublishError` if ssh fails."""
    result = subprocess.run(
        [*ssh_argv(url, command), remote],
        capture_output=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode == 255 or (check and result.returncode != 0):
        raise connection_error(url, result.stderr.decode("utf-8", "replace"))
    return result


def connection_error(url: TargetURL, stderr: str) -> PublishError:
    """A failure of ssh (or rsync, sftp, git over it), explained."""
    if any(failure in stderr for failure in _HOST_KEY_FAILURES):
        port = f"-p {url.port} " if url.port else ""
        return PublishError(
            url.url,
            f"the host key of {url.host} is not known (or has changed), so the publish stopped",
            hint=(
                f"check the key's fingerprint with your host, then trust it: "
                f"ssh-keyscan {port}{url.host} >> ~/.ssh/known_hosts "
                f"(or log in once with ssh {port}{url.login} and answer yes)"
            ),
        )
    if "Permission denied" in stderr:
        return PublishError(
            url.url,
            f"{url.login} refused the login: {_last_line(stderr)}",
            hint="sitegen logs in with your SSH key; check it with: ssh " + url.login,
        )
    return PublishError(url.url, f"the transfer failed: {_last_line(stderr) or 'no message'}")


def has_rsync(url: TargetURL, command: list[str]) -> bool:
    """Whether the host can run rsync (most VPS and many shared hosts can)."""
    found = run_remote(url, command, "rsync --version", check=False)
    return found.returncode == 0 and b"rsync" in found.stdout


def ssh_wrapper(command: list[str], folder: Path) -> Path | None:
    """A script that runs ``command`` with its options, for programs that take an ssh
    program but no options (sftp's ``-S``); None when plain ``ssh`` will do."""
    if command == ["ssh"]:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "ssh-command"
    script.write_text(f'#!/bin/sh\nexec {shlex.join(command)} "$@"\n', "utf-8")
    script.chmod(0o700)
    return script


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
