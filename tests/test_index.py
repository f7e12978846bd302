"""VaultIndex: notes found by id wherever they move, kept current by paths, and an on-disk cache
that saves re-reading unchanged files and is safe to lose or corrupt."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from tests.helpers import LONG_AGO, age, count_note_reads
from vaultkit.config import Settings
from vaultkit.report.problems import find_problems
from vaultkit.vault import cache
from vaultkit.vault.cache import INDEX as CACHE_FILE
from vaultkit.vault.frontmatter import render_note
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.notes import Problem


def write_note(
    vault: Path, relative: str, note_id: str, *, kind: str = "source", status: str = "unread",
    title: str = "Alpha",
) -> Path:
    """A note as vaultkit writes it, with a body that has links and a summary to count."""
    path = vault / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    front = {"vaultkit": kind, "id": note_id, "title": title, "aliases": [title],
             "topic": "[[Hub]]", "status": status}
    body = f"# {title}\n\nSee [[Hub]].\n\n## Summary\nOne line of mine.\n"
    path.write_text(render_note(front, body), encoding="utf-8")
    return path


def ids(index: VaultIndex) -> dict[str, list[str]]:
    """Each id → the paths of the notes that carry it."""
    return {note_id: [r.path for r in records] for note_id, records in index.by_id().items()}


def scanned(vault: Path, settings: Settings | None = None) -> VaultIndex:
    """A fresh index of the vault after a full scan, as a new process would make it."""
    index = VaultIndex(vault, settings or Settings())
    index.scan()
    return index


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A small vault: two sources, a question in a topic folder, a hub, an image, old mtimes."""
    root = tmp_path / "vault"
    write_note(root, "Sources/A.md", "s-a")
    write_note(root, "Sources/B.md", "s-b", status="read")
    write_note(root, "Questions/Hub/Q.md", "q-1", kind="question", status="drafted")
    write_note(root, "Topics/Hub.md", "t-1", kind="topic")
    (root / "Sources/figure.png").write_bytes(b"\x89PNG\r\n")
    age(root)
    return root


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The relative paths the index hands to `read_note`, in order."""
    return count_note_reads(monkeypatch)


# --- finding notes --------------------------------------------------------------------------


def test_scan_finds_every_note_by_id(vault: Path) -> None:
    """Each note is found under its id, attachments are listed apart, nothing fails."""
    index = scanned(vault)
    assert ids(index) == {
        "s-a": ["Sources/A.md"],
        "s-b": ["Sources/B.md"],
        "q-1": ["Questions/Hub/Q.md"],
        "t-1": ["Topics/Hub.md"],
    }
    assert [r.path for r in index.notes("source")] == ["Sources/A.md", "Sources/B.md"]
    assert index.attachments == {"Sources/figure.png"}
    assert index.failures == {}


def test_dot_folders_and_dot_files_are_skipped(vault: Path) -> None:
    """Notes in `.obsidian`, `.git`, `.trash`, `.vaultkit` and dot-files are never read."""
    for folder in (".obsidian", ".git", ".trash", ".vaultkit", "Sources/.trash"):
        write_note(vault, f"{folder}/Copy.md", f"s-in{folder}")
        (vault / folder / "broken.md").write_bytes(b"\xff")
    write_note(vault, "Sources/.hidden.md", "s-hidden")
    index = scanned(vault)
    assert sorted(ids(index)) == ["q-1", "s-a", "s-b", "t-1"]
    assert index.failures == {}
    assert index.attachments == {"Sources/figure.png"}


def test_unreadable_note_is_a_failure_and_the_others_still_count(vault: Path) -> None:
    """A note that cannot be read is kept as its Problem; every other note is still indexed."""
    (vault / "Sources/B.md").write_bytes(b"---\nvaultkit: source\nid: s-b\n")
    index = scanned(vault)
    assert index.failures == {"Sources/B.md": Problem(
        "Sources/B.md", 1, "frontmatter opened on line 1 is never closed with `---`"
    )}
    assert sorted(ids(index)) == ["q-1", "s-a", "t-1"]


def test_a_renamed_note_keeps_its_id_and_still_counts(vault: Path) -> None:
    """After a rename and `update` of both paths, the id points to the new path, once."""
    index = scanned(vault)
    (vault / "Sources/A.md").replace(vault / "Sources/A renamed.md")
    changed = index.update([vault / "Sources/A.md", vault / "Sources/A renamed.md"])
    assert changed == {"Sources/A.md", "Sources/A renamed.md"}
    assert ids(index)["s-a"] == ["Sources/A renamed.md"]
    assert len(list(index.notes("source"))) == 2


def test_a_note_moved_to_another_folder_keeps_its_id_on_the_next_scan(vault: Path) -> None:
    """A note moved anywhere in the vault is found by its id on a full scan."""
    (vault / "Archive/2024").mkdir(parents=True)
    (vault / "Questions/Hub/Q.md").replace(vault / "Archive/2024/Q.md")
    index = scanned(vault)
    assert ids(index)["q-1"] == ["Archive/2024/Q.md"]
    assert [r.path for r in index.notes("question")] == ["Archive/2024/Q.md"]


# --- keeping current by paths ---------------------------------------------------------------


def test_update_after_an_edit_rereads_only_that_file(vault: Path, reads: list[str]) -> None:
    """`update([path])` reads that one note again and returns its relative path."""
    index = scanned(vault)
    reads.clear()
    write_note(vault, "Sources/A.md", "s-a", status="summarized")
    assert index.update([vault / "Sources/A.md"]) == {"Sources/A.md"}
    assert reads == ["Sources/A.md"]
    assert index.records["Sources/A.md"].status == "summarized"


def test_update_takes_paths_relative_to_the_vault(vault: Path, reads: list[str]) -> None:
    """A relative path (str or Path) names the same note as its absolute path."""
    index = scanned(vault)
    reads.clear()
    assert index.update(["Sources/A.md", Path("Sources/B.md")]) == {"Sources/A.md", "Sources/B.md"}
    assert reads == ["Sources/A.md", "Sources/B.md"]


def test_update_of_a_deleted_note_forgets_it(vault: Path) -> None:
    """`update` of a path whose file is gone drops its record and its id."""
    index = scanned(vault)
    (vault / "Sources/A.md").unlink()
    assert index.update([vault / "Sources/A.md"]) == {"Sources/A.md"}
    assert "Sources/A.md" not in index.records
    assert "s-a" not in ids(index)


def test_update_of_a_deleted_bad_note_forgets_its_failure(vault: Path) -> None:
    """A note that could not be read and is then deleted is no longer reported."""
    (vault / "Sources/B.md").write_bytes(b"")
    index = scanned(vault)
    assert "Sources/B.md" in index.failures
    (vault / "Sources/B.md").unlink()
    index.update([vault / "Sources/B.md"])
    assert index.failures == {}


def test_remove_forgets_a_note_whose_file_still_exists(vault: Path) -> None:
    """`remove` (the source side of a move) forgets the note without looking at the disk."""
    index = scanned(vault)
    assert index.remove([vault / "Sources/A.md"]) == {"Sources/A.md"}
    assert sorted(ids(index)) == ["q-1", "s-b", "t-1"]


def test_remove_of_a_folder_forgets_every_note_below_it(vault: Path) -> None:
    """`remove` of a folder forgets each note under it, and only those."""
    index = scanned(vault)
    assert index.remove(["Questions"]) == {"Questions/Hub/Q.md"}
    assert sorted(ids(index)) == ["s-a", "s-b", "t-1"]


def test_update_of_a_folder_moved_into_the_vault_picks_up_its_notes(
    vault: Path, tmp_path: Path
) -> None:
    """A folder moved in from outside brings its notes and attachments with one `update`."""
    index = scanned(vault)
    outside = tmp_path / "elsewhere" / "Reading"
    write_note(outside, "C.md", "s-c")
    write_note(outside, "Deeper/D.md", "s-d")
    (outside / "scan.pdf").write_bytes(b"%PDF-1.7\n")
    outside.replace(vault / "Reading")
    assert index.update([vault / "Reading"]) == {"Reading/C.md", "Reading/Deeper/D.md"}
    assert ids(index)["s-c"] == ["Reading/C.md"]
    assert ids(index)["s-d"] == ["Reading/Deeper/D.md"]
    assert "Reading/scan.pdf" in index.attachments


def test_update_of_a_folder_moved_out_of_the_vault_forgets_its_notes(
    vault: Path, tmp_path: Path
) -> None:
    """A folder moved away takes its notes out of the index with one `update` of its path."""
    index = scanned(vault)
    (vault / "Questions").replace(tmp_path / "Questions")
    assert index.update([vault / "Questions"]) == {"Questions/Hub/Q.md"}
    assert "q-1" not in ids(index)


def test_update_ignores_paths_outside_the_vault_and_in_dot_folders(
    vault: Path, tmp_path: Path, reads: list[str]
) -> None:
    """Paths outside the vault or under a dot-folder change nothing and read nothing."""
    index = scanned(vault)
    reads.clear()
    before = dict(index.records)
    write_note(tmp_path, "Outside.md", "s-out")
    write_note(vault, ".obsidian/Inside.md", "s-in")
    changed = index.update([tmp_path / "Outside.md", vault / ".obsidian/Inside.md", vault])
    assert (changed, reads, index.records) == (set(), [], before)


# --- the cache ------------------------------------------------------------------------------


def test_second_scan_reads_no_unchanged_file(vault: Path, reads: list[str]) -> None:
    """A new index of an unchanged vault takes every record from the cache: no note is read."""
    first = scanned(vault)
    assert len(reads) == 4
    reads.clear()
    second = scanned(vault)
    assert reads == []
    assert (second.records, second.failures, second.attachments) == (
        first.records, first.failures, first.attachments
    )
    assert second.records["Sources/A.md"].summary_lines == 1  # a real record, not a stub


def test_cached_failure_comes_back_as_the_same_problem(vault: Path, reads: list[str]) -> None:
    """A note that could not be read is cached as its Problem and not read again."""
    (vault / "Sources/B.md").write_bytes(b"\xef\xbb\xbf---\nid: [\n---\n")
    age(vault)
    first = scanned(vault)
    reads.clear()
    assert scanned(vault).failures == first.failures
    assert reads == []


def test_file_changed_with_a_new_mtime_is_read_again(vault: Path, reads: list[str]) -> None:
    """A note rewritten at the same size but with another mtime is read; the rest come cached."""
    scanned(vault)
    reads.clear()
    path = write_note(vault, "Sources/A.md", "s-a", title="Omega")  # same size as "Alpha"
    os.utime(path, (LONG_AGO + 60, LONG_AGO + 60))
    index = scanned(vault)
    assert reads == ["Sources/A.md"]
    assert index.records["Sources/A.md"].title == "Omega"


def test_recently_changed_file_is_not_trusted_to_the_cache(
    vault: Path, reads: list[str]
) -> None:
    """A file changed within the last 2 seconds is read again on the next scan, not cached."""
    write_note(vault, "Sources/A.md", "s-a", title="Fresh")  # mtime: now
    scanned(vault)
    reads.clear()
    scanned(vault)
    assert reads == ["Sources/A.md"]


def test_deleting_the_cache_folder_is_harmless(vault: Path, reads: list[str]) -> None:
    """With `.vaultkit/cache/` gone, a scan reads every note, gives the same index, rewrites it."""
    first = scanned(vault)
    shutil.rmtree(vault / ".vaultkit/cache")
    reads.clear()
    second = scanned(vault)
    assert (len(reads), second.records) == (4, first.records)
    assert (vault / CACHE_FILE).is_file()


def corrupt_caches() -> list[bytes]:
    return [b"", b"garbage", b"\xff\xfe\x00", b'{"format": 1}', b'{"format": 1, "key": "x"',
            b'{"format": 999, "key": "x", "notes": {}}']


@pytest.mark.parametrize("content", corrupt_caches())
def test_corrupt_cache_is_ignored_and_replaced(
    vault: Path, reads: list[str], content: bytes
) -> None:
    """A cache file that is not ours is ignored (every note read) and replaced by a good one."""
    first = scanned(vault)
    (vault / CACHE_FILE).write_bytes(content)
    reads.clear()
    assert scanned(vault).records == first.records
    assert len(reads) == 4
    reads.clear()
    scanned(vault)
    assert reads == []


@pytest.mark.parametrize("shape", ["[]", "null", '"text"', "notes: []"])
def test_cache_of_valid_json_in_the_wrong_shape_is_ignored(
    vault: Path, reads: list[str], shape: str
) -> None:
    """A cache that is JSON but not an object of notes is ignored like any corrupt cache."""
    first = scanned(vault)
    if shape == "notes: []":
        data = json.loads((vault / CACHE_FILE).read_bytes())
        shape = json.dumps({**data, "data": []})  # the right format and key, notes a list
    (vault / CACHE_FILE).write_text(shape, encoding="utf-8")
    reads.clear()
    assert scanned(vault).records == first.records
    assert len(reads) == 4


def test_other_status_settings_reuse_the_cache_and_judge_by_the_new_list(
    vault: Path, reads: list[str]
) -> None:
    """Records are facts, not judgements: after the allowed statuses change, no note is read
    again, and the problems name the new list."""
    scanned(vault)
    reads.clear()
    settings = dataclasses.replace(Settings(), source_statuses=("todo", "done"))
    index = scanned(vault, settings)
    assert reads == []
    assert Problem("Sources/A.md", 8, "status 'unread' is not one of: todo, done") in (
        find_problems(index, settings)
    )


def test_cachedir_tag_and_gitignore_are_written_beside_the_cache(vault: Path) -> None:
    """The cache folder holds a CACHEDIR.TAG (so backups skip it) and a `*` .gitignore."""
    scanned(vault)
    folder = (vault / CACHE_FILE).parent
    assert folder == vault / ".vaultkit/cache"
    tag = (folder / "CACHEDIR.TAG").read_text(encoding="utf-8")
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert json.loads((vault / CACHE_FILE).read_bytes())["format"] == cache.FORMAT


def test_index_without_cache_writes_nothing(vault: Path) -> None:
    """`use_cache=False` scans the vault and leaves no `.vaultkit/` folder behind."""
    index = VaultIndex(vault, Settings(), use_cache=False)
    index.scan()
    assert len(index.records) == 4
    assert not (vault / ".vaultkit").exists()


def test_scanning_never_changes_a_note(vault: Path) -> None:
    """Two scans (the second from the cache) leave every note's bytes and mtime as they were."""
    notes = [p for p in vault.rglob("*") if p.is_file()]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in notes}
    scanned(vault)
    scanned(vault)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in notes} == before


