"""The study method, measured: per topic, what is read, summarized, drafted and refined.

Pure: an index and the settings in, a `Progress` out. The dashboards, `status` and
`status --json` all show this one computation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from vaultkit.config import Settings
from vaultkit.model import Kind, Role, level_order
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.notes import NoteRecord


@dataclass(frozen=True, slots=True)
class TopicProgress:
    hub: NoteRecord
    sources: tuple[NoteRecord, ...]
    """Core first, then practitioner, then the rest; in list order within a role."""
    has_roles: bool
    """Whether the list groups this topic's sources into core and practitioner."""
    questions: tuple[NoteRecord, ...]
    core_read: int
    core_total: int
    practitioner_read: int
    practitioner_total: int
    read: int
    summary_lines: int
    drafted: int
    refined: int
    core_ok: bool
    practitioner_ok: bool | None
    """None when the topic lists no practitioner source: nothing to cross-check with."""
    summary_ok: bool
    questions_target: int
    """How many questions to answer: the method's minimum, or fewer if the topic has fewer."""
    questions_ok: bool | None
    """None when the topic has no questions."""

    @property
    def covered(self) -> bool:
        return (
            self.core_ok
            and self.practitioner_ok is not False
            and self.summary_ok
            and self.questions_ok is not False
        )

    @property
    def optional(self) -> bool:
        return self.hub.optional

    @property
    def has_sources(self) -> bool:
        """Whether any source is listed under the topic: without one it cannot be covered."""
        return bool(self.sources)


@dataclass(frozen=True, slots=True)
class Progress:
    topics: tuple[TopicProgress, ...]
    """Hubs in their number order."""
    sources: tuple[NoteRecord, ...]
    questions: tuple[NoteRecord, ...]
    source_status: dict[str, int] = field(default_factory=dict)
    """Status → how many sources have it (unknown statuses as written)."""
    question_status: dict[str, int] = field(default_factory=dict)
    sources_read: int = 0
    questions_drafted: int = 0
    questions_refined: int = 0

    @property
    def required(self) -> tuple[TopicProgress, ...]:
        return tuple(t for t in self.topics if not t.optional)

    @property
    def optional(self) -> tuple[TopicProgress, ...]:
        return tuple(t for t in self.topics if t.optional)


def measure(
    index: VaultIndex, settings: Settings, order: Mapping[str, int] | None = None
) -> Progress:
    """Progress of every topic hub, and the vault's totals.

    `order` gives each note id its place in the lists, so sources are suggested in the order
    the list's author chose; notes it does not know follow, by name.
    """
    place = order or {}
    hubs = sorted(_first_of_each_id(index.notes(Kind.TOPIC)), key=natural_key)
    sources = _first_of_each_id(index.notes(Kind.SOURCE))
    questions = _first_of_each_id(index.notes(Kind.QUESTION))
    resolve = hub_resolver(hubs)
    members: dict[str, list[tuple[NoteRecord, str | None]]] = {h.path: [] for h in hubs}
    for source in sources:
        primary = resolve(source.topic)
        if primary is not None:
            members[primary.path].append((source, source.role))
        for name in source.also_in:
            other = resolve(name)
            if other is not None and other is not primary:
                members[other.path].append((source, None))
    asked: dict[str, list[NoteRecord]] = {h.path: [] for h in hubs}
    for question in questions:
        hub = resolve(question.topic)
        if hub is not None:
            asked[hub.path].append(question)

    first_source = settings.source_statuses[0]
    first_question = settings.question_statuses[0]
    return Progress(
        topics=tuple(
            _topic(h, members[h.path], asked[h.path], settings, place) for h in hubs
        ),
        sources=sources,
        questions=questions,
        source_status=_count_status(sources, first_source),
        question_status=_count_status(questions, first_question),
        sources_read=sum(_status(s, first_source) in settings.sources_read for s in sources),
        questions_drafted=sum(
            _status(q, first_question) in settings.questions_drafted for q in questions
        ),
        questions_refined=sum(
            _status(q, first_question) in settings.questions_refined for q in questions
        ),
    )


