"""The vault's history (`vault/history.py`): status changes recorded by builds and watch
rebuilds, one append-only log per device, merged by `read_history`."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import wait_until, watching_vault
from vaultkit.vault import history
from vaultkit.vault.history import Change, read_history
from vaultkit.watch.live import LiveVault

SOURCE = "Sources/Attention Is All You Need.md"
QUESTION = (
    "Questions/1 Post-Training LLMs (SFT, DPO, RLHF, preference optimization)/"
    "What problem is post-training solving that pretraining does not.md"
)
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock that moves one minute each time it is read."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Builds take their time from a fake clock; this process is the device `alpha`."""
    fake = FakeClock()
    monkeypatch.setattr(history, "clock", fake)
    monkeypatch.setenv("VAULTKIT_DEVICE", "alpha")
    history._memo.clear()
    return fake


@pytest.fixture
def vault(tmp_path: Path, run_cli: RunCli, clock: FakeClock) -> Path:
    root = tmp_path / "vault"
    result = run_cli("init", root)
    assert result.exit_code == 0, result.output
    return root


def log_of(vault: Path, device: str = "alpha") -> Path:
    return vault / ".vaultkit" / "history" / f"{device}.jsonl"


def note_id(vault: Path, relative: str) -> str:
    match = re.search(r"^id: (\S+)$", (vault / relative).read_text(encoding="utf-8"), re.M)
    assert match is not None
    return match.group(1)


def set_status(vault: Path, relative: str, status: str) -> None:
    path = vault / relative
    text, n = re.subn(r"^status: .*$", f"status: {status}", path.read_text(encoding="utf-8"),
                      count=1, flags=re.M)
    assert n == 1
    path.write_text(text, encoding="utf-8")


def changes_after_init(vault: Path) -> list[tuple[str, str | None, str | None, bool]]:
    """(id, from, to, first) of every record but those of the first build."""
    first = {c.at for c in read_history(vault) if c.first}
    return [(c.id, c.before, c.after, c.first) for c in read_history(vault)
            if c.at not in first]


def build(run_cli: RunCli, vault: Path) -> None:
    result = run_cli("build", vault)
    assert result.exit_code == 0, result.output


# --- builds -----------------------------------------------------------------------------------


def test_the_first_build_records_every_source_and_question_once(vault: Path) -> None:
    """`init`'s build sees each source and question for the first time, in its status."""
    records = read_history(vault)
    notes = [p for folder in ("Sources", "Questions") for p in (vault / folder).rglob("*.md")]
    assert len(records) == len(notes) == len({c.id for c in records})
    assert all(c.first and c.before is None and c.device == "alpha" for c in records)
    assert {c.after for c in records} == {"unread", "unanswered"}
    assert {c.kind for c in records} == {"source", "question"}
    assert len({c.at for c in records}) == 1  # one build, one time


def test_status_changes_across_builds_are_recorded_exactly(vault: Path, run_cli: RunCli) -> None:
    """Each build appends the changes since the one before, with the fake clock's time."""
    source, question = note_id(vault, SOURCE), note_id(vault, QUESTION)
    set_status(vault, SOURCE, "reading")
    build(run_cli, vault)
    set_status(vault, SOURCE, "read")
    set_status(vault, QUESTION, "drafted")
    build(run_cli, vault)
    assert changes_after_init(vault) == [
        (source, "unread", "reading", False),
        (question, "unanswered", "drafted", False),
        (source, "reading", "read", False),
    ]
    times = sorted({c.at for c in read_history(vault)})
    assert times == [START + timedelta(minutes=n) for n in (1, 2, 3)]


def test_a_build_after_nothing_changed_appends_nothing(vault: Path, run_cli: RunCli) -> None:
    """No change, no byte: neither a skipped build nor a full one (dashboards rewritten)."""
    before = log_of(vault).read_bytes()
    build(run_cli, vault)  # skipped: nothing changed since the last build
    (vault / "Dashboards" / "Progress.md").unlink()  # forces a full build
    build(run_cli, vault)
    assert (vault / "Dashboards" / "Progress.md").exists()
    assert log_of(vault).read_bytes() == before


def test_the_log_is_only_ever_appended_to(vault: Path, run_cli: RunCli) -> None:
    """Earlier bytes never change; each build adds after them."""
    sizes = []
    for status in ("reading", "read", "summarized"):
        before = log_of(vault).read_bytes()
        set_status(vault, SOURCE, status)
        build(run_cli, vault)
        after = log_of(vault).read_bytes()
        assert after.startswith(before)
        assert len(after) > len(before)
        sizes.append(len(after))
    assert sizes == sorted(sizes)


