"""The target a URL names: a folder, a git branch, or a host over rsync or SFTP."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.build_lock import held_lock
from generator.errors import PublishError
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


@contextmanager
def target_locked(url: TargetURL, work_dir: Path) -> Iterator[None]:
    """One publish at a time to each target from this site: a second one is told that the
    first is under way. (Both would use the same scratch files, and the target's record
    would say what neither sent.) The lock is ``flock``: the kernel lets go of it however
    the publish ends, ``kill -9`` included."""

    def refuse() -> None:
        raise PublishError(
            url.url,
            "another sitegen publish to this target is under way",
            hint="publish again once it has ended",
        )

    key = hashlib.blake2b(url.url.encode(), digest_size=8).hexdigest()
    with held_lock(work_dir / f"target-{key}.lock", refuse):
        yield
