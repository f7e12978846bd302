"""Creating files: never over an existing one, never half-written, no temp files left."""

from __future__ import annotations

import errno
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vaultkit.files.writes import (
    STALE_AFTER,
    TEMP_SUFFIX,
    atomic_write,
    create_file,
    remove_stale_temp_files,
)


def test_creates_a_new_file_with_its_folders(tmp_path: Path) -> None:
    """A missing file is written with exactly the given bytes, folders made as needed."""
    target = tmp_path / "a" / "b" / "note.md"
    assert create_file(target, b"hello\n") is True
    assert target.read_bytes() == b"hello\n"
    assert list(target.parent.iterdir()) == [target]


def test_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    """An existing file keeps its bytes and no temp file is left beside it."""
    target = tmp_path / "note.md"
    target.write_bytes(b"mine")
    assert create_file(target, b"theirs") is False
    assert target.read_bytes() == b"mine"
    assert list(tmp_path.iterdir()) == [target]


def test_never_writes_through_a_dangling_symlink(tmp_path: Path) -> None:
    """A symlink at the name, even to nothing, counts as taken: nothing is created behind it."""
    target = tmp_path / "note.md"
    target.symlink_to(tmp_path / "elsewhere.md")
    assert create_file(target, b"x") is False
    assert not (tmp_path / "elsewhere.md").exists()


def test_a_file_that_appears_during_the_write_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If another program creates the file between our check and our link, its bytes stay."""
    target = tmp_path / "note.md"
    real_link = os.link

    def racing_link(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        Path(dst).write_bytes(b"user was faster")
        real_link(src, dst)

    monkeypatch.setattr(os, "link", racing_link)
    assert create_file(target, b"ours") is False
    assert target.read_bytes() == b"user was faster"
    assert [p.name for p in tmp_path.iterdir()] == ["note.md"]


def test_a_failed_write_leaves_no_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk error while writing leaves neither the note nor a temp file behind."""
    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        create_file(tmp_path / "note.md", b"data")
    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_it_falls_back_to_exclusive_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system without hard links the file is still created, and still exclusively."""
    def no_links(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert create_file(tmp_path / "new.md", b"data") is True
    assert (tmp_path / "new.md").read_bytes() == b"data"
    assert create_file(tmp_path / "new.md", b"other") is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md"]


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    return int(child.stdout)


def _temp(folder: Path, pid: int, *, age: float = 0) -> Path:
    """A temp file named as `write_temp` names them, for `pid`, last written `age` s ago."""
    path = folder / f".{pid}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    path.write_bytes(b"half")
    if age:
        then = time.time() - age
        os.utime(path, (then, then))
    return path


def test_stale_temp_files_are_removed_and_nothing_else(tmp_path: Path) -> None:
    """Temp files of an interrupted run go; the user's files, even similar ones, stay."""
    stale = _temp(tmp_path, _dead_pid())
    keep = [tmp_path / "note.md", tmp_path / ".note.md.swp", tmp_path / "vaultkit-tmp.md"]
    for path in keep:
        path.write_bytes(b"x")
    assert remove_stale_temp_files(tmp_path, [".", "missing"]) == [stale]
    assert sorted(tmp_path.iterdir()) == sorted(keep)


def test_a_live_runs_temp_file_survives_cleanup(tmp_path: Path) -> None:
    """Only a dead writer's temp or an old one goes; a fresh one of a running process stays."""
    live = [_temp(tmp_path, os.getpid()), _temp(tmp_path, os.getppid(), age=30)]
    dead = _temp(tmp_path, _dead_pid())
    old = _temp(tmp_path, os.getpid(), age=STALE_AFTER + 5)  # its pid reused, say
    older_kind = tmp_path / f".note.md.1234abcd{TEMP_SUFFIX}"  # an older vaultkit's: no pid
    older_kind.write_bytes(b"half")
    assert sorted(remove_stale_temp_files(tmp_path, ["."])) == sorted([dead, old])
    assert sorted(tmp_path.iterdir()) == sorted([*live, older_kind])
    os.utime(older_kind, (0, 0))
    assert remove_stale_temp_files(tmp_path, ["."]) == [older_kind]


def test_cleanup_leaves_folders_and_symlinks_named_like_temp_files(tmp_path: Path) -> None:
    """Only regular files are vaultkit's temp files; anything else with the suffix is not."""
    pid = _dead_pid()
    (tmp_path / f".{pid}.0badc0de{TEMP_SUFFIX}").mkdir()
    (tmp_path / f".{pid}.0badf00d{TEMP_SUFFIX}").symlink_to(tmp_path / "note.md")
    assert remove_stale_temp_files(tmp_path, ["."]) == []
    assert len(list(tmp_path.iterdir())) == 2


def test_a_failed_write_names_the_file_not_the_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while writing is reported about the file we meant to write, errno intact."""
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    for write in (create_file, atomic_write):
        with pytest.raises(OSError, match="No space left on device") as caught:
            write(tmp_path / "note.md", b"data")
        assert caught.value.errno == errno.ENOSPC
        assert caught.value.filename == str(tmp_path / "note.md")
        assert caught.value.filename2 is None
    assert list(tmp_path.iterdir()) == []


def test_an_error_about_a_folder_keeps_naming_the_folder(tmp_path: Path) -> None:
    """A file where the note's folder should be: the error names that file, not the note."""
    (tmp_path / "Sources").write_bytes(b"a file, not a folder")
    with pytest.raises(FileExistsError) as caught:
        create_file(tmp_path / "Sources" / "note.md", b"data")
    assert caught.value.filename == str(tmp_path / "Sources")
