"""Building the dashboards: a one-shot build that skips every step its caches allow, and a
rebuild over a live index — each checked against a cold build of the same vault."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import (
    LONG_AGO,
    add_to_reading_list,
    age,
    all_files,
    count_list_parses,
    count_note_reads,
    set_status,
)
from tests.test_index import write_note
from vaultkit import config
from vaultkit.commands.build import BuildResult, build_once, rebuild
from vaultkit.errors import VaultPathError
from vaultkit.vault import cache, index, parallel
from vaultkit.vault.cache import Caches
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.notes import NoteRecord, Problem, read_note

MEGATRON = "Sources/Megatron-LM paper.md"
PROGRESS = "Dashboards/Progress.md"
ANCHOR = "   Why: Foundational intuition for preference-based learning and reward modeling.\n"
NO_LINK_ENTRY = "7. **No link**\n   Why: an entry the parser skips, a problem to report.\n"


@pytest.fixture
def vault(seed_vault: Path, tmp_path: Path) -> Path:
    """A copy of the seed vault built, every file's mtime long past (the dashboards' too, and
    the index cache holds them): the next build of it, unchanged, may skip everything."""
    root = Path(shutil.copytree(seed_vault, tmp_path / "vault", symlinks=True))
    set_status(root / MEGATRON, "read")  # so that the dashboards have something to show
    build_once(root, config.load(root))
    age(root)
    (root / cache.BUILD).unlink(missing_ok=True)  # the dashboards were written since
    build_once(root, config.load(root))
    assert (root / cache.BUILD).is_file()
    return root


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The notes read in this process, and no reading in forked workers or parsers."""
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    return count_note_reads(monkeypatch)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The vaults whose lists were parsed (with `reads`, never in a forked child)."""
    return count_list_parses(monkeypatch)


def dashboards(root: Path) -> dict[str, bytes]:
    """Every file of the dashboards folder (kept hand edits included), by name."""
    return all_files(root / "Dashboards")


def cold_build(vault: Path, tmp_path: Path) -> tuple[dict[str, bytes], BuildResult]:
    """The dashboards and result of a build of a copy of the vault, its caches deleted."""
    copy = Path(shutil.copytree(vault, tmp_path / "cold", symlinks=True))
    shutil.rmtree(copy / ".vaultkit" / "cache")
    result = build_once(copy, config.load(copy))
    return dashboards(copy), result


def assert_as_cold(vault: Path, tmp_path: Path, result: BuildResult) -> None:
    """The vault's dashboards, and the build's count of problems, are what a cold build makes."""
    cold, cold_result = cold_build(vault, tmp_path)
    assert dashboards(vault) == cold
    assert result.problems == cold_result.problems
    assert cold_result.written == []  # the copy's dashboards were right already


# --- nothing changed --------------------------------------------------------------------------


def test_a_build_of_an_unchanged_vault_reads_nothing(
    vault: Path, tmp_path: Path, reads: list[str], parses: list[Path]
) -> None:
    """Nothing changed since the last build: no note is read, no list parsed, nothing written,
    and the dashboards and the problems counted are a cold build's."""
    before = dashboards(vault)

    result = build_once(vault, config.load(vault))

    assert (reads, parses) == ([], [])
    assert (result.written, result.kept) == ([], [])
    assert dashboards(vault) == before
    assert_as_cold(vault, tmp_path, result)


