"""The comment receiver in production: a live backup, its log, the systemd unit, and
``approve --publish``; against the real receiver on loopback."""

from __future__ import annotations

import configparser
import shlex
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from generator.cli import main
from generator.comments.store import CommentStore, NewComment
from tests.comments_receiver import Receiver, good_fields
from tests.conftest import SITES

POSTS = 200


def _site(tmp_path: Path, rate_limit: int = 3) -> Path:
    site = Path(shutil.copytree(SITES / "comments", tmp_path / "site"))
    toml = site / "site.toml"
    toml.write_text(toml.read_text("utf-8").replace("rate_limit = 3", f"rate_limit = {rate_limit}"))
    return site


def _post_many(receiver: Receiver, accepted: list[tuple[float, str]]) -> None:
    """POST comments one after another; note when each was accepted (303) and its text."""
    connection = receiver.connection()
    for number in range(POSTS):
        body = f"Comment number {number} of the backup test."
        response = receiver.post(good_fields(comment=body), connection=connection)
        if response.status == 303:
            accepted.append((time.monotonic(), body))
    connection.close()


@pytest.mark.slow
def test_a_backup_taken_while_comments_arrive_is_whole_and_holds_every_earlier_one(
    tmp_path, capsys
):
    site = _site(tmp_path, rate_limit=10_000)
    db = tmp_path / "comments.sqlite3"
    copy = tmp_path / "backup.sqlite3"
    accepted: list[tuple[float, str]] = []
    with Receiver(site, db) as receiver:
        poster = threading.Thread(target=_post_many, args=(receiver, accepted))
        poster.start()
        while len(accepted) < POSTS // 3:
            time.sleep(0.01)
        began = time.monotonic()
        assert main(["comments", "backup", "--db", str(db), str(copy)]) == 0
        poster.join()
    assert len(accepted) == POSTS, "every post was accepted"
    before = {body for when, body in accepted if when < began}
    assert POSTS // 3 <= len(before) < POSTS
    backup = sqlite3.connect(copy)
    try:
        assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = {row[0] for row in backup.execute("SELECT body FROM comments")}
    finally:
        backup.close()
    assert before <= kept
    assert f"to {copy} (integrity check: ok)" in capsys.readouterr().out


@pytest.mark.slow
def test_the_receiver_logs_each_accepted_comment_without_the_email(tmp_path):
    site = _site(tmp_path)
    db = tmp_path / "comments.sqlite3"
    with Receiver(site, db) as receiver:
        assert receiver.post(good_fields(email="private.reader@example.net")).status == 303
        line = receiver.process.stdout.readline()
    assert line.strip() == "comment 1 received for 'skin-care', pending moderation"
    assert "@" not in line and "127.0.0.1" not in line


def test_install_service_writes_a_unit_and_enables_nothing(tmp_path, capsys):
    site = _site(tmp_path)
    unit = tmp_path / "sitegen-comments.service"
    db = tmp_path / "data" / "comments.sqlite3"
    argv = ["comments", "install-service", str(site), "--db", str(db), "--output", str(unit)]
    assert main([*argv, "--port", "8091", "--user", "clinic"]) == 0
    out = capsys.readouterr().out
    assert "It is not enabled" in out and "systemctl enable --now sitegen-comments" in out
    parsed = configparser.ConfigParser(interpolation=None, strict=True)
    parsed.read_string(unit.read_text("utf-8"))
    service = parsed["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[1:6] == ["-m", "generator", "comments", "serve", str(site.resolve())]
    assert command[command.index("--port") + 1] == "8091"
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--db") + 1] == str(db.resolve())
    assert service["User"] == "clinic" and service["Restart"] == "on-failure"
    assert service["ReadWritePaths"] == str(db.parent.resolve())
    assert parsed["Install"]["WantedBy"] == "multi-user.target"
    assert not Path("/etc/systemd/system/sitegen-comments.service").exists()


def test_approve_with_publish_exports_builds_and_publishes(tmp_path, capsys):
    site = _site(tmp_path)
    www = tmp_path / "www"
    with (site / "site.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'\n[publish]\nto = "file://{www}"\n')
    db = tmp_path / "comments.sqlite3"
    store = CommentStore(db)
    number = store.add(NewComment("skin-care", "Priya Reader", "p@example.net", "Most helpful."))
    store.close()
    argv = ["comments", "approve", str(number), "--db", str(db), "--publish", "--site", str(site)]
    assert main(argv) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "Exported comments: 1 written" in out and "Published" in out
    page = (www / "posts/skin-care/index.html").read_text("utf-8")
    assert "Priya Reader" in page and "Most helpful." in page
    assert "p@example.net" not in page

    argv[1] = "reject"
    assert main(argv) == 0
    assert "Priya Reader" not in (www / "posts/skin-care/index.html").read_text("utf-8")
