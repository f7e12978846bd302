"""The lists as the vault knows them: an entry the user reworded keeps the note it had.

A topic's key is a slug of its heading and a question's id a hash of its words, so rewording
either would make a new note and orphan the old one, answers and all. `carry` compares the
entries that are new in the list with those the vault's memory (`vault.seen`) has notes for
and that left the list, and gives each rewording its old identity back. Similarity is
`similarity` (0–1); the rules, in order:

- "Similar": a new entry and a gone one that are each other's best match at `SIMILAR` (0.7) or
  more, ahead of every rival by `MARGIN`, are one entry reworded. Rivals closer than that are
  ambiguous.
- A question, within its (carried) topic, at the same level and the same place among that
  level's questions (when the level has as many as before): kept at `PLACED` (0.55) or more;
  ambiguous from `DOUBT` (0.4); below that a new question (the old one is "not listed").
  Distinct questions of one topic in the shipped syllabus score 0.33 at the median, 0.4 or
  more in 95 pairs of 404, 0.55 or more in 4: a place settles a middling score, never a low one.
- A topic with the same number (unique on both sides): kept when one of its sources (by URL)
  is still under it, or when its questions (same words) are or its title is similar and its
  sources were not all replaced. Ambiguous when its questions or title stayed but its sources
  were all replaced, or when nothing stayed and its title scores `DOUBT` or more. Else a new
  topic. (Distinct shipped topics' titles score up to 0.64: a middling title proves nothing.)
- A topic without a number (or whose number another shares): "similar" by the better of its
  title's similarity and the share of its sources (by URL) it has in common with the gone one,
  so a heading reworded beyond recognition over the same sources keeps its hub.
- A source: its URL is its identity already; a new title is only reported.

An ambiguous entry is reported and given no note at all (a wrong carry, which puts the user's
answer under another question, is worse than a duplicate, and a duplicate is worse than a note
made one sync later); `sync --new` gives it a note of its own. Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from vaultkit.model import Catalog, Kind, Question, Topic, fold
from vaultkit.scaffold.likeness import SIMILAR, pair, similarity
from vaultkit.vault.seen import Entry, Memory

PLACED = 0.55
"""Least similarity of a question in the same place to be kept (99th percentile, above)."""
DOUBT = 0.4
"""From here, the same place or number makes an entry ambiguous, not new (77th percentile)."""

_OWN_NOTE = "or run `vaultkit sync --new` to give it a note of its own"
TIED = ("reword one entry at a time and sync in between, or run `vaultkit sync --new` to give "
        "the new entries notes of their own")
IN_PLACE = ("it is in that question's place but shares only some of its words: reword it "
            f"closer to them and sync to keep that note, {_OWN_NOTE}")
SOURCES_REPLACED = ("its title or questions stayed but none of its sources did: list one of "
                    f"them under it and sync to keep that note, {_OWN_NOTE}")
SAME_NUMBER = ("it has that topic's number and some of its title, no source or question: list "
               f"one of its sources under it and sync to keep that note, {_OWN_NOTE}")

@dataclass(frozen=True, slots=True)
class Rewording:
    """A list entry whose words changed and whose note is kept."""

    kind: Kind
    old: str
    new: str
    path: PurePosixPath | None
    """Where the vault has the note."""
    moved: bool = False
    """The same words under another topic: the note's `topic:` still names the old one."""

    @property
    def line(self) -> str:
        """The report line: `reworded in the list: "old" → "new" (note kept: path)`."""
        kept = f"note kept: {self.path}" if self.path is not None else "note kept"
        if self.moved:
            return (f'moved in the list: "{self.new}" is under another topic ({kept}; its '
                    "`topic:` property still names the old one: change it to move the note)")
        return f'reworded in the list: "{self.old}" → "{self.new}" ({kept})'


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """New entries that could each be one of several reworded entries: given no note."""

    kind: Kind
    new: tuple[str, ...]
    """The list's new wordings."""
    old: tuple[str, ...]
    """The remembered wordings they could be."""
    paths: tuple[PurePosixPath, ...]
    """Where the vault has the notes of `old`."""
    held: tuple[str, ...]
    """Ids of the new entries, which get no note while this lasts."""
    hint: str = TIED
    """Why it is in doubt, and the ways out."""

    @property
    def line(self) -> str:
        """The report line, with the ways out."""
        new = ", ".join(f'"{text}"' for text in self.new)
        old = " or ".join(f'"{text}"' for text in self.old)
        where = ", ".join(str(path) for path in self.paths)
        return (f"ambiguous in the list: {self.kind} {new} could be {old} reworded ({where}); "
                f"no note made: {self.hint}")


