"""Rich WordPress content: embeds, code, galleries, tables, emphasis, headings, lists.

Each case is a piece of post content as WordPress stores it; it is converted
to Markdown, and the Markdown is turned into HTML as a build would.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from generator.importers.markup import (
    Context,
    heading_depths,
    parse_html,
    section_level,
    to_markdown,
)
from generator.importers.shortcodes import Attachment, convert_shortcodes
from generator.importers.unpublishable import unpublishable
from generator.markdown_text import body_headings, render_markdown


def convert(
    raw: str, *, classic: bool = False, titles=None, attachments=None
) -> tuple[str, Context]:
    """Post content -> (Markdown, what the conversion found), as the importer does it."""
    html, _notes = convert_shortcodes(raw, attachments)
    document = parse_html(html)
    context = Context(autop=classic, known_titles=titles or {})
    context.depths = heading_depths(document, 1, 2)
    context.first_depth = 2
    return to_markdown(document, context), context


def shown(markdown: str) -> str:
    """The text a reader sees of the Markdown's HTML."""
    html, _ = render_markdown(markdown)
    return unescape(re.sub(r"<[^>]+>", "", html))


# -- embeds ---------------------------------------------------------------------------------------


def embed_block(url: str, kind: str, provider: str, caption: str = "") -> str:
    """A block-editor embed as WordPress saves it."""
    caption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return (
        f'<!-- wp:embed {{"url":"{url}","type":"{kind}","providerNameSlug":"{provider}"}} -->\n'
        f'<figure class="wp-block-embed is-type-{kind} is-provider-{provider} '
        f'wp-block-embed-{provider}"><div class="wp-block-embed__wrapper">\n'
        f"{url}\n</div>{caption}</figure>\n<!-- /wp:embed -->"
    )


VIMEO_BLOCK = embed_block("https://vimeo.com/463529017", "video", "vimeo", "A tour of the clinic")


@pytest.mark.parametrize(
    "raw, classic, block",
    [
        (VIMEO_BLOCK, False, "!video[A tour of the clinic](https://vimeo.com/463529017)"),
        (
            '<p>Watch:</p><iframe width="560" title="Sun care in two minutes" '
            'src="https://www.youtube.com/embed/aqz-KE-bpKQ?feature=oembed"></iframe>',
            False,
            "!video[Sun care in two minutes](https://www.youtube.com/embed/aqz-KE-bpKQ?feature=oembed)",
        ),
        (
            "Before.\n\nhttps://www.youtube.com/watch?v=aqz-KE-bpKQ\n\nAfter.",
            True,
            "!video[Video on YouTube](https://www.youtube.com/watch?v=aqz-KE-bpKQ)",
        ),
        (
            "Before, on the next line:\nhttps://youtu.be/aqz-KE-bpKQ\nAfter.",
            True,
            "!video[Video on YouTube](https://youtu.be/aqz-KE-bpKQ)",
        ),
        (
            "[embed]https://vimeo.com/76979871[/embed]",
            True,
            "!video[Video on Vimeo](https://vimeo.com/76979871)",
        ),
        (
            "[youtube https://www.youtube.com/watch?v=aqz-KE-bpKQ&amp;w=640]",
            True,
            "!video[Video on YouTube](https://www.youtube.com/watch?v=aqz-KE-bpKQ&w=640)",
        ),
        ("[vimeo 76979871]", True, "!video[Video on Vimeo](https://vimeo.com/76979871)"),
    ],
)
def test_youtube_and_vimeo_embeds_become_video_blocks(raw, classic, block):
    markdown, context = convert(raw, classic=classic)
    assert block in markdown.split("\n\n")
    assert context.media == []  # nothing lost: no warning
    html, _ = render_markdown(markdown)
    assert html.count('data-sitegen-component="video"') == 1


def test_other_embeds_become_links_with_a_title_and_a_warning():
    tweet = embed_block("https://twitter.com/clinic/status/923363063922855937", "rich", "twitter")
    own = embed_block("https://old-clinic.example.com/2019/05/acne/", "wp-embed", "old-clinic")
    titles = {"https://old-clinic.example.com/2019/05/acne/": "Acne: what works"}
    markdown, context = convert(tweet + own, titles=titles)
    assert markdown.split("\n\n") == [
        "[Post on X (Twitter)](https://twitter.com/clinic/status/923363063922855937)"
        " (https://twitter.com/clinic/status/923363063922855937)",
        "[Acne: what works](https://old-clinic.example.com/2019/05/acne/)",
    ]
    assert context.media == [
        "https://twitter.com/clinic/status/923363063922855937",
        "https://old-clinic.example.com/2019/05/acne/",
    ]


