"""The watcher: debouncing on a fake clock, and a real watchdog observer on a temporary folder.

Tests that use a real observer wait on conditions (a batch arrived, a thread ended) with a
timeout, never on a fixed sleep, and make no claim about how fast anything happens.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
from watchdog.observers.api import ObservedWatch
from watchdog.observers.inotify import InotifyObserver

from tests.helpers import wait_until
from vaultkit.watch import watcher as watch
from vaultkit.watch.batches import Change, Debouncer, is_ignored_name
from vaultkit.watch.watcher import RootGone, Watcher, WatchLimitError

QUIET = 0.1
"""Quiet window of the real watchers below: long enough that one save is one batch."""


# --- Debouncer -------------------------------------------------------------------------------


class FakeClock:
    """A clock that moves only when told to. Steps are powers of two, so sums are exact."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_a_burst_of_events_gives_one_batch_after_the_quiet_window() -> None:
    """Ten events close together come out as one batch, a quiet window after the last one."""
    clock = FakeClock()
    debouncer = Debouncer(quiet=0.25, max_wait=2.0, clock=clock)
    for n in range(10):
        debouncer.add([f"note-{n % 3}.md"])
        assert debouncer.take() is None
        clock.advance(0.0625)
    clock.advance(0.25 - 0.0625 - 0.0625)
    assert debouncer.due_in() == 0.0625
    assert debouncer.take() is None
    clock.advance(0.0625)
    assert debouncer.take() == Change(frozenset({"note-0.md", "note-1.md", "note-2.md"}))
    assert debouncer.take() is None
    assert debouncer.due_in() is None


def test_a_steady_stream_still_gives_a_batch_at_least_every_max_wait() -> None:
    """Events every half quiet window never leave a quiet gap, yet a batch comes each max_wait."""
    clock = FakeClock()
    debouncer = Debouncer(quiet=0.25, max_wait=1.0, clock=clock)
    fired: list[float] = []
    for n in range(80):  # 10 seconds of events, one every 0.125 s
        debouncer.add([f"n{n}.md"])
        clock.advance(0.125)
        if (change := debouncer.take()) is not None:
            fired.append(clock.now)
            assert change.paths  # every batch carries the events gathered since the last
    # Each batch is due max_wait after its first event; the next event starts the next one.
    assert fired == [float(second) for second in range(1, 11)]


def test_a_full_request_is_carried_into_the_batch_and_then_cleared() -> None:
    """`full` survives later plain events in the same batch; the next batch is not full."""
    clock = FakeClock()
    debouncer = Debouncer(quiet=0.5, max_wait=1.0, clock=clock)
    debouncer.add(full=True)
    debouncer.add(["a.md"])
    clock.advance(0.5)
    assert debouncer.take() == Change(frozenset({"a.md"}), full=True)
    debouncer.add(["b.md"])
    clock.advance(0.5)
    assert debouncer.take() == Change(frozenset({"b.md"}), full=False)


def test_nothing_pending_means_no_due_time() -> None:
    """A fresh debouncer, and one just emptied, have nothing due; one event is due in `quiet`."""
    clock = FakeClock()
    debouncer = Debouncer(quiet=0.5, max_wait=1.0, clock=clock)
    assert debouncer.due_in() is None
    assert debouncer.take() is None
    debouncer.add(["a.md"])
    assert debouncer.due_in() == 0.5
    clock.advance(2.0)
    assert debouncer.due_in() == 0.0
    assert debouncer.take() is not None
    assert debouncer.due_in() is None


def test_paths_asked_for_later_join_a_batch_as_if_their_event_came_then() -> None:
    """`later(paths, delay)`: nothing until the delay is up, then a quiet window as for an
    event, then a batch with them; a batch already pending meanwhile goes on its own."""
    clock = FakeClock()
    debouncer = Debouncer(quiet=0.25, max_wait=1.0, clock=clock)
    debouncer.later(["Lists/list.md"], 2.0)
    assert debouncer.due_in() == 2.0
    clock.advance(1.0)
    debouncer.add(["a.md"])
    assert debouncer.due_in() == 0.25
    clock.advance(0.25)
    assert debouncer.take() == Change(frozenset({"a.md"}))
    assert debouncer.due_in() == 0.75
    clock.advance(0.75)
    assert debouncer.due_in() == 0.0
    assert debouncer.take() is None  # the delay is up: the list joins, its quiet window starts
    assert debouncer.due_in() == 0.25
    clock.advance(0.25)
    assert debouncer.take() == Change(frozenset({"Lists/list.md"}))
    assert debouncer.due_in() is None


