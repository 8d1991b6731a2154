"""The appointment call-to-action: the clinic's booking link and phone, where the writer wants them.

A writer puts the block on a line of its own, with an optional invitation::

    !appointment[Ready to talk about your skin? Book a consultation.]

It is drawn by ``templates/components/appointment.html`` with the booking
link and phone of ``[clinic]`` in ``site.toml`` (``booking_url``,
``telephone``), so a new number reaches every article at the next build. A
site whose ``[clinic]`` has neither cannot show it: the rule ``appointment``
says so (:func:`missing_contact`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Iterator

from markdown.blockprocessors import BlockProcessor

from generator.components.base import MARKER, ComponentError, placeholder
from generator.errors import SiteWarning
from generator.model import Clinic

BLOCK = re.compile(r"^ {0,3}!appointment(?:\[((?:\\.|[^\]\\\n])*)\])?[ \t]*$")
STARTS = re.compile(r"^ {0,3}!appointment\b")
DEFAULT_TEXT = "Questions about your own skin? Talk to one of our clinicians."
HINT = "write !appointment on a line of its own, or !appointment[Your invitation to book]"


def context(fields: dict[str, str]) -> dict:
    return {"text": fields.get("text") or DEFAULT_TEXT}


class AppointmentBlock(BlockProcessor):
    """``!appointment[...]`` on a line of its own -> the appointment placeholder."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(STARTS.match(block.split("\n", 1)[0]))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        line, _, rest = blocks.pop(0).partition("\n")
        match = BLOCK.match(line)
        if match is None:
            raise ComponentError("the appointment block is not written as expected", line, HINT)
        text = " ".join(re.sub(r"\\(.)", r"\1", match.group(1) or "").split())
        if rest.strip():
            blocks.insert(0, rest)
        stash = self.parser.md.htmlStash.store(placeholder("appointment", {"text": text}))
        etree.SubElement(parent, "p").text = stash


def missing_contact(clinic: Clinic, parsed: Iterable) -> Iterator[SiteWarning]:
    """An error for each parsed file (``src_path``, ``html``) holding an appointment block
    when the clinic has neither a booking link nor a phone to show in it."""
    if clinic.booking_url or clinic.telephone:
        return
    marker = f'{MARKER}="appointment"'
    for item in parsed:
        if marker in item.html:
            yield SiteWarning(
                item.src_path,
                "an appointment block, but [clinic] in site.toml has no booking_url or telephone",
                hint='add booking_url = "https://..." or telephone = "+1 ..." under [clinic]',
                rule="appointment",
            )
