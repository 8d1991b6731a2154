from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import REPO


@pytest.mark.slow
def test_build_prints_what_it_wrote(copy_site, tmp_path, capsys):
    site = copy_site("basic")
    assert main(["build", str(site), "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "articles) into" in out and "files written" in out
    assert (tmp_path / "out/index.html").is_file()


def test_a_users_mistake_exits_1_with_the_file_and_no_traceback(copy_site, tmp_path, capsys):
    site = copy_site("basic")
    (site / "content/posts/broken.md").write_text("---\ntitle: [oops\n---\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "out/index.html").write_text("previous good build")
    assert main(["build", str(site), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "content/posts/broken.md:3" in err and "not valid YAML" in err
    assert "Traceback" not in err
    assert (tmp_path / "out/index.html").read_text() == "previous good build"


def test_missing_site_is_a_clear_error(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nowhere")]) == 1
    assert "no site.toml" in capsys.readouterr().err


@pytest.mark.slow
def test_python_dash_m_generator_works(copy_site, tmp_path):
    site = copy_site("basic")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(site), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Built" in result.stdout


@pytest.mark.slow
def test_the_command_exits_with_mains_code_and_all_it_printed(copy_site, tmp_path):
    # The command ends the process without Python's teardown: what was printed must
    # still reach the pipe, warnings and errors included, and the exit code must hold.
    site = copy_site("basic")
    (site / "content/posts/broken.md").write_text("---\ntitle: [oops\n---\n")
    command = [sys.executable, "-m", "generator", "build", str(site), "-o", str(tmp_path / "out")]
    failed = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert failed.returncode == 1
    assert "broken.md:3" in failed.stderr and "Traceback" not in failed.stderr
    (site / "content/posts/broken.md").unlink()
    built = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert built.returncode == 0, built.stderr
    assert built.stdout.rstrip().endswith("removed") and "Built" in built.stdout


def test_a_reader_that_stops_reading_gets_no_traceback(copy_site):
    # `sitegen check | head -1`: the pipe closes before sitegen has said everything.
    site = copy_site("basic")
    command = [sys.executable, "-m", "generator", "check", str(site)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO
    )
    process.stdout.close()  # nobody reads what it prints
    stderr = process.stderr.read()
    assert process.wait(timeout=120) in (0, 1)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr


def _site_breaking_one_rule_sixteen_times(copy_site) -> Path:
    site = copy_site("basic")
    for n in range(16):
        (site / f"content/posts/long-{n:02}.md").write_text(
            f"---\ntitle: Article {n} with a title far longer than search results show of it\n"
            "description: An article whose title is too long for the search results page.\n"
            "date: 2024-04-01\n---\nText.\n"
        )
    return site


def test_build_prints_three_warnings_of_a_rule_and_counts_the_rest(copy_site, tmp_path, capsys):
    site = _site_breaking_one_rule_sixteen_times(copy_site)
    assert main(["build", str(site), "--output", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert err.count("[title-length]") == 3
    assert "content/posts/long-00.md:2:1: warning: the title is" in err
    # The 16 are medical articles without a review, as 3 of the site's are: 19, three shown.
    assert err.count("[medical-review]") == 3
    assert "29 more not shown (medical-review 16, title-length 13): `sitegen check` lists" in err
    assert "[review-age]" in err  # a rule broken once is shown

    assert main(["build", str(site), "--output", str(tmp_path / "out"), "--all-warnings"]) == 0
    err = capsys.readouterr().err
    assert err.count("[title-length]") == 16 and "not shown" not in err

    assert main(["check", str(site)]) == 0
    out = capsys.readouterr().out
    assert all(f"content/posts/long-{n:02}.md:2:1: warning" in out for n in range(16))


def test_a_build_hands_what_it_loaded_to_a_command_about_to_exit(copy_site, tmp_path):
    # Freed object by object on the way back from the build, a 10,000-article state
    # costs about 0.3 s; the command keeps it instead, for the process's end to free.
    from generator.engine.pipeline import Engine

    site = copy_site("basic")
    out = str(tmp_path / "out")
    assert main(["build", str(site), "--output", out]) == 0
    with (site / "content/posts/single.md").open("a", encoding="utf-8") as article:
        article.write("\nOne more sentence.\n")
    held: list[object] = []
    assert main(["build", str(site), "--output", out], held=held) == 0
    assert any(isinstance(kept, Engine) for kept in held)
