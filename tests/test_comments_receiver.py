"""The comment receiver on loopback: every documented status, load, and SIGTERM."""

from __future__ import annotations

import shutil
import signal
import threading
import time
from urllib.parse import urlencode

import pytest

from generator.comments.receiver import EMAIL_MAX, NAME_MAX, RateLimiter
from tests.comments_receiver import ORIGIN, Receiver, good_fields
from tests.conftest import SITES

MAX_LENGTH = 2000  # tests/sites/comments/site.toml
THANKS = "https://example.org/comments/thanks/"


def comments_site(tmp_path, rate_limit: int | None = None):
    site = shutil.copytree(SITES / "comments", tmp_path / "site")
    if rate_limit is not None:
        toml = site / "site.toml"
        toml.write_text(toml.read_text().replace("rate_limit = 3", f"rate_limit = {rate_limit}"))
    return site


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("receiver")
    with Receiver(comments_site(tmp_path, rate_limit=100_000), tmp_path / "c.sqlite3") as running:
        yield running


@pytest.mark.slow
def test_a_good_comment_is_stored_as_pending_and_answered_303(receiver):
    before = len(receiver.stored())
    response = receiver.post(good_fields(comment="Line one\r\nline two"))
    assert response.status == 303
    assert response.getheader("Location") == THANKS
    rows = receiver.stored()
    assert len(rows) == before + 1
    row = rows[-1]
    assert (row["article"], row["name"], row["email"], row["status"]) == (
        "skin-care",
        "Ann Reader",
        "ann@example.net",
        "pending",
    )
    assert row["body"] == "Line one\nline two"
    assert row["received"].endswith("+00:00")


def test_the_preview_servers_origin_and_a_single_file_article_are_accepted(receiver):
    response = receiver.post(good_fields(article="sun"), origin="http://127.0.0.1:8000")
    assert response.status == 303
    # The reader is sent back where the form was: the preview's own thank-you page.
    assert response.getheader("Location") == "http://127.0.0.1:8000/comments/thanks/"
    assert receiver.stored()[-1]["article"] == "sun"


def test_an_origin_with_its_default_port_or_capitals_is_the_same_origin(receiver):
    assert receiver.post(good_fields(), origin="HTTPS://Example.org:443").status == 303


def _utf8_body(comment: bytes) -> bytes:
    return urlencode(good_fields(comment="x")).encode().replace(b"comment=x", comment)


