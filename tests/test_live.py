"""`vaultkit watch` end to end: a LiveVault fed by a real Watcher, and the command itself.

The live tests wire a LiveVault and a Watcher with `start_watching`, as `watch_vault` does, run
the watcher in a background thread on a vault made by `vaultkit init`, and record every batch
handled, every path the live vault asks to have looked at again, and every dashboard write, so
rebuilds and writes are counted exactly. They wait on
conditions with a timeout, never on fixed sleeps alone, and assert nothing about speed. A
*probe* (a small attachment, which changes no dashboard) written after an action, in the same
folder, is delivered after that action's events: once the probe is handled, so is the action.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunCli
from tests.helpers import WatchProcess, split_note, wait_until
from vaultkit.commands.survey import open_vault
from vaultkit.lists import load_catalog
from vaultkit.report import publish
from vaultkit.watch.batches import Change, is_ignored_name
from vaultkit.watch.live import LiveVault, Schedule, start_watching
from vaultkit.watch.signals import Interrupted, StopOnSignals
from vaultkit.watch.watcher import Watcher

QUIET = 0.2
"""Quiet window: one save (several events within microseconds) is reliably one batch."""
LIST_SETTLE = 0.5
"""Seconds a list must rest before sync; short, so the tests stay quick."""
MAX_WAIT = 1.0
SOURCE = "Sources/Attention Is All You Need.md"
QUESTION = (
    "Questions/1 Post-Training LLMs (SFT, DPO, RLHF, preference optimization)/"
    "What problem is post-training solving that pretraining does not.md"
)
QUESTION_TITLE = "What problem is post-training solving that pretraining does not?"
TOPIC_1 = "[[1 Post-Training LLMs (SFT, DPO, RLHF, preference optimization)]]"


# --- reading dashboards --------------------------------------------------------------------


def overall(text: str, label: str) -> tuple[int, int]:
    """(done, of) from a row of Progress's Overall table, e.g. `Sources read`."""
    match = re.search(rf"^\| {re.escape(label)} \| (\d+) \| (\d+) \|", text, re.M)
    assert match is not None, f"no `{label}` row in Progress"
    return int(match.group(1)), int(match.group(2))


def problem_rows(text: str) -> list[str]:
    """The rows of the Problems table (none when there are no problems)."""
    return [line for line in text.splitlines()
            if line.startswith("| ") and not line.startswith("| Note ")]


def section(text: str, heading: str) -> str:
    """The lines under `heading` up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines()
    start = lines.index(heading)
    for end in range(start + 1, len(lines)):
        mark = len(lines[end]) - len(lines[end].lstrip("#"))
        if 0 < mark <= level and lines[end][mark:mark + 1] == " ":
            return "\n".join(lines[start:end])
    return "\n".join(lines[start:])


def set_field(path: Path, key: str, value: str) -> str:
    """The note's text with one frontmatter line changed (the note is not written)."""
    text = path.read_text(encoding="utf-8")
    changed, n = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
    assert n == 1, f"no `{key}:` in {path}"
    return changed


# --- a live vault on a real watcher --------------------------------------------------------


@dataclass
class Handled:
    change: Change
    rechecks: list[str]
    """Paths the live vault asked, while handling this batch, to have looked at again."""


@dataclass(slots=True)
class RecordingLive(LiveVault):
    """The real LiveVault, which also records each batch it handled (not those that raised)."""

    handled: list[Handled] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    """Paths asked for a recheck by the batch being handled."""

    def on_change(self, change: Change) -> None:
        self.asked = []
        try:
            LiveVault.on_change(self, change)
        except BaseException as exc:
            self.errors.append(exc)
            raise
        self.handled.append(Handled(change, self.asked))


