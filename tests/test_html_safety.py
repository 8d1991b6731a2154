"""The ``html-unsafe`` rule: what would run in a reader's browser is found, the rest passes.

The last test lets Chromium judge: Markdown built from known attacks, spelled in
many ways, is either refused by the rule or, converted, holds nothing that runs
once the browser has parsed it (its own HTML and address parsers, not ours).
"""

from __future__ import annotations

import contextlib
import json
import random

import pytest

from generator.discover import SourceFile, digest_of
from generator.errors import ContentError
from generator.html_safety import RULE, unsafe_in_html
from generator.markdown_text import convert_markdown
from generator.parse import parse_source
from generator.runnable_files import RULE as FILE_RULE
from tests.conftest import build

RUNNING = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=/x.js></SCRIPT>",
    "Text <script>alert(1)</script> in a paragraph.",
    "<svg><script>alert(1)</script></svg>",
    "<img src=x alt=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<a href=x onmouseover = alert(1)>x</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[a][r]\n\n[r]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
    '<iframe src="data:image/svg+xml,&lt;svg onload=go()&gt;" title="x"></iframe>',
    '<img alt="x" src="/a.png" srcset="/a.png 1x, javascript:alert(1) 2x">',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="/x.swf"></object>',
    '<embed src="/x.swf">',
    '<base href="https://example.org/">',
    '<meta http-equiv="refresh" content="0;url=https://example.org/">',
    'A paragraph.\n{: onclick="alert(1)" }',
    '## A heading {onclick="alert(1)"}',
    '[a link](/x){href="javascript:alert(1)"}',
    '<div markdown="1" onclick="alert(1)">*text*</div>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">x</p></noscript>',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    # A component's placeholder, typed by hand with a handler of its own.
    '<div data-sitegen-component="video" onclick="alert(1)"></div>',
    # Where a browser reads raw text up to an end tag hidden in an attribute value.
    '<noscript><p title="</noscript><a href="javascript&colon;alert(1)">x</a>"></noscript>',
    '<svg></p><style><a id="</style>[click](javascript:alert(1))">',
    '<div markdown="1">\n\n<script>alert(1)</script>\n\n</div>',
]

# Places an attack may be typed in: raw text, foreign content, Markdown blocks.
CONTEXTS = [
    *("<svg>{}</svg>", "<math>{}</math>", "<noscript>{}</noscript>", "<textarea>{}</textarea>"),
    *("<style>{}</style>", "<title>{}</title>", "<template>{}</template>", "<xmp>{}</xmp>"),
    *("<iframe>{}</iframe>", "<noembed>{}</noembed>", "<select>{}</select>", "<!--{}-->"),
    *("<table>{}</table>", "<a href=/x>{}</a>", "<![CDATA[{}]]>", "> {}", "* {}", "1. {}"),
    *('<div markdown="1">\n\n{}\n\n</div>', "[{}](/y)", "{} {{: .x }}", "`{}`"),
    *("<svg><style>{}</style></svg>", '<svg></p><style><a id="</style>{}">'),
    *('<noscript><p title="</noscript>{}"></noscript>', "```\n{}\n```", "    {}", "<p>{}"),
    *("{}\n===", "| a |\n|---|\n| {} |", "Term\n: {}", "Text[^1]\n\n[^1]: {}"),
    "<math><mtext><table><mglyph><style>{}</style></mglyph></table></mtext></math>",
    "<form><math><mtext></form><form><mglyph><style></math>{}</style>",
]

