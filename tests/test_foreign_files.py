"""Foreign files are never adopted silently: a file at a name `init` planned that is not
vaultkit's note with that id is the user's. It keeps every byte; vaultkit's note is made beside
it under the next free name, and `init` says so."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import RunCli
from tests.helpers import add_to_reading_list, all_files, split_note
from vaultkit import config
from vaultkit.lists import load_catalog
from vaultkit.scaffold.existing import scan_existing

DPO = "Sources/DPO paper (Direct Preference Optimization).md"
DPO_2 = "Sources/DPO paper (Direct Preference Optimization) (2).md"
YOURS_HOME = 'Home.md is yours (not made by vaultkit); vaultkit\'s Home is "Home (2).md"'
YOURS_DPO = f'{DPO} is yours (not made by vaultkit); vaultkit\'s note is "{DPO_2}"'
MINE = {
    "Home.md": b"# My home\n\nWhat I study this month.\n",
    DPO: b"---\ntags: [paper]\n---\nmy own notes on DPO, written before vaultkit\n",
}


def folder_with_my_files(tmp_path: Path) -> Path:
    folder = tmp_path / "study"
    for relative, data in MINE.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
    return folder


def unlisted_sources(vault: Path) -> set[str]:
    """Ids of the sources the vault's lists name that no note of the vault carries."""
    catalog = load_catalog(vault, config.load(vault))
    assert catalog is not None
    return {s.id for s in catalog.sources} - set(scan_existing(vault).paths_by_id)


def test_init_makes_its_notes_beside_yours_and_says_so(run_cli: RunCli, tmp_path: Path) -> None:
    """Your own Home.md and a source file of the same name keep their bytes; vaultkit's Home
    and that source's note are made as `(2)`, reported; no listed source is without a note;
    running init again makes no further copy."""
    vault = folder_with_my_files(tmp_path)

    result = run_cli("init", vault)

    assert result.exit_code == 0
    assert YOURS_HOME in result.stdout.splitlines()
    assert YOURS_DPO in result.stdout.splitlines()
    assert {p: (vault / p).read_bytes() for p in MINE} == MINE
    home, dpo = split_note(vault / "Home (2).md")[0], split_note(vault / DPO_2)[0]
    assert home["vaultkit"] == "home"
    assert dpo["vaultkit"] == "source"
    assert dpo["title"] == "DPO paper (Direct Preference Optimization)"
    assert unlisted_sources(vault) == set()
    check = run_cli("check", vault)
    assert (check.exit_code, check.stdout) == (0, "No problems.\n")

    before = all_files(vault)
    again = run_cli("init", vault)
    assert again.exit_code == 0
    assert "Created 0 files" in again.stdout
    assert "is yours" not in again.stdout
    assert not list(vault.rglob("* (3).md"))
    after = all_files(vault)
    assert {p: after[p] for p in before if not p.startswith(".vaultkit/")} == {
        p: data for p, data in before.items() if not p.startswith(".vaultkit/")
    }


def test_dry_run_shows_it_too(run_cli: RunCli, tmp_path: Path) -> None:
    """`init --dry-run` prints the same lines and its JSON lists the pairs; nothing written."""
    vault = folder_with_my_files(tmp_path)
    before = all_files(vault)

    result = run_cli("init", vault, "--dry-run")
    assert result.exit_code == 0
    assert "create  Home (2).md" in result.stdout.splitlines()
    assert f"create  {DPO_2}" in result.stdout.splitlines()
    assert YOURS_HOME in result.stdout.splitlines()
    assert YOURS_DPO in result.stdout.splitlines()

    document = json.loads(run_cli("init", vault, "--dry-run", "--json").stdout)
    assert document["schema"] == 1
    assert document["files"]["beside_yours"] == [
        {"yours": "Home.md", "note": "Home (2).md"},
        {"yours": DPO, "note": DPO_2},
    ]
    assert all_files(vault) == before