@dataclass
class Rig:
    """A LiveVault wired to a Watcher by `start_watching`, the watcher running in a thread."""

    vault: Path
    live: RecordingLive
    watcher: Watcher
    thread: threading.Thread | None = None
    writes: list[tuple[str, str]] = field(default_factory=list)
    """(dashboard name, text) of every dashboard write, in order."""
    scheduled: list[tuple[list[str], float]] = field(default_factory=list)
    """(paths, delay) of every `schedule` call the live vault made, in order."""
    between: Callable[[list[str]], None] | None = None
    """Called with the paths of a recheck when the live vault asks for it, before the watcher
    queues it: an editor's write landing between a look and the next."""
    probes: int = 0

    def spying(self, schedule: Schedule) -> Schedule:
        """`schedule` (the watcher's, as wired), recording each call on its way."""

        def spy(paths: Iterable[str], delay: float) -> None:
            paths = list(paths)
            self.scheduled.append((paths, delay))
            if delay == 0:
                self.live.asked.extend(paths)
                if self.between is not None:
                    self.between(paths)
            schedule(paths, delay)

        return spy

    @property
    def handled(self) -> list[Handled]:
        return list(self.live.handled)

    @property
    def errors(self) -> list[BaseException]:
        return list(self.live.errors)

    def text(self, name: str) -> str:
        return (self.vault / "Dashboards" / f"{name}.md").read_text(encoding="utf-8")

    def written(self, name: str | None = None) -> list[str]:
        """Names of the dashboards written, in order; or the texts written to one of them."""
        if name is None:
            return [n for n, _ in list(self.writes)]
        return [t for n, t in list(self.writes) if n == name]

    def work(self) -> list[Handled]:
        """Batches handled that were not only probes."""
        return [h for h in self.handled
                if h.change.full or any(not _is_probe(p) for p in h.change.paths)]

    def rechecked(self) -> set[str]:
        """Every path a handled batch asked to have looked at again."""
        return {p for h in self.handled for p in h.rechecks}

    def settle(self, folder: str = "Sources") -> None:
        """Return once every event made so far in `folder` has been handled, rechecks too."""
        for _ in range(5):
            self.probes += 1
            probe = f"{folder}/probe-{self.probes}.txt" if folder else f"probe-{self.probes}.txt"
            (self.vault / probe).write_text("probe\n", encoding="utf-8")

            def handled(probe: str = probe) -> bool:
                return any(probe in h.change.paths for h in self.handled)

            wait_until(handled, what=f"the probe {probe}")
            assert not self.errors, self.errors
            if not next(h for h in self.handled if probe in h.change.paths).rechecks:
                return
        raise AssertionError("the watcher kept rechecking")


def _is_probe(path: str) -> bool:
    return re.fullmatch(r"(.*/)?probe-\d+\.txt", path) is not None


@pytest.fixture
def vault(tmp_path: Path, run_cli: RunCli) -> Path:
    root = tmp_path / "vault"
    result = run_cli("init", root)
    assert result.exit_code == 0, result.output
    return root


StartRig = Callable[..., Rig]


@pytest.fixture
def start_live(monkeypatch: pytest.MonkeyPatch) -> Iterator[StartRig]:
    """Start a LiveVault and its Watcher as `watch_vault` does, minus the lock and signals."""
    rigs: list[Rig] = []

    def start(vault: Path, list_settle: float = LIST_SETTLE) -> Rig:
        root, settings = open_vault(vault)
        live = RecordingLive(root, settings, list_settle=list_settle)
        watcher = start_watching(live, quiet=QUIET, max_wait=MAX_WAIT, reconcile_every=3600,
                                 tick=0.05)
        rig = Rig(root, live, watcher)
        rigs.append(rig)
        live.schedule = rig.spying(live.schedule)

        install = publish._install  # where `publish.write` puts one dashboard in place

        def recording_install(swap: Path, path: Path) -> list[Path]:
            rig.writes.append((path.name.removesuffix(".md"), swap.read_text(encoding="utf-8")))
            return install(swap, path)

        monkeypatch.setattr(publish, "_install", recording_install)
        live.start()
        rig.thread = threading.Thread(target=watcher.run, daemon=True)
        rig.thread.start()
        rig.settle("")  # delivering for real now
        rig.writes.clear()
        rig.scheduled.clear()
        live.handled.clear()
        return rig

    yield start
    for rig in rigs:
        rig.watcher.stop()
    for rig in rigs:
        if rig.thread is None:  # `run` never started: stop the observer it would have
            rig.watcher.close()
            continue
        rig.thread.join(timeout=10)
        assert not rig.thread.is_alive(), "the watcher thread did not stop"