def test_a_url_in_a_sentence_or_to_any_page_is_left_alone():
    markdown, context = convert(
        "See https://example.org/page for more.\n\nhttps://example.org/a", classic=True
    )
    assert "!video" not in markdown and context.media == []


# -- code -----------------------------------------------------------------------------------------

CSHARP = """[csharp]
public class GetFactorialHandler : IService&lt;GetFactorial&gt;
{
    [DataMember] public long ForNumber { get; set; }
    static long Next(long n) { return n &gt; 1 ? n * 2 : 1; }
}
[/csharp]"""


@pytest.mark.parametrize(
    "raw, classic, fence, first_line",
    [
        (CSHARP, True, "```csharp", "public class GetFactorialHandler : IService<GetFactorial>"),
        (
            '[code lang="python"]\ndef dose(kg):\n    return kg * 2\n[/code]',
            True,
            "```python",
            "def dose(kg):",
        ),
        (
            '[sourcecode language="js"]let a = [1, 2];[/sourcecode]',
            True,
            "```javascript",
            "let a = [1, 2];",
        ),
        (
            "[javascript]\nif (a &amp;&amp; b) {\n  go();\n}\n[/javascript]",
            True,
            "```javascript",
            "if (a && b) {",
        ),
        (
            '<pre class="brush: php; gutter: false">$a = 1;<br />\n  echo $a;</pre>',
            False,
            "```php",
            "$a = 1;",
        ),
        (
            '<pre class="wp-block-code"><code class="language-bash">'
            "ls -l *.md\n  | wc</code></pre>",
            False,
            "```bash",
            "ls -l *.md",
        ),
        ("<pre>line one\n    indented *not emphasis*</pre>", True, "```", "line one"),
    ],
)
def test_code_becomes_fenced_code_with_its_language(raw, classic, fence, first_line):
    markdown, _ = convert(raw, classic=classic)
    block = next(b for b in markdown.split("\n\n") if b.startswith("```"))
    lines = block.split("\n")
    assert lines[0] == fence and lines[1] == first_line and lines[-1] == "```"
    assert "<br" not in block and "&lt;" not in block and "&amp;" not in block
    html, _ = render_markdown(markdown)
    assert "<pre><code" in html


def test_code_keeps_its_indentation_and_brackets():
    markdown, _ = convert(CSHARP, classic=True)
    assert "\n    [DataMember] public long ForNumber { get; set; }\n" in markdown


# -- galleries ------------------------------------------------------------------------------------


def test_a_gallery_block_becomes_a_list_of_images():
    uploads = "https://old-clinic.example.com/wp-content/uploads/2024/01"
    raw = f"""<!-- wp:gallery {{"linkTo":"none"}} -->
<figure class="wp-block-gallery has-nested-images columns-default"><!-- wp:image {{"id":31}} -->
<figure class="wp-block-image size-large"><img src="{uploads}/room.jpg" alt="The treatment room"/>
<figcaption class="wp-element-caption">Our treatment room</figcaption></figure>
<!-- /wp:image --><!-- wp:image {{"id":32}} -->
<figure class="wp-block-image size-large"><img src="{uploads}/desk.jpg" alt="The front desk"/>
</figure><!-- /wp:image --></figure>
<!-- /wp:gallery -->"""
    markdown, context = convert(raw)
    assert markdown.split("\n") == [
        f"- ![The treatment room]({uploads}/room.jpg)<br>",
        "    Our treatment room",
        f"- ![The front desk]({uploads}/desk.jpg)",
    ]
    assert len(context.images) == 2


def test_a_gallery_shortcode_becomes_a_list_of_its_images():
    attachments = {
        "31": Attachment("https://old.example/room.jpg", "The treatment room", "", "7"),
        "32": Attachment("https://old.example/desk.jpg", "", "The front desk", "7"),
        "33": Attachment("https://old.example/other.jpg", "Elsewhere", "", "8"),
    }
    by_ids, _ = convert('[gallery ids="32,31"]', classic=True, attachments=attachments)
    assert by_ids.split("\n") == [
        "- ![](https://old.example/desk.jpg)<br>",
        "    The front desk",
        "- ![The treatment room](https://old.example/room.jpg)",
    ]
    html, notes = convert_shortcodes("[gallery]", attachments, post_id="7")
    assert html.count("<img") == 2 and notes == []
    _, notes = convert_shortcodes('[gallery ids="99"]', attachments)
    assert notes == ["a [gallery] was dropped: its images are not in the export"]


