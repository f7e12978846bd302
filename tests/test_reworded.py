"""`scaffold.reworded`: a list entry whose words changed keeps its note; doubt makes no note.

Each test builds a catalog from two small lists, remembers it as a vault would after `init`
(every entry with a note), edits the lists' text, and carries the new catalog over. The
memory's file format (`vault.seen`) is tested at the end.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from pathlib import Path, PurePosixPath

import pytest

from vaultkit.lists import readlist, syllabus
from vaultkit.lists.joins import combine
from vaultkit.model import Catalog, Kind
from vaultkit.scaffold.likeness import SIMILAR, similarity
from vaultkit.scaffold.reworded import (
    DOUBT,
    IN_PLACE,
    PLACED,
    SAME_NUMBER,
    SOURCES_REPLACED,
    Carried,
    carry,
    snapshot,
)
from vaultkit.vault import seen
from vaultkit.vault.seen import DEVICE_VARIABLE, STATE_FILE, STATE_FOLDER, Memory

READING = """\
## 1. Alpha Topic

1. [Alpha One](https://example.com/alpha-1)

## 2. Experiment Design & Taste

1. [Taste Paper](https://example.com/taste)
"""
QUESTIONS = """\
# 1. Alpha Topic

## Foundational questions

* What is alpha?
* Why does alpha saturate at scale?

# 2. Experiment Design & Taste

* How do you choose the next experiment?
* How do you avoid confirmation bias?
* When is it better to stop exploring a direction?
"""
TWINS = "* How do you choose the next experiments?\n* How do you choose the next experiment now?\n"
# A third topic, so that the lists still number their sections alike when topic 2 changes.
READING3 = f"{READING}\n## 3. Gamma Topic\n\n1. [Gamma One](https://example.com/gamma-1)\n"
QUESTIONS3 = f"{QUESTIONS}\n# 3. Gamma Topic\n\n* What is gamma?\n"
LOGISTICS = "## 2. Reading Group Logistics\n\n1. [Rota](https://example.com/rota)\n"


def catalog(reading: str = READING, questions: str = QUESTIONS) -> Catalog:
    return combine(readlist.parse(reading), syllabus.parse(questions))


def remembered(before: Catalog) -> tuple[Memory, dict[str, PurePosixPath]]:
    """The memory and the notes of a vault made from `before`: every entry has its note."""
    entries = snapshot(before)
    notes = {note_id: PurePosixPath(f"{entry.kind}/{entry.text}.md")
             for note_id, entry in entries.items()}
    return Memory(frozenset(entries), entries), notes


def carried_after(reading: str = READING, questions: str = QUESTIONS, *,
                  accept_new: bool = False, base: tuple[str, str] = (READING, QUESTIONS),
                  ) -> tuple[Carried, Catalog]:
    """The edited lists carried over the memory of the original ones (`base`), and the
    original."""
    before = catalog(*base)
    memory, notes = remembered(before)
    return carry(catalog(reading, questions), memory, notes, accept_new=accept_new), before


def ids(c: Catalog) -> set[str]:
    return {*(t.id for t in c.topics), *(s.id for s in c.sources), *(q.id for q in c.questions)}


def test_a_reworded_heading_keeps_its_key_and_every_question_its_id() -> None:
    """`& Taste` → `and Taste` in both lists: the topic's old key everywhere, no id new."""
    after, before = carried_after(READING.replace("& Taste", "and Taste"),
                                  QUESTIONS.replace("& Taste", "and Taste"))

    assert ids(after.catalog) == ids(before)
    topic = after.catalog.topics[1]
    assert (topic.key, topic.title) == ("experiment-design-taste", "Experiment Design and Taste")
    assert {p.topic_key for s in after.catalog.sources for p in s.placements} == {
        "alpha-topic", "experiment-design-taste"}
    assert {j.topic_key for j in after.catalog.joins} == {"alpha-topic", "experiment-design-taste"}
    assert [r.line for r in after.reworded] == [
        'reworded in the list: "Experiment Design & Taste" → "Experiment Design and Taste" '
        '(note kept: topic/Experiment Design & Taste.md)'
    ]
    assert after.kept["t-experiment-design-and-taste"] == "t-experiment-design-taste"
    assert len(after.kept) == 4  # the topic and its three questions, by their words' ids
    assert after.ambiguous == ()
    assert after.held == frozenset()


def test_the_kept_map_carries_a_rewording_again_without_reporting_it() -> None:
    """The next sync's memory (new words, kept map) gives the same ids and no report."""
    edited = READING.replace("& Taste", "and Taste")
    first, before = carried_after(edited)
    _, notes = remembered(before)
    memory = Memory(frozenset(ids(before)), first.remembered(Memory(), notes.keys()), first.kept)

    again = carry(catalog(edited), memory, notes)

    assert ids(again.catalog) == ids(before)
    assert again.reworded == ()
    assert again.kept == first.kept


def test_a_heading_keeps_its_note_by_number_when_one_of_its_sources_stayed() -> None:
    """Same number and a source still under it: kept, however different the title."""
    assert similarity("Experiment Design & Taste", "Research Taste") < PLACED
    kept, before = carried_after(READING.replace("Experiment Design & Taste", "Research Taste"))

    assert kept.catalog.topics[1].id == before.topics[1].id
    assert [r.new for r in kept.reworded] == ["Research Taste"]


def section_2(text: str, new: str) -> str:
    """`text` (READING3 or QUESTIONS3) with its section 2 replaced by `new`."""
    marks = text[:text.index(" ")]  # "##" in the reading list, "#" in the syllabus
    start, end = text.index(f"{marks} 2. "), text.index(f"{marks} 3. ")
    return f"{text[:start]}{new}\n{text[end:]}"


def test_a_replaced_topic_at_the_same_number_is_a_new_topic() -> None:
    """Topic 2 replaced in both lists (another title, other sources, other questions): not a
    rewording, whatever word the titles share; the old hub is simply no longer listed."""
    questions = "# 2. Reading Group Logistics\n\n* Who picks the next paper?\n"
    after, before = carried_after(
        section_2(READING3, LOGISTICS), section_2(QUESTIONS3, questions),
        base=(READING3, QUESTIONS3))

    assert similarity("Experiment Design & Taste", "Reading Group Logistics") < DOUBT
    assert after.catalog.topics[1].id == "t-reading-group-logistics"
    assert (after.reworded, after.ambiguous, after.held) == ((), (), frozenset())
    assert before.topics[1].id not in ids(after.catalog)


def test_a_topic_whose_sources_were_all_replaced_but_questions_stayed_is_ambiguous() -> None:
    """The reading list replaced topic 2, the syllabus kept its section 2 (joined by number):
    the lists disagree, so the topic and its questions wait; `--new` makes them new."""
    edited = section_2(READING3, LOGISTICS)
    after, before = carried_after(edited, QUESTIONS3, base=(READING3, QUESTIONS3))
    accepted, _ = carried_after(edited, QUESTIONS3, base=(READING3, QUESTIONS3), accept_new=True)

    (doubt,) = after.ambiguous
    assert (doubt.kind, doubt.new, doubt.old) == (
        Kind.TOPIC, ("Reading Group Logistics",), ("Experiment Design & Taste",))
    assert doubt.hint == SOURCES_REPLACED
    assert "t-reading-group-logistics" in after.held
    assert {q.id for q in after.catalog.questions if q.topic_key == "reading-group-logistics"
            } <= after.held
    assert after.reworded == ()
    assert (accepted.ambiguous, accepted.held, accepted.reworded) == ((), frozenset(), ())
    assert accepted.catalog.topics[1].id == "t-reading-group-logistics"
    assert before.topics[1].id not in ids(accepted.catalog)


def test_a_topic_at_its_number_with_only_a_middling_title_in_common_is_ambiguous() -> None:
    """Nothing stayed but the number and part of the title: in doubt, not guessed."""
    title = "Experimental Ethics"
    assert DOUBT <= similarity("Experiment Design & Taste", title) < SIMILAR
    after, _ = carried_after(
        section_2(READING3, LOGISTICS.replace("Reading Group Logistics", title)),
        section_2(QUESTIONS3, f"# 2. {title}\n\n* Who reviews the protocol?\n"),
        base=(READING3, QUESTIONS3))

    (doubt,) = after.ambiguous
    assert (doubt.new, doubt.hint) == ((title,), SAME_NUMBER)
    assert after.reworded == ()


def test_an_unnumbered_heading_keeps_its_note_by_a_similar_title_or_the_same_sources() -> None:
    """Without numbers: a title on the far side of `SIMILAR` is a new topic, unless the
    heading still holds the same sources (its URLs), which no rewording changes."""
    unnumbered = READING.replace("## 1. ", "## ").replace("## 2. ", "## ")
    base = combine(readlist.parse(unnumbered), syllabus.parse(""))
    memory, notes = remembered(base)
    close, far = "Experiment Design and Taste", "Experiment Budgets"
    assert similarity("Experiment Design & Taste", close) >= SIMILAR
    assert similarity("Experiment Design & Taste", far) < SIMILAR

    def carried(title: str, url: str = "https://example.com/taste") -> Carried:
        edited = unnumbered.replace("Experiment Design & Taste", title).replace(
            "https://example.com/taste", url)
        return carry(combine(readlist.parse(edited), syllabus.parse("")), memory, notes)

    assert carried(close, "https://example.com/other").catalog.topics[1].key == (
        "experiment-design-taste")
    assert carried(far, "https://example.com/other").catalog.topics[1].key == (
        "experiment-budgets")
    same_sources = carried(far)
    assert same_sources.catalog.topics[1].key == "experiment-design-taste"
    assert [r.line for r in same_sources.reworded] == [
        'reworded in the list: "Experiment Design & Taste" → "Experiment Budgets" '
        '(note kept: topic/Experiment Design & Taste.md)']


def test_a_reworded_question_keeps_its_id() -> None:
    """A question sharpened in place keeps the id, and so the note, it had."""
    after, before = carried_after(questions=QUESTIONS.replace(
        "How do you choose the next experiment?", "How do you choose your next experiment?"))

    assert ids(after.catalog) == ids(before)
    (rewording,) = after.reworded
    assert (rewording.kind, rewording.old, rewording.new) == (
        Kind.QUESTION, "How do you choose the next experiment?",
        "How do you choose your next experiment?")


def test_a_heading_and_one_of_its_questions_reworded_together_keep_every_id() -> None:
    """The question is matched within the topic as carried: both are reported, none is new."""
    after, before = carried_after(
        READING.replace("& Taste", "and Taste"),
        QUESTIONS.replace("& Taste", "and Taste").replace("the next experiment", "your next test"),
    )

    assert ids(after.catalog) == ids(before)
    assert [r.kind for r in after.reworded] == [Kind.TOPIC, Kind.QUESTION]


def test_a_question_rewritten_in_its_place_keeps_its_id_only_if_its_level_kept_its_length(
) -> None:
    """Less similar words (`PLACED` or more) at the same place: kept; one more question in
    that level: the place means nothing, so it is new."""
    old, new = "How do you avoid confirmation bias?", "Which checks catch confirmation bias early?"
    assert PLACED <= similarity(old, new) < SIMILAR
    in_place, before = carried_after(questions=QUESTIONS.replace(old, new))
    with_another, _ = carried_after(
        questions=QUESTIONS.replace(old, f"{new}\n* What is a good baseline?"))

    assert ids(in_place.catalog) == ids(before)
    assert [q.id for q in with_another.catalog.questions if q.text == new] != [
        q.id for q in before.questions if q.text == old]
    assert with_another.reworded == ()


def test_a_question_replaced_in_its_place_is_new_and_the_old_one_is_no_longer_listed() -> None:
    """Another question in the same place (it shares "model", and little else) is a new
    question: the old note, with its answer, is never put under it."""
    old = "When does SFT help, and when does it actively hurt a model?"
    new = "Which tokenizer choices change how a model counts digits?"
    base = QUESTIONS.replace("How do you avoid confirmation bias?", old)
    assert similarity(old, new) < DOUBT
    after, before = carried_after(questions=base.replace(old, new), base=(READING, base))

    assert (after.reworded, after.ambiguous, after.held, after.kept) == ((), (), frozenset(), {})
    (was,) = [q.id for q in before.questions if q.text == old]
    (now,) = [q.id for q in after.catalog.questions if q.text == new]
    assert was not in ids(after.catalog)
    assert now not in ids(before)


def test_a_question_half_rewritten_in_its_place_is_ambiguous() -> None:
    """Some words in common and the same place: neither kept nor new until the user says."""
    old = "When is it better to stop exploring a direction?"
    new = "When is a direction worth a second try?"
    assert DOUBT <= similarity(old, new) < PLACED
    after, before = carried_after(questions=QUESTIONS.replace(old, new))
    accepted, _ = carried_after(questions=QUESTIONS.replace(old, new), accept_new=True)

    (doubt,) = after.ambiguous
    assert (doubt.kind, doubt.new, doubt.old) == (Kind.QUESTION, (new,), (old,))
    assert doubt.hint == IN_PLACE
    assert after.held == set(doubt.held)
    assert after.reworded == ()
    assert "`vaultkit sync --new`" in doubt.line
    assert (accepted.ambiguous, accepted.held, accepted.reworded) == ((), frozenset(), ())
    assert not {q.id for q in accepted.catalog.questions if q.text == new} & ids(before)


def test_near_identical_rewordings_are_ambiguous_and_get_no_note() -> None:
    """One question became two almost alike: neither is guessed; both are held back."""
    old = "How do you choose the next experiment?"
    after, before = carried_after(questions=QUESTIONS.replace(f"* {old}", TWINS))

    (doubt,) = after.ambiguous
    assert doubt.old == (old,)
    assert set(doubt.new) == {"How do you choose the next experiments?",
                              "How do you choose the next experiment now?"}
    assert after.held == set(doubt.held)
    assert len(after.held) == 2
    assert "`vaultkit sync --new`" in doubt.line
    assert "one entry at a time" in doubt.line
    assert after.reworded == ()
    assert after.kept == {}
    assert not after.held & ids(before)


def test_accepting_new_entries_holds_nothing_back() -> None:
    """`accept_new`: the twins are new entries, not a question to the user."""
    after, _ = carried_after(
        questions=QUESTIONS.replace("* How do you choose the next experiment?", TWINS),
        accept_new=True)

    assert after.ambiguous == ()
    assert after.held == frozenset()


def test_a_source_with_a_new_title_is_reported_and_keeps_its_id() -> None:
    """The URL is the source's identity: a new title is reported, nothing else changes."""
    after, before = carried_after(READING.replace("[Alpha One]", "[Alpha One, revised]"))

    assert ids(after.catalog) == ids(before)
    assert [(r.kind, r.old, r.new) for r in after.reworded] == [
        (Kind.SOURCE, "Alpha One", "Alpha One, revised")]


def test_an_entry_without_a_note_is_never_a_candidate() -> None:
    """A remembered entry whose note is gone is not matched: the new wording is new."""
    before = catalog()
    memory, notes = remembered(before)
    del notes[before.topics[1].id]

    after = carry(catalog(READING.replace("& Taste", "and Taste")), memory, notes)

    assert after.catalog.topics[1].key == "experiment-design-and-taste"


# -- the memory's files ----------------------------------------------------------------------


@pytest.fixture
def laptop(monkeypatch: pytest.MonkeyPatch) -> str:
    """This process is the device "laptop"."""
    monkeypatch.setenv(DEVICE_VARIABLE, "laptop")
    return f"{STATE_FOLDER}/laptop.json"


def test_memory_round_trips_in_sorted_deterministic_bytes(tmp_path: Path, laptop: str) -> None:
    """Written twice from the same memory: the same bytes, keys sorted, format 2, in this
    device's file only."""
    after, before = carried_after(READING.replace("& Taste", "and Taste"))
    entries = after.remembered(Memory(), ids(before))
    seen.remember(tmp_path, ids(before), entries=entries, kept=after.kept)
    first = (tmp_path / laptop).read_bytes()
    seen.remember(tmp_path, [], entries=dict(reversed(entries.items())), kept=after.kept)

    assert (tmp_path / laptop).read_bytes() == first
    data = json.loads(first)
    assert (data["format"], data["generation"]) == (2, 1)
    assert list(data) == sorted(data)
    assert data["entries"]["s-f67a23e584"]["topics"] == ["experiment-design-taste"]
    assert seen.recall(tmp_path) == Memory(frozenset(ids(before)), entries, after.kept)
    assert seen.glance(tmp_path).kept == after.kept
    assert sorted(p.name for p in (tmp_path / STATE_FOLDER).iterdir()) == ["laptop.json"]
    assert not (tmp_path / STATE_FILE).exists()


def test_a_format_1_file_is_read_and_merged_into_this_devices_file(
    tmp_path: Path, laptop: str
) -> None:
    """`{"format": 1, "known": […]}` is a memory without entries; the next write is this
    device's file in format 2, and the old file is left as it was (another device may still
    run an older vaultkit)."""
    (tmp_path / ".vaultkit").mkdir()
    (tmp_path / STATE_FILE).write_text('{"format": 1, "known": ["t-a", "q-b"]}\n')

    assert seen.recall(tmp_path) == Memory(frozenset({"t-a", "q-b"}))
    seen.remember(tmp_path, ["s-c"])

    data = json.loads((tmp_path / laptop).read_text())
    assert (data["format"], data["known"], data["entries"]) == (2, ["q-b", "s-c", "t-a"], {})
    assert (tmp_path / STATE_FILE).read_text() == '{"format": 1, "known": ["t-a", "q-b"]}\n'


def test_two_devices_each_write_their_own_file_and_readers_merge_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two computers syncing one vault: neither drops what the other learned; where they
    disagree, the one that wrote after reading the other wins, whatever the clocks say."""
    def on(name: str) -> None:
        monkeypatch.setenv(DEVICE_VARIABLE, name)

    on("laptop")
    seen.remember(tmp_path, ["t-a"], kept={"q-x": "q-old", "q-y": "q-1"})
    on("desktop")  # has not seen the laptop's file yet (the sync tool is slow): its own view
    (tmp_path / STATE_FOLDER / "laptop.json").rename(tmp_path / "aside.json")
    seen.remember(tmp_path, ["t-b"], kept={"q-x": "q-new"})
    (tmp_path / "aside.json").rename(tmp_path / STATE_FOLDER / "laptop.json")

    both = seen.recall(tmp_path)
    assert both is not None
    assert both.known == {"t-a", "t-b"}
    # Both wrote generation 1: the tie goes to the greater name, "laptop".
    assert both.kept == {"q-x": "q-old", "q-y": "q-1"}
    seen.remember(tmp_path, [], kept={**both.kept, "q-x": "q-new"})  # desktop, having read all
    assert seen.glance(tmp_path).kept == {"q-x": "q-new", "q-y": "q-1"}
    assert sorted(p.name for p in (tmp_path / STATE_FOLDER).iterdir()) == [
        "desktop.json", "laptop.json"]
    assert json.loads((tmp_path / STATE_FOLDER / "desktop.json").read_text())["generation"] == 2


def test_conflict_copies_of_the_old_file_are_merged(tmp_path: Path, laptop: str) -> None:
    """Syncthing's and Dropbox's copies of a state.json two devices wrote at once: read too."""
    (tmp_path / ".vaultkit").mkdir()
    for name, known in (("state.json", "t-a"), ("state.sync-conflict-20260101-1-ABC.json", "t-b"),
                        ("state (conflicted copy 2026-01-01).json", "t-c"),
                        ("states.json", "t-not-a-copy")):
        (tmp_path / ".vaultkit" / name).write_text(json.dumps({"format": 1, "known": [known]}))

    memory = seen.recall(tmp_path)

    assert memory is not None
    assert memory.known == {"t-a", "t-b", "t-c"}


def test_the_device_name_is_made_once_and_kept_outside_the_vault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`<hostname>-<8 hex>`, the same on every call; without a home, the hostname alone."""
    monkeypatch.delenv(DEVICE_VARIABLE, raising=False)
    kept = tmp_path / "home" / ".local/state/vaultkit/device"
    monkeypatch.setattr(seen, "_device_file", lambda: kept)

    name = seen.device()

    assert re.fullmatch(r"[A-Za-z0-9_.-]+-[0-9a-f]{8}", name)
    assert seen.device() == name
    assert kept.read_text(encoding="utf-8") == f"{name}\n"
    monkeypatch.setattr(seen, "_device_file", lambda: None)
    assert seen.device() == name.rsplit("-", 1)[0]


def test_a_device_file_that_holds_no_usable_name_gives_the_hostname(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file someone wrote by hand (`a name/with a slash`) is neither trusted nor replaced,
    and never makes `device` call itself forever: the hostname alone names the device."""
    monkeypatch.delenv(DEVICE_VARIABLE, raising=False)
    kept = tmp_path / "device"
    kept.write_text("a name/with a slash\n", encoding="utf-8")
    monkeypatch.setattr(seen, "_device_file", lambda: kept)

    name = seen.device()

    assert re.fullmatch(r"[A-Za-z0-9_.-]+", name)
    assert kept.read_text(encoding="utf-8") == "a name/with a slash\n"


@pytest.mark.parametrize("text", ["{", '{"known": 3}', '{"known": [], "entries": {"x": 1}}'])
def test_a_corrupt_memory_is_ignored_with_a_warning(
    tmp_path: Path, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Unreadable memory counts as none, and says so."""
    (tmp_path / ".vaultkit").mkdir()
    (tmp_path / STATE_FILE).write_text(text)

    with caplog.at_level(logging.WARNING):
        assert seen.recall(tmp_path) is None
    assert "ignoring .vaultkit/state.json" in caplog.text


def test_held_entries_round_trip_and_the_newest_file_says_what_is_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`held` is written only when there is some, read back as written, and taken whole from
    the newest file: a doubt another device resolved is not kept alive by a union."""
    held = {"q-new": seen.Held("question", "New words?", (("q-old", "Old words?"),),
                                "reword it closer", "Lists/Question syllabus.md", 12)}
    monkeypatch.setenv(DEVICE_VARIABLE, "laptop")
    seen.remember(tmp_path, ["q-old"])
    assert "held" not in json.loads((tmp_path / STATE_FOLDER / "laptop.json").read_text())
    seen.remember(tmp_path, [], held=held)

    assert json.loads((tmp_path / STATE_FOLDER / "laptop.json").read_text())["held"] == {
        "q-new": {"kind": "question", "text": "New words?", "could_be": {"q-old": "Old words?"},
                  "hint": "reword it closer", "list": "Lists/Question syllabus.md", "line": 12}}
    memory = seen.recall(tmp_path)
    assert memory is not None
    assert memory.held == held
    assert seen.glance(tmp_path).held == held
    monkeypatch.setenv(DEVICE_VARIABLE, "desktop")  # has read the laptop's file: newer
    seen.remember(tmp_path, [], held={})
    assert seen.glance(tmp_path).held == {}
    again = seen.recall(tmp_path)
    assert again is not None
    assert again.held == {}


def test_a_glance_reads_what_recall_reads_without_the_entries(
    tmp_path: Path, laptop: str
) -> None:
    """The build's quick read of the memory agrees with the whole read, for a file `dump`
    wrote and for one laid out otherwise (written by hand, or by another tool)."""
    after, before = carried_after(READING.replace("& Taste", "and Taste"))
    held = {"q-x": seen.Held("question", "X?", (("q-y", "Y?"),), "hint", None, None)}
    seen.remember(tmp_path, ids(before), entries=after.remembered(Memory(), ids(before)),
                  kept=after.kept, held=held)
    memory = seen.recall(tmp_path)
    assert memory is not None

    glanced = seen.glance(tmp_path)

    assert (glanced.kept, glanced.held) == (memory.kept, memory.held) == (after.kept, held)
    assert glanced.entries == {}
    (tmp_path / laptop).write_text(json.dumps(json.loads((tmp_path / laptop).read_text())))
    assert (seen.glance(tmp_path).kept, seen.glance(tmp_path).held) == (after.kept, held)
    (tmp_path / laptop).write_text('{"format": 2, "kept": {"a": "b"}}')  # no `known`: unusable
    assert seen.glance(tmp_path).kept == {}


def test_a_question_moved_word_for_word_to_another_topic_keeps_its_note_and_says_so() -> None:
    """Cut from topic 2, pasted under topic 1: no duplicate and no stranded answer. The note
    keeps its id (its `topic:` is the user's to change), and the report says it moved."""
    moved = "* How do you avoid confirmation bias?\n"
    edited = QUESTIONS.replace(moved, "").replace(
        "* Why does alpha saturate at scale?\n", "* Why does alpha saturate at scale?\n" + moved)
    after, before = carried_after(READING, edited)

    assert ids(after.catalog) == ids(before)
    [line] = [r.line for r in after.reworded]
    assert line.startswith('moved in the list: "How do you avoid confirmation bias?" is under '
                           "another topic (note kept: question/")
    assert after.ambiguous == ()


def test_a_rewording_learnt_already_is_not_reported_again() -> None:
    """Another device's memory, merged in, already holds the new words for the old note: the
    note is kept, and no "X → X" line reports what the user did not do here."""
    reworded = QUESTIONS.replace("avoid confirmation bias?", "avoid confirmation bias at all?")
    before = catalog()
    memory, notes = remembered(before)
    [old_id] = [i for i, e in memory.entries.items() if e.text.endswith("confirmation bias?")]
    entries = dict(memory.entries)
    entries[old_id] = dataclasses.replace(entries[old_id],
                                          text="How do you avoid confirmation bias at all?")
    again = carry(catalog(READING, reworded), Memory(memory.known, entries), notes)
    assert ids(again.catalog) == ids(before)
    assert [r.line for r in again.reworded] == []
