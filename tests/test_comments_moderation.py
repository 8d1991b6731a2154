"""`sitegen comments list|approve|reject|export` against a real database and site."""

from __future__ import annotations

import shutil
import socket
from datetime import UTC, datetime

import pytest

from generator.cli import main
from generator.comments.store import CommentStore, NewComment
from tests.conftest import SITES, build

EMAIL = "private.reader@example.net"


@pytest.fixture
def site(tmp_path):
    return shutil.copytree(SITES / "comments", tmp_path / "site")


@pytest.fixture
def db(tmp_path):
    """Three pending comments; the second was received first."""
    path = tmp_path / "comments.sqlite3"
    store = CommentStore(path)
    store.add(NewComment("skin-care", "Ann", EMAIL, "Later one"), at(2024, 6, 2))
    store.add(
        NewComment("sun", "Bo", EMAIL, "Earliest, on the single-file article"), at(2024, 6, 1)
    )
    store.add(NewComment("skin-care", "Cy", EMAIL, "Spam " * 30), at(2024, 6, 3))
    store.close()
    return path


def at(*day: int) -> datetime:
    return datetime(*day, 9, 30, tzinfo=UTC)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["comments", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_prints_one_pending_comment_per_line_starting_with_its_id(db, capsys):
    code, out, _ = run(capsys, "list", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["2", "1", "3"]  # by time received
    assert lines[0] == "2  2024-06-01 09:30 UTC  sun  Bo: Earliest, on the single-file article"
    assert lines[2].endswith("Spam Spam Spam Spam Spam Spam Spam Spam Spam Spam Sp...")
    assert EMAIL not in out


def test_approve_and_reject_change_what_list_shows(db, capsys):
    assert run(capsys, "approve", 1, "--db", db)[:2] == (
        0,
        "approved: 1  2024-06-02 09:30 UTC  skin-care  Ann: Later one\n",
    )
    code, out, _ = run(capsys, "reject", 3, "--db", db)
    assert code == 0 and out.startswith("rejected: 3 ")
    assert [line.split()[0] for line in run(capsys, "list", "--db", db)[1].splitlines()] == ["2"]


def test_an_unknown_id_or_database_is_a_clear_error(db, tmp_path, capsys):
    code, _, err = run(capsys, "approve", 99, "--db", db)
    assert code == 1 and "there is no comment 99" in err and "Traceback" not in err
    code, _, err = run(capsys, "list", "--db", tmp_path / "typo.sqlite3")
    assert code == 1 and "no comment database here" in err
    assert not (tmp_path / "typo.sqlite3").exists()


@pytest.mark.slow
def test_export_writes_approved_comments_beside_their_articles(site, db, capsys):
    for number in (1, 2):
        run(capsys, "approve", number, "--db", db)
    code, out, _ = run(capsys, "export", site, "--db", db)
    assert code == 0 and "2 written, 0 unchanged, 0 removed" in out
    folder_comment = site / "content/posts/skin-care/comments/comment-1.md"
    single_comment = site / "content/posts/sun.comments/comment-2.md"
    assert folder_comment.read_text() == (
        "---\nname: Ann\ndate: '2024-06-02T09:30:00+00:00'\n---\nLater one\n"
    )
    assert single_comment.is_file()
    assert (site / "content/posts/sun.md").is_file()  # the article itself is left alone
    assert not (site / "content/posts/skin-care/comments/comment-3.md").exists()  # pending
    files = [p for p in (site / "content").rglob("*") if p.is_file()]
    assert not any(EMAIL.encode() in p.read_bytes() for p in files)
    result = build(site)
    assert [c.name for c in result.site.article("skin-care").comments] == ["Ann"]
    assert [c.name for c in result.site.article("sun").comments] == ["Bo"]


@pytest.mark.slow
def test_a_second_export_rewrites_nothing_and_a_rejection_removes_the_file(site, db, capsys):
    run(capsys, "approve", 1, "--db", db)
    run(capsys, "approve", 3, "--db", db)
    run(capsys, "export", site, "--db", db)
    assert "0 written, 2 unchanged, 0 removed" in run(capsys, "export", site, "--db", db)[1]
    run(capsys, "reject", 3, "--db", db)
    assert "0 written, 1 unchanged, 1 removed" in run(capsys, "export", site, "--db", db)[1]
    folder = site / "content/posts/skin-care/comments"
    assert sorted(p.name for p in folder.iterdir()) == ["comment-1.md"]
    run(capsys, "reject", 1, "--db", db)
    run(capsys, "export", site, "--db", db)
    assert not folder.exists()  # the folder it made is gone with its last comment
    assert "Spam" not in build(site).outputs["posts/skin-care/index.html"].decode()


def test_a_file_the_database_does_not_know_is_left_alone(site, db, capsys):
    folder = site / "content/posts/skin-care/comments"
    folder.mkdir()
    (folder / "comment-500.md").write_text("---\nname: Kept\ndate: 2024-01-01\n---\nHi\n")
    run(capsys, "export", site, "--db", db)
    assert (folder / "comment-500.md").is_file()


def test_a_comment_for_an_article_that_is_gone_is_reported_not_exported(site, db, capsys):
    run(capsys, "approve", 2, "--db", db)
    (site / "content/posts/sun.md").unlink()
    code, out, err = run(capsys, "export", site, "--db", db)
    assert code == 0 and "0 written" in out
    assert "comment 2 is for 'sun', which is no article of the site" in err


def test_serve_explains_when_comments_are_off_or_the_port_is_taken(
    site, copy_site, tmp_path, capsys
):
    code, _, err = run(capsys, "serve", copy_site("basic"), "--db", tmp_path / "a.sqlite3")
    assert code == 1 and "comments are off for this site" in err
    assert not (tmp_path / "a.sqlite3").exists()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run(capsys, "serve", site, "--port", port, "--db", tmp_path / "b.sqlite3")
    assert code == 1 and f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err