def snapshot(vault: Path) -> dict[str, str]:
    """The dashboards, the topic index and the topic panels (below), by name."""
    return {p.name.removesuffix(".md"): p.read_text(encoding="utf-8")
            for p in sorted((vault / "Dashboards").rglob("*.md"))}


def assert_one_write_per_changed_dashboard(
    rig: Rig, before: dict[str, str], since: int = 0
) -> list[str]:
    """Each dashboard that changed was written once (since write number `since`), with its
    final text; no other was written."""
    after = snapshot(rig.vault)
    changed = sorted(name for name in after if after[name] != before.get(name))
    writes = rig.writes[since:]
    assert sorted(name for name, _ in writes) == changed
    for name in changed:
        assert [text for n, text in writes if n == name] == [after[name]]
    return changed


# --- edits seen by the live vault ----------------------------------------------------------


def test_a_plain_save_gives_one_rebuild_one_write_per_dashboard_then_silence(
    vault: Path, start_live: StartRig
) -> None:
    """Marking a source read rebuilds once, writes each changed dashboard once, then nothing."""
    rig = start_live(vault)
    before = snapshot(vault)
    assert overall(before["Progress"], "Sources read") == (0, 63)
    (vault / SOURCE).write_text(set_field(vault / SOURCE, "status", "read"), encoding="utf-8")
    wait_until(lambda: overall(rig.text("Progress"), "Sources read") == (1, 63),
               what="Progress to count the source as read")
    rig.settle()
    assert len(rig.work()) == 1
    assert "Progress" in assert_one_write_per_changed_dashboard(rig, before)

    seen = list(rig.writes)
    for folder in ("Sources", ""):  # more quiet windows, in the note's watch and the root's
        rig.settle(folder)
    assert rig.writes == seen
    assert len(rig.work()) == 1


def vim_save(path: Path, text: str) -> None:
    """Save the way vim does with `backupcopy=no`: probe, swap, rename away, write, clean up."""
    swap = path.with_name(f".{path.name}.swp")
    swap.write_bytes(b"b0VIM 9.0")
    probe = path.with_name("4913")
    probe.write_bytes(b"")
    probe.unlink()
    backup = path.with_name(f"{path.name}~")
    path.rename(backup)
    path.write_text(text, encoding="utf-8")
    backup.unlink()
    swap.unlink()


