"""A new clinic's site as a writer makes it in the first week: the starter, the clinic's own
details, and one article with a 4-column table, an image and a FAQ section.

Used by the browser walk (tests/test_first_week.py) and by the accessibility and validity
tests, which must hold for what a new site looks like, not only for the sample site.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from generator.scaffold import new_article, new_site
from tests.conftest import REPO

TODAY = date.today()  # build with now=datetime.now(UTC): published, freshly reviewed
ARTICLE = "content/posts/laser-hair-removal"
# The starter's imaginary clinic, and what a real one writes instead.
CLINIC_DETAILS = {
    '"Your Clinic Blog"': '"Lakeside Dermatology Blog"',
    "at Your Clinic.": "at Lakeside Dermatology.",
    '"Your Clinic"': '"Lakeside Dermatology"',
    '"+1 555 0123"': '"+1 312 555 0199"',
    '"hello@example.com"': '"desk@lakeside-derm.example"',
    '"https://www.example.com/contact/"': '"https://book.lakeside-derm.example/"',
    '"https://www.example.com/"': '"https://www.lakeside-derm.example/"',
    '"1 Main Street"': '"40 Harbor Road"',
    '"Springfield"': '"Lakeside"',
    '["Mo-Fr 09:00-17:00"]': '["Mo-Th 08:00-17:00", "Fr 08:00-13:00"]',
    '"Alex Writer"': '"Jordan Ellis"',
    '"Sam Doctor"': '"Priya Raman"',
    "Dr. Doctor": "Dr. Raman",
}
SECTIONS = {
    "What it is": (
        "A laser sends light into the hair follicle, where the pigment turns it into heat. "
        "The heat slows the hair's growth. Most people need several sessions a few weeks "
        "apart.\n\n![A patient resting after a treatment](relaxing-hobbies.jpg)\n"
    ),
    "Costs compared": (
        "| Treatment area | Sessions needed | Price per session | Recovery |\n"
        "|---|---|---|---|\n"
        "| Upper lip | 6 to 8 | 60 to 90 dollars | A few hours of redness |\n"
        "| Underarms | 6 to 8 | 90 to 150 dollars | One day of mild swelling |\n"
        "| Lower legs | 8 to 10 | 200 to 350 dollars | One to two days of redness |\n"
    ),
    "Frequently asked questions": (
        "### Does it hurt?\n\nMost people feel a snap, like a rubber band on the skin.\n\n"
        "### Is it permanent?\n\nIt reduces hair for years; a session a year may be needed.\n"
    ),
}


def fill_in_clinic(site: Path, base_url: str = "https://www.lakeside-derm.example/") -> None:
    """What a clinic does first: its own details in site.toml, its own words on About."""
    config = site / "site.toml"
    text = config.read_text("utf-8")
    for starter, own in CLINIC_DETAILS.items():
        assert starter in text, starter
        text = text.replace(starter, own)
    text = text.replace(
        'base_url = "https://www.lakeside-derm.example/"', f'base_url = "{base_url}"', 1
    )
    config.write_text(text, "utf-8")
    about = site / "content/pages/about.md"
    about.write_text(
        about.read_text("utf-8").replace(
            "Tell your readers who you are here.", "We treat skin conditions at every age."
        ),
        "utf-8",
    )


def write_article(site: Path) -> Path:
    """``sitegen new`` an article, then fill it in as a writer would; return its folder."""
    new_article(site, "Laser hair removal", list(SECTIONS), TODAY)
    folder = site / ARTICLE
    files = sorted(folder.glob("0*.md"))
    for path, body in zip(files, SECTIONS.values(), strict=True):
        path.write_text(_front(path) + body, "utf-8")
    index = folder / "index.md"
    text = index.read_text("utf-8")
    for field, value in (
        (
            "description",
            '"How laser hair removal works, what it costs and how long recovery '
            'takes, from our dermatologists."',
        ),
        ("author", "alex-writer"),
        ("reviewed_by", "sam-doctor"),
        ("category", "Skin Care"),
    ):
        text = text.replace(f"{field}: ''", f"{field}: {value}", 1)
    text = text.replace("last_reviewed:\n", f"last_reviewed: {TODAY}\n", 1)
    text = text.replace("tags: []", "tags: [laser, hair removal]", 1)
    index.write_text(text.replace("draft: true", "draft: false"), "utf-8")
    return folder


def _front(path: Path) -> str:
    """The front matter ``new`` wrote for a section, kept as it is."""
    return "---\n" + path.read_text("utf-8").split("---\n")[1] + "---\n"


def first_week_site(root: Path, base_url: str = "https://www.lakeside-derm.example/") -> Path:
    """A new site with the clinic's details and the article, ready to build."""
    site = root / "lakeside"
    new_site(site, TODAY)
    fill_in_clinic(site, base_url)
    folder = write_article(site)
    shutil.copy(REPO / "static/images/relaxing-hobbies.jpg", folder)  # an image beside it
    return site