def test_file_changed_with_the_same_size_and_mtime_is_read_again(
    vault: Path, reads: list[str]
) -> None:
    """A note rewritten at the same size, its old mtime put back, is read again, not cached."""
    path = write_note(vault, "Sources/C.md", "s-c", status="aaaaa")
    os.utime(path, (LONG_AGO, LONG_AGO))
    assert scanned(vault).records["Sources/C.md"].status == "aaaaa"
    before = path.stat()
    time.sleep(0.05)  # ctime ticks with the kernel's clock: every few ms on some file systems
    write_note(vault, "Sources/C.md", "s-c", status="bbbbb")  # in place, like `rsync -t`
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    reads.clear()

    index = scanned(vault)

    assert reads == ["Sources/C.md"]
    assert index.records["Sources/C.md"].status == "bbbbb"


def test_a_rescan_in_memory_saves_the_updates_the_cache_on_disk_lacks(
    vault: Path, reads: list[str]
) -> None:
    """A watcher's periodic rescan (from memory) writes the cache when `update` changed a note
    since it was last saved, so a later start reads only what changed after that."""
    index = scanned(vault)
    path = write_note(vault, "Sources/A.md", "s-a", title="Omega")
    os.utime(path, (LONG_AGO + 60, LONG_AGO + 60))
    index.update(["Sources/A.md"])
    index.scan()  # every note from memory: nothing for it to read
    reads.clear()

    again = scanned(vault)

    assert reads == []
    assert again.records["Sources/A.md"].title == "Omega"