def test_the_cli_says_the_same_as_a_cold_build(
    vault: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    """`vaultkit build` of an unchanged vault prints what it prints after a cold build."""
    warm = run_cli("build", vault)
    cold = Path(shutil.copytree(vault, tmp_path / "cold", symlinks=True))
    shutil.rmtree(cold / ".vaultkit" / "cache")
    assert (warm.exit_code, warm.output) == (0, run_cli("build", cold).output)
    assert "Dashboards unchanged." in warm.output


# --- a stale cache is never used --------------------------------------------------------------


def edit_note_back_in_time(vault: Path) -> None:
    """A note's status changed, its old mtime put back (`rsync -t`, `touch -r`)."""
    path = vault / MEGATRON
    set_status(path, "summarized")
    os.utime(path, (LONG_AGO, LONG_AGO))


def edit_note_in_place(vault: Path) -> None:
    """The same size and mtime, other bytes: only the ctime tells."""
    path = vault / MEGATRON
    before = path.stat()
    set_status(path, "skip")  # "read" → "skip", not a status: a problem to report
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def add_note(vault: Path) -> None:
    write_note(vault, "Sources/Later.md", "s-later", status="read", title="Later")
    os.utime(vault / "Sources/Later.md", (LONG_AGO, LONG_AGO))


def delete_note(vault: Path) -> None:
    (vault / MEGATRON).unlink()


def change_a_list(vault: Path) -> None:
    add_to_reading_list(vault, ANCHOR, ANCHOR + NO_LINK_ENTRY)
    os.utime(vault / "Lists/Reading list.md", (LONG_AGO, LONG_AGO))


def change_the_settings(vault: Path) -> None:
    path = vault / "vaultkit.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("questions_min = 3", "questions_min = 4", 1), encoding="utf-8")
    os.utime(path, (LONG_AGO, LONG_AGO))


def edit_a_dashboard_by_hand(vault: Path) -> None:
    with (vault / PROGRESS).open("a", encoding="utf-8") as handle:
        handle.write("\nMy own line.\n")


def touch_a_note_now(vault: Path) -> None:
    """Its content as it was, its mtime now: within two seconds, a stamp is not trusted."""
    os.utime(vault / MEGATRON)


EDITS = {
    "a note edited, its mtime put back": (edit_note_back_in_time, [MEGATRON]),
    "a note edited at the same size and mtime": (edit_note_in_place, [MEGATRON]),
    "a note added": (add_note, ["Sources/Later.md"]),
    "a note deleted": (delete_note, []),
    "a list changed": (change_a_list, ["Lists/Reading list.md"]),  # a note too, for the index
    "the settings changed": (change_the_settings, []),
    # Read by the scan, then both again once the edit is kept aside.
    "a dashboard edited by hand": (
        edit_a_dashboard_by_hand, [PROGRESS, PROGRESS, "Dashboards/Progress (edited).md"]
    ),
    "a note saved just now": (touch_a_note_now, [MEGATRON]),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_changed_vault_is_built_again(
    vault: Path, tmp_path: Path, reads: list[str], parses: list[Path], edit: str
) -> None:
    """After any change, the build does not skip: it reads exactly the notes that changed
    (and parses the lists only if they changed), and its dashboards are a cold build's."""
    change, read = EDITS[edit]
    before = dashboards(vault)
    change(vault)

    result = build_once(vault, config.load(vault))

    assert reads == read
    assert parses == ([vault] if change is change_a_list else [])
    assert_as_cold(vault, tmp_path, result)
    if change in (edit_note_back_in_time, edit_note_in_place, add_note, delete_note,
                  change_a_list, change_the_settings):
        assert dashboards(vault) != before, "the change shows on the dashboards"
    if change is edit_a_dashboard_by_hand:
        assert result.kept == [(PROGRESS, "Dashboards/Progress (edited).md")]


def test_a_note_too_recent_to_trust_is_read_at_every_build(
    vault: Path, tmp_path: Path, reads: list[str]
) -> None:
    """A note whose mtime is within two seconds of now (here, an hour ahead: a clock that runs
    fast, or a save still in progress) never lets a build be skipped, nor its record cached."""
    ahead = time.time() + 3600
    os.utime(vault / MEGATRON, (ahead, ahead))
    build_once(vault, config.load(vault))
    reads.clear()

    result = build_once(vault, config.load(vault))

    assert reads == [MEGATRON]
    assert_as_cold(vault, tmp_path, result)


def test_a_dashboard_put_back_from_a_backup_is_written_again(
    vault: Path, tmp_path: Path
) -> None:
    """An older dashboard of vaultkit's, unedited, restored in place of the current one: the
    notes are as the last build left them, yet the build is not skipped."""
    older = (vault / PROGRESS).read_bytes()
    edit_note_back_in_time(vault)
    build_once(vault, config.load(vault))
    assert (vault / PROGRESS).read_bytes() != older
    (vault / PROGRESS).write_bytes(older)

    result = build_once(vault, config.load(vault))

    assert result.written == [PROGRESS]
    assert_as_cold(vault, tmp_path, result)


def test_other_settings_for_the_same_files_are_not_skipped(vault: Path) -> None:
    """The settings a build is handed are part of what it depends on, beside the files."""
    settings = config.load(vault)
    other = dataclasses.replace(settings, source_statuses=("unread", "summarized"))

    result = build_once(vault, other)

    assert result.written == ["Dashboards/Problems.md"]  # "read" is no longer a status


def test_a_build_after_a_change_is_skipped_again_next_time(
    vault: Path, tmp_path: Path, reads: list[str]
) -> None:
    """A build that read a change keeps its result: the build after it reads nothing."""
    edit_note_back_in_time(vault)
    build_once(vault, config.load(vault))
    reads.clear()

    result = build_once(vault, config.load(vault))

    assert reads == []
    assert_as_cold(vault, tmp_path, result)


# --- a watcher's rebuild ----------------------------------------------------------------------


def test_a_rebuild_over_a_live_index_equals_a_one_shot_build(
    vault: Path, tmp_path: Path, reads: list[str], parses: list[Path]
) -> None:
    """A watcher's rebuild (its index updated by path, its Caches kept) writes what a one-shot
    build of the same vault writes, and re-parses the lists only when they change."""
    settings = config.load(vault)
    live = VaultIndex(vault, settings)
    live.scan()
    caches = Caches(vault)
    rebuild(live, caches)
    (vault / cache.LISTS).unlink()  # from here, the ids can come from memory only
    parses.clear()

    edit_note_back_in_time(vault)
    live.update([MEGATRON])
    result = rebuild(live, caches)

    assert parses == []
    assert PROGRESS in result.written
    assert_as_cold(vault, tmp_path, result)

    change_a_list(vault)
    shutil.rmtree(tmp_path / "cold")
    parses.clear()
    result = rebuild(live, caches)

    assert parses == [vault]
    assert_as_cold(vault, tmp_path, result)


def test_a_rebuild_of_a_vault_removed_under_it_raises(vault: Path, tmp_path: Path) -> None:
    """A watcher's vault moved away is never recreated by its next rebuild."""
    live = VaultIndex(vault, config.load(vault))
    live.scan()
    vault.rename(tmp_path / "elsewhere")
    with pytest.raises(VaultPathError, match="no such folder"):
        rebuild(live, Caches(vault))
    assert not vault.exists()


# --- reading many notes at once ---------------------------------------------------------------


def chunk_in_a_worker(job: tuple[Path, list[str]]) -> list[NoteRecord | Problem]:
    """`index._read_chunk`, leaving a file named by the pid of the process that ran it."""
    root, relatives = job
    (root.parent / "pids" / str(os.getpid())).touch()
    return [read_note(root / r, r) for r in relatives]


def test_a_large_cold_scan_is_read_by_forked_workers_as_a_serial_read_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From `_PARALLEL_FROM` notes on, forked workers read the notes: the records and problems
    are those of a read in this process, in the same order."""
    root = tmp_path / "vault"
    for n in range(index._PARALLEL_FROM):
        status = ("unread", "read", "bogus")[n % 3]
        write_note(root, f"Sources/{n:04}.md", f"s-{n}", status=status, title=f"Note {n}")
    (root / "Sources/0007.md").write_bytes(b"---\nid: [\n---\n")  # one that cannot be read
    (tmp_path / "pids").mkdir()
    monkeypatch.setattr(index, "_read_chunk", chunk_in_a_worker)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)  # see test_cache's parsed_ahead
    relatives = sorted(r for r, _ in index.walk(root))

    records = index.read_notes(root, relatives)

    workers = {int(p.name) for p in (tmp_path / "pids").iterdir()}
    assert len(workers) == 2
    assert os.getpid() not in workers
    assert records == [read_note(root / r, r) for r in relatives]
    assert isinstance(records[7], Problem)
