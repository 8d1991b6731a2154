"""``git+ssh://`` and ``git+file://``: a branch that a Pages host serves, one commit per publish.

The branch is fetched (only its last commit) into a scratch repository in the
site's cache; the files that changed are written into git's object store and
index, the deleted ones taken out, and one commit with just those changes is
pushed. Until the push nothing on the far side changes, and a push is atomic,
so a publish cut short leaves the branch as it was. GitHub Pages gets a
``.nojekyll`` (so folders like ``_pagefind`` are served) and, for a site on its
own domain, the ``CNAME`` made from ``base_url``.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from generator.errors import PublishError
from generator.publish.plan import RECORD_NAME
from generator.publish.ssh import BATCH_OPTIONS, connection_error
from generator.publish.targets import Done, Local, TargetURL

_REF = "refs/sitegen/published"
_NO_OBJECT = "0" * 40
# Hosts whose own names serve Pages sites: no CNAME for them.
PAGES_DOMAINS = (".github.io", ".gitlab.io", ".pages.dev", ".netlify.app", ".codeberg.page")


def _remove_stale_locks(repo: Path) -> None:
    """Remove git's own lock files left in the scratch repository.

    git removes them when it is done; a publish killed while git wrote the index or a ref
    (``kill -9``, a closed laptop) left one, and every later publish failed on it. The
    publish holds the target's lock (:func:`~generator.publish.connect.target_locked`), so
    no other publish is using the repository: they are stale."""
    if repo.is_dir():
        for stale in [*repo.glob("*.lock"), *repo.glob("refs/**/*.lock")]:
            stale.unlink(missing_ok=True)


class GitTarget:
    def __init__(self, url: TargetURL, ssh_command: list[str], work_dir: Path) -> None:
        self.url = url
        self.remote = url.url.split("#", 1)[0].removeprefix("git+")
        key = hashlib.blake2b(self.remote.encode(), digest_size=8).hexdigest()
        self.repo = work_dir / f"git-{key}"
        self.env = {
            **os.environ,
            "GIT_DIR": str(self.repo),
            "GIT_INDEX_FILE": str(self.repo / "sitegen-index"),
            "GIT_SSH_COMMAND": shlex.join([*ssh_command, *BATCH_OPTIONS]),
            "GIT_TERMINAL_PROMPT": "0",
        }
        _remove_stale_locks(self.repo)
        self.base = self._fetch()
        self.staged = 0

    def extras(self, base_url: str) -> dict[str, bytes]:
        """What a Pages host needs besides the site: ``.nojekyll`` and maybe a ``CNAME``."""
        files = {".nojekyll": b""}
        host = urlsplit(base_url).hostname or ""
        if host and not host.endswith(PAGES_DOMAINS) and host not in ("localhost", "127.0.0.1"):
            files["CNAME"] = f"{host}\n".encode()
        return files

    def read_record(self) -> bytes | None:
        if self.base is None:
            return None
        found = self._git("cat-file", "blob", f"{self.base}:{RECORD_NAME}", check=False)
        return found.stdout if found.returncode == 0 else None

    def list_files(self, tidy: bool = True) -> set[str] | None:
        if self.base is None:
            return set()
        listing = self._git("ls-tree", "-r", "-z", "--name-only", self.base).stdout
        return {name.decode("utf-8", "surrogateescape") for name in listing.split(b"\0") if name}

    def send(self, dests: list[str], local: Local, sent: Done) -> None:
        paths = "".join(f"{local(dest)}\n" for dest in dests).encode("utf-8")
        blobs = self._git("hash-object", "-w", "--stdin-paths", input=paths).stdout.split()
        entries = [
            f"100644 {blob.decode()}\t{dest}" for blob, dest in zip(blobs, dests, strict=True)
        ]
        self._index(entries)
        for dest in dests:
            sent(dest)

    def delete(self, dests: list[str], deleted: Done) -> None:
        self._index([f"0 {_NO_OBJECT}\t{dest}" for dest in dests])
        for dest in dests:
            deleted(dest)

    def write_record(self, data: bytes) -> None:
        blob = self._git("hash-object", "-w", "--stdin", input=data).stdout.decode().strip()
        self._index([f"100644 {blob}\t{RECORD_NAME}"])

    def finish(self, message: str) -> None:
        """One commit of everything staged, pushed to the branch (nothing if nothing changed)."""
        tree = self._git("write-tree").stdout.decode().strip()
        if self.base is not None and tree == self._tree_of(self.base):
            return
        parent = ["-p", self.base] if self.base else []
        commit = self._git("commit-tree", tree, *parent, "-m", message, env=self._author())
        sha = commit.stdout.decode().strip()
        pushed = self._git(
            "push", "--quiet", self.remote, f"{sha}:refs/heads/{self.url.branch}", check=False
        )
        if pushed.returncode != 0:
            raise connection_error(self.url, pushed.stderr.decode("utf-8", "replace"))
        self.base = sha

    def _tree_of(self, commit: str) -> str:
        return self._git("rev-parse", f"{commit}^{{tree}}").stdout.decode().strip()

    def _fetch(self) -> str | None:
        if not (self.repo / "HEAD").exists():
            self.repo.mkdir(parents=True, exist_ok=True)
            self._git("init", "--quiet", "--bare")
        heads = self._git("ls-remote", "--heads", self.remote, self.url.branch, check=False)
        if heads.returncode != 0:
            raise connection_error(self.url, heads.stderr.decode("utf-8", "replace"))
        if not heads.stdout.strip():
            self._git("read-tree", "--empty")
            return None  # the branch does not exist yet: the first publish makes it
        ref = f"+refs/heads/{self.url.branch}:{_REF}"
        fetched = self._git(
            "fetch", "--quiet", "--no-tags", "--depth=1", self.remote, ref, check=False
        )
        if fetched.returncode != 0:
            raise connection_error(self.url, fetched.stderr.decode("utf-8", "replace"))
        base = self._git("rev-parse", _REF).stdout.decode().strip()
        self._git("read-tree", base)
        return base

    def _index(self, entries: list[str]) -> None:
        if entries:
            self._git("update-index", "--index-info", input="\n".join(entries).encode() + b"\n")

    def _author(self) -> dict[str, str]:
        """The user's own git identity; a neutral one where git has none."""
        if self._git("config", "user.email", check=False).stdout.strip():
            return self.env
        names = ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME")
        emails = ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL")
        return {
            **self.env,
            **dict.fromkeys(names, "sitegen"),
            **dict.fromkeys(emails, "sitegen@localhost"),
        }

    def _git(
        self,
        *arguments: str,
        input: bytes | None = None,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            ["git", *arguments],
            input=input,
            capture_output=True,
            env=env or self.env,
            check=False,
        )
        if check and result.returncode != 0:
            raise PublishError(
                self.url.url,
                f"git {arguments[0]} failed: {result.stderr.decode('utf-8', 'replace').strip()}",
            )
        return result