def test_paths_asked_for_later_join_a_pending_batch_and_extend_its_quiet_window() -> None:
    """A later request falling due while a batch gathers joins it, as a new event would."""
    clock = FakeClock()
    debouncer = Debouncer(quiet=0.5, max_wait=2.0, clock=clock)
    debouncer.add(["a.md"])
    debouncer.later(["b.md"], 0.25)
    debouncer.later(["c.md"], 8.0)
    assert debouncer.due_in() == 0.25
    clock.advance(0.25)
    assert debouncer.take() is None
    assert debouncer.due_in() == 0.5
    clock.advance(0.5)
    assert debouncer.take() == Change(frozenset({"a.md", "b.md"}))
    assert debouncer.due_in() == 7.25


@pytest.mark.parametrize(("quiet", "max_wait"), [(0.0, 1.0), (-0.1, 1.0), (0.5, 0.25)])
def test_invalid_timings_are_refused(quiet: float, max_wait: float) -> None:
    """A quiet window that is not positive, or longer than the maximum wait, is an error."""
    with pytest.raises(ValueError, match="quiet"):
        Debouncer(quiet=quiet, max_wait=max_wait)


# --- names editors and sync tools write ----------------------------------------------------


@pytest.mark.parametrize("name", [
    "4913",
    "note.md~",
    ".note.md.swp",
    "#note.md#",
    ".#note.md",
    "note.md___jb_tmp___",
    "note.md___jb_old___",
    ".goutputstream-ABC123",
    ".syncthing.note.md.tmp",
    "note.md.icloud",
    ".note.md.icloud",
    "note.sync-conflict-20240101-120000-ABC.md",
    "note (conflicted copy 2024-01-01).md",
    ".note.md.1a2b3c4d.vaultkit-tmp",
    ".DS_Store",
])
def test_editor_and_sync_tool_names_are_ignored(name: str) -> None:
    """Temporary, backup, placeholder and conflict names never carry a note's content."""
    assert is_ignored_name(name)


@pytest.mark.parametrize("name", [
    "note.md",
    "My notes~draft.md",  # a `~` inside a name is part of it; only a trailing `~` is a backup
    "4913.md",
    "49130",
    "Notes on #hashtags#.md",
    "note.md.tmp",
    "Sync conflicts in practice.md",
])
def test_ordinary_names_are_not_ignored(name: str) -> None:
    """Names a person gives a note are read, even when they look a little like a temp file."""
    assert not is_ignored_name(name)


# --- Watcher on a real observer ------------------------------------------------------------


@dataclass
class Running:
    """A Watcher whose `run` is going in a background thread, and what it delivered."""

    watcher: Watcher
    thread: threading.Thread
    batches: list[Change] = field(default_factory=list)
    failure: list[BaseException] = field(default_factory=list)

    def paths(self) -> set[str]:
        return {p for change in list(self.batches) for p in change.paths}

    def wait_for(self, *paths: str) -> None:
        wait_until(lambda: set(paths) <= self.paths(), what=f"batches with {paths}")


StartWatcher = Callable[..., Running]


@pytest.fixture
def start_watcher() -> Iterator[StartWatcher]:
    """Start Watchers on real observers; each is stopped and its thread joined afterwards."""
    started: list[Running] = []

    def start(
        root: Path,
        on_change: Callable[[Change], None] | None = None,
        **options: Any,
    ) -> Running:
        running: Running

        def record(change: Change) -> None:
            if on_change is not None:
                on_change(change)
            running.batches.append(change)

        watcher = Watcher(root, record, **{"quiet": QUIET, "tick": 0.05, **options})

        def run() -> None:
            try:
                watcher.run()
            except BaseException as exc:  # noqa: BLE001 - kept for the test to inspect
                running.failure.append(exc)

        running = Running(watcher, threading.Thread(target=run, daemon=True))
        watcher.start()
        running.thread.start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.watcher.stop()
    for running in started:
        running.thread.join(timeout=10)
        assert not running.thread.is_alive(), "a watcher thread did not stop"


def make_tree(root: Path, files: Iterable[str]) -> None:
    for relative in files:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{relative}\n", encoding="utf-8")