# -- pages that are only machinery -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, kind",
    [
        ('[contact-form-7 id="4" title="Contact form 1"]', "form"),
        (
            '<!-- wp:html --><form action="https://forms.example.net/x">'
            '<label>Name <input name="n"></label></form><!-- /wp:html -->',
            "form",
        ),
        ("<style>.price{color:red}</style>", "style"),
        ('<script src="https://widgets.example.net/w.js"></script>', "script"),
        ('<!-- wp:legacy-widget {"idBase":"calendar"} /-->', "widget"),
        ("[booking_calendar id=3]", "widget"),
    ],
)
def test_a_page_of_only_a_form_widget_style_or_script_is_not_published(raw, kind):
    found = unpublishable(raw)
    assert found is not None and found.kind == kind and found.why.startswith("its content is only")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "<p>Call us: 555 0100.</p>[contact-form-7 id=4]",
        '[gallery ids="1,2"]',
        "<img src=a.jpg alt=x>",
    ],
)
def test_a_page_with_content_is_published(raw):
    assert unpublishable(raw) is None


# -- fidelity -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "<p><em>a</em><em>b</em> and <strong>c</strong><strong>d</strong></p>",
        "<p><strong>Note:</strong><em>read this</em> <i>x</i><em>y</em></p>",
        "<p><em>one</em><strong>two</strong><em>three</em></p>",
    ],
)
def test_adjacent_emphasis_shows_no_asterisks(raw):
    markdown, _ = convert(raw)
    assert "*" not in shown(markdown)
    html, _ = render_markdown(markdown)
    assert html.count("<em>") + html.count("<strong>") >= 2


def test_a_table_caption_is_kept_and_shown():
    raw = (
        "<table><caption>Doses by <em>age</em></caption><thead><tr><th>Age</th><th>Dose</th>"
        "</tr></thead><tbody><tr><td>12</td><td>5 mg</td></tr></tbody></table>"
    )
    html, _ = render_markdown(convert(raw)[0])
    assert re.search(
        r'<figure class="table">\s*<figcaption>Doses by <em>age</em></figcaption>\s*'
        r"(<div [^>]*>)?<table>",
        html,
    )


def test_header_cells_stay_where_the_source_has_them():
    header_in_body = (
        "<table><tbody><tr><th>Employee</th><th>Salary</th></tr>"
        "<tr><td>Jane</td><td>$1</td></tr></tbody></table>"
    )
    html, _ = render_markdown(convert(header_in_body)[0])
    assert re.findall(r"<t[hd]>", html) == ["<th>", "<th>", "<td>", "<td>"]
    assert "<thead>" not in html  # the header row stays in the body, as in the source
    no_header = (
        "<table><tbody><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></tbody></table>"
    )
    html, _ = render_markdown(convert(no_header)[0])
    assert "<th" not in html and html.count("<td>") == 4
    row_headers = (
        "<table><thead><tr><th>Name</th><th>Fee</th></tr></thead>"
        "<tbody><tr><th>Peel</th><td>$90</td></tr></tbody></table>"
    )
    html, _ = render_markdown(convert(row_headers)[0])
    assert re.findall(r"<t[hd]>", html) == ["<th>", "<th>", "<th>", "<td>"]
    assert "<thead>" in html and "Peel" in html


def test_headings_are_shifted_so_that_none_skips_a_level():
    raw = (
        "<h1>Old title</h1><p>a</p><h2>Causes</h2><h4>Hormones</h4><h5>Deeper</h5>"
        "<h2>Care</h2><h3>At home</h3>"
    )
    markdown, _ = convert(raw)
    text = "---\ntitle: x\n---\n" + markdown
    levels = [level for _line, _column, level in body_headings(text)]
    assert levels == [2, 2, 3, 4, 2, 3]


def test_an_article_intro_starts_below_the_title():
    document = parse_html("<h3>Before any section</h3><p>x</p><h2>One</h2><h3>Sub</h3>")
    context = Context(depths=heading_depths(document, section_level(document), 3))
    assert to_markdown(document.children[:2], context, after=1).startswith("## Before any section")


@pytest.mark.parametrize(
    "raw, classic",
    [
        ("<ul><li>a</li><ul><li>b</li><ul><li>c</li></ul></ul><li>d</li></ul>", False),
        ("<ol><li>one<ol><li>sub *star*</li></ol></li><li>two</li></ol>", False),
        (
            "Line&nbsp;one\n&nbsp;- not a list\n\n&nbsp;# not a heading\n\n"
            "<strong>Bold&nbsp;</strong>&nbsp;<em>&nbsp;it</em>",
            True,
        ),
        ("<p>&nbsp;</p><p><strong>&nbsp;</strong></p><p>1.&nbsp;Not a list</p>", False),
        ("<em>line one<br />\nline two</em>", True),
    ],
)
def test_no_markdown_syntax_shows_on_the_page(raw, classic):
    """The page shows the words of the source, and no character more."""
    markdown, _ = convert(raw, classic=classic)
    source = "".join(parse_html(raw).text().split())
    assert "".join(shown(markdown).split()) == source, markdown


