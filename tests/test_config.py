"""vaultkit.toml: the template `init` writes reads back as the defaults; bad values are named."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultkit import config
from vaultkit.cli import main
from vaultkit.config import Settings
from vaultkit.errors import ConfigError
from vaultkit.scaffold.templates import render_template


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    """A vault without vaultkit.toml uses the documented defaults."""
    assert config.load(tmp_path) == Settings()


def test_written_template_reads_back_as_the_same_settings(tmp_path: Path) -> None:
    """The commented file `init` writes round-trips to the settings it was made from."""
    settings = Settings(links="markdown")
    (tmp_path / "vaultkit.toml").write_text(
        render_template("vaultkit.toml.j2", settings=settings), encoding="utf-8"
    )
    assert config.load(tmp_path) == settings


def test_user_values_are_read(tmp_path: Path) -> None:
    """Folders, statuses and targets set by the user replace the defaults."""
    (tmp_path / "vaultkit.toml").write_text(
        '[folders]\nsources = "Library/Papers"\n'
        '[statuses]\nquestions = ["todo", "done"]\n'
        "[targets]\nquestions_min = 2\n",
        encoding="utf-8",
    )
    settings = config.load(tmp_path)
    assert settings.folders.sources == "Library/Papers"
    assert settings.question_statuses == ("todo", "done")
    assert settings.targets.questions_min == 2
    assert settings.folders.topics == "Topics"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('links = "html"', "links = 'html': expected one of wiki, markdown"),
        ('[folders]\nsources = "../outside"', "must be a path inside the vault"),
        ('[folders]\nsources = "/abs"', "must be a path inside the vault"),
        ("[folders]\nsourcse = 'x'", "unknown setting folders.sourcse"),
        ("colour = 1", "unknown setting colour"),
        ('[statuses]\nsources = []', "statuses.sources must be a non-empty list"),
        ('[statuses]\nsources = ["a", "a"]', "lists a status twice"),
        ("[targets]\nquestions_min = -1", "targets.questions_min must be a whole number"),
        ("[targets]\nquestions_min = true", "targets.questions_min must be a whole number"),
        ("folders = 3", "[folders] must be a table"),
        ("links = [", "is not valid TOML"),
    ],
)
def test_bad_values_are_errors_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    """Each invalid setting is a ConfigError that names vaultkit.toml and the problem."""
    (tmp_path / "vaultkit.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path)
    assert str(caught.value).startswith(str(tmp_path / "vaultkit.toml"))
    assert message in str(caught.value)


def test_bad_settings_stop_init_with_an_error(tmp_path: Path) -> None:
    """`vaultkit init` on a vault with a broken vaultkit.toml exits 2 and writes nothing."""
    (tmp_path / "vaultkit.toml").write_text('links = "html"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert "Error: " in result.stderr
    assert "delete it and run `vaultkit init` again" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["vaultkit.toml"]