BAD_INPUT = {
    # name: (post arguments, expected status)
    "body over the size limit": (
        {"fields": good_fields(comment="a" * 40_000)},
        413,
    ),
    "comment over max_length": ({"fields": good_fields(comment="a" * (MAX_LENGTH + 1))}, 400),
    "name too long": ({"fields": good_fields(name="n" * (NAME_MAX + 1))}, 400),
    "email too long": ({"fields": good_fields(email="e" * EMAIL_MAX + "@example.net")}, 400),
    "invalid UTF-8, percent-encoded": ({"fields": _utf8_body(b"comment=%FF%FEhi")}, 400),
    "invalid UTF-8, raw bytes": ({"fields": _utf8_body(b"comment=caf\xe9")}, 400),
    "lone surrogate": ({"fields": _utf8_body(b"comment=%ED%A0%80")}, 400),
    "missing article": ({"fields": good_fields(article=None)}, 400),
    "missing name": ({"fields": good_fields(name=None)}, 400),
    "missing email": ({"fields": good_fields(email=None)}, 400),
    "missing comment": ({"fields": good_fields(comment=None)}, 400),
    "blank name": ({"fields": good_fields(name="   ")}, 400),
    "blank comment": ({"fields": good_fields(comment="\r\n \t")}, 400),
    "email without @": ({"fields": good_fields(email="ann.example.net")}, 400),
    "email without domain dot": ({"fields": good_fields(email="ann@localhost")}, 400),
    "email with spaces": ({"fields": good_fields(email="ann @example.net")}, 400),
    "control character in name": ({"fields": good_fields(name="Ann\x1b[31m")}, 400),
    "newline in name": ({"fields": good_fields(name="Ann\nBob")}, 400),
    "NUL in comment": ({"fields": good_fields(comment="hi\x00there")}, 400),
    "field sent twice": ({"fields": urlencode(good_fields()).encode() + b"&name=Bob"}, 400),
    "script tag": ({"fields": good_fields(comment="Nice <script>alert(1)</script>")}, 400),
    "script tag in name": ({"fields": good_fields(name="<script>alert(1)</script>")}, 400),
    "event handler tag": ({"fields": good_fields(comment='<img src=x onerror="alert(1)">')}, 400),
    "HTML comment": ({"fields": good_fields(comment="<!-- hidden -->")}, 400),
    "Markdown image": ({"fields": good_fields(comment="![pixel](https://t.example/p.gif)")}, 400),
    "Markdown javascript link": (
        {"fields": good_fields(comment="[click](javascript:alert(1))")},
        400,
    ),
    "Markdown data link": ({"fields": good_fields(comment="[x]( data:text/html,<b>)")}, 400),
    "reference-style javascript link": (
        {"fields": good_fields(comment="[click][r]\n\n[r]: javascript:alert(1)")},
        400,
    ),
    "autolink": ({"fields": good_fields(comment="<javascript:alert(1)>")}, 400),
    "wrong Origin": ({"fields": good_fields(), "origin": "https://evil.example"}, 403),
    "Origin with another port": ({"fields": good_fields(), "origin": ORIGIN + ":8443"}, 403),
    "no Origin": ({"fields": good_fields(), "origin": None}, 403),
    "null Origin": ({"fields": good_fields(), "origin": "null"}, 403),
    "JSON body": ({"fields": b'{"name": "Ann"}', "content_type": "application/json"}, 415),
    "multipart body": (
        {"fields": b"--x--", "content_type": "multipart/form-data; boundary=x"},
        415,
    ),
    "unknown article": ({"fields": good_fields(article="no-such-article")}, 422),
    "draft article": ({"fields": good_fields(article="secret")}, 422),
    "another path": ({"fields": good_fields(), "path": "/elsewhere"}, 404),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gets_its_documented_status_and_nothing_is_stored(receiver, case):
    arguments, status = BAD_INPUT[case]
    before = receiver.stored()
    response = receiver.post(**arguments)
    assert response.status == status
    assert receiver.stored() == before
    assert receiver.process.poll() is None


def test_a_body_over_the_limit_without_content_length_gets_413(receiver):
    before = receiver.stored()
    chunks = [urlencode(good_fields()).encode()] + [b"a" * 8192] * 8
    connection = receiver.connection()
    try:
        headers = {"Origin": ORIGIN, "Content-Type": "application/x-www-form-urlencoded"}
        connection.request(
            "POST", receiver.path, body=iter(chunks), headers=headers, encode_chunked=True
        )
        response = connection.getresponse()
        assert response.status == 413
    finally:
        connection.close()
    assert receiver.stored() == before


def test_a_filled_honeypot_gets_the_same_answer_and_nothing_is_stored(receiver):
    before = receiver.stored()
    response = receiver.post(good_fields(website="https://spam.example"))
    assert (response.status, response.getheader("Location")) == (303, THANKS)
    assert receiver.stored() == before


def test_only_post_is_allowed(receiver):
    connection = receiver.connection()
    try:
        connection.request("GET", receiver.path)
        assert connection.getresponse().status == 405
    finally:
        connection.close()


@pytest.mark.slow
def test_over_the_rate_limit_gets_429_and_nothing_more_is_stored(tmp_path):
    with Receiver(comments_site(tmp_path), tmp_path / "c.sqlite3") as receiver:  # 3 per 600 s
        statuses = [receiver.post(good_fields(comment=f"try {n}")).status for n in range(3)]
        refused = receiver.post(good_fields(comment="one too many"))
        assert statuses == [303, 303, 303]
        assert refused.status == 429
        assert 0 < int(refused.getheader("Retry-After")) <= 600
        assert [row["body"] for row in receiver.stored()] == ["try 0", "try 1", "try 2"]


def _post_many(receiver, prefix: str, count: int, accepted: list[str], stop=None) -> None:
    """Post ``count`` comments over one keep-alive connection; record the accepted texts."""
    connection = receiver.connection()
    try:
        for number in range(count):
            if stop is not None and stop.is_set():
                return
            text = f"{prefix} comment {number}"
            try:
                response = receiver.post(good_fields(comment=text), connection=connection)
            except OSError:
                return  # the receiver went away (the SIGTERM test)
            if response.status == 303:
                accepted.append(text)
    finally:
        connection.close()


@pytest.mark.slow
def test_500_comments_from_20_threads_are_each_stored_exactly_once(tmp_path):
    with Receiver(comments_site(tmp_path, rate_limit=100_000), tmp_path / "c.sqlite3") as receiver:
        accepted: list[str] = []  # list.append is atomic
        threads = [
            threading.Thread(target=_post_many, args=(receiver, f"t{n}", 25, accepted))
            for n in range(20)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
        bodies = [row["body"] for row in receiver.stored()]
        assert len(accepted) == 500
        assert sorted(bodies) == sorted(accepted)
        assert receiver.process.poll() is None
        assert receiver.post(good_fields(comment="still up")).status == 303


@pytest.mark.slow
def test_sigterm_in_the_middle_of_the_load_loses_no_accepted_comment(tmp_path):
    receiver = Receiver(comments_site(tmp_path, rate_limit=100_000), tmp_path / "c.sqlite3")
    accepted: list[str] = []
    stop = threading.Event()
    threads = [
        threading.Thread(target=_post_many, args=(receiver, f"t{n}", 200, accepted, stop))
        for n in range(8)
    ]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(accepted) < 100 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(accepted) >= 100, "the load never got going"
        receiver.process.send_signal(signal.SIGTERM)
        assert receiver.process.wait(timeout=30) == 0
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        receiver.stop(signal.SIGKILL)
    stored = [row["body"] for row in receiver.stored()]
    assert len(stored) == len(set(stored))
    assert set(accepted) <= set(stored)
    assert len(accepted) < 8 * 200, "the receiver stopped only after the load ended"


def test_the_rate_limit_window_slides_and_quiet_addresses_are_forgotten():
    now = [0.0]
    limiter = RateLimiter(2, 60, clock=lambda: now[0])
    assert [limiter.retry_after("a") for _ in range(3)] == [0, 0, 61]
    assert limiter.retry_after("b") == 0  # another address has its own count
    now[0] = 60.5
    assert limiter.retry_after("a") == 0
    now[0] = 1000.0
    for number in range(RateLimiter.SWEEP_EVERY):
        limiter.retry_after(f"10.0.{number // 256}.{number % 256}")
    assert "a" not in limiter._posts and "b" not in limiter._posts
