"""A hand edit to a dashboard is never lost, whenever it is saved.

An editor can save between any two steps of a rewrite. vaultkit swaps the new dashboard in with
one system call (`renameat2(RENAME_EXCHANGE)`), so whatever was at the path at that instant
comes out whole and is kept aside unless it was vaultkit's own unedited text. The racing tests
save thousands of edits, each with its own marker, while dashboards are rewritten, then find
every marker in some file of the folder.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import set_status, wait_until
from vaultkit import config
from vaultkit.files import renames
from vaultkit.report import dashboards, publish
from vaultkit.report.progress import measure
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.notes import Problem

PROBLEMS = "Dashboards/Problems.md"
MARKER = re.compile(r"<<edit (\d+)>>")

needs_exchange = pytest.mark.skipif(
    sys.platform != "linux" or not renames.available(), reason="renameat2 is Linux-only"
)


# --- the primitives -------------------------------------------------------------------------


@needs_exchange
def test_exchange_swaps_two_files_whole(tmp_path: Path) -> None:
    """Each name ends up with the other's file: same inode, same bytes."""
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_text("one")
    second.write_text("two")
    inodes = first.stat().st_ino, second.stat().st_ino

    renames.exchange(first, second)

    assert (first.read_text(), second.read_text()) == ("two", "one")
    assert (second.stat().st_ino, first.stat().st_ino) == inodes


@needs_exchange
def test_exchange_with_a_missing_file_changes_nothing(tmp_path: Path) -> None:
    first = tmp_path / "a"
    first.write_text("one")
    with pytest.raises(FileNotFoundError):
        renames.exchange(first, tmp_path / "missing")
    assert first.read_text() == "one"
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("syscall", [True, False], ids=["renameat2", "link fallback"])
def test_move_noreplace_never_replaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syscall: bool
) -> None:
    """A free name gets the file; a taken one leaves both files as they were."""
    if not syscall:
        monkeypatch.setattr(renames, "_function", lambda: None)
    source, taken, free = tmp_path / "s", tmp_path / "taken", tmp_path / "free"
    source.write_text("mine")
    taken.write_text("yours")

    assert renames.move_noreplace(source, taken) is False
    assert (source.read_text(), taken.read_text()) == ("mine", "yours")
    assert renames.move_noreplace(source, free) is True
    assert free.read_text() == "mine"
    assert not source.exists()


def test_exchange_unavailable_is_said_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(renames, "_function", lambda: None)
    with pytest.raises(renames.RenameUnsupportedError):
        renames.exchange(tmp_path / "a", tmp_path / "b")


# --- writing one dashboard ------------------------------------------------------------------


class Renders:
    """Dashboards of an empty vault whose Problems page changes with each call."""

    def __init__(self, root: Path) -> None:
        self.settings = config.load(root)
        index = VaultIndex(root, self.settings, use_cache=False)
        index.scan()
        self.progress = measure(index, self.settings, None)
        self.count = 0

    def __call__(self) -> dict[str, str]:
        self.count += 1
        problems = [Problem(f"note {self.count}.md", None, "a problem")]
        return dashboards.render(self.progress, problems, self.settings)


