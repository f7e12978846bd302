"""The watcher stays current and stoppable (issue 7, item 9).

Reading the vault costs the watcher nothing; a kernel queue overflow and a vault replaced at
the same path each give a full rescan at once; SIGTERM stops even the first scan; SIGHUP is
logged; one watcher per vault whatever the environment says. Watchers run as real processes
(or, for the event count, a real observer in a thread); every wait is on a condition with a
generous timeout, and nothing is asserted about speed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from watchdog.events import FileSystemEvent

from tests.helpers import WatchProcess, set_status, wait_until
from vaultkit.errors import LockFolderError
from vaultkit.files.lock import VaultLock, lock_folder
from vaultkit.watch.batches import Change
from vaultkit.watch.watcher import Watcher

SOURCE = "Sources/Attention Is All You Need.md"
OTHER_SOURCE = "Sources/DPO paper (Direct Preference Optimization).md"
STARTUP = 60
"""Seconds a watcher may take to start on a loaded machine."""

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")


def sources_read(vault: Path) -> int:
    """The `Sources read` count on the vault's Progress dashboard."""
    text = (vault / "Dashboards" / "Progress.md").read_text(encoding="utf-8")
    match = re.search(r"^\| Sources read \| (\d+) \|", text, re.M)
    assert match is not None
    return int(match.group(1))