@dataclass(frozen=True, slots=True)
class Carried:
    """The catalog as the vault knows it, and what changed in the lists' words."""

    catalog: Catalog
    """Reworded entries carry their old identity (topic key, question id)."""
    reworded: tuple[Rewording, ...] = ()
    ambiguous: tuple[Ambiguity, ...] = ()
    held: frozenset[str] = frozenset()
    """Ids of entries that get no note: ambiguous ones and the questions of ambiguous topics."""
    kept: Mapping[str, str] = field(default_factory=dict)
    """The id an entry's words give → the id it carries, for every entry where they differ."""

    def remembered(self, before: Memory, with_notes: Collection[str]) -> dict[str, Entry]:
        """The memory's new snapshot: every entry that has a note, in its current wording;
        entries that left the lists are kept while their notes are (they may come back)."""
        listed = snapshot(self.catalog)
        kept = {i: e for i, e in before.entries.items() if i in with_notes and i not in listed}
        return kept | {i: e for i, e in listed.items() if i in with_notes}


def carry(catalog: Catalog, memory: Memory | None, notes: Mapping[str, PurePosixPath], *,
          accept_new: bool = False) -> Carried:
    """The catalog with reworded entries given back the identity of their notes.

    `notes` is where the vault has each note id; `accept_new` gives ambiguous entries notes of
    their own instead of holding them back.
    """
    return _Carrier(memory or Memory(), notes, accept_new=accept_new).carry(catalog)


def snapshot(catalog: Catalog) -> dict[str, Entry]:
    """What the memory keeps of each entry of the catalog, by id."""
    entries: dict[str, Entry] = {
        t.id: Entry(Kind.TOPIC, t.title, number=t.number) for t in catalog.topics
    }
    for s in catalog.sources:
        entries[s.id] = Entry(Kind.SOURCE, s.title, url=s.url,
                              topics=tuple(dict.fromkeys(p.topic_key for p in s.placements)))
    for q, position in zip(catalog.questions, _positions(catalog.questions), strict=True):
        entries[q.id] = Entry(Kind.QUESTION, q.text, topic=q.topic_key, level=_level(q),
                              position=position)
    return entries


