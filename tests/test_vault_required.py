"""A vault is a vault: every command but `init` needs `vaultkit.toml` at the folder it is given,
and `init` never makes a vault inside a vault or around one. Refusals exit 2 and write nothing."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunCli
from vaultkit.commands.survey import refuse_nested

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


def test_init_finds_a_vault_however_deep_but_not_where_the_index_never_reads(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A vault 20 folders down is still refused; one in `node_modules` or behind a symlinked
    folder is not (the outer vault's index reads neither, so they share no note)."""
    deep = tmp_path / "deep"
    inner = deep.joinpath(*(f"level {n}" for n in range(20)))
    inner.mkdir(parents=True)
    (inner / "vaultkit.toml").write_text("", encoding="utf-8")
    result = run_cli("init", deep, "--dry-run")
    assert result.exit_code == 2
    assert f"holds the vaultkit vault {inner}" in result.stderr

    apart = tmp_path / "apart"
    (apart / "tool" / "node_modules" / "pkg").mkdir(parents=True)
    (apart / "tool" / "node_modules" / "pkg" / "vaultkit.toml").write_text("", encoding="utf-8")
    (apart / "linked").symlink_to(deep, target_is_directory=True)
    assert run_cli("init", apart, "--dry-run").exit_code == 0


def test_a_vault_is_not_searched_again_on_each_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-running `init` on a vault (`init ~` made into one, say) does not walk its tree
    again: init searched it when it made the vault."""
    vault = tmp_path / "vault"
    (vault / "Sources").mkdir(parents=True)
    (vault / "vaultkit.toml").write_text("", encoding="utf-8")
    walked: list[object] = []
    walk = os.walk

    def counted(top: str | Path, *args: Any, **kwargs: Any) -> Iterator[Any]:
        walked.append(top)
        return walk(top, *args, **kwargs)

    monkeypatch.setattr(os, "walk", counted)
    refuse_nested(vault)
    assert walked == []
    (vault / "vaultkit.toml").unlink()
    refuse_nested(vault)
    assert walked == [vault]


def test_a_folder_inside_a_vault_names_the_vault_around_it(run_cli: RunCli,
                                                           tmp_path: Path) -> None:
    """`vaultkit status study/Sources` meant the vault: the error names it, and does not tell
    the user to `init` a folder that init would refuse (it lies inside a vault)."""
    vault = tmp_path / "study"
    (vault / "Sources").mkdir(parents=True)
    (vault / "vaultkit.toml").write_text("", encoding="utf-8")
    result = run_cli("status", vault / "Sources")
    assert result.exit_code == 2
    assert "is not a vaultkit vault (no vaultkit.toml)" in result.stderr
    assert f"it lies inside the vault {vault.resolve()}" in result.stderr
    assert "vaultkit init" not in result.stderr
    assert not (vault / "Sources" / ".vaultkit").exists()