def test_a_vim_save_never_drops_the_note(vault: Path, start_live: StartRig) -> None:
    """Rename away + new file: no rebuild ever misses the note, and the new content wins."""
    rig = start_live(vault)
    before = snapshot(vault)
    question = vault / QUESTION
    assert f"[[{QUESTION.rsplit('/', 1)[1].removesuffix('.md')}|{QUESTION_TITLE}]]" in section(
        section(before["Unanswered questions"], f"## {TOPIC_1}"), "### Foundational")

    vim_save(question, set_field(question, "level", "deep"))
    wait_until(lambda: QUESTION_TITLE in section(
        section(rig.text("Unanswered questions"), f"## {TOPIC_1}"), "### Deep understanding"),
        what="the question to move to Deep understanding")
    rig.settle(QUESTION.rsplit("/", 1)[0])
    # The question's topic panel lists it under its new level too.
    assert assert_one_write_per_changed_dashboard(rig, before) == [
        "Unanswered questions", "post-training-llms-sft-dpo-rlhf-preference-optimization"]

    before, since = snapshot(vault), len(rig.writes)
    vim_save(vault / SOURCE, set_field(vault / SOURCE, "status", "read"))
    wait_until(lambda: overall(rig.text("Progress"), "Sources read") == (1, 63),
               what="Progress to count the source as read")
    rig.settle()
    assert "Progress" in assert_one_write_per_changed_dashboard(rig, before, since)

    for text in rig.written("Unanswered questions"):
        assert "84 of 84 questions have no answer yet." in text
        assert QUESTION_TITLE in text
    for text in rig.written("Progress"):
        assert overall(text, "Sources read")[1] == 63
        assert overall(text, "Questions drafted")[1] == 84
    assert rig.written("Problems") == []
    for handled in rig.handled:
        assert not any(is_ignored_name(p.rsplit("/", 1)[-1]) for p in handled.change.paths)


@pytest.mark.parametrize("temp_name", [".{name}.tmp", "{name}.sb-1a2b3c"])
def test_a_temp_file_renamed_over_the_note_gives_one_rebuild(
    vault: Path, start_live: StartRig, temp_name: str
) -> None:
    """Write a temp file beside the note and `os.replace` it over: one rebuild, new content."""
    rig = start_live(vault)
    before = snapshot(vault)
    note = vault / SOURCE
    temp = note.with_name(temp_name.format(name=note.name))
    temp.write_text(set_field(note, "status", "reading"), encoding="utf-8")
    temp.replace(note)  # os.replace
    wait_until(lambda: "Attention Is All You Need" in section(
        rig.text("Reading queue"), "## Reading now"), what="the source in Reading now")
    rig.settle()
    assert len(rig.work()) == 1
    assert "Reading queue" in assert_one_write_per_changed_dashboard(rig, before)


@pytest.mark.parametrize("caught_between", [False, True])
def test_truncate_then_write_never_drops_the_note(
    vault: Path, start_live: StartRig, caught_between: bool
) -> None:
    """Emptied then written (VS Code): no dashboard ever loses the note, even when a rebuild
    runs while it is empty; the final dashboards have the new content."""
    rig = start_live(vault)
    before = snapshot(vault)
    note = vault / SOURCE
    new_text = set_field(note, "status", "read")
    wrote: list[bool] = []

    def write_after_first_look(rechecks: list[str]) -> None:
        if SOURCE in rechecks and not wrote:
            note.write_text(new_text, encoding="utf-8")  # the editor's write comes now
            wrote.append(True)

    with note.open("r+b") as handle:
        handle.truncate(0)
        handle.flush()
        if caught_between:
            rig.between = write_after_first_look
        else:
            handle.write(new_text.encode("utf-8"))
    wait_until(lambda: overall(rig.text("Progress"), "Sources read") == (1, 63),
               what="Progress to count the source as read")
    rig.settle()
    assert wrote == ([True] if caught_between else [])
    assert "Progress" in assert_one_write_per_changed_dashboard(rig, before)
    for text in rig.written("Progress"):
        assert overall(text, "Sources read")[1] == 63
    assert rig.written("Problems") == []  # never listed as an empty note


