"""``sitegen publish`` against real targets on this machine: a folder, an OpenSSH server
on loopback (with rsync on the far side, without it, and SFTP forced) and a bare
git repository (as a path, and over that SSH server). Each target goes through
the same life: a first publish, one with nothing changed, an edit, a deletion, a
dry run; a file placed by hand stays. A publish killed halfway leaves a working
site, and the next completes it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.cli import main
from generator.publish.plan import RECORD_NAME
from tests import sshd
from tests.conftest import SITES

HAND_PLACED = "hand-placed/notes.txt"
BUILD_RECORD = ".sitegen-outputs.json"  # the build's list of what it wrote: not the site
GIT_EXTRAS = {".nojekyll", "CNAME"}


@dataclass
class Target:
    url: str
    files: Callable[[], dict[str, bytes]]  # what the target serves, by dest_path
    place_by_hand: Callable[[str, bytes], None]
    extras: frozenset[str] = frozenset()  # files sitegen adds for this kind of host
    env: dict[str, str] = field(default_factory=dict)  # what the publish needs to reach it
    server: sshd.Server | None = None  # the SSH server the target is reached through


def _folder_files(root: Path) -> Callable[[], dict[str, bytes]]:
    def files() -> dict[str, bytes]:
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    return files


def _folder_placer(root: Path) -> Callable[[str, bytes], None]:
    def place(dest: str, data: bytes) -> None:
        (root / dest).parent.mkdir(parents=True, exist_ok=True)
        (root / dest).write_bytes(data)

    return place


def _git(repo: Path, *arguments: str, input: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(repo), *arguments], input=input, capture_output=True, check=True
    ).stdout


def _git_files(repo: Path, branch: str) -> Callable[[], dict[str, bytes]]:
    def files() -> dict[str, bytes]:
        listing = subprocess.run(
            ["git", "--git-dir", str(repo), "ls-tree", "-r", "-z", "--name-only", branch],
            capture_output=True,
            check=False,
        )
        if listing.returncode != 0:
            return {}
        names = [name.decode() for name in listing.stdout.split(b"\0") if name]
        return {name: _git(repo, "cat-file", "blob", f"{branch}:{name}") for name in names}

    return files


def _git_placer(repo: Path, branch: str) -> Callable[[str, bytes], None]:
    """A commit made on the branch by someone else (a README, say)."""

    def place(dest: str, data: bytes) -> None:
        work = repo.parent / "hand-clone"
        subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True)
        subprocess.run(["git", "-C", str(work), "checkout", "-q", "-B", branch], check=True)
        (work / dest).parent.mkdir(parents=True, exist_ok=True)
        (work / dest).write_bytes(data)
        identity = ["-c", "user.name=Clinic", "-c", "user.email=web@clinic.invalid"]
        subprocess.run(["git", "-C", str(work), "add", dest], check=True)
        subprocess.run(["git", "-C", str(work), *identity, "commit", "-qm", "notes"], check=True)
        subprocess.run(["git", "-C", str(work), "push", "-q", "origin", branch], check=True)
        shutil.rmtree(work)

    return place


KINDS = ["file", "ssh-rsync", "ssh-sftp", "sftp", "git-file", "git-ssh"]


def make_target(kind: str, tmp_path: Path, request) -> Target:
    """A target of ``kind`` under ``tmp_path``; an SSH server stops with the test."""
    if kind == "git-file":
        repo = tmp_path / "pages.git"
        subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
        return Target(
            f"git+file://{repo}#gh-pages",
            _git_files(repo, "gh-pages"),
            _git_placer(repo, "gh-pages"),
            frozenset(GIT_EXTRAS),
        )
    root = tmp_path / "www"
    root.mkdir()
    if kind == "file":
        return Target(f"file://{root}", _folder_files(root), _folder_placer(root))
    reason = sshd.available()
    if reason:
        pytest.skip(reason)
    server = sshd.start_sshd(tmp_path / "sshd", rsync=kind == "ssh-rsync")
    request.addfinalizer(server.stop)
    if kind == "git-ssh":
        repo = tmp_path / "pages.git"
        subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
        return Target(
            server.url("git+ssh", repo) + "#gh-pages",
            _git_files(repo, "gh-pages"),
            _git_placer(repo, "gh-pages"),
            frozenset(GIT_EXTRAS),
            env={"SITEGEN_SSH_COMMAND": server.ssh_command},
        )
    scheme = "sftp" if kind == "sftp" else "ssh"
    return Target(
        server.url(scheme, root),
        _folder_files(root),
        _folder_placer(root),
        env={"SITEGEN_SSH_COMMAND": server.ssh_command},
        server=server,
    )


@pytest.fixture(params=KINDS)
def target(request, tmp_path, monkeypatch) -> Target:
    made = make_target(request.param, tmp_path, request)
    for name, value in made.env.items():
        monkeypatch.setenv(name, value)
    return made


@pytest.fixture
def site(tmp_path) -> Path:
    return Path(shutil.copytree(SITES / "basic", tmp_path / "site"))


def publish(site: Path, target: Target, *extra: str, capsys) -> tuple[int, str, list[str]]:
    code = main(["publish", str(site), "--to", target.url, "--yes", "--verbose", *extra])
    captured = capsys.readouterr()
    sent = re.findall(r"^sent (.+)$", captured.out, re.MULTILINE)
    return code, captured.out + captured.err, sent


def built_files(site: Path) -> dict[str, bytes]:
    """The site as built: the output folder without the build's own record of it."""
    found = _folder_files(site / "build")()
    found.pop(BUILD_RECORD, None)
    return found