def _topic(
    hub: NoteRecord,
    members: list[tuple[NoteRecord, str | None]],
    questions: list[NoteRecord],
    settings: Settings,
    place: Mapping[str, int],
) -> TopicProgress:
    targets = settings.targets
    first = settings.source_statuses[0]

    def is_read(source: NoteRecord) -> bool:
        return _status(source, first) in settings.sources_read

    core = [s for s, role in members if role == Role.CORE]
    practitioner = [s for s, role in members if role == Role.PRACTITIONER]
    everything = [s for s, _ in members]
    roles = bool(core or practitioner)
    read = sum(map(is_read, everything))
    # A list that names no roles for a topic: any source read is its core reading.
    core_read = sum(map(is_read, core)) if roles else read
    practitioner_read = sum(map(is_read, practitioner))
    first_question = settings.question_statuses[0]
    drafted = sum(_status(q, first_question) in settings.questions_drafted for q in questions)
    refined = sum(_status(q, first_question) in settings.questions_refined for q in questions)
    questions_target = min(targets.questions_min, len(questions))
    rank = {Role.CORE.value: 0, Role.PRACTITIONER.value: 1}
    unplaced = len(place)
    return TopicProgress(
        hub=hub,
        sources=tuple(s for s, _ in sorted(members, key=lambda m: (
            rank.get(m[1] or "", 2), place.get(m[0].id, unplaced), m[0].name,
        ))),
        has_roles=roles,
        # Within a level, in the list's order (as sources are): the author's order is the
        # order a panel suggests; notes the lists do not name follow, by name.
        questions=tuple(sorted(questions, key=lambda q: (
            level_order(q.level)[0], place.get(q.id, unplaced), q.name))),
        core_read=core_read,
        core_total=len(core) if roles else len(everything),
        practitioner_read=practitioner_read,
        practitioner_total=len(practitioner),
        read=read,
        summary_lines=hub.summary_lines,
        drafted=drafted,
        refined=refined,
        # A topic with nothing to read is not read: never a ✓ for "0 of 0".
        core_ok=bool(everything) and core_read >= min(
            targets.core_sources, len(core) if roles else len(everything)
        ),
        practitioner_ok=(
            practitioner_read >= min(targets.practitioner_sources, len(practitioner))
            if practitioner else None
        ),
        summary_ok=hub.summary_lines >= targets.summary_min_lines,
        questions_target=questions_target,
        questions_ok=refined >= questions_target if questions else None,
    )


def hub_resolver(hubs: Iterable[NoteRecord]) -> _Resolver:
    """Finds the hub a `topic:` link names: by file name, then by title or alias."""
    return _Resolver(hubs)


class _Resolver:
    def __init__(self, hubs: Iterable[NoteRecord]) -> None:
        self._names: dict[str, NoteRecord] = {}
        self._titles: dict[str, NoteRecord] = {}
        for hub in hubs:
            self._names.setdefault(hub.name.casefold(), hub)
            for title in (hub.title, *hub.aliases):
                self._titles.setdefault(title.casefold(), hub)

    def __call__(self, name: str | None) -> NoteRecord | None:
        if not name:
            return None
        key = name.rsplit("/", 1)[-1].removesuffix(".md").casefold()
        found = self._names.get(key) or self._titles.get(key)
        if found is None and (numbered := _HUB_NAME.fullmatch(key)):
            # `init` names a hub `<n> <title>`: a hub renamed outside Obsidian is still found
            # by its title, so its notes go on counting (check names the stale links).
            found = self._titles.get(numbered.group(1))
        return found


_HUB_NAME = re.compile(r"\d+(?:\.\d+)* (.+)")


def natural_key(record: NoteRecord) -> tuple[int, int, str]:
    """Hubs by their number ("2 …" before "10 …"), unnumbered ones after, then by name."""
    match = re.match(r"(\d+)", record.name)
    return (0, int(match.group(1)), record.name) if match else (1, 0, record.name)


def _first_of_each_id(records: Iterable[NoteRecord]) -> tuple[NoteRecord, ...]:
    """One note per id (the first by path): a copied note is a problem, not a second source."""
    seen: set[str] = set()
    kept: list[NoteRecord] = []
    for record in records:
        if record.id and record.id in seen:
            continue
        seen.add(record.id)
        kept.append(record)
    return tuple(kept)


def _status(record: NoteRecord, default: str) -> str:
    return record.status or default


def _count_status(records: Iterable[NoteRecord], default: str) -> dict[str, int]:
    return dict(Counter(_status(r, default) for r in records))