def test_renamed_deleted_recreated_and_unknown_statuses(vault: Path, run_cli: RunCli) -> None:
    """By id: a move records nothing, a deletion nothing, a re-creation only a real change;
    a status vaultkit does not know is recorded as written."""
    source = note_id(vault, SOURCE)
    text = (vault / SOURCE).read_text(encoding="utf-8")
    (vault / SOURCE).rename(vault / "Sources" / "Renamed.md")
    build(run_cli, vault)
    (vault / "Sources" / "Renamed.md").unlink()
    build(run_cli, vault)
    assert changes_after_init(vault) == []
    (vault / SOURCE).write_text(text, encoding="utf-8")  # back, as it was: nothing new
    build(run_cli, vault)
    assert changes_after_init(vault) == []
    set_status(vault, SOURCE, "redd")
    build(run_cli, vault)
    set_status(vault, SOURCE, "read")
    build(run_cli, vault)
    assert changes_after_init(vault) == [
        (source, "unread", "redd", False), (source, "redd", "read", False)]


def test_read_only_commands_record_nothing(vault: Path, run_cli: RunCli) -> None:
    """`status` and `check` only look: the history is a build's record."""
    before = log_of(vault).read_bytes()
    set_status(vault, SOURCE, "read")
    for command in ("status", "check"):
        run_cli(command, vault)
    assert log_of(vault).read_bytes() == before


def test_a_lost_cache_reads_the_logs_again_and_records_nothing_twice(
    vault: Path, run_cli: RunCli
) -> None:
    """The last-seen state is a cache: without it (or its memory), every log is read again."""
    set_status(vault, SOURCE, "read")
    build(run_cli, vault)
    before = log_of(vault).read_bytes()
    (vault / ".vaultkit" / "cache" / "history.json").unlink()
    history._memo.clear()
    (vault / "Dashboards" / "Progress.md").unlink()
    build(run_cli, vault)
    assert log_of(vault).read_bytes() == before


def test_a_new_process_reads_what_the_cache_lags_behind(vault: Path, run_cli: RunCli) -> None:
    """The cache is saved lazily: a build in a new process reads the logs' tail, records once."""
    source = note_id(vault, SOURCE)
    cache = (vault / ".vaultkit" / "cache" / "history.json").read_bytes()
    for status in ("reading", "read"):
        set_status(vault, SOURCE, status)
        build(run_cli, vault)
        history._memo.clear()  # as a new process would start
    assert (vault / ".vaultkit" / "cache" / "history.json").read_bytes() == cache
    before = log_of(vault).read_bytes()
    (vault / "Dashboards" / "Progress.md").unlink()
    build(run_cli, vault)
    assert log_of(vault).read_bytes() == before
    assert changes_after_init(vault) == [
        (source, "unread", "reading", False), (source, "reading", "read", False)]


def test_a_clock_set_back_records_a_change_once(
    vault: Path, run_cli: RunCli, clock: FakeClock
) -> None:
    """A change seen at a time before the last record is still what the note says now."""
    set_status(vault, SOURCE, "read")
    build(run_cli, vault)
    clock.now = START - timedelta(days=1)
    set_status(vault, SOURCE, "unread")
    build(run_cli, vault)
    (vault / "Dashboards" / "Progress.md").unlink()
    build(run_cli, vault)
    assert [(c.before, c.after) for c in read_history(vault) if not c.first] == [
        ("read", "unread"), ("unread", "read")]  # in time order: the set-back one first


# --- devices ----------------------------------------------------------------------------------


def record_line(at: str, note: str, before: str | None, after: str | None) -> str:
    return json.dumps({"v": 1, "at": at, "id": note, "kind": "source", "from": before,
                       "to": after, "first": before is None}, sort_keys=True) + "\n"


def test_two_device_logs_merge_in_time_order(tmp_path: Path) -> None:
    """Records of both devices, interleaved by time; a tie goes to the device name's order."""
    folder = tmp_path / ".vaultkit" / "history"
    folder.mkdir(parents=True)
    (folder / "laptop.jsonl").write_text(
        record_line("2026-12-01T10:00:00.000000Z", "s-1", None, "unread")
        + record_line("2026-12-01T12:00:00.000000Z", "s-1", "reading", "read"), encoding="utf-8")
    (folder / "desktop.jsonl").write_text(
        record_line("2026-12-01T11:00:00.000000Z", "s-1", "unread", "reading")
        + record_line("2026-12-01T12:00:00.000000Z", "s-2", None, "unread"), encoding="utf-8")
    merged = [(c.device, c.id, c.after) for c in read_history(tmp_path)]
    assert merged == [("laptop", "s-1", "unread"), ("desktop", "s-1", "reading"),
                      ("desktop", "s-2", "unread"), ("laptop", "s-1", "read")]


