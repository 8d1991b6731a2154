"""``sitegen comments install-service``: a systemd unit that keeps the receiver running.

It only writes the file, and says how to install it: enabling a service is the
server administrator's decision. The receiver listens on loopback; a reverse
proxy with HTTPS (docs/comments-behind-a-proxy.md) faces the readers.
"""

from __future__ import annotations

import getpass
import shlex
import sys
from pathlib import Path

from generator.config import load_config

UNIT_NAME = "sitegen-comments.service"


def service_unit(site: Path, db: Path, port: int, user: str | None = None) -> str:
    """The unit's text, for the site folder ``site`` and database ``db`` (made absolute)."""
    site, db = site.resolve(), db.resolve()
    config = load_config(site)
    command = [sys.executable, "-m", "generator", "comments", "serve", str(site)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--db", str(db)]
    return "\n".join(
        [
            "# Written by `sitegen comments install-service`. Install it with:",
            f"#   sudo cp {UNIT_NAME} /etc/systemd/system/",
            "#   sudo systemctl daemon-reload",
            "#   sudo systemctl enable --now sitegen-comments",
            "[Unit]",
            f"Description=sitegen comment receiver for {config.title}",
            "After=network-online.target",
            "Wants=network-online.target",
            "",
            "[Service]",
            "Type=simple",
            f"User={user or getpass.getuser()}",
            f"WorkingDirectory={_escape(str(site))}",
            f"ExecStart={shlex.join(_escape(part) for part in command)}",
            "Restart=on-failure",
            "RestartSec=5",
            # The receiver writes its database and nothing else.
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "ProtectSystem=strict",
            "ProtectHome=read-only",
            f"ReadWritePaths={_escape(str(db.parent))}",
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
        ]
    )


def _escape(text: str) -> str:
    """systemd expands % specifiers and $ variables in these settings: keep them literal."""
    return text.replace("%", "%%").replace("$", "$$")
