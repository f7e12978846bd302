"""The two lists joined into one catalog: each syllabus section finds its reading topic."""

from __future__ import annotations

from dataclasses import replace

from vaultkit.model import Catalog, ReadingList, Syllabus, UniqueKeys, fold


def combine(reading: ReadingList, syllabus: Syllabus) -> Catalog:
    """Attach the syllabus to the reading list: sections match by number, else by title.

    A syllabus section that matches no reading topic becomes a topic of its own.
    """
    topics = list(reading.topics)
    by_number = {t.number: t.key for t in topics if t.number is not None}
    by_title = {fold(t.title): t.key for t in topics}
    keys = UniqueKeys(t.key for t in topics)
    renamed: dict[str, str] = {}
    intros: dict[str, str] = {}
    for section in syllabus.topics:
        match = by_number.get(section.number) if section.number is not None else None
        match = match or by_title.get(fold(section.title))
        if match is None:
            key = keys.claim(section.key)
            topics.append(replace(section, key=key))
            match = key
        renamed[section.key] = match
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
    )
