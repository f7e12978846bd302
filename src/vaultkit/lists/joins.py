"""The two lists joined into one catalog: each syllabus section finds its reading topic.

A section joins, in this order of trust:
1. the reading topic `[topics]` in `vaultkit.toml` names for it (`settings`);
2. the reading topic with its number (`number`), when the two lists number their sections the
   same way: most sections that share a number share a word of their titles too;
3. the reading topic whose title is most like its own, past `TITLE_THRESHOLD` (`title`);
4. else none: the section becomes a topic of its own (`none`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from vaultkit.config import CONFIG_NAME, TopicMapping
from vaultkit.model import (
    Catalog,
    ListWarning,
    ReadingList,
    Syllabus,
    Topic,
    TopicJoin,
    UniqueKeys,
    fold,
)

TITLE_THRESHOLD = 0.5
"""Dice overlap of two titles' words that a title join must exceed: more than half of the
words of the two titles together are shared.

Word sets, not characters (difflib): lists reorder words, swap `&` for `and` and add
parenthesised asides, while unrelated titles share letters everywhere. "Experiment Design &
Research Judgment" and "Experiment Design & Taste" join (4 of 7 words); "The Art of Reading" and
"The Art of Cooking" (2 of 4), or "Training neural networks" and "Training Dynamics &
Optimization at Scale" (2 of 7), do not."""

# Words that say nothing about a subject: two titles sharing only these are unrelated.
_STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "how", "in", "into", "is", "it",
    "its", "not", "of", "on", "only", "or", "the", "to", "vs", "what", "when", "where", "which",
    "why", "with", "without",
))
_WORD = re.compile(r"[^\W_]+")


def combine(
    reading: ReadingList,
    syllabus: Syllabus,
    mapping: Sequence[TopicMapping] = (),
) -> Catalog:
    """Attach the syllabus to the reading list; `mapping` is `[topics]` from `vaultkit.toml`.

    A syllabus section that joins no reading topic becomes a topic of its own. Every join is
    recorded in `Catalog.joins`; a mapping line that names no section or no reading topic is a
    warning of `vaultkit.toml` (the section is then joined as if the line were not there).
    """
    topics = list(reading.topics)
    chosen, warnings = _mapped(reading.topics, syllabus.topics, mapping)
    by_number = (
        {t.number: t.key for t in topics if t.number is not None}
        if _numbering_agrees(reading.topics, syllabus.topics) else {}
    )
    keys = UniqueKeys(t.key for t in topics)
    renamed: dict[str, str] = {}
    intros: dict[str, str] = {}
    joins: list[TopicJoin] = []
    for section in syllabus.topics:
        how = "settings"
        match = chosen.get(section.key)
        if match is None and section.number is not None:
            how, match = "number", by_number.get(section.number)
        if match is None:
            how, match = "title", _closest(section, reading.topics)
        if match is None:
            how, match = "none", keys.claim(section.key)
            topics.append(replace(section, key=match))
        renamed[section.key] = match
        joins.append(TopicJoin(section.title, match, how))
        if section.intro:
            intros[match] = section.intro
    questions = tuple(replace(q, topic_key=renamed[q.topic_key]) for q in syllabus.questions)
    return Catalog(
        topics=tuple(topics),
        sources=reading.sources,
        questions=questions,
        reading_guidance=reading.guidance,
        question_guidance=syllabus.guidance,
        question_intros=intros,
        warnings=tuple((CONFIG_NAME, w) for w in warnings),
        joins=tuple(joins),
    )


def title_similarity(a: str, b: str) -> float:
    """How alike two titles are, 0 to 1: the Dice overlap of their words (case, punctuation,
    emoji, a plural `s` and words such as "and" or "the" aside)."""
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return 0.0
    return 2 * len(words_a & words_b) / (len(words_a) + len(words_b))


def _mapped(
    reading: Sequence[Topic], sections: Sequence[Topic], mapping: Sequence[TopicMapping]
) -> tuple[dict[str, str], list[ListWarning]]:
    """Section key → reading topic key for each usable `[topics]` line, and a warning for each
    line that names no section or no reading topic."""
    topic_by_name = {_name(name): t.key for t in reading for name in _names(t)}
    section_by_name = {_name(name): s.key for s in sections for name in _names(s)}
    chosen: dict[str, str] = {}
    warnings: list[ListWarning] = []
    for entry in mapping:
        section = section_by_name.get(_name(entry.section))
        topic = topic_by_name.get(_name(entry.topic))
        if section is None:
            warnings.append(ListWarning(entry.line, (
                f"[topics] {entry.section!r} names no section of the question list; "
                "write a section's title as the list does"
            )))
        elif topic is None:
            warnings.append(ListWarning(entry.line, (
                f"[topics] {entry.section!r} = {entry.topic!r}: the reading list has no topic "
                "titled so; write a topic's title as the list does"
            )))
        else:
            chosen[section] = topic
    return chosen, warnings


def _numbering_agrees(reading: Sequence[Topic], sections: Sequence[Topic]) -> bool:
    """Whether the lists number their sections the same way: more than half of the sections
    that share a number with a reading topic also share a word of its title.

    One shared word is weak evidence for one pair (the seed's "Efficiency That Affects Training
    Behavior" and "Efficiency & Precision" share only "efficiency") but strong across most
    pairs; a list numbered its own way ("8. Training neural networks" against the seed's
    "8. Reading Research Without Getting Lost") shares none.
    """
    by_number = {t.number: t for t in reading if t.number is not None}
    pairs = [(s, by_number[s.number]) for s in sections
             if s.number is not None and s.number in by_number]
    agreeing = sum(bool(_words(s.title) & _words(t.title)) for s, t in pairs)
    return 2 * agreeing > len(pairs)


def _closest(section: Topic, reading: Sequence[Topic]) -> str | None:
    """The reading topic whose title is most like the section's, if any is past the threshold;
    the first in list order on a tie."""
    best: tuple[float, str] | None = None
    for topic in reading:
        score = title_similarity(section.title, topic.title)
        if score > TITLE_THRESHOLD and (best is None or score > best[0]):
            best = (score, topic.key)
    return best[1] if best is not None else None


def _names(topic: Topic) -> tuple[str, ...]:
    """What a `[topics]` line may call a topic: its title, or its number and title."""
    if topic.number is None:
        return (topic.title,)
    return (topic.title, f"{topic.number} {topic.title}")


def _name(text: str) -> str:
    """A title as a `[topics]` line is compared: words only, in order, case folded."""
    return " ".join(_tokens(text))


def _tokens(text: str) -> list[str]:
    # NFKD then dropping marks folds "é" to "e"; emoji and punctuation are not word characters.
    decomposed = unicodedata.normalize("NFKD", fold(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(plain)


def _words(title: str) -> frozenset[str]:
    """A title's words that name its subject, a plural `s` dropped ("metrics" = "metric")."""
    return frozenset(
        word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
        for word in _tokens(title)
        if word not in _STOPWORDS
    )
