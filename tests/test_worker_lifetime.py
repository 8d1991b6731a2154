"""A build killed while its workers run leaves no process behind, and the next build is exact.

``sitegen build`` runs as a real process (its own session, so that its workers
share its process group) on a generated site large enough for parsing and
rendering to use workers. Once workers exist it is killed (``kill -9``) or
stopped (SIGTERM, SIGINT); no process of its group may remain, and a build
after it must leave the output folder exactly as a clean build does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import corpus
from generator.output_record import RECORD_NAME
from tests.conftest import REPO, build

ARTICLES = 250  # over the thresholds of parallel.py (200 files, 200 pages)


def _group(pgid: int) -> list[int]:
    """The processes of process group ``pgid`` still alive (zombies are dead)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in task.read_text().split()]
    return found


def _as_from_a_terminal() -> None:
    """In the build's process before it starts: Ctrl-C as a terminal delivers it. A test run
    started in the background (``nohup pytest &``) ignores SIGINT, and a program started with
    SIGINT ignored keeps ignoring it, as the shell meant: the build would then not stop."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != RECORD_NAME
    }


@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> Path:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see the processes of a build")
    return corpus.write_corpus(tmp_path_factory.mktemp("corpus"), ARTICLES).root / "sitegen"


@pytest.fixture(scope="module")
def clean_tree(big_site, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean") / "out"
    build(big_site, out)
    return _tree(out)


@pytest.mark.slow
@pytest.mark.parametrize(
    "how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["kill-9", "term", "int"]
)
def test_a_killed_build_leaves_no_process_and_the_next_build_is_exact(
    big_site, clean_tree, tmp_path, how
):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "generator", "build", str(big_site), "-o", str(out)]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        start_new_session=True,
        preexec_fn=_as_from_a_terminal,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not _children(process.pid):
            assert process.poll() is None, "the build ended before it started any worker"
            assert time.monotonic() < deadline, "no worker started"
            time.sleep(0.005)
        time.sleep(0.2)  # let the workers get going
        os.kill(process.pid, how)
        process.wait(timeout=60)
        deadline = time.monotonic() + 10
        while _group(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _group(process.pid) == [], "workers outlived the build"
    finally:
        for pid in _group(process.pid):
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.wait()
    stderr = process.stderr.read().decode() if process.stderr else ""
    process.stderr and process.stderr.close()
    assert "Traceback" not in stderr
    if how != signal.SIGKILL:  # stopped, not killed: it cleans up after itself
        assert process.returncode == 130 and "interrupted" in stderr
        assert not list(out.rglob(".*.tmp")), "a stopped build left temporary files"
    build(big_site, out)
    assert _tree(out) == clean_tree
