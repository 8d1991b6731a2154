"""``sitegen serve``: loopback only, nothing served from outside the output folder,
build errors shown as a page, stylesheets swapped in place.

The server runs as a real ``sitegen serve`` process on a copy of the sample site.
"""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.errors import ContentError
from generator.serve import Preview, error_page
from tests.conftest import REPO, copy_sample_site

SECRET = "top-secret-7c1f"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A ``sitegen serve`` process; stopped by its pid at the end."""

    def __init__(self, site: Path, port: int, output: Path | None = None) -> None:
        self.site, self.port = site, port
        chosen = ["--output", str(output)] if output else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", str(site), "--port", str(port), *chosen],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Read as it comes: a pipe nobody reads would stop the server once full, and
        # a test that fails can show what the server had said up to then.
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.output = output or site / ".sitegen-cache" / "serve"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("sitegen serve did not start listening within 60 s")

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def log(self) -> str:
        """What the server has printed so far."""
        return "".join(self.lines)

    def wait_quiet(self, seconds: float = 1.5, timeout: float = 90) -> None:
        """Wait until the server has printed nothing for ``seconds``: it prints one line
        per rebuild, when the rebuild ends."""
        deadline = time.monotonic() + timeout
        seen, since = len(self.lines), time.monotonic()
        while time.monotonic() - since < seconds:
            assert time.monotonic() < deadline, f"sitegen serve kept rebuilding:\n{self.log()}"
            time.sleep(0.1)
            if len(self.lines) != seen:
                seen, since = len(self.lines), time.monotonic()

    def get(self, path: str, method: str = "GET") -> tuple[int, bytes]:
        """GET ``path`` exactly as written (no client-side normalisation of ``..``)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as error:
            raise AssertionError(self._state(error)) from error
        return response.status, response.read()

    def _state(self, error: Exception) -> str:
        """What the server was doing when a request got no answer, for the failure message."""
        code = self.process.poll()
        if code is None:
            return f"sitegen serve is running but gave no answer ({error!r})"
        return f"sitegen serve exited with {code} ({error!r}):\n{self.log()[-4000:]}"

    def wait_for(self, path: str, text: str, timeout: float = 15) -> bytes:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, body = self.get(path)
            if text.encode() in body:
                return body
            time.sleep(0.1)
        raise AssertionError(f"{path} never showed {text!r}; last answer {status}: {body[:300]!r}")

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        return self.log()


@pytest.fixture
def server(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    (tmp_path / "site" / "secret.txt").write_text(SECRET)
    (tmp_path / "secret.txt").write_text(SECRET)
    running = Server(site, free_port())
    yield running
    running.stop()


@pytest.mark.slow
def test_listens_on_loopback_only(server):
    listening = _listening_addresses(server.port)
    assert listening == {"127.0.0.1"}, listening


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/../../secret.txt",
        "/posts/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/static/..%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
    ],
)
def test_nothing_outside_the_output_folder_is_served(server, path):
    status, body = server.get(path)
    assert status in (400, 403, 404), (status, body[:200])
    assert SECRET.encode() not in body and b"root:" not in body


@pytest.mark.slow
def test_symlinks_that_lead_out_are_refused(server):
    (server.output / "leak").symlink_to(server.site)
    (server.output / "leak.txt").symlink_to(server.site / "secret.txt")
    (server.output / "inside.html").symlink_to(server.output / "404.html")
    for path in ("/leak/secret.txt", "/leak.txt"):
        status, body = server.get(path)
        assert status in (403, 404) and SECRET.encode() not in body, path
    assert server.get("/inside.html")[0] == 200  # a link that stays inside is fine


@pytest.mark.slow
def test_pages_are_served_with_the_reload_script_and_404_page(server):
    status, body = server.get("/posts/what-is-micro-needling/")
    assert status == 200 and b"/livereload.js" in body and b"What is Micro needling?" in body
    status, body = server.get("/no-such-page/")
    assert status == 404 and b"Page not found" in body
    status, body = server.get("/livereload.js")
    assert status == 200 and b"LiveReload" in body


@pytest.mark.slow
def test_a_build_error_shows_on_every_page_until_fixed(server):
    index = server.site / "content/posts/what-is-micro-needling/index.md"
    good = index.read_text()
    index.write_text(good.replace("category: Skin Treatments", "category: [Skin"))
    body = server.wait_for("/posts/what-is-micro-needling/", "sitegen-error")
    assert b"content/posts/what-is-micro-needling/index.md:" in body
    # The lines around the mistake, the marker under its column, drawn for a phone too.
    assert b'name="viewport" content="width=device-width' in body
    frame = body.split(b'id="sitegen-frame"', 1)[1].split(b"</pre>", 1)[0].decode()
    assert "category: [Skin" in frame  # YAML finds the open bracket on the line after it
    assert any(line.startswith("&gt; ") for line in frame.split("\n")), frame
    assert re.search(r"\n +\d* *\| +\^", frame), frame
    assert b"not valid YAML" in body and b"/livereload.js" in body
    assert b"sitegen-error" in server.get("/")[1]
    index.write_text(good)
    server.wait_for("/posts/what-is-micro-needling/", "<h1>What is Micro needling?")
    assert server.process.poll() is None


