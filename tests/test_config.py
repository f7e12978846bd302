"""vaultkit.toml: the template `init` writes reads back as the defaults; bad values are named."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import RunCli
from tests.helpers import all_files
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


DASHBOARDS_APART = (
    "vaultkit writes its pages in the dashboards folder (its topic panels in "
    '"{dashboards}/Topics") and `vaultkit watch` does not look inside it; keep the two apart, '
    'as the defaults do: folders.dashboards = "Dashboards", {key} = "{default}"'
)


@pytest.mark.parametrize(
    ("folders", "line", "says"),
    [
        ('dashboards = "."', 2, 'folders.dashboards = "." would put vaultkit\'s pages among '
         'your notes; give them a folder of their own, such as "Dashboards"'),
        ('dashboards = "Topics"', 2,
         'folders.dashboards = "Topics" is the folder of folders.topics ("Topics"): '
         + DASHBOARDS_APART.format(dashboards="Topics", key="folders.topics", default="Topics")),
        ('topics = "Dashboards/Topics"', 2,
         'folders.dashboards = "Dashboards" holds folders.topics ("Dashboards/Topics"): '
         + DASHBOARDS_APART.format(dashboards="Dashboards", key="folders.topics",
                                   default="Topics")),
        ('sources = "Library"\ndashboards = "library/Boards"', 3,
         'folders.dashboards = "library/Boards" lies in folders.sources ("Library"): '
         + DASHBOARDS_APART.format(dashboards="library/Boards", key="folders.sources",
                                   default="Sources")),
        ('dashboards = "Lists"', 2,
         'folders.dashboards = "Lists" holds lists.reading_list ("Lists/Reading list.md"): '
         + DASHBOARDS_APART.format(dashboards="Lists", key="lists.reading_list",
                                   default="Lists/Reading list.md")),
    ],
    ids=["root", "same", "holds-notes", "in-notes-any-case", "holds-a-list"],
)
def test_dashboards_among_your_notes_are_refused(
    run_cli: RunCli, tmp_path: Path, folders: str, line: int, says: str
) -> None:
    """The dashboards folder (and the topic panels' in it) may not be, hold or lie in a folder
    of notes, nor hold a list: `init` exits 2 naming the file, the line and what to set, and
    writes nothing (with `dashboards = "."` it made 23 `(edited)` copies of the hubs)."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "vaultkit.toml").write_text(f"[folders]\n{folders}\n", encoding="utf-8")
    result = run_cli("init", vault)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"Error: {vault / 'vaultkit.toml'}:{line}: {says}"
    assert [p.name for p in vault.iterdir()] == ["vaultkit.toml"]


def test_a_vault_switched_to_overlapping_folders_keeps_every_note(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """The reviewer's story: a vault made with the defaults, then `dashboards = "."` set by
    hand: build and check exit 2 with the line to fix, and no note changes or appears."""
    vault = tmp_path / "vault"
    assert run_cli("init", vault).exit_code == 0
    settings = vault / "vaultkit.toml"
    text = settings.read_text(encoding="utf-8")
    assert text.count('dashboards = "Dashboards"') == 1
    settings.write_text(text.replace('dashboards = "Dashboards"', 'dashboards = "."'),
                        encoding="utf-8")
    before = {p: b for p, b in all_files(vault).items() if not p.startswith(".vaultkit/")}
    for command in ("build", "check", "sync", "init"):
        result = run_cli(command, vault)
        assert result.exit_code == 2, command
        assert 'folders.dashboards = "." would put' in result.stderr
    after = {p: b for p, b in all_files(vault).items() if not p.startswith(".vaultkit/")}
    assert after == before


@pytest.mark.parametrize(
    "folders",
    [
        'sources = "."\nquestions = "."\ntopics = "Hubs"',
        'sources = "Notes"\nquestions = "Notes"\ntopics = "Notes"\ndashboards = "Boards"',
    ],
    ids=["notes-in-the-root", "one-notes-folder"],
)
def test_notes_may_share_a_folder_or_the_root(
    run_cli: RunCli, tmp_path: Path, folders: str
) -> None:
    """Notes in the root, or all in one folder, are apart from the dashboards: init makes the
    vault and check finds nothing wrong (names are unique across the vault anyway)."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "vaultkit.toml").write_text(f"[folders]\n{folders}\n", encoding="utf-8")
    assert run_cli("init", vault).exit_code == 0
    check = run_cli("check", vault)
    assert (check.exit_code, check.stdout) == (0, "No problems.\n")
    assert not list(vault.rglob("*(edited*"))
