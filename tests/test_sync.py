"""`sync`: notes for the entries added to a vault's lists, and nothing else.

New entries get notes (a new section gets its hub); an entry whose note the user deleted is
reported and stays deleted; a note whose entry left the lists is listed and kept as it is; no
existing note is ever changed. The first tests run the CLI on the shipped vault, the rest call
`sync_vault` on a small vault of two sources and one question.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import (
    add_to_reading_list,
    all_files,
    init_from_lists,
    split_note,
    status_json,
    vaultkit_owned,
)
from vaultkit import config
from vaultkit.commands.sync import SyncResult, sync_vault
from vaultkit.vault.seen import STATE_FILE, STATE_FOLDER

MEGATRON = "Sources/Megatron-LM paper.md"
# Where a new entry goes: after the last entry of topic 2's practitioner group, in the seed's
# shape (bold title, the link, a `Why:` line; lines end with two spaces).
ANCHOR = "   Why: Real-world training insights, not just theory.\n"
NEW_ENTRY = (
    "3. **Fresh Practitioner Notes**  \n"
    "   [https://example.com/fresh-notes](https://example.com/fresh-notes)  \n"
    "   Why: A source added to the list after init.\n"
)
NEW_SECTION = (
    "\n# Tier 6 — Extra\n\n"
    "## 24. Fresh Topic\n\n"
    "### Core reading\n\n"
    "1. **Fresh Core Source**  \n"
    "   [https://example.com/fresh-core](https://example.com/fresh-core)  \n"
    "   Why: The new topic's first source.\n"
)

SMALL_READLIST = """\
# Tier 1 — Core

## 1. Alpha Topic

### Core reading