def test_a_note_renamed_away_is_rechecked_and_kept_until_written_anew(
    vault: Path, start_live: StartRig
) -> None:
    """A vim save caught half-way (the note renamed to its backup, the new file not written
    yet): the live vault keeps the note and asks for its path again; the new file, written
    before that second look, shows; no dashboard ever loses the note."""
    rig = start_live(vault)
    before = snapshot(vault)
    note = vault / SOURCE
    new_text = set_field(note, "status", "read")
    backup = note.with_name(f"{note.name}~")
    wrote: list[bool] = []

    def write_after_first_look(rechecks: list[str]) -> None:
        if SOURCE in rechecks and not wrote:
            note.write_text(new_text, encoding="utf-8")  # vim's write comes now
            backup.unlink()
            wrote.append(True)

    rig.between = write_after_first_look
    note.rename(backup)
    wait_until(lambda: overall(rig.text("Progress"), "Sources read") == (1, 63),
               what="Progress to count the source as read")
    rig.settle()
    assert wrote == [True]
    assert SOURCE in rig.rechecked()
    assert "Progress" in assert_one_write_per_changed_dashboard(rig, before)
    for text in rig.written("Progress"):
        assert overall(text, "Sources read")[1] == 63
    assert rig.written("Problems") == []


def test_a_deleted_note_is_dropped_at_its_recheck_with_no_further_event(
    vault: Path, start_live: StartRig
) -> None:
    """A note deleted for good is kept one round, then the look the live vault asked the
    watcher for drops it, though nothing else happens in the vault."""
    rig = start_live(vault)
    before = snapshot(vault)
    (vault / SOURCE).unlink()
    wait_until(lambda: overall(rig.text("Progress"), "Sources read") == (0, 62),
               what="Progress to count one source fewer")
    rig.settle()
    work = rig.work()
    assert [h.change.paths for h in work] == [frozenset({SOURCE})] * 2
    assert [h.rechecks for h in work] == [[SOURCE], []]
    assert "Progress" in assert_one_write_per_changed_dashboard(rig, before)


def test_a_list_edit_is_synced_by_the_watcher_only_once_the_list_has_rested(
    vault: Path, start_live: StartRig
) -> None:
    """A new reading-list entry gets its note with no further event, and not before the list
    has been left alone for `list_settle`: the watcher looks at the list again when asked.

    The time compared is a lower bound the live vault promises (a slow machine only makes it
    later), not a claim about speed.
    """
    list_settle = 2.0
    rig = start_live(vault, list_settle=list_settle)
    before = snapshot(vault)
    reading_list = add_slow_entry(vault)
    saved = reading_list.stat().st_mtime_ns
    created = vault / "Sources" / "A Paper Typed Slowly.md"
    wait_until(created.is_file, timeout=10 + list_settle, what="the new entry's note")
    assert time.time_ns() - saved >= list_settle * 1e9
    wait_until(lambda: overall(rig.text("Progress"), "Sources read") == (0, 64),
               what="Progress to count 64 sources")
    rig.settle()
    rig.settle("Lists")
    assert problem_rows(rig.text("Problems")) == []
    assert_one_write_per_changed_dashboard(rig, before)


def test_a_burst_of_saves_gives_a_few_rebuilds_and_the_last_content(
    vault: Path, start_live: StartRig
) -> None:
    """100 saves of one note as fast as possible: a handful of rebuilds, the last save shown.

    The burst takes far less than MAX_WAIT and leaves no quiet window, so the debouncer gives
    one batch after it. Allowed on top: one more if the scheduler stalls the watcher for a
    quiet window mid-burst, and one recheck if a batch catches a save between its truncate
    and its write (write_text empties the file first).
    """
    rig = start_live(vault)
    note = vault / SOURCE
    texts = [set_field(note, "status", status) for status in ("unread", "reading", "read")]
    for n in range(100):
        last = n == 99
        note.write_text(texts[2] if last else texts[n % 2] + f"\nsave {n}\n", encoding="utf-8")
    wait_until(lambda: overall(rig.text("Progress"), "Sources read") == (1, 63),
               what="Progress to show the last save")
    rig.settle()
    assert 1 <= len(rig.work()) <= 3
    assert note.stem not in section(rig.text("Reading queue"), "## Reading now")
    assert note.read_text(encoding="utf-8") == texts[2]