@pytest.fixture(params=["exchange", "link fallback"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test below runs with the atomic swap, and with it unavailable (macOS, old kernels)."""
    if request.param == "exchange" and not renames.available():
        pytest.skip("renameat2 is not available here")
    if request.param == "link fallback":
        monkeypatch.setattr(renames, "_function", lambda: None)
    return str(request.param)


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_an_unedited_dashboard_is_replaced_and_nothing_is_left(tmp_path: Path, mode: str) -> None:
    render = Renders(tmp_path)
    publish.write(tmp_path, render())
    second = render()

    report = publish.write(tmp_path, second)

    assert report.written == [PROBLEMS]
    assert report.kept == []
    assert files(tmp_path / "Dashboards") == {
        Path(rel).name: text.encode() for rel, text in second.items()
    }


def test_a_hand_edit_is_kept_and_a_writer_still_holding_it_lands_in_the_copy(
    tmp_path: Path, mode: str
) -> None:
    """An editor that has the file open keeps writing into the kept copy, not into nothing."""
    render = Renders(tmp_path)
    publish.write(tmp_path, render())
    path = tmp_path / PROBLEMS
    with path.open("r+", encoding="utf-8") as editor:
        editor.seek(0, os.SEEK_END)
        editor.write("<<edit 1>>\n")
        editor.flush()

        report = publish.write(tmp_path, render())
        editor.write("<<edit 2>>\n")  # still being saved after the swap

    kept = tmp_path / "Dashboards" / "Problems (edited).md"
    assert report.kept == [(PROBLEMS, "Dashboards/Problems (edited).md")]
    assert kept.read_text(encoding="utf-8").endswith("<<edit 1>>\n<<edit 2>>\n")
    assert publish.edited(tmp_path, render.settings) == []


def test_a_file_appearing_while_the_dashboard_is_created_is_kept(
    tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No dashboard yet; a note saved there just before vaultkit's exclusive create is swapped
    out and kept, not overwritten."""
    render = Renders(tmp_path)
    (tmp_path / "Dashboards").mkdir()
    path = tmp_path / PROBLEMS
    real = renames.move_noreplace

    def late_save(source: Path, target: Path) -> bool:
        if target == path and not path.exists():
            path.write_text("my own note\n", encoding="utf-8")
        return real(source, target)

    monkeypatch.setattr(renames, "move_noreplace", late_save)

    report = publish.write(tmp_path, render())

    kept = tmp_path / "Dashboards" / "Problems (edited).md"
    assert report.kept == [(PROBLEMS, "Dashboards/Problems (edited).md")]
    assert kept.read_text(encoding="utf-8") == "my own note\n"
    assert publish.edited(tmp_path, render.settings) == []


def test_keep_aside_leaves_the_dashboard_in_place(tmp_path: Path, mode: str) -> None:
    """Before a build measures the vault, an edited dashboard is copied (the path never empties);
    the write that follows drops the swapped-out file, which is that same copy."""
    render = Renders(tmp_path)
    publish.write(tmp_path, render())
    path = tmp_path / PROBLEMS
    path.write_text(path.read_text(encoding="utf-8") + "<<edit 1>>\n", encoding="utf-8")

    kept = publish.keep_aside(tmp_path, render.settings)

    assert kept == [(PROBLEMS, "Dashboards/Problems (edited).md")]
    assert path.read_text(encoding="utf-8").endswith("<<edit 1>>\n")
    report = publish.write(tmp_path, render())
    assert report.kept == []
    assert sorted(p.name for p in (tmp_path / "Dashboards").iterdir()
                  if "Problems" in p.name) == ["Problems (edited).md", "Problems.md"]


def test_a_swap_file_left_by_a_killed_run_is_recovered(tmp_path: Path) -> None:
    """A run killed between the swap and its judgement left the user's edit under a hidden
    name: the next build keeps it; a leftover of vaultkit's own text is deleted."""
    render = Renders(tmp_path)
    first = render()
    publish.write(tmp_path, first)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = tmp_path / "Dashboards"
    (folder / f".{dead.pid}.0a0b0c0d.Problems.md.vaultkit-swap").write_text("<<edit 1>>\n")
    (folder / f".{dead.pid}.0e0f0a0b.Progress.md.vaultkit-swap").write_bytes(
        first["Dashboards/Progress.md"].encode())

    kept = publish.recover(tmp_path, render.settings)

    assert kept == [(PROBLEMS, "Dashboards/Problems (edited).md")]
    assert (folder / "Problems (edited).md").read_text() == "<<edit 1>>\n"
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("name", [
    ".{pid}.0a0b0c0d.Todo.md.vaultkit-swap",  # not a dashboard
    ".{pid}.0a0b0c0d...vaultkit-swap",  # "." would name the folder itself
    ".{pid}.zz.Problems.md.vaultkit-swap",  # not the shape vaultkit writes
    ".x.0a0b0c0d.Problems.md.vaultkit-swap",
])
def test_a_swap_file_of_another_name_is_left_alone(tmp_path: Path, name: str) -> None:
    """Only swap files named for one of the vault's dashboards are settled: anything else with
    the suffix is not vaultkit's to move, whatever it says."""
    render = Renders(tmp_path)
    publish.write(tmp_path, render())
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stray = tmp_path / "Dashboards" / name.format(pid=dead.pid)
    stray.write_text("<<not ours>>\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))

    assert publish.recover(tmp_path, render.settings) == []
    assert stray.read_text() == "<<not ours>>\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_an_interruption_after_the_swap_leaves_the_edit_for_recovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C right after the exchange, before the swapped-out file is judged: the user's edit
    (now under the swap name) is not deleted on the way out, and the next build keeps it."""
    render = Renders(tmp_path)
    publish.write(tmp_path, render())
    (tmp_path / PROBLEMS).write_text("<<MY HAND EDIT>>\n")
    exchange = renames.exchange

    def exchange_then_interrupt(first: Path, second: Path) -> None:
        exchange(first, second)
        raise KeyboardInterrupt

    monkeypatch.setattr(renames, "exchange", exchange_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        publish.write(tmp_path, render())
    monkeypatch.undo()
    swaps = [p for p in (tmp_path / "Dashboards").iterdir() if p.name.endswith(".vaultkit-swap")]
    assert [p.read_text() for p in swaps] == ["<<MY HAND EDIT>>\n"]

    monkeypatch.setattr(publish, "process_running", lambda pid: False)  # as after the crash
    kept = publish.recover(tmp_path, render.settings)

    assert kept == [(PROBLEMS, "Dashboards/Problems (edited).md")]
    assert (tmp_path / "Dashboards/Problems (edited).md").read_text() == "<<MY HAND EDIT>>\n"


def test_a_fifo_at_a_dashboards_path_is_not_read(tmp_path: Path) -> None:
    """Looking for hand edits never opens a FIFO (that would block forever); a build refuses."""
    (tmp_path / "Dashboards").mkdir()
    os.mkfifo(tmp_path / PROBLEMS)
    code = (
        "import sys; from pathlib import Path; from vaultkit import config\n"
        "from vaultkit.report import publish\n"
        "root = Path(sys.argv[1]); settings = config.load(root)\n"
        "print(publish.edited(root, settings), publish.hashes(root, settings)[sys.argv[2]])"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path), PROBLEMS],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[] None\n"


# --- racing saves ---------------------------------------------------------------------------


class Editor(threading.Thread):
    """Saves edits to one file as fast as it can, each with its own marker, in place (truncate,
    then write, like VS Code) and by renaming a temp file over it (like vim). Each save keeps
    what the editor read, as a user's would: only vaultkit could lose an earlier marker."""

    def __init__(self, path: Path, count: int | None = None) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.count = count
        self.stop = threading.Event()
        self.saved: list[str] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for n in itertools.count():
                if self.stop.is_set() or (self.count is not None and n >= self.count):
                    return
                self.save(n)
        except BaseException as exc:  # noqa: BLE001 - reported by the test, not swallowed
            self.error = exc

    def save(self, n: int) -> None:
        marker = f"<<edit {n}>>"
        try:
            current = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            current = ""
        text = f"{marker}\n{current}"  # the marker first: the text is never ours
        if n % 2:
            with self.path.open("w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            temp = self.path.with_name(f".editor-{n}.tmp")
            temp.write_text(text, encoding="utf-8")
            temp.replace(self.path)
        self.saved.append(marker)


def markers(folder: Path) -> set[str]:
    """Every marker found in any file of the folder."""
    found: set[str] = set()
    for path in folder.iterdir():
        if path.is_file():
            found |= {m.group(0) for m in MARKER.finditer(path.read_text(errors="replace"))}
    return found


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Let threads take turns often, so the writer's saves land between vaultkit's steps."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    yield
    sys.setswitchinterval(before)


@needs_exchange
@pytest.mark.usefixtures("fast_switching")
def test_no_edit_racing_a_rewrite_is_ever_lost(tmp_path: Path) -> None:
    """Thousands of saves race `publish.write`; every one is in the dashboard or a kept copy."""
    render = Renders(tmp_path)
    publish.write(tmp_path, render())
    editor = Editor(tmp_path / PROBLEMS, count=600)
    writes = kept = 0

    editor.start()
    while editor.is_alive():
        report = publish.write(tmp_path, render())
        writes += 1
        kept += len(report.kept)
    editor.join()
    publish.write(tmp_path, render())

    assert editor.error is None, editor.error
    lost = set(editor.saved) - markers(tmp_path / "Dashboards")
    assert not lost, f"{len(lost)} of {len(editor.saved)} saves lost ({writes} rewrites)"
    assert kept >= 10, f"only {kept} edits kept in {writes} rewrites: the race did not happen"
    assert not [p for p in (tmp_path / "Dashboards").iterdir() if p.name.endswith("-swap")]


# --- a real watcher -------------------------------------------------------------------------

SOURCE = "Sources/Attention Is All You Need.md"


@needs_exchange
def test_no_edit_is_lost_while_a_real_watcher_rebuilds(
    seed_vault: Path, tmp_path: Path
) -> None:
    """`vaultkit watch` rewrites Progress after each of 12 note edits while an editor keeps
    saving Progress; every save is found afterwards, and SIGTERM ends the watcher cleanly."""
    vault = Path(shutil.copytree(seed_vault, tmp_path / "vault", symlinks=True))
    log = (tmp_path / "watch.log").open("wb")
    watcher = subprocess.Popen(
        [sys.executable, "-m", "vaultkit", "watch", str(vault), "--debounce", "10"],
        stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ),
    )
    queue = vault / "Dashboards" / "Reading queue.md"

    def reading_now() -> bool:
        return "Attention Is All You Need" in queue.read_text(encoding="utf-8").split(
            "## Next up")[0]

    try:
        wait_until(lambda: b"initial build" in (tmp_path / "watch.log").read_bytes(),
                   timeout=30, what="the watcher's first build")
        editor = Editor(vault / "Dashboards" / "Progress.md")
        editor.start()
        for n in range(12):  # each edit changes Progress's pie chart, so Progress is rewritten
            set_status(vault / SOURCE, "reading" if n % 2 == 0 else "unread")
            wait_until(lambda n=n: reading_now() == (n % 2 == 0), timeout=20,  # type: ignore[misc]
                       what=f"rebuild {n}")
        editor.stop.set()
        editor.join(timeout=10)
        set_status(vault / SOURCE, "read")  # one more rebuild keeps the last save aside
        wait_until(lambda: not publish.edited(vault, config.load(vault)), timeout=20,
                   what="the last save to be kept aside")
        watcher.send_signal(signal.SIGTERM)
        assert watcher.wait(timeout=20) == 0
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
        log.close()

    output = (tmp_path / "watch.log").read_text(errors="replace")
    assert "Traceback" not in output, output
    assert editor.error is None, editor.error
    lost = set(editor.saved) - markers(vault / "Dashboards")
    assert not lost, f"{len(lost)} of {len(editor.saved)} saves lost"
    assert len(editor.saved) > 12
