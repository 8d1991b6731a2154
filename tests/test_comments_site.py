"""Comments in the build: settings, comment files, the form, the list and the thank-you page."""

from __future__ import annotations

import shutil

import pytest

from generator.config import load_config
from generator.errors import ConfigError, ContentError, ModelError
from tests.conftest import SITES, build
from tests.test_html_validity import VNU_JAR, nu_messages


@pytest.fixture
def site(tmp_path):
    return shutil.copytree(SITES / "comments", tmp_path / "site")


def write_comment(folder, number, name, date, body):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"comment-{number}.md").write_text(
        f'---\nname: "{name}"\ndate: "{date}"\n---\n{body}\n', encoding="utf-8"
    )


@pytest.mark.slow
def test_comments_are_off_without_a_comments_table(copy_site):
    basic = copy_site("basic")
    assert load_config(basic).comments is None
    result = build(basic)
    page = result.outputs["posts/single/index.html"].decode()
    assert "<form" not in page and 'class="comments"' not in page
    assert not any(dest.startswith("comments/") for dest in result.outputs)


def test_the_comments_table_is_read_and_origins_normalised(site):
    comments = load_config(site).comments
    assert comments.endpoint == "http://127.0.0.1:8090/comments"
    assert comments.allowed_origins == ("http://127.0.0.1:8000",)
    assert (comments.rate_limit, comments.rate_window, comments.max_length) == (3, 600, 2000)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('endpoint = "/comments"', "'comments.endpoint' must be an absolute http(s) URL"),
        (
            'endpoint = "https://c.example/comments\\nX-Injected: 1"',
            "'comments.endpoint' must be an absolute http(s) URL",
        ),
        ('allowed_origins = ["http://127.0.0.1:8000/preview/"]', "which is not an origin"),
        ("rate_limit = 0", "'rate_limit' must be at least 1"),
        ('max_length = "long"', "'comments.max_length' must be a whole number"),
        ("rate_limt = 3", "unknown setting 'comments.rate_limt'"),
    ],
)
def test_a_wrong_comments_setting_is_a_clear_error(site, line, message):
    toml = site / "site.toml"
    key = line.split(" =")[0]
    kept = [ln for ln in toml.read_text().splitlines() if ln.split(" =")[0] != key]
    toml.write_text("\n".join(kept + [line]) + "\n")
    with pytest.raises(ConfigError) as raised:
        load_config(site)
    assert message in str(raised.value)
    assert raised.value.line is not None


def test_a_comments_table_without_endpoint_is_an_error(site):
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('endpoint = "http://127.0.0.1:8090/comments"\n', ""))
    with pytest.raises(ConfigError, match="'comments.endpoint' is required"):
        load_config(site)


def test_approved_comments_appear_under_their_article_oldest_first(site):
    folder = site / "content/posts/skin-care/comments"
    write_comment(folder, 12, "Later Reader", "2024-06-02T10:00:00+00:00", "Second.")
    write_comment(folder, 3, "Early Reader", "2024-06-01T10:00:00+00:00", "First, *really*.")
    write_comment(
        site / "content/posts/sun.comments", 4, "Sunny", "2024-06-03T03:00:00+00:00", "Hi"
    )
    result = build(site)
    article = result.site.article("skin-care")
    assert [c.name for c in article.comments] == ["Early Reader", "Later Reader"]
    assert [s.title for s in article.sections] == ["The basics"]  # never a section
    assert not article.assets  # a comment file is not copied as a file beside the article
    page = result.outputs["posts/skin-care/index.html"].decode()
    assert page.index("Early Reader") < page.index("Later Reader")
    assert "<p>First, <em>really</em>.</p>" in page
    assert '<time datetime="2024-06-01T05:00:00-05:00">June 1, 2024</time>' in page
    sun = result.site.article("sun")
    # 03:00 UTC is still the day before in the site's timezone.
    assert [(c.name, c.published.day) for c in sun.comments] == [("Sunny", 2)]
    assert "comments/comment-12.md" not in " ".join(result.outputs)


