"""What each planned note says: its frontmatter, and the context its body template renders.

Home, topic hubs, sources and questions. Every link goes through `Places`, so a note links to
where the vault has its target now, under the name it has there. Nothing here reads or writes
files: the plan decides where notes go and whether they exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from vaultkit.config import Settings
from vaultkit.model import (
    Catalog,
    Dashboard,
    Heading,
    Kind,
    Level,
    Question,
    Role,
    Source,
    Topic,
    level_order,
    role_order,
)
from vaultkit.scaffold.names import NoteRef, link, wikilink

HOME_ID = "home"
"""The id of the vault's Home note: fixed, as there is one."""


def dashboard_id(board: Dashboard) -> str:
    """The key a dashboard has among the planned notes' places (dashboards have no id)."""
    return f"dashboard-{board}"


@dataclass(frozen=True, slots=True)
class Page:
    """A note before rendering: its properties in key order, and its body's template."""

    frontmatter: dict[str, object]
    template: str
    context: dict[str, object]
    """What the template is rendered with."""


@dataclass(frozen=True, slots=True)
class Places:
    """Where every planned note is, and how one note links to another."""

    catalog: Catalog
    settings: Settings
    refs: Mapping[str, NoteRef]
    """Note id (or `dashboard_id`) → where the note is and what a link calls it."""
    hub_names: Mapping[str, str]
    """Topic key → its hub's name: the topic's number and title."""

    def link(self, origin: PurePosixPath, note_id: str, label: str | None = None) -> str:
        """A link from the note at `origin` to the note with `note_id`, in the vault's style."""
        return link(self.refs[note_id], origin, self.settings.links, label)

    def topic_link(self, origin: PurePosixPath, key: str) -> str:
        """A link to a hub that shows its number and title, whatever the file is called now."""
        topic = self.catalog.topic(key)
        return self.link(origin, topic.id, self.hub_names[key])

    def wikilink(self, note_id: str) -> str:
        """`[[Name]]` of the note with `note_id`, for properties."""
        return wikilink(self.refs[note_id])


def home_page(places: Places) -> Page:
    """Home: the dashboards, every topic in its group, the lists' guidance, the statuses."""
    catalog, settings = places.catalog, places.settings
    origin = places.refs[HOME_ID].path
    reading_list = PurePosixPath(settings.reading_list)
    syllabus = PurePosixPath(settings.syllabus)
    frontmatter: dict[str, object] = {
        "vaultkit": Kind.HOME.value, "id": HOME_ID, "tags": ["vaultkit/home"],
    }
    return Page(frontmatter, "home.md.j2", {
        "dashboards": [
            {"link": places.link(origin, dashboard_id(board)), "about": board.about}
            for board in Dashboard
        ],
        "topic_rows": _topic_rows(places, origin),
        "guidance": [
            g for g in (*catalog.reading_guidance, *catalog.question_guidance) if g.title
        ],
        "source_statuses": settings.source_statuses,
        "question_statuses": settings.question_statuses,
        # A list init was not given is absent (a list is never empty): no link to a missing note.
        "reading_list_link": link(
            NoteRef(reading_list, reading_list.stem), origin, settings.links
        ) if catalog.sources else "",
        "reading_list_path": reading_list.as_posix(),
        "syllabus_link": link(
            NoteRef(syllabus, syllabus.stem), origin, settings.links
        ) if catalog.questions else "",
        "syllabus_path": syllabus.as_posix(),
    })


QUESTION_LIST_HEADING = "From the question list"
"""Home's heading over the topics only the question list has, when there is a reading list."""