def test_vaultkits_own_notes_are_found_by_id_however_edited(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A note vaultkit made that you rewrote (its `vaultkit:` and `id:` kept), or whose
    frontmatter you broke (those two lines still there), is vaultkit's note: found, never
    duplicated beside itself."""
    vault = tmp_path / "vault"
    assert run_cli("init", vault).exit_code == 0
    dpo_id = split_note(vault / DPO)[0]["id"]
    home_id = split_note(vault / "Home.md")[0]["id"]
    (vault / DPO).write_text(f"---\nvaultkit: source\nid: {dpo_id}\n---\nall mine now\n",
                             encoding="utf-8")
    (vault / "Home.md").write_text(
        f"---\nvaultkit: home\nid: {home_id}\ntags: [unclosed\n---\n# Home\n", encoding="utf-8"
    )

    result = run_cli("init", vault)

    assert result.exit_code == 0
    assert "Created 0 files" in result.stdout
    assert "is yours" not in result.stdout
    assert not (vault / "Home (2).md").exists()
    assert not (vault / DPO_2).exists()


def test_init_restores_a_deleted_note_as_sync_says(run_cli: RunCli, tmp_path: Path) -> None:
    """sync's "`vaultkit init` restores it" holds: init brings a deleted note back, beside a
    file of yours that took its name meanwhile, and sync then misses nothing."""
    vault = tmp_path / "vault"
    assert run_cli("init", vault).exit_code == 0
    (vault / DPO).unlink()

    sync = run_cli("sync", vault)
    said = ("no note  source “DPO paper (Direct Preference Optimization)” (its note was deleted; "
            "`vaultkit init` restores it)")
    assert said in sync.stdout.splitlines()
    (vault / DPO).write_bytes(MINE[DPO])

    result = run_cli("init", vault)

    assert result.exit_code == 0
    assert "Created 1 file in" in result.stdout
    assert YOURS_DPO in result.stdout.splitlines()
    assert (vault / DPO).read_bytes() == MINE[DPO]
    assert split_note(vault / DPO_2)[0]["vaultkit"] == "source"
    assert unlisted_sources(vault) == set()
    assert "no note" not in run_cli("sync", vault).stdout


def test_a_name_in_another_case_is_yours_too(run_cli: RunCli, tmp_path: Path) -> None:
    """Your `home.md` holds the name `Home` (on macOS and Windows, and in Obsidian's links
    everywhere): vaultkit's Home goes beside it, and the line names your file as it is."""
    vault = tmp_path / "study"
    vault.mkdir()
    (vault / "home.md").write_bytes(b"# my home\n")
    result = run_cli("init", vault, "--dry-run")
    assert result.exit_code == 0
    assert ('home.md is yours (not made by vaultkit); vaultkit\'s Home is "Home (2).md"'
            in result.stdout.splitlines())


def test_sync_makes_a_new_entrys_note_beside_yours(run_cli: RunCli, tmp_path: Path) -> None:
    """A source added to the list whose name a file of yours holds: sync makes its note as
    `(2)`, says so, and your file keeps its bytes."""
    vault = tmp_path / "vault"
    assert run_cli("init", vault).exit_code == 0
    mine = vault / "Sources" / "Fresh Practitioner Notes.md"
    mine.write_bytes(b"notes I keep myself\n")
    anchor = "   Why: Real-world training insights, not just theory.\n"
    add_to_reading_list(vault, anchor, anchor + (
        "3. **Fresh Practitioner Notes**  \n"
        "   [https://example.com/fresh-notes](https://example.com/fresh-notes)  \n"
        "   Why: A source added to the list after init.\n"
    ))

    result = run_cli("sync", vault)

    assert result.exit_code == 0
    assert "created  Sources/Fresh Practitioner Notes (2).md" in result.stdout.splitlines()
    assert ("Sources/Fresh Practitioner Notes.md is yours (not made by vaultkit); vaultkit's "
            'note is "Sources/Fresh Practitioner Notes (2).md"') in result.stdout.splitlines()
    assert mine.read_bytes() == b"notes I keep myself\n"
    assert unlisted_sources(vault) == set()


def test_init_points_to_vaultkits_home_when_yours_holds_the_name(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """"Next: … start at Home.md" would send the user to their own file: it names
    vaultkit's Home where it is."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Home.md").write_text("# My own home\n", encoding="utf-8")
    result = run_cli("init", vault)
    assert result.exit_code == 0, result.output
    assert "start at Home (2).md." in result.stdout
