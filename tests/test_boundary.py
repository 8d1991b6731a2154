"""Nothing from outside the site folder is read or published, and ``check`` writes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import SITES

SECRET = "FAKE-SECRET-7c41d9e0-do-not-publish"


@pytest.fixture
def site(tmp_path) -> Path:
    return Path(shutil.copytree(SITES / "basic", tmp_path / "site"))


def _texts(folder: Path) -> list[bytes]:
    return [path.read_bytes() for path in folder.rglob("*") if path.is_file()]


@pytest.mark.slow
def test_links_leading_out_of_the_site_fail_the_build_and_publish_nothing(site, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    passwd = Path("/etc/passwd").read_bytes().splitlines()[0]
    output = tmp_path / "out"
    assert main(["build", str(site), "--output", str(output)]) == 0
    before = {path: path.read_bytes() for path in output.rglob("*") if path.is_file()}
    (site / "static").mkdir()
    os.symlink("/etc/passwd", site / "content/posts/faq-article/passwd.txt")
    os.symlink(secret, site / "content/posts/faq-article/env.txt")
    os.symlink("/etc/passwd", site / "static/passwd")
    os.symlink(secret, site / "static/secret.txt")
    capsys.readouterr()
    for argv in (["build", str(site), "--output", str(output)], ["check", str(site)]):
        assert main(argv) == 1
        text = "".join(capsys.readouterr())
        assert "Traceback" not in text
        for name in (
            "content/posts/faq-article/passwd.txt",
            "content/posts/faq-article/env.txt",
            "static/passwd",
            "static/secret.txt",
        ):
            assert name in text, text
        assert "[symlink-outside]" in text
        assert SECRET not in text and passwd.decode() not in text
    after = {path: path.read_bytes() for path in output.rglob("*") if path.is_file()}
    assert after == before
    for data in _texts(output) + _texts(site / "build" if (site / "build").exists() else output):
        assert SECRET.encode() not in data and passwd not in data


def test_a_linked_folder_leading_out_is_an_error(site, capsys):
    os.symlink("/etc", site / "content/posts/faq-article/etc")
    assert main(["build", str(site)]) == 1
    assert "content/posts/faq-article/etc" in "".join(capsys.readouterr())


def test_a_linked_template_leading_out_is_an_error(site, tmp_path, capsys):
    (site / "templates").mkdir()
    secret = tmp_path / "base.html"
    secret.write_text(SECRET)
    os.symlink(secret, site / "templates/base.html")
    assert main(["build", str(site)]) == 1
    text = "".join(capsys.readouterr())
    assert "templates/base.html" in text and "[symlink-outside]" in text
    assert not (site / "build").exists()


@pytest.mark.slow
def test_links_inside_the_site_keep_working(site, capsys):
    os.symlink("hero.svg", site / "content/posts/faq-article/hero-copy.svg")
    (site / "static").mkdir()
    os.symlink("../content/posts/faq-article/hero.svg", site / "static/logo.svg")
    assert main(["build", str(site)]) == 0, "".join(capsys.readouterr())
    hero = (site / "content/posts/faq-article/hero.svg").read_bytes()
    assert (site / "build/posts/faq-article/hero-copy.svg").read_bytes() == hero
    assert (site / "build/static/logo.svg").read_bytes() == hero


def _fingerprint(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = "link:" + os.readlink(path)
        elif path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[name] = "folder"
    return found


@pytest.mark.slow
@pytest.mark.parametrize("built_before", [False, True])
def test_check_writes_nothing_into_the_site(tmp_path, capsys, built_before):
    from tests.conftest import copy_sample_site

    site = copy_sample_site(tmp_path / "sample")
    if built_before:  # the cache folder exists and holds converted images
        assert main(["build", str(site)]) == 0
        assert (site / ".sitegen-cache/images").is_dir()
    before = _fingerprint(site)
    main(["check", str(site)])
    assert "Traceback" not in "".join(capsys.readouterr())
    assert _fingerprint(site) == before


@pytest.mark.parametrize("folder", ["content/pages", "static", "templates"])
def test_a_top_folder_that_is_a_link_leading_out_is_an_error(site, tmp_path, capsys, folder):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "leak.txt").write_text(SECRET)
    if (site / folder).exists():
        shutil.rmtree(site / folder)
    (site / folder).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(elsewhere, site / folder)
    assert main(["build", str(site)]) == 1
    text = "".join(capsys.readouterr())
    assert f"{folder}: error: a link to a file outside the site folder" in text
    assert not (site / "build").exists()
