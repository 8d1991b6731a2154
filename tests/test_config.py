from __future__ import annotations

import pytest

from generator.config import load_config
from generator.errors import ConfigError


def write(tmp_path, text):
    (tmp_path / "site.toml").write_text(text, "utf-8")
    return tmp_path


def test_minimal_config_gets_defaults(tmp_path):
    config = load_config(write(tmp_path, 'title = "T"\nbase_url = "https://x.org/blog"\n'))
    assert config.base_url == "https://x.org/blog/"
    assert config.base_path == "/blog/"
    assert config.origin == "https://x.org"
    assert (config.posts_per_page, config.related_count, config.language) == (10, 4, "en")
    assert config.clinic.name == "T"


def test_people_and_clinic_are_read(tmp_path):
    config = load_config(
        write(
            tmp_path,
            'title = "T"\nbase_url = "https://x.org/"\n'
            '[clinic]\nname = "C"\nmedical_specialty = "Dermatology"\n'
            '[clinic.address]\nlocality = "Chicago"\n'
            '[reviewers.dr]\nname = "Dr Who"\ncredentials = "MD"\n',
        )
    )
    assert config.clinic.medical_specialty == ("Dermatology",)
    assert config.clinic.address.locality == "Chicago"
    assert config.reviewers["dr"].display_name == "Dr Who, MD"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('title = "T"\n', "the setting 'base_url' is required", None),
        ('title = "T"\nbase_url = "https://x.org/"\ntitel = "x"\n', "unknown setting 'titel'", 3),
        ('title = "T"\nbase_url = "x.org"\n', "'base_url' must be an absolute", 2),
        ('title = "T"\nbase_url = "https://x.org/"\nposts_per_page = "ten"\n', "whole number", 3),
        ('title = "T"\nbase_url = "https://x.org/"\nposts_per_page = 0\n', "at least 1", 3),
        ('title = "T"\nbase_url = "https://x.org/"\ntimezone = "Mars/Base"\n', "timezone", 3),
        ('title = "T\nbase_url = 1\n', "not valid TOML", 1),
        ('title = "T"\nbase_url = "https://x.org/"\n[authors.a]\nnom = "A"\n', "authors.a.nom", 4),
    ],
)
def test_bad_settings_name_the_problem_and_line(tmp_path, text, message, line):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert message in str(caught.value)
    assert caught.value.path == "site.toml"
    assert caught.value.line == line


def test_unknown_setting_suggests_the_right_one(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, 'title = "T"\nbase_url = "https://x.org/"\nrelated_cont = 3\n'))
    assert "did you mean 'related_count'" in str(caught.value)


def test_missing_file_says_where_it_looked(tmp_path):
    with pytest.raises(ConfigError, match="no site.toml"):
        load_config(tmp_path)
