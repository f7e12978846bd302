"""A vault is a vault: every command but `init` needs `vaultkit.toml` at the folder it is given,
and `init` never makes a vault inside a vault or around one. Refusals exit 2 and write nothing."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RunCli

VAULT_COMMANDS = ("build", "status", "check", "sync")


def listing(root: Path) -> list[str]:
    """Every file and folder below `root` (dot-folders included), relative, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.fixture
def notes_folder(tmp_path: Path) -> Path:
    """A folder of Markdown notes that is not a vault: no vaultkit.toml (a name to quote)."""
    folder = tmp_path / "my notes"
    (folder / "Daily").mkdir(parents=True)
    (folder / "Home.md").write_text("# My home\n", encoding="utf-8")
    (folder / "Daily" / "2024-01-01.md").write_text("---\nstatus: read\n---\nA day.\n",
                                                    encoding="utf-8")
    return folder


def not_a_vault(folder: Path) -> str:
    return (f"Error: {folder} is not a vaultkit vault (no vaultkit.toml); "
            f"run `vaultkit init {shlex.quote(str(folder))}`\n")


@pytest.mark.parametrize("args", [*((c,) for c in VAULT_COMMANDS), ("status", "--json"),
                                  ("sync", "--dry-run")])
def test_a_folder_without_settings_is_refused(
    run_cli: RunCli, notes_folder: Path, args: tuple[str, ...]
) -> None:
    """`status ~`-style misuse: exit 2, the `Error:` line says what to run, nothing written
    (no `.vaultkit/`, no dashboards)."""
    before = listing(notes_folder.parent)
    result = run_cli(*args, notes_folder)
    assert result.exit_code == 2
    assert result.stderr == not_a_vault(notes_folder)
    assert result.stdout == ""
    assert listing(notes_folder.parent) == before
    assert not (notes_folder / ".vaultkit").exists()


@pytest.mark.parametrize("command", VAULT_COMMANDS)
def test_a_typo_fails_the_ci_gate(run_cli: RunCli, tmp_path: Path, command: str) -> None:
    """`check /wrong/path` (and the others) exit 2 rather than "No problems"; nothing made."""
    wrong = tmp_path / "wrong" / "path"
    result = run_cli(command, wrong)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {wrong}: no such folder")
    assert listing(tmp_path) == []


def test_watch_refuses_before_it_starts(notes_folder: Path) -> None:
    """`watch` on a folder that is not a vault exits 2 at once: no observer, no lock, nothing
    written (a watcher that started would run until the timeout)."""
    before = listing(notes_folder.parent)
    done = subprocess.run(
        [sys.executable, "-m", "vaultkit", "watch", str(notes_folder)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=False,
    )
    assert done.returncode == 2
    assert done.stderr == not_a_vault(notes_folder)
    assert "Watching" not in done.stderr
    assert listing(notes_folder.parent) == before


@pytest.mark.parametrize("kind", ["folder", "dangling link"])
def test_settings_that_are_not_a_file_are_refused(
    run_cli: RunCli, notes_folder: Path, kind: str
) -> None:
    """A vaultkit.toml that is a folder or a broken link is an error, not the defaults."""
    settings = notes_folder / "vaultkit.toml"
    if kind == "folder":
        settings.mkdir()
    else:
        settings.symlink_to(notes_folder / "gone.toml")
    before = listing(notes_folder)
    result = run_cli("status", notes_folder)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {settings}: is not a regular file\n")
    assert listing(notes_folder) == before


def test_an_empty_settings_file_makes_a_vault(run_cli: RunCli, notes_folder: Path) -> None:
    """The file is what counts: an empty vaultkit.toml takes every default."""
    (notes_folder / "vaultkit.toml").write_text("", encoding="utf-8")
    assert run_cli("status", notes_folder).exit_code == 0


def test_init_refuses_a_folder_holding_a_vault(run_cli: RunCli, tmp_path: Path) -> None:
    """`init parent/` would take the inner vault's notes for its own: exit 2, naming that vault,
    nothing written; a vault in a dot-folder (a trash, say) does not count."""
    parent = tmp_path / "parent"
    inner = parent / "study" / "vault"
    inner.mkdir(parents=True)
    (inner / "vaultkit.toml").write_text("", encoding="utf-8")
    (inner / "Home.md").write_text("---\nvaultkit: home\nid: home\n---\n# Home\n",
                                   encoding="utf-8")
    before = listing(tmp_path)

    for args in (("init", parent), ("init", parent, "--dry-run")):
        result = run_cli(*args)
        assert result.exit_code == 2
        assert result.stderr.startswith(
            f"Error: {parent} holds the vaultkit vault {inner}: init would take that vault's "
            "notes for its own\n"
        )
        assert f"`vaultkit init {inner}`" in result.stderr
        assert listing(tmp_path) == before

    hidden = tmp_path / "other"
    (hidden / ".trash" / "old vault").mkdir(parents=True)
    (hidden / ".trash" / "old vault" / "vaultkit.toml").write_text("", encoding="utf-8")
    assert run_cli("init", hidden, "--dry-run").exit_code == 0


def test_init_refuses_a_folder_inside_a_vault(run_cli: RunCli, tmp_path: Path) -> None:
    """`init vault/sub` would make a vault whose notes the outer one counts too: exit 2,
    naming the outer vault; the folder is not even created."""
    outer = tmp_path / "outer"
    outer.mkdir()
    (outer / "vaultkit.toml").write_text("", encoding="utf-8")
    before = listing(tmp_path)
    inside = outer / "Sources" / "sub"
    result = run_cli("init", inside)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"Error: {inside} is inside the vaultkit vault {outer.resolve()}: its notes would "
        "belong to both vaults\n"
    )
    assert listing(tmp_path) == before


def test_init_on_the_vault_itself_is_fine(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its own vaultkit.toml is no nested vault: re-running `init` completes the vault, also
    when given by a relative path."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "vaultkit.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(vault)
    assert run_cli("init", ".", "--dry-run").exit_code == 0