HARMLESS = [
    "```html\n<script>alert(1)</script>\n```",
    "Type `<script>` or `onclick=` to see why they are refused.",
    "&lt;script&gt;alert(1)&lt;/script&gt; is shown as text.",
    "[a page](/posts/x/), [a site](https://example.org/a?b=1&c=2), [mail](mailto:a@b.example)",
    "[call](tel:+15550123) or [the anchor](#top)",
    "[a path with a colon](https://example.org/javascript:guide)",
    '<abbr title="javascript: a programming language">JS</abbr>',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="A dot">',
    # A lazy-loading placeholder, as pasted from many a WordPress page: an <img> shows it.
    '<img src="data:image/svg+xml,%3Csvg xmlns=\'http://www.w3.org/2000/svg\'/%3E" alt="">',
    "<details><summary>More</summary>\n\nText.\n</details>",
    '<p class="note" data-onclick="x" title="on=">A note</p>',
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Text.[^1]\n\n[^1]: A footnote.",
    "!video[Aftercare in two minutes](https://www.youtube.com/watch?v=dQw4w9WgXcQ)",
    "!!! note\n    Keep it clean.",
    "!!! doctor\n    [Call us](tel:+15550123) if it bleeds.",
    # Python-Markdown ends the comment and writes the rest as text.
    '<!--<img src="--><img src=x onerror=alert(1)//">',
]


@pytest.mark.parametrize("markdown", RUNNING)
def test_each_way_of_running_code_is_found(markdown):
    assert convert_markdown(markdown).unsafe, convert_markdown(markdown).html


@pytest.mark.parametrize("markdown", HARMLESS)
def test_what_shows_code_or_runs_nothing_passes(markdown):
    converted = convert_markdown(markdown)
    assert converted.unsafe == (), converted.html


def test_a_conversion_does_not_keep_the_last_ones_findings():
    assert convert_markdown("<script>x</script>").unsafe
    assert convert_markdown("Plain text.").unsafe == ()


def test_the_error_names_the_file_the_line_and_how_many_more():
    text = "---\ntitle: Why floss\n---\nFirst line.\n\n<img src=x alt=x onerror=go()>\n\n"
    text += "[x](javascript:go())\n"
    with pytest.raises(ContentError) as caught:
        parse_source(_source("content/posts/floss/01-why.md", text))
    error = caught.value
    assert (error.path, error.line, error.rule) == ("content/posts/floss/01-why.md", 6, RULE)
    assert error.message == (
        "the event handler onerror= would run in readers' browsers (and 1 more in this file)"
    )
    assert "fenced code block" in error.hint


def test_markup_hidden_too_deep_to_read_is_refused_not_a_recursion_error():
    found = convert_markdown("<noscript>" * 3000).unsafe
    assert [each.what for each in found] == [
        "HTML hidden in raw text or attribute values more than 8 deep cannot be checked"
    ]
    assert convert_markdown("<noscript>" * 5 + "Plain text.</noscript>").unsafe == ()


def test_markup_hidden_in_an_attribute_value_is_read_as_markup():
    found = unsafe_in_html('<p title="<img src=x onerror=go()>">x</p>')
    assert [each.what for each in found] == [
        "the event handler onerror= would run in readers' browsers"
    ]


def _source(src_path: str, text: str) -> SourceFile:
    data = text.encode()
    return SourceFile(src_path, "section", data, digest_of(data), "content/posts/floss", 1)


# -- Chromium's judgement -------------------------------------------------------------

# What runs, as the browser parsed it: the same policy, its parsers. (An address runs
# from the attributes a browser follows or loads; in any other it is text.)
_ADDRESSES = [
    *("href", "src", "action", "formaction", "data", "poster", "background", "cite"),
    *("xlink:href", "srcset", "ping", "longdesc", "lowsrc", "dynsrc", "codebase"),
    *("archive", "classid", "usemap", "manifest", "icon", "to", "from", "values", "by"),
]
_RUNNING_IN_DOM = """(addresses) => {
  const found = [];
  const elements = document.querySelector("main").querySelectorAll("*");
  for (const element of elements) {
    const tag = element.localName;
    if (["script", "object", "embed", "applet", "base"].includes(tag)) found.push(tag);
    if (tag === "meta" && element.hasAttribute("http-equiv")) found.push("meta http-equiv");
    if (tag === "iframe" && element.hasAttribute("srcdoc")) found.push("iframe srcdoc");
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) found.push(tag + " " + name);
      if (!addresses.includes(name)) continue;
      const values = name === "srcset" ? attribute.value.split(",") : [attribute.value];
      for (const value of values) {
        let url;
        const address = name === "srcset" ? value.trim().split(/\\s+/)[0] : value;
        try { url = new URL(address, location.href); }
        catch (error) { continue; }
        const protocol = url.protocol;
        // A data: address is a document only where it is followed or framed.
        const framed = ["a", "area", "iframe", "frame", "object", "embed", "form", "button",
                        "input"].includes(tag);
        const image = !framed || /^data:image\\/(png|gif|jpeg|webp|avif)[;,]/i.test(url.href);
        if (["javascript:", "vbscript:"].includes(protocol) || (protocol === "data:" && !image))
          found.push(tag + " " + name + "=" + value);
      }
    }
  }
  return found;
}"""


