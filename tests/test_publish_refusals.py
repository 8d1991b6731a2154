"""What ``sitegen publish`` refuses, each with a message that says what to do, and the plan
it follows (order, deletions, files it never published)."""

from __future__ import annotations

import doctest
import shutil
from pathlib import Path

import pytest

import generator.publish.plan
from generator.cli import main
from generator.publish.plan import (
    RECORD_NAME,
    groups,
    parse_record,
    plan_publish,
    record_bytes,
    record_while_sending,
    send_order,
)
from tests import sshd
from tests.conftest import SITES


@pytest.fixture
def site(tmp_path) -> Path:
    return Path(shutil.copytree(SITES / "basic", tmp_path / "site"))


def _publish(capsys, *argv: str) -> tuple[int, str]:
    code = main(["publish", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_an_unknown_host_key_stops_the_publish_and_says_how_to_trust_it(
    site, tmp_path, monkeypatch, capsys
):
    reason = sshd.available()
    if reason:
        pytest.skip(reason)
    server = sshd.start_sshd(tmp_path / "sshd", trusted=False)
    try:
        monkeypatch.setenv("SITEGEN_SSH_COMMAND", server.ssh_command)
        www = tmp_path / "www"
        code, text = _publish(capsys, str(site), "--to", server.url("ssh", www), "--yes")
    finally:
        server.stop()
    assert code == 1
    assert "the host key of 127.0.0.1 is not known" in text
    assert f"ssh-keyscan -p {server.port} 127.0.0.1 >> ~/.ssh/known_hosts" in text
    assert "Traceback" not in text
    assert not www.exists()


def test_a_site_with_errors_is_not_published(site, tmp_path, capsys):
    single = site / "content/posts/single.md"
    single.write_text(single.read_text("utf-8") + "\n[gone](/blog/posts/nowhere/)\n", "utf-8")
    www = tmp_path / "www"
    code, text = _publish(capsys, str(site), "--to", f"file://{www}", "--yes")
    assert code == 1
    assert "[broken-link]" in text and "Nothing more was published." in text
    assert not www.exists()


def test_a_publish_never_sends_drafts_or_future_articles(site, tmp_path, capsys):
    assert main(["build", str(site), "--drafts", "--future"]) == 0
    assert (site / "build/posts/draft/index.html").exists()
    www = tmp_path / "www"
    code, text = _publish(capsys, str(site), "--to", f"file://{www}", "--yes")
    assert code == 0, text
    assert (www / "posts/single/index.html").exists()
    assert not (www / "posts/draft").exists() and not (www / "posts/future").exists()


def test_without_a_target_the_message_says_where_to_set_one(site, capsys):
    code, text = _publish(capsys, str(site))
    assert code == 1
    assert "no target to publish to" in text and 'to = "ssh://' in text


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/www", "cannot publish to 'ftp://example.org/www'"),
        ("ssh://deploy:secret@example.org/www", "holds a password"),
        ("ssh:///var/www", "names no host"),
    ],
)
def test_a_target_url_sitegen_cannot_use_is_refused(site, capsys, url, message):
    code, text = _publish(capsys, str(site), "--to", url)
    assert code == 1
    assert message in text
    assert "secret" not in text


def test_a_github_pages_branch_must_serve_the_base_url(site, capsys):
    toml = site / "site.toml"
    toml.write_text(
        toml.read_text("utf-8").replace("https://example.org/blog/", "https://acme.github.io/blog/")
    )
    code, text = _publish(capsys, str(site), "--to", "git+ssh://git@github.com/other/blog.git")
    assert code == 1
    assert "GitHub serves" in text and "https://other.github.io/blog/" in text


def test_files_go_assets_first_then_pages_then_pointers_then_deletions():
    built = {"index.html": "b", "style.abc.css": "a", "sitemap.xml": "c", "posts/x/index.html": "d"}
    plan = plan_publish(built, {"index.html": "old", "gone.html": "g", "sitemap.xml": "c"})
    assert plan.sends == ("style.abc.css", "index.html", "posts/x/index.html")
    assert plan.new == ("posts/x/index.html", "style.abc.css")
    assert plan.changed == ("index.html",)
    assert plan.deletes == ("gone.html",)
    assert plan.unchanged == 1
    assert [send_order(d)[0] for d in ("a.png", "a/index.html", "feed.xml", ".htaccess")] == [
        0,
        1,
        2,
        2,
    ]
    assert groups(("a.css", "b.js", "x.html", "sitemap.xml")) == [
        ["a.css", "b.js"],
        ["x.html"],
        ["sitemap.xml"],
    ]


def test_files_sitegen_never_published_are_named_and_left_alone():
    plan = plan_publish({"a.html": "1"}, {"a.html": "1"}, {"a.html", "notes.txt", RECORD_NAME})
    assert plan.foreign == ("notes.txt",)
    assert plan.deletes == () and plan.nothing_to_do
    replaced = plan_publish({"a.html": "1"}, {}, {"a.html"})
    assert replaced.replaces_foreign == ("a.html",)


def test_files_a_publish_is_about_to_send_are_claimed_and_sent_again_if_it_is_cut_short():
    published = {"a.html": "1", "gone.html": "2"}
    plan = plan_publish({"a.html": "3", "new.html": "4", "new.css": "5"}, published)
    meanwhile = record_while_sending(published, plan)
    assert meanwhile == {"a.html": "1", "gone.html": "2", "new.css": "", "new.html": ""}
    # Cut short with the new files there: the next publish sends them again, as sitegen's.
    on_target = {"a.html", "gone.html", "new.css", "new.html"}
    again = plan_publish({"a.html": "3", "new.html": "4", "new.css": "5"}, meanwhile, on_target)
    assert again.sends == ("new.css", "a.html", "new.html") and not again.replaces_foreign
    # Or the build no longer has one of them: it is deleted, not left as someone else's.
    undone = plan_publish({"a.html": "3", "new.css": "5"}, meanwhile, on_target)
    assert undone.deletes == ("gone.html", "new.html") and not undone.foreign
    assert doctest.testmod(generator.publish.plan).failed == 0


def test_the_record_reads_back_and_a_strange_one_counts_as_none():
    record = {"b.html": "2", "a.css": "1"}
    assert parse_record(record_bytes(record)) == record
    assert parse_record(b"not json") == {}
    assert parse_record(b'{"version": 99, "files": {}}') == {}
    assert parse_record(None) == {}


def test_the_ssh_command_comes_from_the_environment_else_site_toml(monkeypatch):
    from generator.publish.ssh import ssh_argv, ssh_command
    from generator.publish.targets import parse_target

    monkeypatch.delenv("SITEGEN_SSH_COMMAND", raising=False)
    assert ssh_command("") == ["ssh"]
    assert ssh_command("ssh -F './deploy ssh_config'") == ["ssh", "-F", "./deploy ssh_config"]
    monkeypatch.setenv("SITEGEN_SSH_COMMAND", "ssh -i key")
    assert ssh_command("ssh -F other") == ["ssh", "-i", "key"]
    url = parse_target("ssh://deploy@example.org:2222/~/public_html")
    assert url.remote_path == "public_html"
    argv = ssh_argv(url, ["ssh", "-i", "key"])
    assert argv == [
        "ssh",
        "-i",
        "key",
        "-o",
        "BatchMode=yes",
        "-p",
        "2222",
        "--",
        "deploy@example.org",
    ]