def emitter_paths(watcher: Watcher) -> set[str]:
    observer = watcher._observer
    assert observer is not None
    return {emitter.watch.path for emitter in observer.emitters}


def test_excluded_folders_get_no_watch_and_no_batches(
    tmp_path: Path, start_watcher: StartWatcher
) -> None:
    """Dot-folders and the excluded dashboards folder cost no watch and give no batch."""
    root = tmp_path / "vault"
    make_tree(root, [".git/HEAD", ".obsidian/app.json", ".trash/old.md",
                     "Dashboards/Progress.md", "Notes/a.md", "Other/b.md", "Home.md"])
    running = start_watcher(root, exclude=["Dashboards/"])
    assert set(running.watcher._watches) == {".", "Notes", "Other"}
    assert emitter_paths(running.watcher) == {str(root), str(root / "Notes"), str(root / "Other")}

    make_tree(root, [".git/objects/ab/cdef", ".git/index", ".obsidian/workspace.json",
                     ".trash/older.md", "Dashboards/Progress.md", "Dashboards/New.md",
                     "Dashboards/sub/deep.md", ".hidden.md"])
    # Probes in every watched place, written after the rest: their batches come last.
    make_tree(root, ["probe.md", "Notes/probe.md", "Other/probe.md"])
    running.wait_for("probe.md", "Notes/probe.md", "Other/probe.md")
    assert running.paths() == {"probe.md", "Notes/probe.md", "Other/probe.md"}


def test_editor_temp_and_backup_files_give_no_batches(
    tmp_path: Path, start_watcher: StartWatcher
) -> None:
    """Files only editors and sync tools use never reach `on_change`; the note itself does."""
    root = tmp_path / "vault"
    make_tree(root, ["Notes/note.md"])
    running = start_watcher(root)
    names = ["4913", "note.md~", ".note.md.swp", "#note.md#", "note.md___jb_tmp___",
             ".goutputstream-XYZ", ".syncthing.note.md.tmp", "note.md.icloud",
             "note.sync-conflict-20240101-120000-ABC.md", "note (conflicted copy 2024-01-01).md"]
    for name in names:
        (root / "Notes" / name).write_text("temporary\n", encoding="utf-8")
    (root / "Notes" / ".#note.md").symlink_to("user@host.1234:1700000000")  # emacs lock
    for name in names:
        (root / "Notes" / name).unlink()
    (root / "Notes" / "note.md").write_text("saved\n", encoding="utf-8")
    running.wait_for("Notes/note.md")
    assert running.paths() == {"Notes/note.md"}
    assert not running.failure


def test_a_new_top_level_folder_is_watched(tmp_path: Path, start_watcher: StartWatcher) -> None:
    """A folder made while watching gets a watch and its files give batches; a dot-folder not."""
    root = tmp_path / "vault"
    make_tree(root, ["Notes/a.md"])
    running = start_watcher(root)
    (root / ".cache").mkdir()
    (root / "New").mkdir()
    running.wait_for("New")  # the watch is added before the folder itself is reported
    assert set(running.watcher._watches) == {".", "Notes", "New"}
    make_tree(root, ["New/b.md", "New/deeper/c.md"])
    running.wait_for("New/b.md", "New/deeper/c.md")

    shutil.rmtree(root / "New")
    make_tree(root, ["probe.md"])  # the root's watch reports both, in order
    running.wait_for("probe.md")
    assert set(running.watcher._watches) == {".", "Notes"}


def test_a_failing_on_change_is_logged_and_watching_goes_on(
    tmp_path: Path, start_watcher: StartWatcher, caplog: pytest.LogCaptureFixture
) -> None:
    """`on_change` raising is logged with its traceback; the next batch is still delivered."""
    root = tmp_path / "vault"
    make_tree(root, ["Notes/a.md"])
    calls: list[Change] = []

    def explode_once(change: Change) -> None:
        calls.append(change)
        if len(calls) == 1:
            raise RuntimeError("rebuild exploded")

    caplog.set_level(logging.ERROR, logger="vaultkit.watch.watcher")
    running = start_watcher(root, explode_once)
    make_tree(root, ["Notes/a.md"])
    wait_until(lambda: len(calls) == 1, what="the first, failing call")
    make_tree(root, ["Notes/b.md"])
    running.wait_for("Notes/b.md")
    assert running.thread.is_alive()
    failures = [r for r in caplog.records if "rebuild failed" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].exc_info is not None
    assert isinstance(failures[0].exc_info[1], RuntimeError)


