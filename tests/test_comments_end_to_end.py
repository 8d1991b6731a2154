"""The whole loop on loopback: the built page's form -> receiver -> approve -> export -> page."""

from __future__ import annotations

import http.client
import shutil
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest

from generator.cli import main
from tests.comments_receiver import ORIGIN, Receiver
from tests.conftest import SITES, build

EMAIL = "e2e.reader@example.net"


class _Form(HTMLParser):
    """The comment form of a page: its action, method and every field with its value."""

    def __init__(self) -> None:
        super().__init__()
        self.action = self.method = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "comment-form" in (attrs.get("class") or ""):
            self.action, self.method = attrs["action"], attrs["method"]
        elif tag in ("input", "textarea") and "name" in attrs:
            self.fields[attrs["name"]] = attrs.get("value") or ""


@pytest.mark.slow
def test_a_comment_posted_through_the_built_form_appears_after_approval(tmp_path, capsys):
    site = shutil.copytree(SITES / "comments", tmp_path / "site")
    db = tmp_path / "comments.sqlite3"
    with Receiver(site, db) as receiver:
        # Point the form at this receiver, then build the page a reader would see.
        toml = site / "site.toml"
        endpoint = f"http://127.0.0.1:{receiver.port}{receiver.path}"
        toml.write_text(toml.read_text().replace("http://127.0.0.1:8090/comments", endpoint))
        out = tmp_path / "out"
        build(site, out)
        form = _Form()
        form.feed((out / "posts/skin-care/index.html").read_text())
        assert (form.action, form.method) == (endpoint, "post")
        assert form.fields == {
            "article": "skin-care",
            "name": "",
            "email": "",
            "comment": "",
            "website": "",
        }

        form.fields.update(
            name="Dana Reader", email=EMAIL, comment="Clear and **helpful**, thanks!"
        )
        target = urlsplit(form.action)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        connection.request(
            "POST",
            target.path,
            body=urlencode(form.fields),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN},
        )
        response = connection.getresponse()
        connection.close()
        assert response.status == 303
        location = urlsplit(response.getheader("Location"))
        assert (out / location.path.lstrip("/") / "index.html").is_file()  # the thank-you page

    assert main(["comments", "list", "--db", str(db)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1 and "Dana Reader" in listed[0]
    comment_id = listed[0].split()[0]
    assert main(["comments", "approve", comment_id, "--db", str(db)]) == 0
    assert main(["comments", "export", str(site), "--db", str(db)]) == 0
    build(site, out)

    page = (out / "posts/skin-care/index.html").read_text()
    comments = page[page.index('class="comments"') :]
    assert "Dana Reader" in comments
    assert "<p>Clear and <strong>helpful</strong>, thanks!</p>" in comments
    assert "Dana Reader" not in (out / "posts/sun/index.html").read_text()
    for path in out.rglob("*"):
        if path.is_file():
            assert EMAIL.encode() not in path.read_bytes(), path
    for path in (site / "content").rglob("*"):
        if path.is_file():
            assert EMAIL.encode() not in path.read_bytes(), path