def _topic_rows(places: Places, origin: PurePosixPath) -> list[dict[str, object]]:
    """Home's outline: each group heading once, where its first topic is, then the topics.

    A topic sits under the list's own grouping headings; a topic only the question list has
    (it joined no reading topic) sits under `QUESTION_LIST_HEADING` then its own list's headings,
    so it never reads as part of a reading-list group.
    """
    catalog = places.catalog
    own = {join.topic_key for join in catalog.joins if join.how == "none"}
    # With no reading topics every topic is the question list's: no heading needs to say so.
    mark = bool(own) and any(topic.key not in own for topic in catalog.topics)
    rows: list[dict[str, object]] = []
    shown: tuple[str | None, ...] = ()
    for topic in catalog.topics:
        path = topic.context
        if mark and topic.key in own:
            path = (Heading(QUESTION_LIST_HEADING), *path)
        titles = tuple(h.title for h in path)
        common = next(
            (i for i, (a, b) in enumerate(zip(titles, shown, strict=False)) if a != b),
            min(len(titles), len(shown)),
        )
        for depth in range(common, len(path)):
            heading = path[depth]
            rows.append(_row(heading=heading.title, depth=depth + 3, intro=heading.intro))
        if not path and shown:
            # An ungrouped topic after grouped ones would read as part of the last group: it
            # gets a heading of its own title, and so does each ungrouped topic after it (None
            # matches no heading, so a group after it shows its headings again).
            rows.append(_row(heading=topic.title, depth=3, intro=topic.intro))
            shown = (None,)
        else:
            shown = titles
        sources = len(catalog.sources_of(topic.key))
        questions = len(catalog.questions_of(topic.key))
        counts = _counts(sources, questions) + (" · optional" if topic.optional else "")
        rows.append(_row(link=places.topic_link(origin, topic.key), counts=counts))
    return rows


def topic_page(places: Places, topic: Topic) -> Page:
    """A topic's hub: its sources grouped by role, its questions grouped by level."""
    catalog, settings = places.catalog, places.settings
    origin = places.refs[topic.id].path
    frontmatter: dict[str, object] = {
        "vaultkit": Kind.TOPIC.value,
        "id": topic.id,
        "title": topic.title,
        "aliases": [topic.title],
    }
    if topic.tier is not None:
        frontmatter["tier"] = topic.tier
    if topic.optional:
        frontmatter["optional"] = True
    frontmatter["tags"] = ["vaultkit/topic"]
    source_groups = _groups(
        ((placement.role, {"link": places.link(origin, source.id), "why": placement.why})
         for source, placement in catalog.sources_of(topic.key)),
        role_order,
        _role_label,
    )
    question_groups = _groups(
        (((q.level, q.group), {"link": places.link(origin, q.id)})
         for q in catalog.questions_of(topic.key)),
        _question_group_order,
        _question_group_label,
    )
    return Page(frontmatter, "topic.md.j2", {
        "heading": places.hub_names[topic.key],
        "context": " · ".join(h.title for h in topic.context),
        "optional": topic.optional,
        "intro": topic.intro,
        "question_intro": catalog.question_intros.get(topic.key, ""),
        "targets": settings.targets,
        "source_groups": source_groups,
        "question_groups": question_groups,
        "has_roles": any(
            placement.role in {Role.CORE, Role.PRACTITIONER}
            for _, placement in catalog.sources_of(topic.key)
        ),
    })