1. **Alpha One**  
   [https://example.com/alpha-1](https://example.com/alpha-1)  
   Why: The first source.
2. **Alpha Two**  
   [https://example.com/alpha-2](https://example.com/alpha-2)  
   Why: The second source.
"""  # noqa: W291 - the seed's shape ends lines with two spaces (a Markdown line break)
SMALL_SYLLABUS = """\
# 1. Alpha Topic

## Foundational questions

* What is alpha?
"""
ALPHA_TWO = (
    "2. **Alpha Two**  \n"
    "   [https://example.com/alpha-2](https://example.com/alpha-2)  \n"
    "   Why: The second source.\n"
)
ALPHA_THREE = (
    "3. **Alpha Three**  \n"
    "   [https://example.com/alpha-3](https://example.com/alpha-3)  \n"
    "   Why: A third source, added after init.\n"
)


@pytest.fixture
def vault(seed_vault: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seed vault, the test's own to edit."""
    return Path(shutil.copytree(seed_vault, tmp_path / "vault", symlinks=True))


@pytest.fixture(scope="module")
def pristine_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`vaultkit init` of the small lists, made once; tests work on copies."""
    return init_from_lists(tmp_path_factory.mktemp("small"), SMALL_READLIST, SMALL_SYLLABUS)


@pytest.fixture
def small(pristine_small: Path, tmp_path: Path) -> Path:
    """A fresh copy of the small vault: Alpha One and Two, one question, one hub."""
    return Path(shutil.copytree(pristine_small, tmp_path / "small", symlinks=True))


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """Paths created, changed or deleted between two `all_files` snapshots."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def sync(vault: Path) -> SyncResult:
    """`sync_vault` with the vault's own settings, dashboards left alone."""
    return sync_vault(vault, config.load(vault), build=False)


def created_paths(result: SyncResult) -> list[str]:
    return [planned.path.as_posix() for planned in result.created]


# --- through the CLI ----------------------------------------------------------------------


def test_sync_makes_a_note_for_a_new_entry_only(run_cli: RunCli, vault: Path) -> None:
    """A new entry under an existing section gets one note; only dashboards and state change."""
    add_to_reading_list(vault, ANCHOR, ANCHOR + NEW_ENTRY)
    before = all_files(vault)

    result = run_cli("sync", vault)

    assert result.exit_code == 0, result.output
    assert "created  Sources/Fresh Practitioner Notes.md\n" in result.stdout
    assert "1 new note created." in result.stdout
    after = all_files(vault)
    changed = changed_files(before, after)
    assert {p for p in changed if not vaultkit_owned(p)} == {"Sources/Fresh Practitioner Notes.md"}
    front, _ = split_note(vault / "Sources" / "Fresh Practitioner Notes.md")
    assert front["topic"] == "[[2 Training Dynamics & Optimization at Scale]]"
    assert front["role"] == "practitioner"
    assert front["status"] == "unread"
    assert status_json(run_cli, vault)["sources"] == {
        "total": 64, "read": 0, "by_status": {"unread": 64},
    }


def test_sync_makes_a_hub_for_a_new_section(run_cli: RunCli, vault: Path) -> None:
    """A new numbered section gets a topic hub and a note for its source."""
    reading_list = vault / "Lists" / "Reading list.md"
    with reading_list.open("a", encoding="utf-8") as handle:
        handle.write(NEW_SECTION)
    before = all_files(vault)

    result = run_cli("sync", vault)

    assert result.exit_code == 0, result.output
    created = {p for p in changed_files(before, all_files(vault)) if not vaultkit_owned(p)}
    assert created == {"Topics/24 Fresh Topic.md", "Sources/Fresh Core Source.md"}
    hub, _ = split_note(vault / "Topics" / "24 Fresh Topic.md")
    assert (hub["vaultkit"], hub["title"], hub["tier"]) == ("topic", "Fresh Topic", 6)
    source, _ = split_note(vault / "Sources" / "Fresh Core Source.md")
    assert source["topic"] == "[[24 Fresh Topic]]"
    assert len(status_json(run_cli, vault)["topics"]) == 24


def test_sync_dry_run_writes_nothing(run_cli: RunCli, vault: Path) -> None:
    """`--dry-run` says what it would create and leaves every file as it was."""
    add_to_reading_list(vault, ANCHOR, ANCHOR + NEW_ENTRY)
    before = all_files(vault)

    result = run_cli("sync", "--dry-run", vault)

    assert result.exit_code == 0, result.output
    assert "create  Sources/Fresh Practitioner Notes.md\n" in result.stdout
    assert all_files(vault) == before


def test_sync_does_not_bring_back_a_deleted_note(run_cli: RunCli, vault: Path) -> None:
    """A source note the user deleted is reported as having no note, and stays deleted."""
    (vault / MEGATRON).unlink()

    result = run_cli("sync", vault)

    assert result.exit_code == 0, result.output
    assert "no note  source “Megatron-LM paper”" in result.stdout
    assert "0 new notes created." in result.stdout
    assert not (vault / MEGATRON).exists()


def test_sync_without_lists_is_an_error(run_cli: RunCli, vault: Path) -> None:
    """A vault whose Lists/ folder is gone: exit 2, an `Error:` naming both lists."""
    shutil.rmtree(vault / "Lists")
    before = all_files(vault)

    result = run_cli("sync", vault)

    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"Error: {vault}: no lists to sync: neither Lists/Reading list.md nor "
        "Lists/Question syllabus.md exists\n"
    )
    assert all_files(vault) == before


def test_a_note_whose_entry_left_the_lists_is_listed_and_kept(
    run_cli: RunCli, small: Path
) -> None:
    """An entry removed from the list: sync names its note as not listed, and keeps it."""
    add_to_reading_list(small, ALPHA_TWO, "")
    note = small / "Sources" / "Alpha Two.md"
    before = note.read_bytes()

    result = run_cli("sync", small)

    assert result.exit_code == 0, result.output
    assert (
        "not listed  Sources/Alpha Two.md (its entry left the lists; the note is kept)\n"
        in result.stdout
    )
    assert "0 new notes created." in result.stdout
    assert note.read_bytes() == before


# --- the rules, through sync_vault ----------------------------------------------------------


def test_a_new_question_gets_a_note_in_its_topics_folder(small: Path) -> None:
    """A question added to the syllabus becomes a note beside its topic's other questions."""
    syllabus = small / "Lists" / "Question syllabus.md"
    syllabus.write_text(syllabus.read_text(encoding="utf-8") + "* Why does alpha fail?\n",
                        encoding="utf-8")

    result = sync(small)

    assert created_paths(result) == ["Questions/1 Alpha Topic/Why does alpha fail.md"]
    front, _ = split_note(small / "Questions" / "1 Alpha Topic" / "Why does alpha fail.md")
    assert (front["topic"], front["status"]) == ("[[1 Alpha Topic]]", "unanswered")
    assert (result.without_notes, result.gone) == ([], [])


def test_a_note_sync_made_and_the_user_deleted_stays_deleted(small: Path) -> None:
    """sync remembers the notes it made: once deleted, the next sync reports it, not remakes it."""
    add_to_reading_list(small, ALPHA_TWO, ALPHA_TWO + ALPHA_THREE)
    assert created_paths(sync(small)) == ["Sources/Alpha Three.md"]
    (small / "Sources" / "Alpha Three.md").unlink()

    result = sync(small)

    assert result.created == []
    assert result.without_notes == [("source", "Alpha Three")]
    assert not (small / "Sources" / "Alpha Three.md").exists()


def test_without_its_record_every_entry_without_a_note_is_new(small: Path) -> None:
    """With the memory (`.vaultkit/state/`) deleted, sync cannot tell a deleted note from a
    new entry: the entry gets its note again."""
    shutil.rmtree(small / STATE_FOLDER)  # every device's file
    (small / STATE_FILE).unlink(missing_ok=True)
    (small / "Sources" / "Alpha Two.md").unlink()

    result = sync(small)

    assert created_paths(result) == ["Sources/Alpha Two.md"]
    assert result.without_notes == []


def test_a_moved_note_is_found_by_its_id(small: Path) -> None:
    """A note renamed into a folder of the user's is its entry's note: nothing is made again."""
    (small / "Reading").mkdir()
    (small / "Sources" / "Alpha One.md").rename(small / "Reading" / "First one.md")
    before = all_files(small)

    result = sync(small)

    assert (result.created, result.without_notes, result.gone) == ([], [], [])
    assert all_files(small) == before



@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda text: text + "\nCaf\xe9 au lait\n", id="latin-1-byte-in-body"),
        pytest.param(lambda text: text.replace("status: unread", "status: &s unread\nx: *s"),
                     id="yaml-anchor"),
        pytest.param(lambda text: text.replace("status: unread", "status: unread\n\tx: 1"),
                     id="tab-in-frontmatter"),
    ],
)
def test_a_renamed_note_that_cannot_be_read_is_still_found_by_its_id(
    run_cli: RunCli, vault: Path, spoil: Callable[[str], str]
) -> None:
    """A note the reader refuses (a byte that is not UTF-8, YAML it will not parse) is still
    the user's note: after it is renamed, `sync` does not call it deleted and `init` does not
    make a second note for its entry."""
    original = vault / MEGATRON
    text = spoil(original.read_text(encoding="utf-8"))
    renamed = vault / "Sources/My Megatron notes.md"
    renamed.write_bytes(text.encode("utf-8").replace("é".encode(), b"\xe9"))
    original.unlink()
    before = all_files(vault)

    synced = run_cli("sync", vault)
    assert synced.exit_code == 0, synced.output
    assert "Megatron" not in synced.output
    completed = run_cli("init", vault)
    assert completed.exit_code == 0, completed.output
    assert not original.exists()
    assert changed_files(before, all_files(vault)) <= {
        p for p in all_files(vault) if vaultkit_owned(p)
    }
