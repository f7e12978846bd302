"""What each planned note says: its frontmatter, and the context its body template renders.

Home, topic hubs, sources and questions. Every link goes through `Places`, so a note links to
where the vault has its target now, under the name it has there. Nothing here reads or writes
files: the plan decides where notes go and whether they exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from vaultkit.config import Settings
from vaultkit.model import (
    Catalog,
    Dashboard,
    Kind,
    Level,
    Question,
    Role,
    Source,
    Topic,
)
from vaultkit.scaffold.names import NoteRef, link, wikilink

HOME_ID = "home"
"""The id of the vault's Home note: fixed, as there is one."""


def dashboard_id(board: Dashboard) -> str:
    """The key a dashboard has among the planned notes' places (dashboards have no id)."""
    return f"dashboard-{board}"


PANEL_SOURCES = "Sources"
"""The heading of a topic panel's sources, which question notes embed (`![[panel#Sources]]`):
the panel (`report/panels.py`) writes it, and must keep it."""


def panel_embed(settings: Settings, topic_key: str, origin: str, section: str | None = None) -> str:
    """The line that shows a topic's panel (or one section of it) in the note at `origin`."""
    path = settings.panel_path(topic_key)
    return _embed(settings, path, origin, _panel_label(section), section)


def index_embed(settings: Settings, origin: str) -> str:
    """The line that shows the topic index in the note at `origin` (Home)."""
    return _embed(settings, settings.topic_index_path(), origin, _INDEX_LABEL, None)


def embed_label(settings: Settings, path: str, section: str | None) -> str | None:
    """What a Markdown link to a page that notes embed (a panel, the index) says, as `init`
    writes it; None for any other note. `relink --links` converts between the two forms."""
    if path == settings.topic_index_path():
        return _INDEX_LABEL
    if path.startswith(f"{settings.panels_folder()}/"):
        return _panel_label(section)
    return None


_INDEX_LABEL = "Every topic, with its coverage"


def _panel_label(section: str | None) -> str:
    return (f"{section} of this topic, with their status" if section
            else "This topic's sources and questions, with their status")


def _embed(settings: Settings, path: str, origin: str, label: str, section: str | None) -> str:
    """An embed in wiki style, by the page's path so that no note of the same name elsewhere is
    taken for it; in Markdown style a plain relative link (`![…](…)` would show as a broken
    image on GitHub). Written once into a user's note: the page appears at the first build."""
    if settings.links == "wiki":
        return f"![[{path.removesuffix('.md')}{f'#{section}' if section else ''}]]"
    plain = link(NoteRef(PurePosixPath(path), label), PurePosixPath(origin), "markdown")
    # The section too, as the embed shows only it (and as `relink --links markdown` writes it).
    return f"{plain[:-1]}#{quote(section)})" if section else plain


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
    """Home: the dashboards, the topic index embedded (every topic, kept current by vaultkit),
    the lists' guidance, the statuses."""
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
        "topic_index": index_embed(settings, origin.as_posix()),
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


def topic_page(places: Places, topic: Topic) -> Page:
    """A topic's hub: how to cover it, its panel embedded (sources and questions with their
    status, kept current by vaultkit), and the Summary the user writes."""
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
    return Page(frontmatter, "topic.md.j2", {
        "heading": places.hub_names[topic.key],
        "context": " · ".join(h.title for h in topic.context),
        "optional": topic.optional,
        "intro": topic.intro,
        "question_intro": catalog.question_intros.get(topic.key, ""),
        "targets": settings.targets,
        "panel": panel_embed(settings, topic.key, origin.as_posix()),
        "has_questions": bool(catalog.questions_of(topic.key)),
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
    """A question note: its topic, level, its topic panel's sources embedded, status
    unanswered."""
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
    return Page(frontmatter, "question.md.j2", {
        "markdown": question.markdown,
        "context": question.context,
        "details": question.details,
        "topic_link": places.topic_link(origin, topic.key),
        "level": question.level,
        "level_label": _level_label(question.level),
        "difficulty": question.difficulty,
        "sources": panel_embed(settings, topic.key, origin.as_posix(), PANEL_SOURCES),
    })


def _level_label(level: object) -> str:
    return level.label if isinstance(level, Level) else "Questions"
