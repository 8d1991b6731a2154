"""One build at a time for each output folder: real ``sitegen build`` processes and a
real holder of the lock, started by the test."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.build_lock import lock_path, output_folder_locked
from tests.conftest import REPO, copy_sample_site

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from generator.build_lock import output_folder_locked
    with output_folder_locked(Path(sys.argv[1]), Path(sys.argv[2])):
        print("held", flush=True)
        sys.stdin.read()  # until the test closes it
    """
)


def _hold(cache_dir: Path, output_dir: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(cache_dir), str(output_dir)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert _line(holder.stdout, 30) == "held\n"
    return holder


def _build(site: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", str(site)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _line(stream, timeout: float) -> str:
    ready, _, _ = select.select([stream], [], [], timeout)
    return stream.readline() if ready else ""


def test_the_lock_is_named_for_the_output_folder_not_for_how_it_is_written(tmp_path):
    (tmp_path / "out").mkdir()
    cache = tmp_path / "cache"
    assert lock_path(cache, tmp_path / "out") == lock_path(cache, tmp_path / "x" / ".." / "out")
    assert lock_path(cache, tmp_path / "out") != lock_path(cache, tmp_path / "other")


def test_a_lock_is_let_go_of_when_the_with_ends(tmp_path):
    for _ in range(2):  # the second would wait forever if the first were still held
        with output_folder_locked(tmp_path / "cache", tmp_path / "out", _never_waits):
            pass


def _never_waits(line: str) -> None:
    raise AssertionError(f"waited for a lock nobody held: {line}")


@pytest.mark.slow
def test_a_build_waits_for_another_build_of_the_same_output_folder(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    holder = _hold(site / ".sitegen-cache", site / "build")
    build = _build(site)
    try:
        said = _line(build.stderr, 60)
        assert said == f"Waiting for another build of {site.resolve() / 'build'} to finish...\n"
        assert build.poll() is None and not (site / "build").exists()  # still waiting
        holder.stdin.close()  # the other build ends
        assert holder.wait(timeout=30) == 0
        assert build.wait(timeout=300) == 0, build.stderr.read()
        assert (site / "build" / "index.html").is_file()
    finally:
        for process in (holder, build):
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.mark.slow
def test_a_killed_holder_stops_no_build(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    holder = _hold(site / ".sitegen-cache", site / "build")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    build = _build(site)
    _, errors = build.communicate(timeout=300)
    assert build.returncode == 0, errors
    assert "Waiting" not in errors


@pytest.mark.slow
def test_two_builds_at_once_leave_what_one_build_leaves(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    builds = [_build(site), _build(site)]
    for build in builds:
        _, errors = build.communicate(timeout=300)
        assert build.returncode == 0, errors
    clean = copy_sample_site(tmp_path / "clean")
    alone = _build(clean)
    assert alone.wait(timeout=300) == 0
    assert _files(site / "build") == _files(clean / "build")
    again = _build(site)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0 and "0 files written" in out, out


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".sitegen-outputs.json"
    }