def test_broken_yaml_is_a_problem_until_it_is_fixed(vault: Path, start_live: StartRig) -> None:
    """Broken frontmatter lists the note in Problems; fixing it removes it again."""
    rig = start_live(vault)
    note = vault / SOURCE
    good = note.read_text(encoding="utf-8")
    note.write_text(set_field(note, "status", "[unclosed"), encoding="utf-8")
    wait_until(lambda: any(note.stem in row and "YAML" in row
                           for row in problem_rows(rig.text("Problems"))),
               what="Problems to list the note")
    assert overall(rig.text("Progress"), "Sources read") == (0, 62)
    note.write_text(good, encoding="utf-8")
    wait_until(lambda: problem_rows(rig.text("Problems")) == [], what="Problems to clear")
    rig.settle()
    assert overall(rig.text("Progress"), "Sources read") == (0, 63)
    assert len(rig.written("Problems")) == 2
    assert len(rig.work()) == 2


@pytest.mark.parametrize("destination", ["Sources/Done", "Archive"])
def test_a_moved_note_is_still_counted_once(
    vault: Path, start_live: StartRig, destination: str
) -> None:
    """A read source moved to another folder keeps counting, once, at every rebuild."""
    note = vault / SOURCE
    note.write_text(set_field(note, "status", "read"), encoding="utf-8")
    (vault / destination).mkdir()
    rig = start_live(vault)
    before = snapshot(vault)
    assert overall(before["Progress"], "Sources read") == (1, 63)
    moved = f"{destination}/{note.name}"
    note.rename(vault / moved)
    wait_until(lambda: moved in rig.live.index.records and SOURCE not in rig.live.index.records,
               what="the index to follow the move")
    rig.settle()
    rig.settle(destination)
    assert overall(rig.text("Progress"), "Sources read") == (1, 63)
    assert problem_rows(rig.text("Problems")) == []
    assert [r.path for r in rig.live.index.notes("source") if r.title == note.stem] == [moved]
    # Nothing shown depends on the folder: no rebuild may have counted it twice or not at all.
    assert rig.written() == []


def test_a_new_reading_list_entry_becomes_a_source_note(
    vault: Path, start_live: StartRig
) -> None:
    """An entry added to the reading list gets its note, and Progress counts 64 sources."""
    rig = start_live(vault)
    before = snapshot(vault)
    reading_list = vault / "Lists" / "Reading list.md"
    text = reading_list.read_text(encoding="utf-8")
    first = section(text, "### Supporting intuition (highly recommended)").split("\n2. ")[0]
    entry = ("2. **A Test Source on Watching**  \n"
             "   [https://example.com/watching](https://example.com/watching)  \n"
             "   Why: Checks that a new entry becomes a note.\n")
    reading_list.write_text(text.replace(first, first.rstrip("\n") + "\n" + entry, 1),
                            encoding="utf-8")
    created = vault / "Sources" / "A Test Source on Watching.md"
    wait_until(lambda: overall(rig.text("Progress"), "Sources read") == (0, 64),
               what="Progress to count 64 sources")
    assert created.is_file()
    assert split_note(created)[0]["title"] == "A Test Source on Watching"
    rig.settle()
    rig.settle("Lists")
    assert overall(rig.text("Progress"), "Sources read") == (0, 64)
    assert problem_rows(rig.text("Problems")) == []
    assert_one_write_per_changed_dashboard(rig, before)


def test_a_rebuild_after_the_vault_was_removed_does_not_recreate_it(vault: Path) -> None:
    """A batch delivered just as the vault is deleted (`rm -rf` still running when the
    watcher looks) must not bring the folder back with a Dashboards folder in it."""
    root, settings = open_vault(vault)
    live = LiveVault(root, settings)
    live.start()
    shutil.rmtree(vault)
    with contextlib.suppress(Exception):  # failing is acceptable; resurrecting is not
        live.on_change(Change(frozenset({SOURCE})))
    assert not vault.exists()


def age_past_settling(path: Path) -> None:
    """Date a file's mtime a minute back, as if it had been saved and left alone since."""
    past = time.time() - 60
    os.utime(path, (past, past))


