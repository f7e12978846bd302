"""Stories of a list reworded after `init`: every note is kept, none is duplicated.

Each story edits the lists inside a small vault, runs the real CLI (or a real watcher), and
compares the bytes of every file the user owns (everything but `Dashboards/` and `.vaultkit/`)
before and after: rewording an entry must leave them all as they were.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import all_files, init_from_lists, vaultkit_owned, wait_until, watching_vault
from tests.test_reworded import (
    LOGISTICS,
    QUESTIONS,
    QUESTIONS3,
    READING,
    READING3,
    TWINS,
    section_2,
)
from vaultkit.scaffold.reworded import SOURCES_REPLACED
from vaultkit.vault.seen import STATE_FILE, STATE_FOLDER, device
from vaultkit.watch.live import LiveVault

HUB = "Topics/2 Experiment Design & Taste.md"
FOLDER = "Questions/2 Experiment Design & Taste"
CHOOSE = f"{FOLDER}/How do you choose the next experiment.md"
REWORDED_HEADING = (
    'reworded in the list: "Experiment Design & Taste" → "Experiment Design and Taste" '
    f"(note kept: {HUB})"
)
ANSWER = "Run the cheapest experiment that could change my mind.\n"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return init_from_lists(tmp_path_factory.mktemp("reworded"), READING, QUESTIONS)


@pytest.fixture
def vault(pristine: Path, tmp_path: Path) -> Path:
    """A copy of the small vault with an answer written in one question note."""
    root = Path(shutil.copytree(pristine, tmp_path / "vault", symlinks=True))
    with (root / CHOOSE).open("a", encoding="utf-8") as note:
        note.write(ANSWER)
    return root


def users(vault: Path) -> dict[str, bytes]:
    """Every file the user owns, by path, with its bytes."""
    return {path: data for path, data in all_files(vault).items() if not vaultkit_owned(path)}


def edit(vault: Path, name: str, old: str, new: str) -> None:
    """Replace `old` (which must occur once) in `Lists/<name>`, as the user would."""
    path = vault / "Lists" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def reword_heading(vault: Path) -> None:
    edit(vault, "Reading list.md", "## 2. Experiment Design & Taste",
         "## 2. Experiment Design and Taste")
    edit(vault, "Question syllabus.md", "# 2. Experiment Design & Taste",
         "# 2. Experiment Design and Taste")


def unlisted(run_cli: RunCli, vault: Path) -> list[str]:
    """The lines of `vaultkit check` that call a note's entry gone from the lists."""
    return [line for line in run_cli("check", vault).output.splitlines() if "no longer in" in line]


def test_a_reworded_heading_keeps_its_hub_and_every_question_note(
    vault: Path, run_cli: RunCli
) -> None:
    """`& Taste` → `and Taste`: sync makes no note, says the hub is kept, check is clean."""
    reword_heading(vault)
    before = users(vault)

    result = run_cli("sync", vault)

    assert result.exit_code == 0, result.output
    assert REWORDED_HEADING in result.output.splitlines()
    assert "0 new notes created." in result.output
    assert users(vault) == before
    assert unlisted(run_cli, vault) == []
    again = run_cli("sync", vault)
    assert "reworded" not in again.output
    assert users(vault) == before


def test_a_reworded_question_keeps_its_note_and_its_answer(vault: Path, run_cli: RunCli) -> None:
    """The question answered in its note is sharpened in the list: the note stays its note."""
    edit(vault, "Question syllabus.md", "How do you choose the next experiment?",
         "How do you choose your next experiment?")
    before = users(vault)

    result = run_cli("sync", vault)

    assert ('reworded in the list: "How do you choose the next experiment?" → '
            f'"How do you choose your next experiment?" (note kept: {CHOOSE})'
            ) in result.output.splitlines()
    assert users(vault) == before
    assert ANSWER in (vault / CHOOSE).read_text(encoding="utf-8")
    assert unlisted(run_cli, vault) == []