def served(target: Target) -> dict[str, bytes]:
    """What the target holds of the site: without the record, extras and hand-placed file."""
    skip = {RECORD_NAME, HAND_PLACED, *target.extras}
    return {dest: data for dest, data in target.files().items() if dest not in skip}


@pytest.mark.slow
def test_a_target_follows_the_site_through_its_life(site, target, capsys, request):
    kind = request.node.callspec.params["target"]
    target.place_by_hand(HAND_PLACED, b"the clinic's own file\n")

    code, text, sent = publish(site, target, capsys=capsys)
    assert code == 0, text
    assert served(target) == built_files(site), "the first publish copies build/ byte for byte"
    assert "Published" in text and "Left alone 1 files" in text and HAND_PLACED in text
    if target.extras:
        assert target.files()[".nojekyll"] == b""
        assert target.files()["CNAME"] == b"example.org\n"

    code, text, sent = publish(site, target, capsys=capsys)
    assert (code, sent) == (0, []), text
    assert "Published 0 files (0 new, 0 changed), deleted 0" in text

    before = built_files(site)
    single = site / "content/posts/single.md"
    single.write_text(single.read_text("utf-8").replace("More text.", "Changed text."), "utf-8")
    code, text, sent = publish(site, target, capsys=capsys)
    after = built_files(site)
    changed = {dest for dest in after if before.get(dest) != after[dest]}
    assert code == 0, text
    assert "posts/single/index.html" in changed
    assert sorted(sent) == sorted(changed), "exactly the files whose bytes changed"
    assert served(target) == after

    (site / "content/posts/older.md").unlink()
    code, text, sent = publish(site, target, capsys=capsys)
    assert code == 0, text
    gone = {"posts/older/index.html", "older.html", "2023/01/older-article/index.html"}
    assert not gone & served(target).keys()
    assert re.search(r"deleted [1-9]", text)
    assert served(target) == built_files(site)

    if not kind.startswith("git"):  # what a publish cut short left half-sent
        target.place_by_hand(_HALF_SENT[kind == "ssh-rsync"], b"half of a page")
    snapshot = target.files()
    single.write_text(single.read_text("utf-8").replace("Changed text.", "Dry text."), "utf-8")
    code, text, sent = publish(site, target, "--dry-run", capsys=capsys)
    assert code == 0, text
    assert "Would publish 1 files (0 new, 1 changed)" in text or "Would publish" in text
    assert "changed  posts/single/index.html" in text
    assert target.files() == snapshot, "--dry-run changes nothing"

    assert target.files()[HAND_PLACED] == b"the clinic's own file\n"