def test_nested_lists_stay_nested():
    markdown, _ = convert("<ul><li>a</li><ul><li>b</li></ul><li>c</li></ul>")
    html, _ = render_markdown(markdown)
    assert re.sub(r"\s", "", html) == "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>"


# -- a whole export -------------------------------------------------------------------------------

OLD = "https://old-clinic.example.com"


def wxr_item(post_id: int, kind: str, name: str, title: str, content: str, extra: str = "") -> str:
    return f"""<item><title>{title}</title><link>{OLD}/{name}/</link>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id>
<wp:post_date><![CDATA[2024-03-0{post_id % 9 + 1} 09:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2024-03-0{post_id % 9 + 1} 09:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[{name}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>
<wp:post_parent>{7 if kind == "attachment" else 0}</wp:post_parent>
<wp:post_type><![CDATA[{kind}]]></wp:post_type>{extra}</item>"""


def wxr(*items: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old Clinic</title><link>{OLD}</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>{OLD}</wp:base_site_url><wp:base_blog_url>{OLD}</wp:base_blog_url>
{"".join(items)}
</channel></rss>"""


@pytest.mark.slow
def test_a_wordpress_export_with_rich_content_builds_valid_pages(tmp_path):
    from generator.importers import import_files
    from generator.scaffold import new_site
    from tests.conftest import build
    from tests.htmltools import Page

    site = tmp_path / "site"
    new_site(site, __import__("datetime").date(2024, 5, 1))
    video = embed_block(
        "https://www.youtube.com/watch?v=aqz-KE-bpKQ", "video", "youtube", "Aftercare"
    )
    own = embed_block(f"{OLD}/acne-basics/", "wp-embed", "old-clinic")
    attachment = (
        f"<wp:attachment_url>{OLD}/wp-content/uploads/room.jpg</wp:attachment_url>"
        "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
        "<wp:meta_value>The treatment room</wp:meta_value></wp:postmeta>"
    )
    export = tmp_path / "export.xml"
    export.write_text(
        wxr(
            wxr_item(
                5, "post", "acne-basics", "Acne basics", "<p>Hormones and oil block pores.</p>"
            ),
            wxr_item(7, "post", "visit-us", "Visit us", f"<p>Come in.</p>{video}{own}[gallery]"),
            wxr_item(8, "post", "code-post", "A code post", CSHARP),
            wxr_item(31, "attachment", "room", "Room", "", attachment),
            wxr_item(9, "page", "contact", "Contact", '[contact-form-7 id="4" title="Form"]'),
        ),
        "utf-8",
    )
    report = import_files([export], site)
    assert [r for r in report.skipped if "page 9" in r] == [
        f"{export}: page 9: not published: its content is only a form ([contact-form-7])"
    ]
    assert report.counts["not published (form)"] == 1
    assert [w for w in report.warnings if "embedded media" in w] == [
        f"{export}: post 7: embedded media kept as a link: {OLD}/acne-basics/"
    ]
    text = (site / "content/posts/visit-us/index.md").read_text("utf-8")
    assert "!video[Aftercare](https://www.youtube.com/watch?v=aqz-KE-bpKQ)" in text
    assert "[Acne basics](" in text
    assert f"- ![The treatment room]({OLD}/wp-content/uploads/room.jpg)" in text
    code = (site / "content/posts/code-post/index.md").read_text("utf-8")
    assert "```csharp\n" in code
    config = site / "site.toml"
    config.write_text(
        config.read_text("utf-8") + '\n[check.rules]\nthird-party = "warning"\n', "utf-8"
    )
    result = build(site)
    page = Page(result.output_dir / "posts/visit-us/index.html")
    links = [a.attrs["href"] for a in page.find_all("a", within="article__intro")]
    assert "/posts/acne-basics/" in links and f"{OLD}/acne-basics/" not in links
    assert page.find_all("a", **{"class": "video__poster"})
    assert "content/pages/contact.md" not in report.imported  # the starter's page stays
    from tests.test_html_validity import VNU_JAR, nu_messages

    if VNU_JAR.is_file():
        posts = result.output_dir / "posts"
        messages = [m for m in nu_messages(posts) if m.get("type") == "error"]
        assert messages == []