def test_a_question_added_to_a_reworded_topic_goes_beside_its_hub(
    vault: Path, run_cli: RunCli
) -> None:
    """Reword the heading and add a question: one new note, in the hub's folder, linking it."""
    reword_heading(vault)
    edit(vault, "Question syllabus.md", "* How do you avoid confirmation bias?\n",
         "* How do you avoid confirmation bias?\n* What makes a good baseline?\n")
    before = users(vault)

    result = run_cli("sync", vault)

    added = f"{FOLDER}/What makes a good baseline.md"
    assert f"created  {added}" in result.output.splitlines()
    assert REWORDED_HEADING in result.output.splitlines()
    after = users(vault)
    assert set(after) - set(before) == {added}
    assert {path: after[path] for path in before} == before
    assert "[[2 Experiment Design & Taste|" in after[added].decode()
    assert unlisted(run_cli, vault) == []


def test_a_question_replaced_in_its_place_gets_a_note_of_its_own(
    vault: Path, run_cli: RunCli
) -> None:
    """Another question where the answered one was: a new note; the answer stays in the old
    note, which is reported as no longer listed, never as reworded."""
    new = "Which tokenizer choices change how a model counts digits?"
    edit(vault, "Question syllabus.md", "How do you choose the next experiment?", new)
    before = users(vault)

    result = run_cli("sync", vault)

    added = f"{FOLDER}/Which tokenizer choices change how a model counts digits.md"
    assert f"created  {added}" in result.output.splitlines()
    assert "reworded" not in result.output
    assert "ambiguous" not in result.output
    after = users(vault)
    assert set(after) - set(before) == {added}
    assert {path: after[path] for path in before} == before
    assert ANSWER in (vault / CHOOSE).read_text(encoding="utf-8")
    assert ANSWER not in after[added].decode()


def test_near_identical_rewordings_make_no_note_until_accepted_as_new(
    vault: Path, run_cli: RunCli
) -> None:
    """One question becomes two alike: sync guesses neither, says so; `--new` makes both."""
    edit(vault, "Question syllabus.md", "* How do you choose the next experiment?\n", TWINS)
    before = users(vault)

    result = run_cli("sync", vault)

    (line,) = [line for line in result.output.splitlines() if line.startswith("ambiguous")]
    assert '"How do you choose the next experiment?" reworded' in line
    assert "`vaultkit sync --new`" in line
    assert users(vault) == before
    accepted = run_cli("sync", "--new", vault)
    assert "2 new notes created." in accepted.output
    assert "ambiguous" not in accepted.output
    assert {path: data for path, data in users(vault).items() if path in before} == before


def test_sync_dry_run_reports_the_rewording_and_writes_nothing(
    vault: Path, run_cli: RunCli
) -> None:
    """--dry-run says what sync would say, and not one byte changes (vaultkit's files too)."""
    reword_heading(vault)
    before = all_files(vault)

    result = run_cli("sync", "--dry-run", vault)

    assert REWORDED_HEADING in result.output.splitlines()
    assert all_files(vault) == before


def test_init_again_after_a_rewording_makes_no_duplicate(vault: Path, run_cli: RunCli) -> None:
    """Re-running init on the vault reads its reworded lists as sync does."""
    reword_heading(vault)
    before = users(vault)

    result = run_cli("init", vault)

    assert result.exit_code == 0, result.output
    assert REWORDED_HEADING in result.output.splitlines()
    assert users(vault) == before
    assert unlisted(run_cli, vault) == []


def test_a_vault_with_a_format_1_memory_syncs_and_then_remembers_wordings(
    vault: Path, run_cli: RunCli
) -> None:
    """A state.json from before (ids only, one file for every device) works as ever; the
    first sync records the wordings in this device's file, so the next rewording keeps its
    note."""
    mine = vault / STATE_FOLDER / f"{device()}.json"
    known = json.loads(mine.read_text(encoding="utf-8"))["known"]
    shutil.rmtree(vault / STATE_FOLDER)
    (vault / STATE_FILE).write_text(json.dumps({"format": 1, "known": known}), encoding="utf-8")
    before = users(vault)

    assert "0 new notes created." in run_cli("sync", vault).output
    data = json.loads(mine.read_text(encoding="utf-8"))
    assert data["format"] == 2
    assert len(data["entries"]) == len(known)
    reword_heading(vault)
    before = users(vault)
    assert REWORDED_HEADING in run_cli("sync", vault).output.splitlines()
    assert users(vault) == before


