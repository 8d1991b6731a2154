"""The medical-review hint shows front matter that is valid YAML when pasted."""

from __future__ import annotations

import json

import yaml

from generator.cli import main


def test_the_missing_review_hint_pastes_as_yaml_with_a_real_reviewer(copy_site, capsys):
    site = copy_site("basic")
    index = site / "content/posts/faq-article/index.md"
    lines = index.read_text().splitlines(keepends=True)
    index.write_text("".join(line for line in lines if not line.startswith("reviewed_by:")))
    main(["check", str(site), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    found = [f for f in report["findings"] if f["rule"] == "medical-review"]
    ours = [f for f in found if f["path"] == "content/posts/faq-article/index.md"]
    assert len(ours) == 1
    assert yaml.safe_load(ours[0]["hint"].split("\n", 1)[1]) == {"reviewed_by": "rev"}
    for finding in found:  # with nothing of the review written, both lines
        pasted = yaml.safe_load(finding["hint"].split("\n", 1)[1])
        assert pasted["reviewed_by"] == "rev" and set(pasted) <= {"reviewed_by", "last_reviewed"}
