"""The target a URL names: a folder, a git branch, or a host over rsync or SFTP."""

from __future__ import annotations

from pathlib import Path

from generator.publish.folder import FolderTarget
from generator.publish.git import GitTarget
from generator.publish.rsync import RsyncTarget
from generator.publish.sftp import SftpTarget
from generator.publish.ssh import has_rsync
from generator.publish.targets import Target, TargetURL


def open_target(url: TargetURL, ssh_command: list[str], work_dir: Path) -> Target:
    """The target for ``url``; ``work_dir`` is a folder of the site's cache it may use."""
    if url.scheme == "file":
        return FolderTarget(url)
    if url.scheme.startswith("git+"):
        return GitTarget(url, ssh_command, work_dir)
    if url.scheme == "ssh" and has_rsync(url, ssh_command):
        return RsyncTarget(url, ssh_command, work_dir)
    return SftpTarget(url, ssh_command, work_dir)
