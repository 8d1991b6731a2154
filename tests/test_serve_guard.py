"""The dev server answers only for this machine: foreign Host names, foreign websocket
origins and unusable paths are refused. Each test talks to a real ``sitegen serve``
started on 127.0.0.1 (see tests/test_serve.py)."""

from __future__ import annotations

import base64
import http.client
import os
import socket

import pytest

from generator.request_guard import host_name, path_problem
from tests.conftest import copy_sample_site
from tests.test_serve import Server, free_port


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = copy_sample_site(tmp_path_factory.mktemp("guard") / "site")
    running = Server(site, free_port())
    yield running
    running.output_text = running.stop()


def _get(server: Server, path: str, host: str | None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.putrequest("GET", path, skip_host=host is not None, skip_accept_encoding=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


@pytest.mark.slow
@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}", "localhost.evil.example",
     "10.0.0.7:{port}", "0.0.0.0:{port}"],
)  # fmt: skip
def test_a_foreign_host_name_is_refused(server, host):
    status, body = _get(server, "/", host.format(port=server.port))
    assert status == 421, body[:200]
    assert b"<html" not in body
    status, _ = _get(server, "/livereload.js", host.format(port=server.port))
    assert status == 421


@pytest.mark.slow
@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}"]
)
def test_loopback_names_are_served(server, host):
    status, body = _get(server, "/", host.format(port=server.port))
    assert status in (200, 301, 302), body[:200]


def _upgrade(server: Server, origin: str | None) -> str:
    """The status line of a websocket handshake on /livereload."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /livereload HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return connection.recv(4096).decode("latin-1").split("\r\n", 1)[0]


@pytest.mark.slow
@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1"])
def test_livereload_refuses_a_foreign_origin(server, origin):
    assert " 403 " in _upgrade(server, origin)


@pytest.mark.slow
def test_livereload_accepts_the_previews_own_pages(server):
    assert " 101 " in _upgrade(server, f"http://127.0.0.1:{server.port}")


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", ["/%00", "/blog/%00.html", "/blog/a%00b/", "/%zz", "/blog/%e", "/blog/%ff%fe/"]
)
def test_unusable_paths_get_400_and_no_traceback(server, path):
    status, body = server.get(path)
    assert status == 400, (status, body[:200])
    assert b"Traceback" not in body
    status, _ = server.get("/")
    assert status == 200  # still serving


@pytest.mark.slow
def test_the_terminal_shows_no_traceback(server):
    for path in ("/%00", "/%zz", "/blog/%ff"):
        server.get(path)
    output = server.stop()
    assert "Traceback" not in output, output


def test_host_names_are_read_as_browsers_send_them():
    assert host_name("[::1]:8000") == "::1"
    assert host_name("LocalHost.:80") == "localhost"
    assert host_name("127.0.0.1") == "127.0.0.1"
    assert path_problem("/blog/caf%C3%A9/") is None
    assert path_problem("/blog/100%25/") is None