def source_page(places: Places, source: Source) -> Page:
    """A source note: where it is listed first (and where else), its link, status unread."""
    catalog, settings = places.catalog, places.settings
    origin = places.refs[source.id].path
    first = source.first
    topic = catalog.topic(first.topic_key)
    frontmatter: dict[str, object] = {
        "vaultkit": Kind.SOURCE.value,
        "id": source.id,
        "title": source.title,
        "aliases": [source.title],
        "url": source.url,
    }
    # Only when the list gives them, so notes of lists without them stay as they were. Labels
    # are a property, not tags: a tag cannot hold a space ("Google Brain") or be a bare year.
    if source.links:
        frontmatter["links"] = list(source.links)
    if source.labels:
        frontmatter["labels"] = list(source.labels)
    if topic.tier is not None:
        frontmatter["tier"] = topic.tier
    frontmatter["topic"] = places.wikilink(topic.id)
    if len(source.placements) > 1:
        frontmatter["also_in"] = [
            places.wikilink(catalog.topic(placement.topic_key).id)
            for placement in source.placements[1:]
        ]
    frontmatter["role"] = first.role
    frontmatter["status"] = settings.source_statuses[0]
    frontmatter["tags"] = ["vaultkit/source"]
    return Page(frontmatter, "source.md.j2", {
        "title": source.title,
        "why": first.why,
        "url": source.url,
        "topic_link": places.topic_link(origin, topic.key),
        "role": first.role,
        "tier": topic.tier,
        "also": [
            {
                "topic_link": places.topic_link(origin, placement.topic_key),
                "role": placement.role,
                "why": placement.why,
            }
            for placement in source.placements[1:]
        ],
        "details": source.details,
        "targets": settings.targets,
    })


def question_page(places: Places, question: Question) -> Page:
    """A question note: its topic, level, the topic's sources core first, status unanswered."""
    catalog, settings = places.catalog, places.settings
    origin = places.refs[question.id].path
    topic = catalog.topic(question.topic_key)
    frontmatter: dict[str, object] = {
        "vaultkit": Kind.QUESTION.value,
        "id": question.id,
        "title": question.text,
        "aliases": [question.text],
        "topic": places.wikilink(topic.id),
        "level": question.level.value if question.level else None,
    }
    if question.difficulty:
        frontmatter["difficulty"] = question.difficulty
    if question.group:
        frontmatter["group"] = question.group
    frontmatter["status"] = settings.question_statuses[0]
    frontmatter["tags"] = ["vaultkit/question"]
    sources = sorted(catalog.sources_of(topic.key), key=lambda pair: role_order(pair[1].role))
    return Page(frontmatter, "question.md.j2", {
        "markdown": question.markdown,
        "context": question.context,
        "details": question.details,
        "topic_link": places.topic_link(origin, topic.key),
        "level": question.level,
        "level_label": _level_label(question.level),
        "difficulty": question.difficulty,
        "sources": [
            {"link": places.link(origin, source.id), "role": placement.role}
            for source, placement in sources
        ],
    })


def _groups(
    entries: Iterable[tuple[object, dict[str, object]]],
    order: Callable[[object], tuple[int, str]],
    label: Callable[[object], str],
) -> list[dict[str, object]]:
    """Entries grouped by key, groups in `order`, entries in list order within a group."""
    grouped: dict[object, list[dict[str, object]]] = {}
    for key, entry in entries:
        grouped.setdefault(key, []).append(entry)
    return [
        {"label": label(key), "entries": grouped[key]}
        for key in sorted(grouped, key=order)
    ]


def _role_label(role: object) -> str:
    if role is None:
        return "Reading"
    text = str(role)
    return text[:1].upper() + text[1:]


def _level_label(level: object) -> str:
    return level.label if isinstance(level, Level) else "Questions"


def _question_group_order(key: object) -> tuple[int, str]:
    """Levels in study order; `###` groups after them, in list order (the sort is stable)."""
    level, _ = key if isinstance(key, tuple) else (key, None)
    return level_order(level)


def _question_group_label(key: object) -> str:
    """A question group's heading on the hub: its level, its `###` group, or both."""
    level, group = key if isinstance(key, tuple) else (key, None)
    if not group:
        return _level_label(level)
    return f"{_level_label(level)} · {group}" if isinstance(level, Level) else str(group)


def _row(
    heading: str = "", depth: int = 0, intro: str = "", link: str = "", counts: str = ""
) -> dict[str, object]:
    """One line of the home note's topic outline: a group heading or a topic link."""
    return {"heading": heading, "depth": depth, "intro": intro, "link": link, "counts": counts}


def _counts(sources: int, questions: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    return f"{plural(sources, 'source')} · {plural(questions, 'question')}"
