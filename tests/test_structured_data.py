"""Every @type and property in the JSON-LD exists in schema.org and fits its type."""

from __future__ import annotations

import json
from functools import cache

import pytest

from tests.conftest import SHARED
from tests.htmltools import Page, html_files

VOCABULARY = SHARED / "fixtures" / "schemaorg" / "vocab.json"
JSON_LD_KEYWORDS = {"@context", "@graph", "@id", "@type"}

needs_vocabulary = pytest.mark.skipif(
    not VOCABULARY.is_file(), reason=f"the schema.org fixture is not at {VOCABULARY}"
)


@cache
def vocabulary() -> dict:
    return json.loads(VOCABULARY.read_text("utf-8"))


def ancestors(type_name: str) -> set[str]:
    types = vocabulary()["types"]
    seen, todo = set(), [type_name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(types.get(current, {}).get("super", []))
    return seen


def problems(node, where="") -> list[str]:
    found = []
    if isinstance(node, list):
        for item in node:
            found += problems(item, where)
        return found
    if not isinstance(node, dict):
        return found
    type_name = node.get("@type")
    if type_name is not None and type_name not in vocabulary()["types"]:
        found.append(f"{where}: unknown type {type_name}")
    for key, value in node.items():
        if key in JSON_LD_KEYWORDS:
            continue
        prop = vocabulary()["properties"].get(key)
        if prop is None:
            found.append(f"{where}: unknown property {key}")
        elif type_name and not ancestors(type_name) & set(prop["domain"]):
            found.append(f"{where}: {key} is not a property of {type_name}")
        found += problems(value, f"{where}/{key}")
    return found


@needs_vocabulary
def test_the_checker_catches_misplaced_review_properties():
    wrong = {"@type": "BlogPosting", "reviewedBy": {"@id": "x"}, "headlin": "typo"}
    assert problems(wrong) == [
        ": reviewedBy is not a property of BlogPosting",
        ": unknown property headlin",
    ]


@pytest.mark.slow
@needs_vocabulary
@pytest.mark.parametrize("which", ["sample_build", "basic_build"])
def test_every_page_uses_only_schema_org_terms(which, request):
    result = request.getfixturevalue(which)
    for path in html_files(result.output_dir):
        for block in Page(path).json_ld():
            assert problems(block["@graph"], str(path)) == []


def test_faq_sections_become_an_faq_page(basic_build):
    page = Page(basic_build.output_dir / "posts/faq-article/index.html")
    graph = page.json_ld()[0]["@graph"]
    faq = next(node for node in graph if node["@type"] == "FAQPage")
    questions = [q["name"] for q in faq["mainEntity"]]
    assert questions == ["Does chocolate cause acne?", "How long does treatment take?"]
    answer = faq["mainEntity"][1]["acceptedAnswer"]["text"]
    assert "six to eight weeks" in answer


def test_listing_pages_are_collection_pages_with_breadcrumbs(sample_build):
    graph = Page(sample_build.output_dir / "tags/collagen/index.html").json_ld()[0]["@graph"]
    types = [node["@type"] for node in graph]
    assert "CollectionPage" in types and "BreadcrumbList" in types
    home = Page(sample_build.output_dir / "index.html").json_ld()[0]["@graph"]
    assert {node["@type"] for node in home} == {"WebSite", "MedicalClinic"}
