"""``{{ clinic.<field> }}`` in an article: its page, its FAQ's structured data, and a
resumed build after the clinic's details change (pages are covered by the first-week
tests and the starter site)."""

from __future__ import annotations

import json
import re
import shutil

from generator.clinic_fields import fill_clinic_text
from generator.model import Clinic
from tests.conftest import SITES, build

ARTICLE = "content/posts/faq-article"
PAGE = "posts/faq-article/index.html"


def _with_placeholders(site):
    index = site / ARTICLE / "index.md"
    index.write_text(index.read_text() + "\nBook on {{ clinic.telephone }} today.\n")
    faq = site / ARTICLE / "02-faq.md"
    faq.write_text(
        faq.read_text().replace(
            "There is little evidence",
            "Ask us on [{{ clinic.telephone }}]({{ clinic.telephone_link }}). There is little "
            "evidence",
        )
    )


def _faq_answers(html: str) -> list[str]:
    graphs = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    nodes = [node for graph in graphs for node in json.loads(graph).get("@graph", [])]
    (faq,) = [node for node in nodes if node["@type"] == "FAQPage"]
    return [question["acceptedAnswer"]["text"] for question in faq["mainEntity"]]


def test_an_articles_text_and_faq_take_the_clinics_details(copy_site, tmp_path):
    site = copy_site("basic")
    _with_placeholders(site)
    html = (build(site, tmp_path / "out").output_dir / PAGE).read_text()
    assert "Book on +1 555 0100 today." in html
    assert '<a href="tel:+15550100">+1 555 0100</a>' in html
    assert "{{" not in html
    assert _faq_answers(html)[0].startswith("Ask us on +1 555 0100.")


def test_a_resumed_build_shows_the_clinics_new_number_as_a_clean_build_does(tmp_path):
    site = shutil.copytree(SITES / "basic", tmp_path / "site")
    _with_placeholders(site)
    build(site, tmp_path / "resumed")
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace("+1 555 0100", "+1 555 0199"))
    resumed = build(site, tmp_path / "resumed").output_dir
    clean = build(site, tmp_path / "clean", cache_dir=tmp_path / "clean-cache").output_dir
    assert "Book on +1 555 0199 today." in (resumed / PAGE).read_text()
    for path in sorted(clean.rglob("*")):
        if path.is_file() and path.name != ".sitegen-outputs.json":
            assert (resumed / path.relative_to(clean)).read_bytes() == path.read_bytes(), path


def test_plain_text_takes_the_values_as_they_are():
    clinic = Clinic("Lake & Co", telephone="+1 2")
    text = "Call {{ clinic.name }} on {{ clinic.telephone }}; {{ clinic.fax }} stays."
    assert fill_clinic_text(text, clinic, "en") == "Call Lake & Co on +1 2; {{ clinic.fax }} stays."
