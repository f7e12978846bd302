"""The structure `init --dry-run` found in the lists: topics, groups, joins and skipped lines.

Built from the same `Catalog` that `init` plans its notes from, so the counts shown are the
notes it creates. `lines` is what the CLI prints; `document` is the `--json` document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vaultkit.files.display import shown
from vaultkit.model import Catalog, Kind, ListWarning
from vaultkit.scaffold.create import CreationReport
from vaultkit.scaffold.plan import PlannedFile

SCHEMA = 1
"""Version of the `init --dry-run --json` document. Raised when a key changes meaning or goes
away; adding a key keeps it."""

SHORT = 5
"""Skipped lines shown without `--verbose`."""

_JOIN_WORDS = {
    "number": "by number",
    "title": "by title",
    "settings": "by [topics] in vaultkit.toml",
    "none": "no match: a topic of its own",
}


@dataclass(frozen=True, slots=True)
class TopicShape:
    """One topic as the lists describe it."""

    key: str
    title: str
    number: str | None
    sources: int
    questions: int
    groups: tuple[tuple[str, int], ...]
    """Each `###` group of its questions with how many questions it holds, in list order."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A line of a list that gave no entry, and why."""

    list: str
    """The list as the user named it (shown)."""
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class Structure:
    """What `init` would make of the lists, before any file is written."""

    lists: tuple[str, ...]
    topics: tuple[TopicShape, ...]
    joins: tuple[tuple[str, str, str], ...]
    """(syllabus section, reading topic's title, how) for every section, in syllabus order."""
    skipped: tuple[Skipped, ...]
    sources: int
    questions: int


def structure(
    catalog: Catalog, warnings: Iterable[tuple[Path, ListWarning]], lists: Iterable[Path]
) -> Structure:
    """The catalog's topics with their counts, its joins, and the lists' skipped lines."""
    titles = {t.key: t.title for t in catalog.topics}
    topics = tuple(
        TopicShape(
            key=topic.key,
            title=topic.title,
            number=topic.number,
            sources=len(catalog.sources_of(topic.key)),
            questions=len(catalog.questions_of(topic.key)),
            groups=tuple(
                Counter(q.group for q in catalog.questions_of(topic.key) if q.group).items()
            ),
        )
        for topic in catalog.topics
    )
    return Structure(
        lists=tuple(shown(str(p)) for p in lists),
        topics=topics,
        joins=tuple(
            (j.section, titles.get(j.topic_key, j.topic_key), j.how) for j in catalog.joins
        ),
        skipped=tuple(Skipped(shown(str(p)), w.line, w.message) for p, w in warnings),
        sources=len(catalog.sources),
        questions=len(catalog.questions),
    )


def lines(found: Structure, *, verbose: bool = False) -> list[str]:
    """The structure as the CLI prints it; without `verbose`, only the first skipped lines."""
    out = [f"Topics found in {' and '.join(found.lists)}:"]
    for topic in found.topics:
        name = f"{topic.number} {topic.title}" if topic.number else topic.title
        sources = _count(topic.sources, "source") if topic.sources else "no sources listed"
        out.append(f"  {name}: {sources}, {_count(topic.questions, 'question')}")
        if topic.groups:
            groups = ", ".join(f"{group} ({count})" for group, count in topic.groups)
            out.append(f"      groups: {groups}")
    out.extend(join_lines(found))
    if found.skipped:
        out.append(f"Skipped lines ({len(found.skipped)}):")
        shown_now = found.skipped if verbose else found.skipped[:SHORT]
        out.extend(f"  {s.list} line {s.line}: {s.reason}" for s in shown_now)
        if len(found.skipped) > len(shown_now):
            out.append(f"  {len(found.skipped) - len(shown_now)} more; --verbose for all")
    return out


def preview(found: Structure, report: CreationReport, vault: Path, *, verbose: bool) -> list[str]:
    """All that `init --dry-run` prints: each file it would create or skip, the totals, the
    structure (`lines`)."""
    return [
        *(f"create  {planned.path}" for planned in report.created),
        *(f"skip    {planned.path} (exists as {planned.existing})" for planned in report.skipped),
        f"Would create {_count(len(report.created), 'file')} in {vault}"
        f" ({len(report.skipped)} already there, left as they are).",
        *yours_lines(report.created),
        totals_line(found),
        "",
        *lines(found, verbose=verbose),
        "Nothing was written (--dry-run).",
    ]


def yours_lines(created: Iterable[PlannedFile]) -> list[str]:
    """One line per note created (or to create) beside a file of the user's that holds the
    name it wanted: `Home.md is yours (not made by vaultkit); vaultkit's Home is "Home (2).md"`.
    """
    return [
        f"{planned.yours} is yours (not made by vaultkit); vaultkit's "
        f"{'Home' if planned.kind == Kind.HOME else 'note'} is \"{planned.path}\""
        for planned in created if planned.yours is not None
    ]


def totals_line(found: Structure) -> str:
    """`  63 sources · 84 questions · 23 topics` (`1 source`, in the singular)."""
    return "  " + " · ".join((
        _count(found.sources, "source"),
        _count(found.questions, "question"),
        _count(len(found.topics), "topic"),
    ))


def join_lines(found: Structure) -> list[str]:
    """How each question section joined a reading topic: `init` prints these after a run too."""
    if not found.joins:
        return []
    return ["Question sections joined to topics:"] + [
        f"  {section} → {topic} ({_JOIN_WORDS.get(how, how)})"
        if how != "none" else f"  {section}: {_JOIN_WORDS['none']}"
        for section, topic, how in found.joins
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def document(found: Structure, report: CreationReport) -> dict[str, object]:
    """The `--json` document: see README "Your own lists" for its keys."""
    files = {
        "create": [shown(str(planned.path)) for planned in report.created],
        "skip": [shown(str(planned.path)) for planned in report.skipped],
        # Added in schema 1: notes planned beside a file of the user's at the name they wanted.
        "beside_yours": [
            {"yours": shown(str(planned.yours)), "note": shown(str(planned.path))}
            for planned in report.beside_yours
        ],
    }
    return {
        "schema": SCHEMA,
        "lists": list(found.lists),
        "totals": {
            "sources": found.sources,
            "questions": found.questions,
            "topics": len(found.topics),
            "skipped_lines": len(found.skipped),
            "files_to_create": len(report.created),
            "files_to_skip": len(report.skipped),
        },
        "topics": [
            {
                "key": t.key,
                "title": t.title,
                "number": t.number,
                "sources": t.sources,
                "questions": t.questions,
                "groups": [{"name": g, "questions": n} for g, n in t.groups],
            }
            for t in found.topics
        ],
        "joins": [
            {"section": section, "topic": topic, "how": how}
            for section, topic, how in found.joins
        ],
        "skipped": [
            {"list": s.list, "line": s.line, "reason": s.reason} for s in found.skipped
        ],
        "files": files,
    }