def _spellings(rng: random.Random, markdown: str) -> str:
    """``markdown`` with its schemes and handler names spelled another way, as an attacker
    would try: capitals, entities (with and without a semicolon), tabs and line breaks."""

    def entity(character: str) -> str:
        code = ord(character)
        return rng.choice([f"&#{code};", f"&#x{code:x};", f"&#0000{code};", f"&#x{code:X}"])

    out = []
    for character in markdown:
        roll = rng.random()
        if character.isalpha() and roll < 0.2:
            out.append(character.swapcase())
        elif character.isalpha() and roll < 0.3:
            out.append(entity(character))
        elif character.isalpha() and roll < 0.33:
            out.append(character + rng.choice(["&#9;", "&#10;", "&Tab;", "\t"]))
        else:
            out.append(character)
    return "".join(out)


@pytest.mark.slow
def test_chromium_finds_nothing_running_in_what_the_rule_lets_through():
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    rng = random.Random(20261208)
    cases = [_spellings(rng, markdown) for markdown in RUNNING for _ in range(12)]
    cases += [context.format(markdown) for context in CONTEXTS for markdown in RUNNING]
    cases += RUNNING + HARMLESS
    with sync_playwright() as driver:
        held: dict = {}  # the browser and its page, made again when an attack broke them

        def page():
            if held.get("browser") is None or not held["browser"].is_connected():
                held["browser"] = driver.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS
                )
                held["page"] = None
            if held.get("page") is None:
                held["page"] = held["browser"].new_page()
                held["page"].route("**/*", lambda route: route.abort())  # nothing leaves
            return held["page"]

        def running(html: str) -> list[str]:
            try:
                page().set_content(f"<!doctype html><body><main>{html}</main></body>")
                return page().evaluate(_RUNNING_IN_DOM, _ADDRESSES)
            except PlaywrightError as error:  # sent elsewhere by a refresh, or crashed
                with contextlib.suppress(PlaywrightError):
                    held.pop("page").close()
                return [str(error)]

        # The judge itself must see what runs: each attack, unchecked, is found.
        unseen = [md for md in RUNNING if not running(convert_markdown(md).html)]
        assert unseen == []
        let_through, refused = [], 0
        for markdown in cases:
            converted = convert_markdown(markdown)
            if converted.unsafe:
                refused += 1
                continue
            found = running(converted.html)
            let_through.append(markdown)
            assert not found, json.dumps({"markdown": markdown, "runs": found})
        held["browser"].close()
    assert refused >= len(RUNNING) and len(let_through) >= len(HARMLESS), (refused, let_through)


# -- files beside an article ----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["handout.html", "form.HTM", "page.xhtml", "feed.xml", "app.js", "x.mjs", "run.php"]
)
def test_a_file_a_browser_or_server_would_run_is_refused(copy_site, tmp_path, name):
    site = copy_site("basic")
    folder = site / "content/posts/faq-article"
    (folder / name).write_text("<script>alert(1)</script>\n")
    with pytest.raises(ContentError) as caught:
        build(site, tmp_path / "out")
    assert (caught.value.path, caught.value.rule) == (
        f"content/posts/faq-article/{name}",
        FILE_RULE,
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["leaflet.pdf", "notes.txt", "talk.MP3", "data.csv", "README"])
def test_documents_and_images_beside_an_article_are_published(copy_site, tmp_path, name):
    site = copy_site("basic")
    (site / "content/posts/faq-article" / name).write_bytes(b"%PDF-1.4 or any bytes\n")
    out = build(site, tmp_path / "out").output_dir
    assert (out / "posts/faq-article" / name).read_bytes() == b"%PDF-1.4 or any bytes\n"