@pytest.fixture
def vault(seed_vault: Path, tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(seed_vault, root)
    return root


# --- `vaultkit watch` as a process -----------------------------------------------------------


Spawn = Callable[..., WatchProcess]


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start watchers; each is stopped after the test (SIGTERM, so its lock file goes too)."""
    started: list[WatchProcess] = []

    def start(
        vault: Path, env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()
    ) -> WatchProcess:
        watching = WatchProcess(vault, dict(os.environ) if env is None else env, prefix=prefix)
        started.append(watching)
        return watching

    yield start
    for watching in started:
        if watching.proc.poll() is None:
            watching.signal(signal.SIGCONT)  # in case a test stopped it
            watching.signal(signal.SIGTERM)
    for watching in started:
        try:
            watching.finish(timeout=20)
        except subprocess.TimeoutExpired:
            watching.proc.kill()
            watching.finish()


# --- reading costs nothing ---------------------------------------------------------------------


@linux_only
def test_reading_every_file_many_times_gives_the_watcher_no_event(vault: Path) -> None:
    """Twenty sweeps reading every file and placement every folder: the handler receives not
    one event. Probes written afterwards in each watched folder are the only events."""
    received: list[FileSystemEvent] = []

    class Counting(Watcher):
        def event(self, event: FileSystemEvent) -> None:
            received.append(event)
            super().event(event)

    batches: list[Change] = []
    watcher = Counting(vault, batches.append, exclude=["Dashboards"], quiet=0.05, tick=0.05)
    watcher.start()
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        files = [p for p in vault.rglob("*") if p.is_file()]
        assert len(files) > 150
        for _ in range(20):
            for path in files:
                path.read_bytes()
            for _ in os.walk(vault):
                pass
        # One probe per watch: each watch's events arrive in order, so the sweep's would
        # have come before its probe's.
        probes = [vault / folder / "probe.txt" for folder in watcher._watches]
        for probe in probes:
            probe.write_text("probe\n", encoding="utf-8")

        def seen() -> set[str]:
            return {os.fsdecode(e.src_path) for e in list(received)}

        wait_until(lambda: {str(p) for p in probes} <= seen(), what="every probe's event")
        assert [e for e in received if Path(os.fsdecode(e.src_path)).name != "probe.txt"] == []
    finally:
        watcher.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()


@linux_only
def test_the_inotify_mask_asks_for_changes_only(vault: Path) -> None:
    """No watch asks the kernel for opens, reads or closes without a write."""
    from watchdog.observers.inotify_c import InotifyConstants  # noqa: PLC0415 - Linux only

    watcher = Watcher(vault, lambda change: None, exclude=["Dashboards"])
    watcher.start()
    try:
        observer = watcher._observer
        assert observer is not None
        masks = [emitter._inotify.event_mask for emitter in observer.emitters]  # type: ignore[attr-defined]
        reads = (InotifyConstants.IN_OPEN | InotifyConstants.IN_CLOSE_NOWRITE
                 | InotifyConstants.IN_ACCESS)
        wanted = (InotifyConstants.IN_CREATE | InotifyConstants.IN_MODIFY
                  | InotifyConstants.IN_CLOSE_WRITE | InotifyConstants.IN_DELETE
                  | InotifyConstants.IN_MOVED_FROM | InotifyConstants.IN_MOVED_TO)
        assert len(masks) == len(watcher._watches) > 1
        for mask in masks:
            assert mask & reads == 0
            assert mask & wanted == wanted
    finally:
        watcher.close()


# --- a queue overflow ---------------------------------------------------------------------------


def stopped(pid: int) -> bool:
    """True when every thread of the process is stopped (SIGSTOP has taken effect)."""
    states = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text(encoding="utf-8")
        except FileNotFoundError:  # a thread that just ended
            continue
        states.append(stat.rsplit(")", 1)[1].split()[0])
    return all(state in {"T", "t"} for state in states)


def flood_queue(folder: Path, events: int) -> None:
    """Cause `events` inotify events in `folder`: one write each, to two files in turn, so the
    kernel merges none (it merges an event only with an identical one just before it)."""
    handles = [os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
               for name in ("a.txt", "b.txt")]
    try:
        for n in range(events):
            os.write(handles[n % 2], b"x")
    finally:
        for handle in handles:
            os.close(handle)


@linux_only
def test_a_queue_overflow_rescans_everything_at_once(vault: Path, spawn: Spawn) -> None:
    """While the watcher is stopped, twice the kernel's queue of events is written, then a note
    is saved: that save's events are lost. Once it runs again it rescans at once, shows the
    save, says so, and goes on showing later saves."""
    limit = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text(encoding="utf-8"))
    if limit > 200_000:
        pytest.skip(f"max_queued_events is {limit}: too many events to write in a test")
    flood = vault / "Flood"
    flood.mkdir()
    watching = spawn(vault)
    watching.wait_ready()
    pid = watching.proc.pid
    watching.signal(signal.SIGSTOP)
    try:
        wait_until(lambda: stopped(pid), what="the watcher to stop")
        flood_queue(flood, 2 * limit)
        set_status(vault / SOURCE, "read")  # past the overflow: its events are dropped
    finally:
        watching.signal(signal.SIGCONT)
    wait_until(lambda: sources_read(vault) == 1, timeout=60, what="Progress to show the save")
    watching.wait_for("rebuilt for everything")
    assert "inotify queue overflowed" in watching.log

    set_status(vault / OTHER_SOURCE, "read")
    wait_until(lambda: sources_read(vault) == 2, timeout=60, what="Progress to show a later save")
    watching.signal(signal.SIGTERM)
    assert watching.finish() == 0, watching.log
    assert "Traceback" not in watching.log


# --- the vault replaced at the same path ---------------------------------------------------------


def test_a_vault_replaced_at_the_same_path_is_watched_anew(
    vault: Path, tmp_path: Path, spawn: Spawn
) -> None:
    """`mv v v.old; cp -r v.old v`: the watcher says so, watches the new folder, and a save in
    it shows on its dashboards."""
    watching = spawn(vault)
    watching.wait_ready()
    old = tmp_path / "vault.old"
    vault.rename(old)
    shutil.copytree(old, vault, symlinks=True)
    watching.wait_for("was replaced by another folder")
    set_status(vault / SOURCE, "read")
    wait_until(lambda: sources_read(vault) == 1, timeout=60, what="the new vault's Progress")
    assert watching.proc.poll() is None
    watching.signal(signal.SIGTERM)
    assert watching.finish() == 0, watching.log
    assert "Traceback" not in watching.log


# --- stopping ------------------------------------------------------------------------------------


def make_bulk_notes(vault: Path, count: int) -> None:
    """`count` more source notes of 20 KB, and no index cache: the first scan reads every note
    (a few milliseconds each: seconds in all, where the signal follows the log in milliseconds)."""
    model = (vault / SOURCE).read_text(encoding="utf-8")
    bulk = vault / "Bulk"
    bulk.mkdir()
    filler = "\n".join(f"Line {n} of a long summary, with a [[link]] or two." for n in range(400))
    for n in range(count):
        text = re.sub(r"^id: .*$", f"id: bulk-{n}", model, count=1, flags=re.M)
        (bulk / f"Bulk source {n}.md").write_text(f"{text}\n{filler}\n", encoding="utf-8")
    shutil.rmtree(vault / ".vaultkit" / "cache", ignore_errors=True)


def test_sigterm_during_the_first_scan_stops_it_before_the_build(
    vault: Path, spawn: Spawn
) -> None:
    """SIGTERM once the first scan of 1,000 large uncached notes has begun: status 0, and the
    watcher ends without finishing the scan or building; the dashboards are as they were."""
    make_bulk_notes(vault, 1000)
    before = {p.name: p.read_bytes() for p in (vault / "Dashboards").rglob("*.md")}
    watching = spawn(vault)
    wait_until(lambda: "scanning" in watching.log or "initial build" in watching.log
               or watching.proc.poll() is not None, timeout=STARTUP, what="the scan to begin")
    watching.signal(signal.SIGTERM)
    assert watching.finish() == 0, watching.log
    assert "received SIGTERM" in watching.log
    assert "initial build" not in watching.log
    assert "Stopped." in watching.log
    assert "Traceback" not in watching.log
    assert {p.name: p.read_bytes() for p in (vault / "Dashboards").rglob("*.md")} == before
    assert [p for p in vault.rglob("*") if p.name.endswith(".vaultkit-tmp")] == []


def test_sighup_is_logged_and_ends_the_watcher_with_status_0(vault: Path, spawn: Spawn) -> None:
    """A closed terminal (SIGHUP) stops the watcher like SIGTERM, saying so."""
    watching = spawn(vault)
    watching.wait_ready()
    watching.signal(signal.SIGHUP)
    assert watching.finish() == 0, watching.log
    assert "received SIGHUP; stopping" in watching.log
    assert "Stopped." in watching.log


@pytest.mark.skipif(shutil.which("nohup") is None, reason="needs nohup")
def test_under_nohup_sighup_is_still_ignored(vault: Path, spawn: Spawn) -> None:
    """Started with `nohup`, the watcher keeps SIGHUP ignored and goes on working."""
    nohup = shutil.which("nohup")
    assert nohup is not None
    watching = spawn(vault, prefix=(nohup,))
    watching.wait_ready()
    watching.signal(signal.SIGHUP)  # discarded by the kernel: the signal is ignored
    set_status(vault / SOURCE, "read")
    wait_until(lambda: sources_read(vault) == 1, timeout=60, what="Progress to show the save")
    assert watching.proc.poll() is None
    watching.signal(signal.SIGTERM)
    assert watching.finish() == 0, watching.log
    assert "SIGHUP" not in watching.log


# --- one watcher per vault ----------------------------------------------------------------------


def test_one_watcher_per_vault_whatever_the_environment_says(
    vault: Path, tmp_path: Path, spawn: Spawn
) -> None:
    """Watchers started with other XDG_RUNTIME_DIR, HOME and XDG_CACHE_HOME, or none of them,
    find the first one's lock: each exits with status 2 naming its pid."""
    variables = ("XDG_RUNTIME_DIR", "HOME", "XDG_CACHE_HOME")
    bare = {k: v for k, v in os.environ.items() if k not in variables}
    envs = []
    for name in ("a", "b"):
        folders = {k: tmp_path / f"{name}-{k.lower()}" for k in variables}
        for folder in folders.values():
            folder.mkdir(mode=0o700)
        envs.append({**bare, **{k: str(v) for k, v in folders.items()}})
    first = spawn(vault, envs[0])
    first.wait_ready()
    for env in (envs[1], bare):
        other = spawn(vault, env)
        assert other.finish(timeout=STARTUP) == 2, other.log
        assert "already being watched" in other.log
        assert f"pid {first.proc.pid}" in other.log
    assert first.proc.poll() is None
    first.signal(signal.SIGTERM)
    assert first.finish() == 0, first.log


def test_a_stopped_watcher_removes_its_lock_file(vault: Path, spawn: Spawn) -> None:
    """The lock file names the watcher while it runs and is gone once it has stopped."""
    lock = VaultLock(vault).path
    watching = spawn(vault)
    watching.wait_ready()
    assert lock.read_text(encoding="utf-8").startswith(f"pid {watching.proc.pid}\n")
    watching.signal(signal.SIGINT)
    assert watching.finish() == 0, watching.log
    assert not lock.exists()


def test_the_lock_folder_is_the_same_whatever_the_environment_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """HOME, XDG_RUNTIME_DIR and XDG_CACHE_HOME changed or unset: the same lock folder, in the
    home folder the user database names."""
    pwd = pytest.importorskip("pwd")
    first = lock_folder()
    for name in ("HOME", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name))
    assert lock_folder() == first
    for name in ("HOME", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name)
    assert lock_folder() == first
    home = pwd.getpwuid(os.getuid()).pw_dir
    assert first in {Path(home) / ".cache" / "vaultkit" / "locks",
                     Path(f"/tmp/vaultkit-{os.getuid()}")}  # noqa: S108 - the fallback


def test_a_lock_folder_that_is_a_symlink_is_refused(vault: Path, tmp_path: Path) -> None:
    """The fallback folder in /tmp is shared with every user: a symlink there (or a folder of
    someone else) is an error naming it, not a lock kept wherever it points."""
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "locks"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(LockFolderError, match="locks: it is not a folder of yours"), \
            VaultLock(vault, folder=link):
        pass
    assert list((tmp_path / "elsewhere").iterdir()) == []
