"""What sync tools and untouched folders do to a site's files, for the engine's tests."""

from __future__ import annotations

import os
import time
from pathlib import Path

from generator.progress import Progress


def age(folder: Path, seconds: float = 3600) -> None:
    """Date every file ``seconds`` back, as files are that nobody touched for a while."""
    moment = time.time() - seconds
    for path in folder.rglob("*"):
        os.utime(path, (moment, moment), follow_symlinks=False)


class ReplaceWhileWriting(Progress):
    """Replaces a source file once the build has read and checked it, as a sync tool may:
    new bytes, an older modification time (``cp -p``, ``rsync -a``, ``tar``)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text, self.done = path, text, False

    def start(self, stage: str, total: int | None, unit: str) -> None:
        if stage == "Writing" and not self.done:
            self.done = True
            old = self.path.stat()
            replacement = self.path.with_name(".replacement.tmp")
            replacement.write_text(self.text)
            os.utime(replacement, ns=(old.st_atime_ns, old.st_mtime_ns - 60_000_000_000))
            os.replace(replacement, self.path)