class _Carrier:
    """One run of `carry`: what it knows, and what it found so far."""

    def __init__(
        self, memory: Memory, notes: Mapping[str, PurePosixPath], *, accept_new: bool
    ) -> None:
        self.memory = memory
        self.notes = notes
        self.accept_new = accept_new
        self.known = memory.known | notes.keys()
        self.olds = {i: e for i, e in memory.entries.items() if i in notes}
        """What the memory says of the entries whose notes the vault has."""
        self.reworded: list[Rewording] = []
        self.ambiguous: list[Ambiguity] = []
        self.held: set[str] = set()

    def carry(self, catalog: Catalog) -> Carried:
        keys = self._topics(catalog)
        held_topics = {i.removeprefix("t-") for i in self.held if i.startswith("t-")}
        carried = _rekey(catalog, keys)
        carried = replace(carried, questions=self._questions(catalog, carried, held_topics))
        for source in carried.sources:
            before = self.olds.get(source.id)
            if before is not None and before.text != source.title:
                self._reworded(Kind.SOURCE, before.text, source.title, source.id)
        kept = {raw.id: now.id for raw, now in zip(catalog.topics, carried.topics, strict=True)
                if raw.id != now.id}
        kept |= {raw.id: now.id
                 for raw, now in zip(catalog.questions, carried.questions, strict=True)
                 if raw.id != now.id}
        return Carried(carried, tuple(self.reworded), tuple(self.ambiguous),
                       frozenset(self.held), kept)

    def _reworded(self, kind: Kind, old: str, new: str, note_id: str, *,
                  moved: bool = False) -> None:
        if fold(old) == fold(new) and not moved:
            return  # learnt already (by another device, say): nothing the user did here
        self.reworded.append(Rewording(kind, old, new, self.notes[note_id], moved))

    def _ambiguous(self, kind: Kind, new: Sequence[tuple[str, str]],
                   old: Sequence[tuple[str, Entry]], hint: str = TIED) -> None:
        """New (id, text) entries too close to call between the old (id, entry) ones."""
        if self.accept_new:
            return
        self.held.update(i for i, _ in new)
        self.ambiguous.append(Ambiguity(
            kind, tuple(text for _, text in new), tuple(e.text for _, e in old),
            tuple(self.notes[i] for i, _ in old), tuple(i for i, _ in new), hint,
        ))

    # -- topics --------------------------------------------------------------------------------

    def _topics(self, catalog: Catalog) -> dict[str, str]:
        """Raw topic key → the key it carries; topics in doubt are noted in `held`."""
        listed = {t.id for t in catalog.topics}
        keys: dict[str, str] = {}
        for topic in catalog.topics:  # rewordings matched before
            target = self.memory.kept.get(topic.id)
            if target is not None and target.startswith("t-") and target not in listed:
                listed.add(target)
                keys[topic.key] = target.removeprefix("t-")
        new = [t for t in catalog.topics if t.key not in keys and t.id not in self.known]
        old = [(i, e) for i, e in self.olds.items() if e.kind == Kind.TOPIC and i not in listed]
        if not new or not old:
            return keys
        pairs: list[tuple[Topic, tuple[str, Entry]]] = []
        doubts: list[tuple[list[Topic], list[tuple[str, Entry]], str]] = []
        new_numbers = Counter(t.number for t in new if t.number)
        old_numbers = Counter(e.number for _, e in old if e.number)
        for topic in new:
            if topic.number and new_numbers[topic.number] == 1 == old_numbers[topic.number]:
                match = next(o for o in old if o[1].number == topic.number)
                verdict = self._same_number(catalog, topic, *match)
                if verdict == "":
                    pairs.append((topic, match))
                elif verdict is not None:
                    doubts.append(([topic], [match], verdict))
        paired_new = {t.key for t, _ in pairs} | {d[0][0].key for d in doubts}
        paired_old = {i for _, (i, _) in pairs} | {d[1][0][0] for d in doubts}
        # Without a number, a similar title; or the same sources under a new heading (the list
        # names its sources by URL, which no rewording changes).
        similar, ties = pair(
            [t for t in new if t.key not in paired_new],
            [o for o in old if o[0] not in paired_old],
            lambda t, o: max(similarity(t.title, o[1].text),
                             _overlap(self._sources_before(o[0]), _sources_now(catalog, t))),
        )
        for topic, (old_id, entry) in (*pairs, *similar):
            keys[topic.key] = old_id.removeprefix("t-")
            self._reworded(Kind.TOPIC, entry.text, topic.title, old_id)
        for tied_new, tied_old, hint in (*((n, o, TIED) for n, o in ties), *doubts):
            self._ambiguous(Kind.TOPIC, [(t.id, t.title) for t in tied_new], tied_old, hint)
        return keys

    def _same_number(self, catalog: Catalog, topic: Topic, old_id: str, entry: Entry
                     ) -> str | None:
        """A topic at a gone topic's number: "" when it is that topic reworded, a hint when
        that is in doubt, None when it is another topic (the rules: module docstring)."""
        old_key = old_id.removeprefix("t-")
        remembered = self.memory.entries.items()
        sources_before = self._sources_before(old_id)
        sources_now = _sources_now(catalog, topic)
        if sources_before & sources_now:
            return ""
        questions_before = {fold(e.text) for _, e in remembered
                            if e.kind == Kind.QUESTION and e.topic == old_key}
        title = similarity(topic.title, entry.text)
        if title >= SIMILAR or questions_before & {fold(q.text) for q in catalog.questions
                                                   if q.topic_key == topic.key}:
            # Sources on both sides and none in common: the reading list says another topic.
            return SOURCES_REPLACED if sources_before and sources_now else ""
        return SAME_NUMBER if title >= DOUBT else None

    def _moved(self, questions: list[Question], fresh: Sequence[int],
               old: Sequence[tuple[str, Entry]]) -> None:
        """A question left without a match whose very words a gone question of another topic
        had (each once): moved in the list. It keeps that note (its answer) rather than get a
        duplicate; the note's `topic:` is the user's to change. Not with `sync --new`: a topic
        in doubt accepted as new takes its questions with it."""
        if self.accept_new:
            return
        taken = {q.kept for q in questions if q.kept} | {
            text for a in self.ambiguous for text in a.old}
        gone = [(i, e) for i, e in old if i not in taken and e.text not in taken]
        left = [n for n in fresh if questions[n].kept is None and questions[n].id not in self.held]
        by_text = _unique_texts([e.text for _, e in gone])
        new_texts = _unique_texts([questions[n].text for n in left])
        for text, k in new_texts.items():
            if text in by_text:
                n, (old_id, entry) = left[k], gone[by_text[text]]
                self._reworded(Kind.QUESTION, entry.text, questions[n].text, old_id, moved=True)
                questions[n] = replace(questions[n], kept=old_id)

    def _sources_before(self, topic_id: str) -> set[str]:
        """The sources the memory has listed under the topic."""
        key = topic_id.removeprefix("t-")
        return {i for i, e in self.memory.entries.items()
                if e.kind == Kind.SOURCE and key in e.topics}

    # -- questions -----------------------------------------------------------------------------

    def _questions(
        self, raw: Catalog, catalog: Catalog, held_topics: Collection[str]
    ) -> tuple[Question, ...]:
        """The questions, reworded ones with their old ids; those held back noted in `held`."""
        questions = list(catalog.questions)
        listed = {q.id for q in questions}
        for n, (as_listed, question) in enumerate(zip(raw.questions, questions, strict=True)):
            target = self.memory.kept.get(as_listed.id)  # rewordings matched before
            if target is not None and target != question.id and target not in listed:
                listed.add(target)
                questions[n] = replace(question, kept=target)
        # A topic in doubt has no hub yet: its questions wait with it.
        self.held |= {q.id for q in questions if q.topic_key in held_topics}
        fresh = [n for n, q in enumerate(questions)
                 if q.id not in self.known and q.id not in self.held]
        old = [(i, e) for i, e in self.olds.items()
               if e.kind == Kind.QUESTION and i not in listed]
        if not fresh or not old:
            return tuple(questions)
        positions = _positions(questions)
        counts_before = Counter((e.topic, e.level) for e in self.olds.values()
                         if e.kind == Kind.QUESTION)
        counts_now = Counter((q.topic_key, _level(q)) for q in questions)
        for topic_key in dict.fromkeys(questions[n].topic_key for n in fresh):
            new_here = [n for n in fresh if questions[n].topic_key == topic_key]
            old_here = [o for o in old if o[1].topic == topic_key]
            pairs, ties = pair(new_here, old_here,
                                lambda n, o: similarity(questions[n].text, o[1].text))
            # Then the same place, when the level kept its length; never one already in doubt.
            taken = {n for n, _ in pairs} | {n for group, _ in ties for n in group}
            gone = {i for _, (i, _) in pairs} | {i for _, group in ties for i, _ in group}
            for n in new_here:
                level = (topic_key, _level(questions[n]))
                if n in taken or counts_before[level] != counts_now[level]:
                    continue
                for old_id, entry in old_here:
                    if (old_id in gone or entry.level != level[1]
                            or entry.position != positions[n]):
                        continue
                    score = similarity(questions[n].text, entry.text)
                    if score >= PLACED:
                        pairs.append((n, (old_id, entry)))
                    elif score >= DOUBT:
                        self._ambiguous(Kind.QUESTION, [(questions[n].id, questions[n].text)],
                                        [(old_id, entry)], IN_PLACE)
                    gone.add(old_id)
                    break
            for n, (old_id, entry) in pairs:
                self._reworded(Kind.QUESTION, entry.text, questions[n].text, old_id)
                questions[n] = replace(questions[n], kept=old_id)
            for tied_new, tied_old in ties:
                self._ambiguous(Kind.QUESTION,
                                [(questions[n].id, questions[n].text) for n in tied_new],
                                tied_old)
        self._moved(questions, fresh, old)
        return tuple(questions)


