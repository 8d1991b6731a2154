"""The starter's texts and unknown clinic placeholders left in a content file, by line."""

from __future__ import annotations

from generator.clinic_fields import unknown_fields
from generator.starter_text import _in_file

TEXT = (
    "---\ntitle: Visit the clinic.\n---\n"
    "Call Your Clinic on +1 555 0123, or Your Clinic's desk.\n"
    "\n"
    "Plain writing about the clinic.\n"
    "Our {{ clinic.fax }} and {{ clinic.telephone }}\n"
    "and {{clinic.opening}}; Alex Writer wrote it.\n"
)


def test_each_starter_text_and_unknown_field_at_its_line_and_column():
    found = [(w.line, w.column, w.rule, w.message) for w in _in_file("content/pages/a.md", TEXT)]
    assert [place[:3] for place in found] == [
        (4, 6, "starter-text"),  # each starter text once a line, the first time
        (4, 21, "starter-text"),
        (8, 25, "starter-text"),
        (7, 5, "clinic-field"),
        (8, 5, "clinic-field"),
    ]
    assert "'Your Clinic'" in found[0][3] and "'Alex Writer'" in found[2][3]


def test_a_text_without_either_gives_nothing():
    plain = "---\ntitle: The clinic.\n---\nCome to the clinic. {{ not.clinic }}\n"
    assert list(_in_file("content/pages/a.md", plain)) == []
    assert unknown_fields(plain) == []
    assert unknown_fields("a\n {{ clinic.nope }}") == [(2, 2, "nope")]
