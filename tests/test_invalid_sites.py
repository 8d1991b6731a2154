"""The bad-input corpus: one defect per site, a clear message, the old output untouched.

Each folder of ``tests/sites/invalid/`` is a patch on ``tests/sites/basic``:
its ``site/`` files are copied over the basic site (``remove`` lists files of
the basic site to delete first) and ``expected.toml`` says what must happen::

    # a date in words                        <- the defect
    exit = 1                                  <- exit code of each command
    commands = ["check"]                      <- default: ["build", "check"]
    messages = ["content/posts/single.md:4:1", "'date' must be a date"]

Every command runs through the CLI in this process; its output must hold every
message fragment and no traceback, and a failing build must leave the previous
output byte for byte as it was. To add a case, add a folder; nothing else.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import SITES

INVALID = SITES / "invalid"
CASES = sorted(path.name for path in INVALID.iterdir() if (path / "expected.toml").is_file())


def test_the_corpus_has_at_least_fifty_failing_sites():
    failing = [name for name in CASES if _expected(name)["exit"] == 1]
    assert len(failing) >= 50, failing


@pytest.fixture(scope="session")
def previous_output(tmp_path_factory) -> Path:
    """A good build of the basic site: what every failing build must leave alone."""
    root = tmp_path_factory.mktemp("previous")
    site = shutil.copytree(SITES / "basic", root / "site")
    assert main(["build", str(site), "--output", str(root / "out")]) == 0
    return root / "out"


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_invalid_site(name, previous_output, tmp_path, capsys):
    expected = _expected(name)
    site = _patched_site(name, tmp_path / "site")
    output = shutil.copytree(previous_output, tmp_path / "out")
    before = _snapshot(output)
    for command in expected.get("commands", ["build", "check"]):
        argv = [command, str(site)] + (["--output", str(output)] if command == "build" else [])
        code = main(argv)
        captured = capsys.readouterr()
        text = captured.out + captured.err
        assert "Traceback" not in text
        assert code == expected["exit"], text
        for fragment in expected["messages"]:
            assert fragment in text, f"{command}: {fragment!r} not in:\n{text}"
    if expected["exit"] != 0:
        assert _snapshot(output) == before


def _expected(name: str) -> dict:
    return tomllib.loads((INVALID / name / "expected.toml").read_text("utf-8"))


def _patched_site(name: str, destination: Path) -> Path:
    shutil.copytree(SITES / "basic", destination, symlinks=True)
    for relative in _expected(name).get("remove", []):
        (destination / relative).unlink()
    patch = INVALID / name / "site"
    if patch.is_dir():
        shutil.copytree(patch, destination, symlinks=True, dirs_exist_ok=True)
    return destination


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