def rebuilt_after(caplog: pytest.LogCaptureFixture, line: str) -> bool:
    """Whether the watcher logged `line` and then finished a rebuild."""
    messages = [record.getMessage() for record in list(caplog.records)]
    logged = next((n for n, message in enumerate(messages) if line in message), None)
    return logged is not None and any(m.startswith("rebuilt for") for m in messages[logged + 1:])


@pytest.fixture
def watching(vault: Path) -> Iterator[LiveVault]:
    """A LiveVault and a real Watcher on the vault, as `watch_vault` wires them."""
    with watching_vault(vault) as live:
        yield live


def test_watch_keeps_the_notes_of_a_heading_reworded_while_it_runs(
    vault: Path, watching: LiveVault, caplog: pytest.LogCaptureFixture
) -> None:
    """Saving a reworded heading in Lists/ while watch runs: after the list settles, the
    rewording is logged, the dashboards rebuilt after it call no note unlisted, and no note is
    made or changed."""
    caplog.set_level(logging.INFO, logger="vaultkit.watch.live")
    before = users(vault)
    reword_heading(vault)
    edited = users(vault)

    # The rewording changes no dashboard's bytes (the hub keeps its name), so wait for the
    # rebuild that follows the sync, logged after it, rather than for a change in a file.
    wait_until(lambda: rebuilt_after(caplog, REWORDED_HEADING), what="a rebuild after the sync")

    problems = (vault / "Dashboards/Problems.md").read_text(encoding="utf-8")
    assert "no longer in" not in problems
    assert "[[2 Experiment Design & Taste]]" in (vault / "Dashboards/Topic index.md").read_text(
        encoding="utf-8")
    assert users(vault) == edited
    assert {p: d for p, d in edited.items() if not p.startswith("Lists/")} == {
        p: d for p, d in before.items() if not p.startswith("Lists/")}


TWIN_LINES = ("How do you choose the next experiments?",
              "How do you choose the next experiment now?")


def syllabus_line(vault: Path, text: str) -> int:
    """The 1-based line of `text` in the vault's syllabus."""
    lines = (vault / "Lists/Question syllabus.md").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_an_ambiguous_rewording_is_a_problem_until_accepted_as_new(
    vault: Path, run_cli: RunCli
) -> None:
    """After a sync that held the twins back, `check` fails on each twin's line in the list
    (the ways out named), calls the old note in doubt rather than gone, and Problems.md shows
    the same; after `sync --new` the old note is simply no longer listed (the user's call)."""
    edit(vault, "Question syllabus.md", "* How do you choose the next experiment?\n", TWINS)
    before = users(vault)
    synced = run_cli("sync", vault)
    assert "not listed" not in synced.output  # the ambiguity line names the old note

    checked = run_cli("check", vault)

    assert checked.exit_code == 1, checked.output
    lines = checked.output.splitlines()
    for twin in TWIN_LINES:
        (line,) = [line for line in lines
                   if f"Lists/Question syllabus.md:{syllabus_line(vault, twin)}" in line]
        assert f"“{twin}” may reword “How do you choose the next experiment?” ({CHOOSE})" in line
        assert "`vaultkit sync --new`" in line
    (old,) = [line for line in lines if line.startswith(CHOOSE)]
    first, second = (syllabus_line(vault, twin) for twin in TWIN_LINES)
    assert old == (
        f"{CHOOSE}: its entry is in doubt, not gone: "
        f"“{TWIN_LINES[0]}” (Lists/Question syllabus.md, line {first}) or "
        f"“{TWIN_LINES[1]}” (Lists/Question syllabus.md, line {second}) may reword it, so sync "
        "made no note for that yet (the problem on that line says how to settle it)")
    assert unlisted(run_cli, vault) == []
    problems = (vault / "Dashboards/Problems.md").read_text(encoding="utf-8")
    assert TWIN_LINES[0] in problems
    assert "in doubt, not gone" in problems
    assert users(vault) == before

    run_cli("sync", "--new", vault)

    accepted = run_cli("check", vault)
    assert unlisted(run_cli, vault) == [
        f"{CHOOSE}: its entry is no longer in Lists/Question syllabus.md; keep the note, or "
        "delete it if you are done with it"]
    assert "1 problem." in accepted.output
    assert TWIN_LINES[0] not in (vault / "Dashboards/Problems.md").read_text(encoding="utf-8")
    assert {path: data for path, data in users(vault).items() if path in before} == before