def test_a_dead_observer_is_restarted_with_a_full_rescan(
    tmp_path: Path, start_watcher: StartWatcher
) -> None:
    """An observer stopped behind the watcher's back is noticed, restarted, and a full
    rescan is asked for; events are then delivered by the new observer."""
    root = tmp_path / "vault"
    make_tree(root, ["Notes/a.md"])
    running = start_watcher(root)
    old = running.watcher._observer
    assert old is not None
    old.stop()
    wait_until(lambda: any(c.full for c in running.batches), what="a full rescan")
    assert running.watcher.restarts == 1
    assert running.watcher._observer is not old
    make_tree(root, ["Notes/after.md"])
    running.wait_for("Notes/after.md")
    assert running.watcher.restarts == 1
    assert set(running.watcher._watches) == {".", "Notes"}


@pytest.mark.parametrize("how", ["removed", "renamed"])
def test_the_root_disappearing_ends_run_with_root_gone(
    tmp_path: Path, start_watcher: StartWatcher, how: str
) -> None:
    """Deleting or moving the watched folder makes `run` raise RootGone."""
    root = tmp_path / "vault"
    make_tree(root, ["Notes/a.md", "Home.md"])
    running = start_watcher(root)
    if how == "removed":
        shutil.rmtree(root)
    else:
        root.rename(tmp_path / "elsewhere")
    wait_until(lambda: not running.thread.is_alive(), what="run() to end")
    assert len(running.failure) == 1
    assert isinstance(running.failure[0], RootGone)


def test_the_root_vanishing_while_the_observer_restarts_is_root_gone(
    tmp_path: Path, start_watcher: StartWatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder removed between noticing a dead observer and restarting it still ends `run`
    with RootGone, not an OSError: deleting a vault stops a top-level folder's watch first."""
    root = tmp_path / "vault"
    make_tree(root, ["Notes/a.md"])
    running = start_watcher(root)
    real_scandir = os.scandir

    def scandir_after_removal(path: Any) -> Any:
        if isinstance(path, str | Path) and Path(path) == running.watcher.root and root.exists():
            shutil.rmtree(root)  # `rm -rf` finishing just as the watcher looks again
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir_after_removal)
    observer = running.watcher._observer
    assert observer is not None
    observer.stop()
    wait_until(lambda: not running.thread.is_alive(), what="run() to end")
    assert [type(e) for e in running.failure] == [RootGone], running.failure


class _OutOfWatches(InotifyObserver):
    """An inotify observer whose kernel has no watches left."""

    made: ClassVar[list[_OutOfWatches]] = []
    """Every instance, so the test can stop the inotify thread each one starts."""
    code: ClassVar[int] = errno.ENOSPC

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.made.append(self)

    def schedule(self, *args: Any, **kwargs: Any) -> ObservedWatch:
        raise OSError(self.code, os.strerror(self.code))


@pytest.fixture
def out_of_watches(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_OutOfWatches]]:
    monkeypatch.setattr(watch, "Observer", _OutOfWatches)
    _OutOfWatches.made.clear()
    yield _OutOfWatches
    for observer in _OutOfWatches.made:  # never started; only its inotify thread runs
        observer.on_thread_stop()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EMFILE])
def test_running_out_of_inotify_watches_says_which_sysctl_to_raise(
    tmp_path: Path, out_of_watches: type[_OutOfWatches], monkeypatch: pytest.MonkeyPatch,
    code: int,
) -> None:
    """ENOSPC or EMFILE from adding a watch is a WatchLimitError naming the sysctl to raise."""
    monkeypatch.setattr(out_of_watches, "code", code)
    make_tree(tmp_path, ["Notes/a.md"])
    watcher = Watcher(tmp_path, lambda change: None)
    with pytest.raises(WatchLimitError, match=r"fs\.inotify\.max_user_watches"):
        watcher.start()
    assert watcher._observer is None


def test_polling_works_when_inotify_watches_run_out(
    tmp_path: Path, out_of_watches: type[_OutOfWatches], start_watcher: StartWatcher
) -> None:
    """`polling=True` needs no inotify watch and still delivers batches."""
    root = tmp_path / "vault"
    make_tree(root, ["Notes/a.md"])
    running = start_watcher(root, polling=True)
    assert not out_of_watches.made
    make_tree(root, ["Notes/b.md", "c.md"])
    running.wait_for("Notes/b.md", "c.md")