NEW_ENTRY = ("2. **A Paper Typed Slowly**  \n"
             "   [https://example.com/slow](https://example.com/slow)  \n"
             "   Why: Tests that a list is synced only once it is left alone.\n")


def add_slow_entry(vault: Path) -> Path:
    """Add NEW_ENTRY to the vault's reading list, as an editor's save would; the list's path."""
    reading_list = vault / "Lists" / "Reading list.md"
    text = reading_list.read_text(encoding="utf-8")
    first = section(text, "### Supporting intuition (highly recommended)").split("\n2. ")[0]
    reading_list.write_text(text.replace(first, first.rstrip("\n") + "\n" + NEW_ENTRY, 1),
                            encoding="utf-8")
    return reading_list


def test_a_list_being_typed_is_synced_only_once_left_alone(vault: Path) -> None:
    """A list saved a moment ago gets no notes yet, only a later look; once it rests, it does."""
    root, settings = open_vault(vault)
    later: list[tuple[str, float]] = []

    def schedule(paths: Iterable[str], delay: float) -> None:
        later.extend((path, delay) for path in paths)

    live = LiveVault(root, settings, list_settle=5.0, schedule=schedule)
    live.start()
    reading_list = add_slow_entry(vault)
    created = vault / "Sources" / "A Paper Typed Slowly.md"

    live.on_change(Change(frozenset({"Lists/Reading list.md"})))
    assert not created.exists()
    assert [path for path, _ in later] == ["Lists/Reading list.md"]
    assert all(0 < delay <= 5.0 for _, delay in later)

    later.clear()
    age_past_settling(reading_list)
    live.on_change(Change(frozenset({"Lists/Reading list.md"})))
    assert created.is_file()
    assert later == []


def test_a_list_edit_seen_only_by_a_full_rescan_is_synced(vault: Path) -> None:
    """When the list's own event was lost, the next full rescan still makes its notes."""
    root, settings = open_vault(vault)
    live = LiveVault(root, settings, list_settle=5.0)
    live.start()
    age_past_settling(add_slow_entry(vault))
    live.on_change(Change(frozenset(), full=True))
    assert (vault / "Sources" / "A Paper Typed Slowly.md").is_file()


def test_a_broken_list_does_not_stop_the_rebuild(vault: Path) -> None:
    """An emptied list (a save caught half-way) is reported; the notes' edits still show."""
    root, settings = open_vault(vault)
    live = LiveVault(root, settings, list_settle=0.0)
    live.start()
    reading_list = vault / "Lists" / "Reading list.md"
    reading_list.write_text("", encoding="utf-8")
    source = vault / SOURCE
    source.write_text(source.read_text(encoding="utf-8").replace(
        "status: unread", "status: read", 1), encoding="utf-8")
    live.on_change(Change(frozenset({"Lists/Reading list.md", SOURCE})))
    progress = (vault / "Dashboards" / "Progress.md").read_text(encoding="utf-8")
    assert overall(progress, "Sources read") == (1, 63)
    problems = (vault / "Dashboards" / "Problems.md").read_text(encoding="utf-8")
    assert "Reading list" in problems
    assert "is empty" in problems


