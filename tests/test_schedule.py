"""Scheduled go-live: build, check and publish say when a future-dated article goes live;
``new-site`` writes a CI workflow that publishes daily; the README's cron line works."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from generator import scaffold
from generator.cli import main
from generator.config import load_config
from tests.conftest import REPO, SITES

BASIC_NEXT = "next change: 2999-01-01 00:00, 'A future article' goes live"


def _site(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SITES / "basic", tmp_path / "site"))


def test_build_check_and_publish_name_the_next_article_to_go_live(tmp_path, capsys):
    site = _site(tmp_path)
    assert main(["build", str(site)]) == 0
    assert BASIC_NEXT in capsys.readouterr().err
    assert main(["check", str(site)]) == 0
    assert BASIC_NEXT in capsys.readouterr().err
    assert main(["publish", str(site), "--to", f"file://{tmp_path / 'www'}", "--yes"]) == 0
    assert BASIC_NEXT in capsys.readouterr().out


def test_the_earliest_moment_wins_in_the_sites_timezone(tmp_path, capsys):
    site = _site(tmp_path)
    soon = "---\ntitle: {}\ndescription: An article that waits for its hour to come.\n"
    for name, title, when in (
        ("acne.md", "Acne myths", "2998-12-12T09:00:00+00:00"),
        ("sun.md", "Sun care", "2998-12-12T10:00:00+01:00"),
        ("later.md", "Later", "2998-12-13"),
    ):
        text = soon.format(title) + f"date: {when}\n---\nSoon.\n"
        (site / "content/posts" / name).write_text(text, "utf-8")
    assert main(["build", str(site)]) == 0
    err = capsys.readouterr().err
    assert "next change: 2998-12-12 09:00, 'Acne myths' and 'Sun care' go live" in err


def test_nothing_is_said_when_nothing_is_dated_ahead(tmp_path, capsys):
    site = _site(tmp_path)
    (site / "content/posts/future.md").unlink()
    assert main(["build", str(site)]) == 0
    assert "next change" not in capsys.readouterr().err


def test_new_site_writes_a_workflow_that_publishes_on_push_and_daily(tmp_path):
    site = tmp_path / "blog"
    scaffold.new_site(site, date(2026, 12, 5))
    workflow = yaml.safe_load((site / ".github/workflows/publish.yml").read_text("utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    config = load_config(site)
    assert config.publish.daily_at == "06:00"
    assert triggers["schedule"] == [{"cron": config.publish.daily_cron}] == [{"cron": "0 6 * * *"}]
    assert triggers["push"] == {"branches": ["main"]}
    steps = workflow["jobs"]["publish"]["steps"]
    cached = next(step for step in steps if step.get("uses", "").startswith("actions/cache"))
    assert ".sitegen-cache" in cached["with"]["path"].split()
    assert steps[-1]["run"] == "sitegen publish --yes"
    assert "${{ secrets.SSH_PRIVATE_KEY }}" in str(steps)


def _readme_cron_line() -> str:
    readme = (REPO / "README.md").read_text("utf-8")
    lines = re.findall(
        r"^([0-9*,/-]+ [0-9*,/-]+ \S+ \S+ \S+ .*sitegen\"? publish.*)$", readme, re.MULTILINE
    )
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.slow
def test_the_readme_cron_line_publishes_as_written(tmp_path):
    line = _readme_cron_line()
    minute, hour, day, month, weekday, command = line.split(maxsplit=5)
    assert (minute, day, month, weekday) == ("0", "*", "*", "*") and hour.isdigit()
    home = tmp_path / "home"
    site = Path(shutil.copytree(SITES / "basic", home / "blog"))
    www = tmp_path / "www"
    with (site / "site.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'\n[publish]\nto = "file://{www}"\n')
    # Where pipx puts the command; cron runs the line with /bin/sh, in the home folder,
    # with a short PATH.
    (home / ".local/bin").mkdir(parents=True)
    (home / ".local/bin/sitegen").symlink_to(Path(sys.executable).parent / "sitegen")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    done = subprocess.run(["/bin/sh", "-c", command], cwd=home, env=env, check=False)
    assert done.returncode == 0
    assert (www / "posts/single/index.html").read_bytes() == (
        site / "build/posts/single/index.html"
    ).read_bytes()
    log = (home / "sitegen-publish.log").read_text("utf-8")
    assert "Published" in log
    assert os.path.exists(www / ".sitegen-published.json")