# A half-sent page beside the page (folder and SFTP targets) or in rsync's own folder.
_HALF_SENT = {
    False: "posts/single/.index.html.sitegen-upload",
    True: ".sitegen-upload/.index.html.x7Yz2q",
}


def _bigger_site(site: Path, articles: int) -> None:
    for number in range(articles):
        (site / f"content/posts/extra-{number:03}.md").write_text(
            f"---\ntitle: Extra article {number}\n"
            "description: One of many articles that make a publish take a while.\n"
            f"date: 2024-02-{1 + number % 28:02}\ntags: [extra]\n---\nText {number}.\n",
            "utf-8",
        )


def _assets_of(page: bytes) -> set[str]:
    return set(re.findall(rb'(?:href|src)="/blog/(static/[^"#?]+)"', page))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["file", "ssh-rsync", "ssh-sftp", "git-file"])
def test_a_publish_killed_halfway_leaves_a_working_site(
    kind, tmp_path, request, monkeypatch, capsys
):
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    _bigger_site(site, 120)
    target = make_target(kind, tmp_path, request)
    for name, value in target.env.items():
        monkeypatch.setenv(name, value)
    assert main(["publish", str(site), "--to", target.url, "--yes"]) == 0
    capsys.readouterr()
    first = served(target)
    # A new stylesheet: every page changes and points at a new fingerprinted file.
    theme_css = Path(__file__).resolve().parent.parent / "templates/static/style.css"
    (site / "static").mkdir(exist_ok=True)
    (site / "static/style.css").write_bytes(theme_css.read_bytes() + b"\n/* new */\n")
    _publish_killed(site, target, after_pages=30)
    halfway = served(target)
    assert halfway != first or kind == "git-file"
    assert halfway != built_files(site), "the publish was cut short"
    for dest, data in halfway.items():
        if dest.endswith(".html"):
            missing = {a.decode() for a in _assets_of(data)} - halfway.keys()
            assert not missing, f"{dest} points at {missing}, not on the target"

    assert main(["publish", str(site), "--to", target.url, "--yes"]) == 0, capsys.readouterr()
    assert served(target) == built_files(site), "the next publish completes it"

    # Cut short once its new stylesheet is in place, and the change then undone: the new
    # file is sitegen's, not someone else's, and goes with the change.
    (site / "static/style.css").write_bytes(theme_css.read_bytes() + b"\n/* newer */\n")
    _publish_killed(site, target, after_pages=1)
    (site / "static/style.css").unlink()
    assert main(["publish", str(site), "--to", target.url, "--yes"]) == 0, capsys.readouterr()
    assert served(target) == built_files(site), "the next publish takes back what it added"


def _publish_killed(site: Path, target: Target, *, after_pages: int) -> None:
    """``sitegen publish`` in a process of its own, killed once it has sent that many pages
    (its new assets went before them)."""
    command = [sys.executable, "-m", "generator", "publish", str(site), "--to", target.url]
    process = subprocess.Popen(
        [*command, "--yes", "--verbose"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **target.env},
        start_new_session=True,
    )
    pages_sent = 0
    for line in process.stdout:
        if line.startswith(b"sent ") and line.rstrip().endswith(b".html"):
            pages_sent += 1
            if pages_sent == after_pages:
                os.killpg(process.pid, signal.SIGKILL)
                break
    process.wait()


def _hidden(root: Path) -> dict[str, bool]:
    """What lies under ``root`` in a hidden folder or under a hidden name, the record aside
    (no site has such files), each with whether it is a file rather than a folder."""
    found = {}
    for folder, folders, files in os.walk(root):
        relative = Path(folder).relative_to(root)
        in_hidden = any(part.startswith(".") for part in relative.parts)
        for name in [*folders, *files]:
            if (in_hidden or name.startswith(".")) and name != RECORD_NAME:
                found[(relative / name).as_posix()] = name in files
    return found


