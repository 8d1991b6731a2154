"""A ``sitegen build`` that kills itself (``kill -9``) in the middle of its write phase.

Run by the state machine of ``test_incremental.py`` as a separate process::

    python -m tests.killed_build SITE OUTPUT WRITES SHARD_SIZE STAGE_PAGES

It builds ``SITE`` into ``OUTPUT`` as ``build_site`` does (resuming from the
saved state, with the tests' fixed time) and, when about to write its file
number ``WRITES`` (counting from 0), writes half of it to the temporary file
and kills itself with SIGKILL: no cleanup of any kind runs. A build with fewer
writes ends normally. ``SHARD_SIZE`` and ``STAGE_PAGES`` are the test's settings
of ``search.SHARD_SIZE`` and ``generator.engine.render_pass.STAGE_PAGES``.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from generator import search, write
from generator.build import BuildOptions, build_site
from generator.engine import render_pass
from generator.errors import SiteError
from tests.conftest import FIXED_NOW


def main(site: str, output: str, writes: str, shard_size: str, stage_pages: str) -> None:
    search.SHARD_SIZE = int(shard_size)
    render_pass.STAGE_PAGES = int(stage_pages)
    original = write._put_in_place  # each output written, or moved from the staging folder
    done = []

    def dying(dest: str, target: Path, known: str, mode: int, outputs, *rest):
        if len(done) >= int(writes):
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            data = outputs[dest]
            temporary.write_bytes(data[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        done.append(target)
        return original(dest, target, known, mode, outputs, *rest)

    write._put_in_place = dying
    try:
        build_site(Path(site), BuildOptions(output_dir=Path(output), now=FIXED_NOW))
    except SiteError as error:  # a broken site fails before writing, as the CLI says
        print(error, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(*sys.argv[1:])