@pytest.mark.slow
def test_head_answers_as_get_without_a_body(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("HEAD", "/posts/what-is-micro-needling/")
    response = connection.getresponse()
    assert response.status == 200 and response.read() == b""
    assert int(response.getheader("Content-Length")) > 1000
    assert server.get("/no-such-page/", "HEAD")[0] == 404


@pytest.mark.slow
def test_editor_temporary_files_are_not_changes(server):
    """``sed -i`` and editors' save files come and go without a rebuild line of their own."""
    folder = server.site / "content/posts/what-is-micro-needling"
    section = folder / "01-what-is-micro-needling.md"
    for name in ("sed6GLF2b", ".tmp-save", "4913", "01-what-is-micro-needling.md~"):
        (folder / name).write_text(section.read_text())
        (folder / name).unlink()
    section.write_text(section.read_text() + "\nA closing sentence for the watcher.\n")
    server.wait_for("/posts/what-is-micro-needling/", "A closing sentence for the watcher.")
    time.sleep(1)
    log = server.stop()
    assert "01-what-is-micro-needling.md changed: 1 page changed (" in log, log
    for name in ("sed6GLF2b", ".tmp-save", "4913", ".md~"):
        assert name not in log, log


@pytest.mark.slow
def test_a_stylesheet_edit_is_served_under_the_old_name(server):
    status, page = server.get("/")
    old = page.split(b'rel="stylesheet" href="', 1)[1].split(b'"', 1)[0].decode()
    stylesheet = server.site / "templates/static/style.css"
    stylesheet.write_text(stylesheet.read_text() + "\n.sitegen-test-marker { color: red }\n")
    deadline = time.monotonic() + 15
    while b"sitegen-test-marker" not in server.get(old)[1]:
        assert time.monotonic() < deadline, "the old stylesheet URL never gave the new CSS"
        time.sleep(0.1)
    assert server.get("/")[1].count(b'rel="stylesheet"') == 1


@pytest.mark.slow
def test_output_folder_can_be_chosen(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    server = Server(site, free_port(), output=tmp_path / "preview")
    try:
        page = tmp_path / "preview/posts/what-is-micro-needling/index.html"
        assert page.is_file() and not (site / "build").exists()
        section = site / "content/posts/what-is-micro-needling/01-what-is-micro-needling.md"
        section.write_text(section.read_text() + "\nWritten where asked.\n")
        server.wait_for("/posts/what-is-micro-needling/", "Written where asked.")
        assert "Written where asked." in page.read_text()
    finally:
        server.stop()


def test_the_error_page_escapes_the_message():
    error = ContentError("content/posts/<x>.md", "bad <script>alert(1)</script>", line=3)
    page = error_page(error)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert "content/posts/&lt;x&gt;.md:3: error:" in page


@pytest.mark.slow
def test_preview_reports_and_recovers(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    preview = Preview(site)
    assert re.match(r"Initial build: 3\d pages changed \(", preview.rebuild())
    section = site / "content/posts/what-is-micro-needling/01-what-is-micro-needling.md"
    section.write_text(section.read_text() + "\nA new closing sentence.\n")
    line = preview.rebuild([section])
    assert re.fullmatch(
        r"content/posts/what-is-micro-needling/01-what-is-micro-needling\.md changed: "
        r"1 page changed \(\d+ files? written, \d+ removed\) in \d+ ms",
        line,
    ), line
    broken = site / "content/posts/broken.md"
    broken.write_text("---\ntitle: [oops\n---\n")
    line = preview.rebuild([broken])
    assert "build failed\ncontent/posts/broken.md:3:1: error:" in line
    assert "> 3 | ---" in line  # the lines around the mistake, as on the error page
    assert preview.error is not None
    broken.unlink()
    assert "0 pages changed" in preview.rebuild([broken]) and preview.error is None


@pytest.mark.slow
def test_a_page_written_ahead_of_the_rebuild_is_counted_as_changed(tmp_path):
    """The edited page is written before the rebuild, which then finds it current."""
    site = copy_sample_site(tmp_path / "site")
    preview = Preview(site)
    preview.rebuild()
    section = site / "content/posts/what-is-micro-needling/01-what-is-micro-needling.md"
    section.write_text(section.read_text() + "\nA new closing sentence.\n")
    early = preview.write_edited([section])
    assert early == ["posts/what-is-micro-needling/index.html"]
    assert ": 1 page changed (" in preview.rebuild([section], early)


@pytest.mark.slow
def test_a_script_typed_into_a_section_is_never_served(tmp_path):
    """The page written ahead of the rebuild is made from the same parse, so a section that
    would run code is not written early either: the rebuild says why, the page stays."""
    site = copy_sample_site(tmp_path / "site")
    preview = Preview(site)
    preview.rebuild()
    page = preview.output_dir / "posts/what-is-micro-needling/index.html"
    before = page.read_bytes()
    section = site / "content/posts/what-is-micro-needling/01-what-is-micro-needling.md"
    section.write_text(section.read_text() + "\n<img src=x alt=x onerror=alert(1)>\n")
    assert preview.write_edited([section]) == []
    line = preview.rebuild([section])
    assert "01-what-is-micro-needling.md:" in line and "[html-unsafe]" in line, line
    assert page.read_bytes() == before


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port``, from the kernel's own table."""
    found = set()
    for table, size in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                raw = bytes.fromhex(address)
                if size == 4:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found
