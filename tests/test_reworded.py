"""`scaffold.reworded`: a list entry whose words changed keeps its note; doubt makes no note.

Each test builds a catalog from two small lists, remembers it as a vault would after `init`
(every entry with a note), edits the lists' text, and carries the new catalog over. The
memory's file format (`vault.seen`) is tested at the end.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path, PurePosixPath

import pytest

from vaultkit.lists import readlist, syllabus
from vaultkit.lists.joins import combine
from vaultkit.model import Catalog, Kind
from vaultkit.scaffold.reworded import SIMILAR, Carried, carry, similarity, snapshot
from vaultkit.vault import seen
from vaultkit.vault.seen import STATE_FILE, Memory

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


def catalog(reading: str = READING, questions: str = QUESTIONS) -> Catalog:
    return combine(readlist.parse(reading), syllabus.parse(questions))


def remembered(before: Catalog) -> tuple[Memory, dict[str, PurePosixPath]]:
    """The memory and the notes of a vault made from `before`: every entry has its note."""
    entries = snapshot(before)
    notes = {note_id: PurePosixPath(f"{entry.kind}/{entry.text}.md")
             for note_id, entry in entries.items()}
    return Memory(frozenset(entries), entries), notes


def carried_after(reading: str = READING, questions: str = QUESTIONS, *,
                  accept_new: bool = False) -> tuple[Carried, Catalog]:
    """The edited lists carried over the memory of the original ones, and the original."""
    before = catalog()
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


def test_a_heading_keeps_its_note_by_number_when_a_word_is_shared() -> None:
    """Same number and a word in common is enough; same number and nothing shared is not."""
    assert similarity("Experiment Design & Taste", "Research Taste") < SIMILAR
    kept, before = carried_after(READING.replace("Experiment Design & Taste", "Research Taste"))
    other, _ = carried_after(READING.replace("Experiment Design & Taste", "Scaling Laws"))

    assert kept.catalog.topics[1].id == before.topics[1].id
    assert other.catalog.topics[1].id == "t-scaling-laws"
    assert other.reworded == ()


def test_an_unnumbered_heading_keeps_its_note_only_above_the_threshold() -> None:
    """Without numbers, titles must be similar: one side of `SIMILAR` kept, the other new."""
    unnumbered = READING.replace("## 1. ", "## ").replace("## 2. ", "## ")
    base = combine(readlist.parse(unnumbered), syllabus.parse(""))
    memory, notes = remembered(base)
    close, far = "Experiment Design and Taste", "Experiment Budgets"
    assert similarity("Experiment Design & Taste", close) >= SIMILAR
    assert similarity("Experiment Design & Taste", far) < SIMILAR

    def carried(title: str) -> Carried:
        edited = unnumbered.replace("Experiment Design & Taste", title)
        return carry(combine(readlist.parse(edited), syllabus.parse("")), memory, notes)

    assert carried(close).catalog.topics[1].key == "experiment-design-taste"
    assert carried(far).catalog.topics[1].key == "experiment-budgets"


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
    """Dissimilar words at the same place, with a word in common: kept; one more question in
    that level: the place means nothing, so it is new."""
    old, new = "How do you avoid confirmation bias?", "Which checks catch confirmation bias early?"
    assert similarity(old, new) < SIMILAR
    in_place, before = carried_after(questions=QUESTIONS.replace(old, new))
    with_another, _ = carried_after(
        questions=QUESTIONS.replace(old, f"{new}\n* What is a good baseline?"))

    assert ids(in_place.catalog) == ids(before)
    assert [q.id for q in with_another.catalog.questions if q.text == new] != [
        q.id for q in before.questions if q.text == old]
    assert with_another.reworded == ()


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


# -- the memory's file ---------------------------------------------------------------------


def test_memory_round_trips_in_sorted_deterministic_bytes(tmp_path: Path) -> None:
    """Written twice from the same memory: the same bytes, keys sorted, format 2."""
    after, before = carried_after(READING.replace("& Taste", "and Taste"))
    entries = after.remembered(Memory(), ids(before))
    seen.remember(tmp_path, ids(before), entries=entries, kept=after.kept)
    first = (tmp_path / STATE_FILE).read_bytes()
    seen.remember(tmp_path, [], entries=dict(reversed(entries.items())), kept=after.kept)

    assert (tmp_path / STATE_FILE).read_bytes() == first
    data = json.loads(first)
    assert data["format"] == 2
    assert list(data) == sorted(data)
    assert seen.recall(tmp_path) == Memory(frozenset(ids(before)), entries, after.kept)
    assert seen.kept_ids(tmp_path) == after.kept


def test_a_format_1_file_is_read_and_upgraded_on_the_next_write(tmp_path: Path) -> None:
    """`{"format": 1, "known": […]}` is a memory without entries; writing makes it format 2."""
    (tmp_path / ".vaultkit").mkdir()
    (tmp_path / STATE_FILE).write_text('{"format": 1, "known": ["t-a", "q-b"]}\n')

    assert seen.recall(tmp_path) == Memory(frozenset({"t-a", "q-b"}))
    seen.remember(tmp_path, ["s-c"])

    data = json.loads((tmp_path / STATE_FILE).read_text())
    assert (data["format"], data["known"], data["entries"]) == (2, ["q-b", "s-c", "t-a"], {})


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