def held_in_memory(vault: Path) -> dict[str, dict[str, object]]:
    """What this device's memory file says was held back."""
    data = json.loads((vault / STATE_FOLDER / f"{device()}.json").read_text(encoding="utf-8"))
    held: dict[str, dict[str, object]] = data.get("held", {})
    return held


def test_an_ambiguity_resolved_in_the_list_is_no_longer_a_problem(
    vault: Path, run_cli: RunCli
) -> None:
    """The user puts the old words back: `check` no longer names the twins even before a
    sync (the list no longer has them), and the next sync clears them from the memory."""
    edit(vault, "Question syllabus.md", "* How do you choose the next experiment?\n", TWINS)
    run_cli("sync", vault)
    assert len(held_in_memory(vault)) == 2
    edit(vault, "Question syllabus.md", TWINS, "* How do you choose the next experiment?\n")

    checked = run_cli("check", vault)

    assert "may reword" not in checked.output
    assert "in doubt" not in checked.output
    assert checked.exit_code == 0, checked.output
    assert "0 new notes created." in run_cli("sync", vault).output
    assert held_in_memory(vault) == {}


def test_sync_new_clears_what_was_held_from_the_memory(vault: Path, run_cli: RunCli) -> None:
    """`sync --new` makes the twins' notes and leaves nothing held in the memory."""
    edit(vault, "Question syllabus.md", "* How do you choose the next experiment?\n", TWINS)
    run_cli("sync", vault)
    assert {entry["text"] for entry in held_in_memory(vault).values()} == set(TWIN_LINES)

    run_cli("sync", "--new", vault)

    assert held_in_memory(vault) == {}


def test_watch_shows_an_ambiguous_rewording_in_the_problems_dashboard(
    vault: Path, watching: LiveVault
) -> None:
    """Saving the twins while watch runs: after the list settles, Problems.md names each twin
    on its line and the old note as in doubt; no note is made or changed."""
    problems = vault / "Dashboards/Problems.md"
    before = users(vault)
    edit(vault, "Question syllabus.md", "* How do you choose the next experiment?\n", TWINS)
    edited = users(vault)

    def shown() -> bool:
        text = problems.read_text(encoding="utf-8")
        return all(twin in text for twin in TWIN_LINES) and "in doubt, not gone" in text

    wait_until(shown, what="Problems.md naming the held twins")

    assert "no longer in" not in problems.read_text(encoding="utf-8")
    assert users(vault) == edited
    assert {p: d for p, d in edited.items() if not p.startswith("Lists/")} == {
        p: d for p, d in before.items() if not p.startswith("Lists/")}


def test_a_topic_in_doubt_is_a_problem_on_its_heading_in_the_reading_list(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """The reading list replaces topic 2 while the syllabus keeps it: `check` names the new
    heading on its line, with the ways out, and the old hub as in doubt, not gone."""
    vault = init_from_lists(tmp_path, READING3, QUESTIONS3)
    reading = vault / "Lists/Reading list.md"
    reading.write_text(section_2(reading.read_text(encoding="utf-8"), LOGISTICS), encoding="utf-8")
    before = users(vault)
    run_cli("sync", vault)

    checked = run_cli("check", vault)

    heading = next(n for n, line in enumerate(
        reading.read_text(encoding="utf-8").splitlines(), 1) if "Reading Group Logistics" in line)
    lines = checked.output.splitlines()
    (line,) = [line for line in lines if line.startswith(f"Lists/Reading list.md:{heading}:")]
    assert f"topic “Reading Group Logistics” may reword “Experiment Design & Taste” ({HUB})" in line
    assert SOURCES_REPLACED in line
    (hub,) = [line for line in lines if line.startswith(f"{HUB}:")]
    assert "in doubt, not gone: “Reading Group Logistics” (Lists/Reading list.md, line" in hub
    assert checked.exit_code == 1
    after = users(vault)
    assert {path: after[path] for path in before} == before
    assert set(after) - set(before) == {"Sources/Rota.md"}  # a source is its URL: never held
