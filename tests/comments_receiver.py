"""A real comment receiver for tests: `sitegen comments serve` as a subprocess on loopback.

It listens on an ephemeral port of 127.0.0.1 and is always stopped (SIGTERM,
then SIGKILL) when the ``with`` block ends.
"""

from __future__ import annotations

import http.client
import re
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

from tests.conftest import REPO

ORIGIN = "https://example.org"  # the origin of tests/sites/comments' base_url
FORM = "application/x-www-form-urlencoded"


def good_fields(**changes: str) -> dict[str, str]:
    fields = {
        "article": "skin-care",
        "name": "Ann Reader",
        "email": "ann@example.net",
        "comment": "Thanks, this was *useful*.",
        "website": "",
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


class Receiver:
    def __init__(self, site: Path, db: Path) -> None:
        self.db = db
        # A file, not a pipe: a pipe nobody reads would block the receiver once full.
        self.log = open(db.with_suffix(".log"), "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "comments", "serve", str(site)]
            + ["--host", "127.0.0.1", "--port", "0", "--db", str(db)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline() if ready else ""
        match = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"the receiver did not start: {line!r} {self.logged()}")
        self.port, self.path = int(match.group(1)), match.group(2)

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self, number: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(number)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()
        return self.process.returncode

    def logged(self) -> str:
        return self.db.with_suffix(".log").read_text()

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def post(
        self,
        fields: dict[str, str] | bytes,
        *,
        origin: str | None = ORIGIN,
        content_type: str = FORM,
        path: str | None = None,
        connection: http.client.HTTPConnection | None = None,
        headers: dict[str, str] | None = None,
    ) -> http.client.HTTPResponse:
        """POST a form; return the response (its body read), redirects not followed."""
        body = fields if isinstance(fields, bytes) else urlencode(fields).encode("ascii")
        sent = {"Content-Type": content_type, **(headers or {})}
        if origin is not None:
            sent["Origin"] = origin
        own = connection is None
        connection = connection or self.connection()
        try:
            connection.request("POST", path or self.path, body=body, headers=sent)
            response = connection.getresponse()
            response.read()
            return response
        finally:
            if own:
                connection.close()

    def stored(self) -> list[dict]:
        """Every row of the database, read by a connection of the test's own."""
        if not self.db.exists():
            return []
        db = sqlite3.connect(self.db)
        try:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute("SELECT * FROM comments ORDER BY id")]
        finally:
            db.close()