def _unique_texts(texts: Sequence[str]) -> dict[str, int]:
    """Folded text → its index, for the texts that occur once."""
    counts = Counter(fold(text) for text in texts)
    return {fold(text): n for n, text in enumerate(texts) if counts[fold(text)] == 1}


def _sources_now(catalog: Catalog, topic: Topic) -> set[str]:
    return {s.id for s in catalog.sources if any(p.topic_key == topic.key for p in s.placements)}


def _overlap(before: set[str], now: set[str]) -> float:
    """The share of sources two topics have in common (0 when either has none)."""
    return len(before & now) / len(before | now) if before and now else 0.0


def _rekey(catalog: Catalog, keys: Mapping[str, str]) -> Catalog:
    """The catalog with topics' keys replaced everywhere a key is named."""
    if not keys:
        return catalog

    def key(k: str) -> str:
        return keys.get(k, k)

    return replace(
        catalog,
        topics=tuple(replace(t, key=key(t.key)) for t in catalog.topics),
        sources=tuple(
            replace(s, placements=tuple(replace(p, topic_key=key(p.topic_key))
                                        for p in s.placements))
            for s in catalog.sources
        ),
        # `replace` recomputes each question's id from its topic's carried key.
        questions=tuple(replace(q, topic_key=key(q.topic_key)) for q in catalog.questions),
        question_intros={key(k): text for k, text in catalog.question_intros.items()},
        joins=tuple(replace(j, topic_key=key(j.topic_key)) for j in catalog.joins),
    )


def _positions(questions: Sequence[Question]) -> list[int]:
    """Each question's place among its topic's questions of its level, from 0."""
    seen: Counter[tuple[str, str | None]] = Counter()
    positions = []
    for q in questions:
        positions.append(seen[(q.topic_key, _level(q))])
        seen[(q.topic_key, _level(q))] += 1
    return positions


def _level(question: Question) -> str | None:
    # The plain value: a Level hashes by its name, so it would not find "deep" in a dict.
    return None if question.level is None else question.level.value