def test_a_stop_while_a_list_sync_reads_abandons_it_before_any_note(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM while a settled list is being read for `sync` stops the watcher there: the
    sync's reading is interruptible (no waiting for a long list), and no note is made."""
    root, settings = open_vault(vault)
    signals = StopOnSignals()  # its handler called by hand below: no real signal is sent
    live = LiveVault(root, settings, list_settle=5.0, interruptible=signals.interruptible)
    live.start()
    age_past_settling(add_slow_entry(vault))
    def signalled_while_reading(*args: Any) -> Any:
        signals._handle(signal.SIGTERM, None)  # what the kernel's SIGTERM would run here
        return load_catalog(*args)

    monkeypatch.setattr("vaultkit.commands.sync.load_catalog", signalled_while_reading)
    with pytest.raises(Interrupted):
        live.on_change(Change(frozenset({"Lists/Reading list.md"})))
    assert signals.received == "SIGTERM"
    assert not (vault / "Sources" / "A Paper Typed Slowly.md").exists()


# --- `vaultkit watch` as a process ---------------------------------------------------------


Spawn = Callable[..., WatchProcess]


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start `vaultkit watch` processes; all are killed after the test."""
    env = dict(os.environ)
    started: list[WatchProcess] = []

    def start(vault: Path, *args: str) -> WatchProcess:
        process = WatchProcess(vault, env, *args)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


def mark_read(vault: Path) -> None:
    (vault / SOURCE).write_text(set_field(vault / SOURCE, "status", "read"), encoding="utf-8")


def progress_read(vault: Path) -> tuple[int, int]:
    return overall((vault / "Dashboards" / "Progress.md").read_text(encoding="utf-8"),
                   "Sources read")


def test_watch_rebuilds_on_an_edit_and_stops_cleanly_on_sigterm(
    vault: Path, spawn: Spawn
) -> None:
    """An edit shows in Progress; SIGTERM ends with status 0, whole dashboards, no temp files."""
    watcher = spawn(vault)
    watcher.wait_ready()
    mark_read(vault)
    wait_until(lambda: progress_read(vault) == (1, 63), what="Progress to show the edit")

    # Stop it right after another edit, while it may be rebuilding.
    (vault / SOURCE).write_text(set_field(vault / SOURCE, "status", "summarized"),
                                encoding="utf-8")
    watcher.proc.send_signal(signal.SIGTERM)
    assert watcher.finish() == 0, watcher.log
    assert "Stopped." in watcher.log
    assert "Traceback" not in watcher.log
    assert [p for p in vault.rglob("*") if p.name.endswith(".vaultkit-tmp")] == []
    _, settings = open_vault(vault)
    for relative in settings.dashboard_paths().values():
        frontmatter, body = split_note(vault / relative)
        assert frontmatter["vaultkit"] == "dashboard"
        assert body.startswith("# ")
    assert publish.edited(vault, settings) == []  # each one whole, as vaultkit wrote it


def test_a_second_watcher_on_the_same_vault_is_refused(vault: Path, spawn: Spawn) -> None:
    """While one watcher runs, another exits non-zero and names the first one's pid."""
    first = spawn(vault)
    first.wait_ready()
    second = spawn(vault)
    assert second.finish(timeout=20) != 0
    assert "already being watched" in second.log
    assert f"pid {first.proc.pid}" in second.log
    assert first.proc.poll() is None
    first.proc.send_signal(signal.SIGINT)
    assert first.finish() == 0, first.log


def test_a_killed_watchers_lock_does_not_block_the_next(vault: Path, spawn: Spawn) -> None:
    """After SIGKILL, a new watcher starts and works."""
    first = spawn(vault)
    first.wait_ready()
    first.proc.kill()
    assert first.finish() == -signal.SIGKILL
    second = spawn(vault)
    second.wait_ready()
    mark_read(vault)
    wait_until(lambda: progress_read(vault) == (1, 63), what="Progress to show the edit")
    second.proc.send_signal(signal.SIGTERM)
    assert second.finish() == 0, second.log


def test_removing_the_vault_stops_the_watcher_with_a_message(vault: Path, spawn: Spawn) -> None:
    """The vault folder deleted under the watcher: non-zero exit and a message saying so."""
    watcher = spawn(vault)
    watcher.wait_ready()
    shutil.rmtree(vault)
    code = watcher.finish(timeout=20)
    assert code != 0
    assert "was removed or moved away" in watcher.log, watcher.log
    assert "Traceback" not in watcher.log
    assert not vault.exists()
