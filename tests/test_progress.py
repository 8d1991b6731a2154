"""Long builds show how far they got: a redrawn line on a terminal, summary lines in logs."""

from __future__ import annotations

import io

import pytest

from bench import corpus
from generator import progress
from generator.cli import main
from generator.progress import LogProgress, TerminalProgress, for_stream
from tests.conftest import copy_sample_site


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_one_line_per_long_stage_and_nothing_for_short_ones(monkeypatch):
    clock = iter([0.0, 0.5, 10.0, 10.01])  # parsing takes half a second, rendering 10 ms
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    stream = io.StringIO()
    log = LogProgress(stream)
    log.start("Parsing", 2400, "files")
    for _ in range(75):
        log.advance(32)
    log.finish()
    log.start("Rendering", 12, "pages")
    log.advance(12)
    log.finish()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Parsed 2,400 files in ") and lines[0].endswith(" files/s)")


def test_a_terminal_line_is_redrawn_in_place_and_cleared(monkeypatch):
    clock = iter(range(1000))
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock) * 0.05)
    stream = Terminal()
    terminal = TerminalProgress(stream)
    terminal.start("Rendering", 1000, "pages")
    for _ in range(10):
        terminal.advance(100)
    terminal.finish()
    text = stream.getvalue()
    assert "\r" in text and "\n" not in text
    drawn = [part.strip() for part in text.split("\r") if part.strip()]
    assert len(drawn) >= 3 and all(line.startswith("Rendering  ") for line in drawn)
    shares = [int(line.rsplit(" ", 1)[1].rstrip("%")) for line in drawn]
    assert shares == sorted(shares) and shares[-1] >= 80
    assert drawn[0].split("  ")[1].endswith("/1,000 pages")
    assert text.endswith("\r") and text.rsplit("\r", 2)[-2].strip() == ""  # cleared at the end


def test_the_kind_of_output_decides_the_kind_of_progress():
    assert isinstance(for_stream(Terminal()), TerminalProgress)
    assert isinstance(for_stream(io.StringIO()), LogProgress)


@pytest.mark.slow
def test_a_long_build_logs_its_stages_and_its_rate(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(progress, "MANY", 20)
    monkeypatch.setattr(progress, "BRIEF", 0)
    site = corpus.write_corpus(tmp_path / "corpus", 30).root / "sitegen"
    assert main(["build", str(site), "-o", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    stages = [line.split()[0] for line in captured.err.splitlines() if " in " in line]
    assert stages[:3] == ["Read", "Parsed", "Rendered"] and "Wrote" in stages
    assert "pages/s)" in captured.out


@pytest.mark.slow
@pytest.mark.parametrize("progress_class", [LogProgress, TerminalProgress])
def test_a_small_site_builds_quietly(tmp_path, capsys, monkeypatch, progress_class):
    monkeypatch.setattr("generator.cli.for_stream", progress_class)
    # Few items: only a stage slower than SLOW would show, and a loaded test
    # machine can make a sample-site stage take a second; what is checked here is
    # that few items stay quiet however long they take below a minute.
    monkeypatch.setattr(progress, "SLOW", 60.0)
    site = copy_sample_site(tmp_path / "site")
    assert main(["build", str(site), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    assert not any(line.startswith(("Parsed", "Rendered", "Wrote")) for line in err.splitlines())
