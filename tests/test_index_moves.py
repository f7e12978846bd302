"""VaultIndex.moved_away: a note that arrived at a new path is found at its old one by its id.

A move between top-level folders reaches a watcher as a create now and a delete later (each
folder has its own watch), so the index, not a move event, says which old path was left.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vaultkit.config import Settings
from vaultkit.vault.frontmatter import render_note
from vaultkit.vault.index import VaultIndex


def write_note(vault: Path, relative: str, note_id: str | None) -> None:
    """A source note as vaultkit writes it (no `id:` when `note_id` is None)."""
    path = vault / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    front: dict[str, object] = {"vaultkit": "source", "title": path.stem, "status": "unread"}
    if note_id is not None:
        front["id"] = note_id
    path.write_text(render_note(front, f"# {path.stem}\n"), encoding="utf-8")


@pytest.fixture
def index(tmp_path: Path) -> VaultIndex:
    """An index, scanned, of three sources (one without an id) and an archive folder."""
    root = tmp_path / "vault"
    write_note(root, "Sources/A.md", "s-a")
    write_note(root, "Sources/B.md", "s-b")
    write_note(root, "Sources/Plain.md", None)
    (root / "Archive").mkdir()
    index = VaultIndex(root, Settings(), use_cache=False)
    index.scan()
    return index


def test_a_note_moved_to_another_folder_is_found_at_its_old_path(index: VaultIndex) -> None:
    """Seen at its new path only (the old path's delete not yet heard): the old path is named."""
    (index.root / "Sources/A.md").rename(index.root / "Archive/A.md")
    changed = index.update(["Archive/A.md"])
    assert changed == {"Archive/A.md"}
    assert index.moved_away(changed) == {"Sources/A.md"}


def test_a_copy_is_not_a_move(index: VaultIndex) -> None:
    """The old file still there: two notes share an id (a problem for `check`), none moved."""
    shutil.copy2(index.root / "Sources/A.md", index.root / "Archive/A.md")
    assert index.moved_away(index.update(["Archive/A.md"])) == set()


def test_only_the_ids_of_the_changed_paths_count(index: VaultIndex) -> None:
    """A gone note whose id did not arrive anywhere is a delete, not a move; a note without an
    id is never matched."""
    (index.root / "Sources/B.md").unlink()
    (index.root / "Sources/Plain.md").rename(index.root / "Archive/Plain.md")
    changed = index.update(["Archive/Plain.md"])
    assert index.moved_away(changed) == set()


def test_a_note_renamed_in_place_is_a_move(index: VaultIndex) -> None:
    """A rename within one folder heard as its new name only names the old one too."""
    (index.root / "Sources/A.md").rename(index.root / "Sources/A renamed.md")
    assert index.moved_away(index.update(["Sources/A renamed.md"])) == {"Sources/A.md"}
