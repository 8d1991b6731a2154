"""Debian's Apache and nginx, started on a loopback port with a throw-away configuration.

Each serves ``docroot`` (the published site sits in ``docroot/blog/`` for a
``base_url`` ending in ``/blog/``) and stops with the ``with`` block::

    with apache(docroot, tmp_path) as origin:
        http.client...  # origin is "127.0.0.1:PORT"
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.sshd import free_port

APACHE = Path("/usr/sbin/apache2")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
NGINX = Path("/usr/sbin/nginx")
# The modules an .htaccess of sitegen's needs, and the few a bare server needs to serve files.
MODULES = ("mpm_event", "authz_core", "alias", "rewrite", "headers", "mime", "dir")


def missing(server: Path) -> str | None:
    if not server.exists():
        return f"needs {server} (scripts/setup-tests installs apache2 and nginx)"
    return None


@contextlib.contextmanager
def readable_copy(folder: Path) -> Iterator[tuple[Path, Path]]:
    """``(docroot, scratch)``: a copy of ``folder`` as ``docroot/blog`` that the server's
    unprivileged worker can read (a test's own tmp_path may be private), and a folder
    for the server's configuration and logs; both removed afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="sitegen-www-"))
    try:
        scratch.chmod(0o755)
        docroot = scratch / "docroot"
        shutil.copytree(folder, docroot / "blog")
        for path in [docroot, *docroot.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield docroot, scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextlib.contextmanager
def apache(docroot: Path, scratch: Path) -> Iterator[str]:
    port = free_port()
    loads = "\n".join(
        f"LoadModule {name}_module {APACHE_MODULES / f'mod_{name}.so'}" for name in MODULES
    )
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    config = scratch / "apache.conf"
    config.write_text(
        f'ServerRoot "{scratch}"\nServerName 127.0.0.1\nListen 127.0.0.1:{port}\n{loads}\n{user}'
        f"PidFile {scratch / 'apache.pid'}\nErrorLog {scratch / 'apache-error.log'}\n"
        f"TypesConfig /etc/mime.types\nDirectoryIndex index.html\n"
        f'DocumentRoot "{docroot}"\n<Directory "{docroot}">\n'
        "  AllowOverride All\n  Require all granted\n</Directory>\n"
    )
    process = subprocess.Popen(
        [str(APACHE), "-f", str(config), "-X"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "APACHE_RUN_DIR": str(scratch)},
    )
    try:
        _wait_for(port, process)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def nginx(docroot: Path, scratch: Path, http_include: Path, server_include: Path) -> Iterator[str]:
    port = free_port()
    temporary = "\n".join(
        f"  {kind}_temp_path {scratch / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = scratch / "nginx.conf"
    config.write_text(
        f"worker_processes 1;\nerror_log {scratch / 'nginx-error.log'};\n"
        f"pid {scratch / 'nginx.pid'};\nevents {{}}\nhttp {{\n  access_log off;\n{temporary}\n"
        f"  include /etc/nginx/mime.types;\n  include {http_include};\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n    root {docroot};\n"
        f"    include {server_include};\n  }}\n}}\n"
    )
    process = subprocess.Popen(
        [str(NGINX), "-c", str(config), "-p", str(scratch), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"the server exited with {process.returncode}: {error}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")
