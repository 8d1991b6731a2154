"""What `sitegen build` loads: a rebuild after a text edit pays for no library it does not use.

Each build runs in a fresh interpreter, as the command does, and reports which of
the modules below it imported; the first build of a site with a photo must load
Pillow (so the check can see an import), the rebuild after a text edit must not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.conftest import REPO

# Loaded only by the work that needs them: converting images (Pillow), naming
# Markdown extensions (entry points), other commands (serve, import, publish, comments).
NOT_FOR_A_TEXT_EDIT = (
    "PIL",
    "importlib.metadata",
    "nltk.data",
    "generator.image_convert",
    "generator.serve",
    "generator.importers",
    "generator.publish.run",
    "generator.comments.receiver",
    "generator.comments.service",
    "tornado",
    "watchfiles",
)

_BUILD = """
import json, sys
from generator.cli import main
code = main(["build", sys.argv[1], "--output", sys.argv[2]])
print(json.dumps([code, [name for name in sys.argv[3:] if name in sys.modules]]))
"""


def _loaded_by_build(site: Path, output: Path) -> set[str]:
    command = [sys.executable, "-c", _BUILD, str(site), str(output), *NOT_FOR_A_TEXT_EDIT]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    code, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert code == 0, done.stderr
    return set(loaded)


def test_a_rebuild_after_a_text_edit_loads_no_image_library_nor_other_commands(copy_site, tmp_path):
    site = copy_site("basic")
    Image.new("RGB", (640, 480), "teal").save(site / "content/posts/faq-article/photo.jpg")
    output = tmp_path / "out"
    first = _loaded_by_build(site, output)
    assert "PIL" in first and "generator.image_convert" in first  # the photo was converted
    section = site / "content/posts/faq-article/01-what-is-acne.md"
    section.write_text(section.read_text() + "\nA sentence added by the edit.\n")
    assert _loaded_by_build(site, output) == set()
    page = (output / "posts/faq-article/index.html").read_text()
    assert "A sentence added by the edit." in page
