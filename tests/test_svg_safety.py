"""An SVG that could run or load anything is refused, naming the file and what it holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.svg_safety import svg_problem
from tests.conftest import SITES

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'

UNSAFE = {
    "script": (f"<svg {NS}><script>alert(document.cookie)</script></svg>", "a <script> element"),
    "onload": (f'<svg {NS} onload="alert(1)"><circle r="4"/></svg>', "onload= on <svg>"),
    "onclick": (f'<svg {NS}><rect ONCLICK="x()"/></svg>', "onclick= on <rect>"),
    "javascript": (
        f'<svg {NS}><a xlink:href=" jav&#x09;ascript:alert(1)"><text>x</text></a></svg>',
        "a script URL in href= on <a>",
    ),
    "animate": (
        f'<svg {NS}><a><animate attributeName="href" values="javascript:alert(1)"/></a></svg>',
        "a script URL in values= on <animate>",
    ),
    "foreign": (
        f'<svg {NS}><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div>'
        "</foreignObject></svg>",
        "a <foreignobject> element",
    ),
    "image": (f'<svg {NS}><image href="https://tracker.example/p.png"/></svg>', "https://tracker"),
    "use": (f'<svg {NS}><use xlink:href="other.svg#shape"/></svg>', "'other.svg#shape'"),
    "import": (f"<svg {NS}><style>@import 'https://x.example/a.css';</style></svg>", "@import"),
    "css-url": (f'<svg {NS}><rect style="fill: url(https://x.example/a)"/></svg>', "style"),
    "stylesheet-pi": (
        f'<?xml-stylesheet href="https://x.example/a.css"?><svg {NS}/>',
        "xml-stylesheet",
    ),
    "entities": (
        '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        f"<svg {NS}><text>&b;</text></svg>",
        "entity declaration",
    ),
    "not-xml": ("<svg><script>alert(1)</svg", "not well-formed XML"),
}

SAFE = [
    f'<svg {NS} viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>',
    f'<svg {NS}><defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/></svg>',
    f'<svg {NS}><image href="data:image/png;base64,iVBORw0KGgo="/></svg>',
    '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
    f"<svg {NS}><style>rect {{ fill: red }}</style><rect/></svg>",
]


@pytest.mark.parametrize("name", sorted(UNSAFE))
def test_unsafe_svgs_are_named(name):
    text, fragment = UNSAFE[name]
    found = svg_problem(text.encode())
    assert found is not None and fragment in found, found


@pytest.mark.parametrize("text", SAFE)
def test_plain_drawings_pass(text):
    assert svg_problem(text.encode()) is None


@pytest.mark.slow
@pytest.mark.parametrize("where", ["content/posts/faq-article/hero.svg", "static/logo.svg"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_build_refuses_an_svg_with_a_script(tmp_path, capsys, where, command):
    site = Path(shutil.copytree(SITES / "basic", tmp_path / "site"))
    (site / where).parent.mkdir(parents=True, exist_ok=True)
    (site / where).write_text(UNSAFE["onload"][0])
    assert main([command, str(site)]) == 1
    text = "".join(capsys.readouterr())
    assert "Traceback" not in text
    assert f"{where}: error: this SVG holds an event handler attribute onload=" in text
    assert "[svg-unsafe]" in text
    assert not (site / "build").exists()