@pytest.mark.slow
def test_what_an_rsync_cut_short_on_the_far_side_left_the_next_publish_removes(
    tmp_path, request, monkeypatch, capsys
):
    """The far side's rsync is killed while it writes a file: its temporary file stays (no
    clean-up of its own can run), and the next publish must leave none of it behind."""
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    target = make_target("ssh-rsync", tmp_path, request)
    monkeypatch.setenv("SITEGEN_SSH_COMMAND", target.env["SITEGEN_SSH_COMMAND"])
    assert main(["publish", str(site), "--to", target.url, "--yes"]) == 0
    capsys.readouterr()
    # Large enough that it is still on its way when the test sees its first bytes arrive.
    (site / "static").mkdir(exist_ok=True)
    (site / "static/large.bin").write_bytes(os.urandom(48_000_000))
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "publish", str(site), "--to", target.url, "--yes"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **target.env},
        start_new_session=True,
    )
    root = tmp_path / "www"

    def large_in_flight() -> bool:  # rsync's temporary file for it (the record has one too)
        return any(is_file and "large.bin" in path for path, is_file in _hidden(root).items())

    while process.poll() is None and not large_in_flight():
        time.sleep(0.001)
    assert target.server is not None and target.server.kill("rsync"), "rsync was running"
    assert process.wait(timeout=60) != 0, "the publish failed with its transfer"
    assert large_in_flight(), "the far side's rsync left its temporary file"

    assert main(["publish", str(site), "--to", target.url, "--yes"]) == 0, capsys.readouterr()
    text = capsys.readouterr().out
    assert served(target) == built_files(site), "the next publish completes it"
    assert not _hidden(root), "and leaves nothing of the one cut short"
    assert "Left alone" not in text, "nor calls sitegen's own leftovers someone else's"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["ssh-rsync", "sftp"])
def test_a_target_folder_that_is_not_there_yet_is_made(
    kind, tmp_path, request, monkeypatch, capsys
):
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    target = make_target(kind, tmp_path, request)
    for name, value in target.env.items():
        monkeypatch.setenv(name, value)
    deeper = target.url + "/new/blog"
    assert main(["publish", str(site), "--to", deeper, "--yes"]) == 0, capsys.readouterr()
    made = tmp_path / "www/new/blog"
    assert (made / "posts/single/index.html").read_bytes() == (
        site / "build/posts/single/index.html"
    ).read_bytes()
    if kind == "ssh-rsync":  # rsync sets the modes (SFTP leaves them to the host's umask)
        for path in made.rglob("*"):
            readable = stat.S_IROTH | (stat.S_IXOTH if path.is_dir() else 0)
            assert path.stat().st_mode & readable == readable, f"a web server cannot read {path}"


@pytest.mark.slow
def test_git_locks_a_killed_publish_left_do_not_stop_the_next(tmp_path, request, capsys):
    """git leaves its lock files behind when killed while it writes (the index, a ref);
    a publish that holds the scratch repository removes them, and a second publish to the
    same target at the same moment is told to wait for the first."""
    import fcntl

    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    target = make_target("git-file", tmp_path, request)
    assert main(["publish", str(site), "--to", target.url, "--yes"]) == 0
    (scratch,) = (site / ".sitegen-cache/publish").glob("git-*")
    for stale in ("sitegen-index.lock", "index.lock", "refs/sitegen/published.lock"):
        (scratch / stale).parent.mkdir(parents=True, exist_ok=True)
        (scratch / stale).write_text("")
    (site / "content/pages/about.md").write_text(
        (site / "content/pages/about.md").read_text() + "\nOpen on Saturdays too.\n"
    )
    assert main(["publish", str(site), "--to", target.url, "--yes"]) == 0, capsys.readouterr()
    assert served(target) == built_files(site)
    assert not list(scratch.rglob("*.lock"))

    (lock,) = (site / ".sitegen-cache/publish").glob("target-*.lock")
    with lock.open("w") as held:  # another publish to it, under way
        fcntl.flock(held, fcntl.LOCK_EX)
        capsys.readouterr()
        assert main(["publish", str(site), "--to", target.url, "--yes"]) == 1
    said = capsys.readouterr()
    assert "another sitegen publish to this target is under way" in said.out + said.err