def test_a_change_another_device_recorded_is_not_recorded_again(
    vault: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last status is the merged one: a synced log that already says so adds nothing."""
    source = note_id(vault, SOURCE)
    at = "2026-12-01T09:30:00.000000Z"
    log_of(vault, "beta").write_text(record_line(at, source, "unread", "read"), encoding="utf-8")
    set_status(vault, SOURCE, "read")
    (vault / "Dashboards" / "Progress.md").unlink()
    build(run_cli, vault)
    assert [(c.device, c.after) for c in read_history(vault) if c.id == source] == [
        ("alpha", "unread"), ("beta", "read")]


def test_a_torn_last_line_and_a_corrupt_line_are_skipped_with_a_warning(
    vault: Path, run_cli: RunCli, caplog: pytest.LogCaptureFixture
) -> None:
    """Named by file and line; the rest is read, and the next append starts on a line of its own."""
    source = note_id(vault, SOURCE)
    beta = log_of(vault, "beta")
    beta.write_text(record_line("2026-12-01T09:30:00.000000Z", "s-x", None, "unread")
                    + "{not json\n"
                    + record_line("2026-12-01T09:31:00.000000Z", "s-y", None, "unread"),
                    encoding="utf-8")
    with log_of(vault).open("a", encoding="utf-8") as out:
        out.write('{"v": 1, "at": "2026-12-01T0')  # a crash mid-write
    with caplog.at_level(logging.WARNING, logger="vaultkit.vault.history"):
        ids = [c.id for c in read_history(vault)]
    assert {"s-x", "s-y"} <= set(ids)
    lines = len(log_of(vault).read_text(encoding="utf-8").splitlines())
    assert ".vaultkit/history/beta.jsonl, line 2" in caplog.text
    assert f".vaultkit/history/alpha.jsonl, line {lines}" in caplog.text
    set_status(vault, SOURCE, "read")
    build(run_cli, vault)
    assert [(c.before, c.after) for c in read_history(vault) if c.id == source][-1] == (
        "unread", "read")
    assert log_of(vault).read_text(encoding="utf-8").endswith('"to": "read", "v": 1}\n')


def test_a_later_format_is_skipped_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A line of another `v` is a later vaultkit's: not an error."""
    folder = tmp_path / ".vaultkit" / "history"
    folder.mkdir(parents=True)
    (folder / "new.jsonl").write_text('{"v": 2, "whatever": true}\n', encoding="utf-8")
    assert read_history(tmp_path) == []
    assert caplog.text == ""


def test_a_conflict_copy_of_a_log_counts_once(tmp_path: Path) -> None:
    """A sync tool's copy of a log repeats its records: each is read once."""
    folder = tmp_path / ".vaultkit" / "history"
    folder.mkdir(parents=True)
    text = record_line("2026-12-01T10:00:00.000000Z", "s-1", None, "unread")
    (folder / "laptop.jsonl").write_text(text, encoding="utf-8")
    (folder / "laptop.sync-conflict-20261201.jsonl").write_text(text, encoding="utf-8")
    assert [(c.device, c.id) for c in read_history(tmp_path)] == [("laptop", "s-1")]


# --- a watch session ----------------------------------------------------------------------------


@pytest.fixture
def watching(vault: Path) -> Iterator[LiveVault]:
    """A LiveVault on a real watcher, as `watch_vault` wires them, minus the lock and signals."""
    with watching_vault(vault, list_settle=0.5, quiet=0.2) as live:
        yield live


def test_a_watch_session_records_each_saved_change(vault: Path, watching: LiveVault) -> None:
    """Each save's rebuild records its change, once, in order."""
    source, question = note_id(vault, SOURCE), note_id(vault, QUESTION)
    set_status(vault, SOURCE, "reading")
    wait_until(lambda: len(changes_after_init(vault)) == 1, what="the first change")
    set_status(vault, QUESTION, "drafted")
    wait_until(lambda: len(changes_after_init(vault)) == 2, what="the second change")
    set_status(vault, SOURCE, "read")
    wait_until(lambda: len(changes_after_init(vault)) == 3, what="the third change")
    assert changes_after_init(vault) == [
        (source, "unread", "reading", False),
        (question, "unanswered", "drafted", False),
        (source, "reading", "read", False),
    ]


def test_change_fields_are_typed() -> None:
    """`Change` is what the next readers (pace, "This week", `next`) get."""
    change = Change(START, "alpha", "s-1", "source", None, "unread", first=True)
    assert history.line(change) == (
        b'{"at": "2026-12-01T09:00:00.000000Z", "first": true, "from": null, "id": "s-1", '
        b'"kind": "source", "to": "unread", "v": 1}\n')