def test_replies_follow_the_comment_they_answer(site):
    folder = site / "content/posts/skin-care/comments"
    write_comment(folder, 1, "Ann", "2024-06-01T10:00:00+00:00", "First.")
    write_comment(folder, 2, "Bo", "2024-06-02T10:00:00+00:00", "Second, on its own.")
    replies = {
        3: ("Cy", "2024-06-03T10:00:00+00:00", "comment-1"),  # answers Ann, after Bo
        4: ("Di", "2024-06-04T10:00:00+00:00", "comment-3"),  # answers Cy
        5: ("Ed", "2024-06-05T10:00:00+00:00", "comment-99"),  # its comment is gone
        6: ("Fay", "2024-06-06T10:00:00+00:00", "comment-7"),  # 6 and 7 answer each other
        7: ("Gus", "2024-06-07T10:00:00+00:00", "comment-6"),
    }
    for number, (name, date, parent) in replies.items():
        write_comment(folder, number, name, date, f"Reply {number}.")
        path = folder / f"comment-{number}.md"
        path.write_text(path.read_text().replace("---\nReply", f"reply_to: {parent}\n---\nReply"))
    result = build(site)
    shown = [(c.name, c.depth, c.reply_to) for c in result.site.article("skin-care").comments]
    assert shown == [
        ("Ann", 0, ""),
        ("Cy", 1, "comment-1"),
        ("Di", 2, "comment-3"),
        ("Bo", 0, ""),
        ("Ed", 0, ""),
        ("Fay", 0, ""),
        ("Gus", 0, ""),
    ]
    page = result.outputs["posts/skin-care/index.html"].decode()
    assert 'id="comment-3"' in page and 'In reply to <a href="#comment-1">Ann</a>' in page
    assert "comment--depth-2" in page


def test_the_form_posts_every_field_to_the_endpoint(site):
    page = build(site).outputs["posts/sun/index.html"].decode()
    assert (
        '<form class="comment-form" method="post" action="http://127.0.0.1:8090/comments"' in page
    )
    assert '<input type="hidden" name="article" value="sun">' in page
    for field in ('name="name"', 'name="email"', 'name="comment"', 'name="website"'):
        assert field in page
    assert 'autocomplete="email" maxlength="254" required' in page
    assert "cannot give medical advice in comments" in page
    assert "do not share personal health information" in page
    assert "Your email address will not be published" in page


def test_the_thank_you_page_is_built_but_not_indexed(site):
    result = build(site)
    thanks = result.outputs["comments/thanks/index.html"].decode()
    assert "Thank you for your comment" in thanks
    assert '<meta name="robots" content="noindex">' in thanks
    assert b"comments/thanks" not in result.outputs["sitemap.xml"]


def test_comment_files_with_tricks_render_inert(site):
    folder = site / "content/posts/skin-care/comments"
    write_comment(
        folder,
        1,
        "<script>alert(1)</script>",
        "2024-06-01T10:00:00+00:00",
        "<script>alert(2)</script> ![x](https://t.example/p.gif) [y](javascript:z)",
    )
    page = build(site).outputs["posts/skin-care/index.html"].decode()
    assert "<script>alert" not in page and "javascript:z" not in page and "p.gif" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_comment_for_no_article_is_an_error(site):
    write_comment(site / "content/posts/gone.comments", 1, "A", "2024-06-01", "Hi")
    with pytest.raises(ModelError, match="which is no article"):
        build(site)


def test_a_comment_file_without_a_name_names_the_file(site):
    folder = site / "content/posts/skin-care/comments"
    folder.mkdir()
    (folder / "comment-1.md").write_text("---\ndate: 2024-06-01\n---\nHi\n")
    with pytest.raises(ContentError) as raised:
        build(site)
    assert raised.value.path == "content/posts/skin-care/comments/comment-1.md"
    assert "'name' is required" in str(raised.value)


@pytest.mark.slow
@pytest.mark.skipif(
    not VNU_JAR.is_file() or shutil.which("java") is None,
    reason="needs Java and the Nu checker (scripts/setup-tests installs both)",
)
def test_pages_with_comments_and_the_form_are_valid_html(site, tmp_path):
    write_comment(
        site / "content/posts/skin-care/comments",
        1,
        "Ann",
        "2024-06-01T10:00:00+00:00",
        "Thanks!\n\n> quoted\n\n- a [link](https://example.net)",
    )
    result = build(site, tmp_path / "out")
    messages = nu_messages(result.output_dir)
    assert [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages] == []
