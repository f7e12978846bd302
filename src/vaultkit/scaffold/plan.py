"""Catalog + templates → a plan of files → files on disk, in two steps.

`plan` decides every file's path and bytes without writing anything; `apply` creates the ones
that are missing and never touches a file that exists. Notes are matched to the vault by their
`id`, so a note the user renamed or moved is found where it is and not created again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from vaultkit.config import CONFIG_NAME, Settings
from vaultkit.files.contain import inside
from vaultkit.files.writes import create_file, remove_stale_temp_files
from vaultkit.model import (
    Catalog,
    Dashboard,
    Kind,
    Level,
    Question,
    Role,
    Source,
    Topic,
    level_order,
    role_order,
)
from vaultkit.scaffold.names import NameBook, NoteRef, link, safe_name, wikilink
from vaultkit.scaffold.templates import render_template, template_bytes
from vaultkit.vault.index import walk
from vaultkit.vault.notes import read_identity, render_note

log = logging.getLogger(__name__)

FileKind = Kind | Literal["list", "settings", "obsidian"]
"""What a planned file is: a note of one of the kinds, a list, the settings, Obsidian's."""

_WRITERS = 8


@dataclass(frozen=True, slots=True)
class PlannedFile:
    path: PurePosixPath
    """Relative to the vault root."""
    kind: FileKind
    data: bytes
    existing: PurePosixPath | None = None
    """Where the vault already has this file (or the note with its id): it will be skipped."""
    note_id: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    vault: Path
    files: tuple[PlannedFile, ...]

    @property
    def to_create(self) -> tuple[PlannedFile, ...]:
        return tuple(f for f in self.files if f.existing is None)

    @property
    def to_skip(self) -> tuple[PlannedFile, ...]:
        return tuple(f for f in self.files if f.existing is not None)


@dataclass(slots=True)
class Report:
    created: list[PlannedFile] = field(default_factory=list)
    skipped: list[PlannedFile] = field(default_factory=list)
    """Planned files the vault already had, plus any that appeared while we wrote."""

    def count(self, kind: FileKind, *, created: bool = True) -> int:
        return sum(f.kind == kind for f in (self.created if created else self.skipped))


@dataclass(frozen=True, slots=True)
class Vault:
    """What a vault already holds, as far as planning needs to know."""

    notes_by_id: dict[str, PurePosixPath]
    names: set[str]
    """Stems of every Markdown file, for unique names."""
    kinds: dict[str, str] = field(default_factory=dict)
    """Id → the note's `vaultkit:` kind."""


def scan(vault: Path) -> Vault:
    """Every Markdown file's name and every vaultkit note's id, skipping dot-folders."""
    notes_by_id: dict[str, PurePosixPath] = {}
    names: set[str] = set()
    kinds: dict[str, str] = {}
    if not vault.is_dir():
        return Vault(notes_by_id, names, kinds)
    for relative, path in walk(vault):
        if not relative.endswith(".md"):
            continue
        names.add(path.name[:-3])
        identity = read_identity(path)
        if identity is not None and identity.id not in notes_by_id:
            notes_by_id[identity.id] = PurePosixPath(relative)
            kinds[identity.id] = identity.kind
    return Vault(notes_by_id, names, kinds)


def plan(
    catalog: Catalog,
    settings: Settings,
    vault: Path,
    existing: Vault,
    lists: dict[str, bytes] | None = None,
) -> Plan:
    """Every file `init` would write, with its bytes, and which of them the vault has.

    `lists` holds the bytes of the reading list and syllabus to copy into the vault; without
    it (as in `sync`, which reads them from there) they are not planned.
    """
    return _Planner(
        catalog=catalog, settings=settings, vault=vault, lists=lists, existing=existing
    ).plan()


def apply(plan: Plan, *, dry_run: bool = False) -> Report:
    """Create the planned files that are missing; never overwrite, never delete."""
    report = Report(skipped=list(plan.to_skip))
    if dry_run:
        report.created = list(plan.to_create)
        return report
    targets = [(f, inside(plan.vault, f.path)) for f in plan.to_create]
    # Every planned folder, not only those with files to create: a run killed between linking
    # a note into place and removing its temporary file left nothing missing there.
    remove_stale_temp_files(plan.vault, sorted({f.path.parent for f in plan.files}))
    # Creating a file is mostly waiting on the file system (open, fsync, link), which threads
    # overlap: a new vault's ~180 files are written in about half the time.
    with ThreadPoolExecutor(max_workers=_WRITERS) as pool:
        written = list(pool.map(lambda target: create_file(target[1], target[0].data), targets))
    for (planned, _), created in zip(targets, written, strict=True):
        if created:
            report.created.append(planned)
        else:
            log.warning("%s appeared while writing; left as it is", planned.path)
            report.skipped.append(planned)
    return report


class _Planner:
    def __init__(
        self,
        *,
        catalog: Catalog,
        settings: Settings,
        vault: Path,
        lists: dict[str, bytes] | None,
        existing: Vault,
    ) -> None:
        self.catalog = catalog
        self.settings = settings
        self.vault = vault
        self.lists = lists
        self.existing = existing
        self.names = NameBook(existing.names)
        self.homes = set(existing.notes_by_id.values())
        """Where the vault's notes with ids are: never the place of another note."""
        self.refs: dict[str, NoteRef] = {}
        self.numbers = _display_numbers(catalog.topics)
        self.files: list[PlannedFile] = []

    # -- names -------------------------------------------------------------------------------

    def _ref(self, note_id: str, folder: str, title: str, name: str | None = None) -> NoteRef:
        """The note's place: where the vault has its id, else its own name in `folder`.

        A file already at that name counts as the note (the user may have rewritten it without
        our properties): it is skipped, never duplicated as `Name (2)`. Unless it is another
        note's: long titles that differ only past the name's cut share a safe name.
        """
        found = self.existing.notes_by_id.get(note_id)
        if found is not None:
            ref = NoteRef(found, title)
        else:
            wanted = name if name is not None else title
            path = PurePosixPath(folder, f"{safe_name(wanted)}.md")
            if not ((self.vault / path).is_file() and path not in self.homes
                    and self.names.adopt(path.stem)):
                path = PurePosixPath(folder, f"{self.names.claim(wanted)}.md")
            ref = NoteRef(path, title)
        self.refs[note_id] = ref
        return ref

    def _assign_names(self) -> None:
        folders = self.settings.folders
        # Fixed names first, so a source called "Home" gets "Home (2)" and not the reverse.
        for list_path in (self.settings.reading_list, self.settings.syllabus):
            self.names.reserve(PurePosixPath(list_path).stem)
        self._ref("home", "", "Home")
        for board, relative in self.settings.dashboard_paths().items():
            # Written by the build that follows, always at these paths; named here so Home
            # can link to them.
            path = PurePosixPath(relative)
            self.names.reserve(path.stem)
            self.refs[f"dashboard-{board}"] = NoteRef(path, path.stem)
        for topic in self.catalog.topics:
            self._ref(topic.id, folders.topics, topic.title, self._hub_name(topic))
        for source in self.catalog.sources:
            self._ref(source.id, folders.sources, source.title)
        for question in self.catalog.questions:
            folder = f"{folders.questions}/{safe_name(self._hub_name(self._topic(question)))}"
            self._ref(question.id, folder, question.text)

    def _hub_name(self, topic: Topic) -> str:
        return f"{self.numbers[topic.key]} {topic.title}"

    def _topic(self, question: Question) -> Topic:
        return self.catalog.topic(question.topic_key)

    # -- files -------------------------------------------------------------------------------

    def plan(self) -> Plan:
        self._assign_names()
        if not self._known("home", Kind.HOME):
            self._note("home", Kind.HOME, self._home_frontmatter(), "home.md.j2",
                       self._home_context())
        for topic in self.catalog.topics:
            self._topic_note(topic)
        for source in self.catalog.sources:
            self._source_note(source)
        for question in self.catalog.questions:
            self._question_note(question)
        if self.lists is not None:
            self._file(PurePosixPath(self.settings.reading_list), "list",
                       self.lists["reading_list"])
            self._file(PurePosixPath(self.settings.syllabus), "list", self.lists["syllabus"])
        text = render_template("vaultkit.toml.j2", settings=self.settings)
        self._file(PurePosixPath(CONFIG_NAME), "settings", text.encode())
        self._file(
            PurePosixPath(".obsidian/types.json"), "obsidian", template_bytes("obsidian/types.json")
        )
        return Plan(self.vault, tuple(self.files))

    def _file(self, path: PurePosixPath, kind: FileKind, data: bytes) -> None:
        on_disk = (self.vault / path).exists() or (self.vault / path).is_symlink()
        self.files.append(PlannedFile(path, kind, data, path if on_disk else None))

    def _note(
        self,
        note_id: str,
        kind: FileKind,
        frontmatter: dict[str, object],
        template: str,
        context: dict[str, object],
    ) -> None:
        ref = self.refs[note_id]
        body = render_template(template, **context)
        data = render_note(frontmatter, body).encode("utf-8")
        on_disk = (self.vault / ref.path).exists()
        self.files.append(
            PlannedFile(ref.path, kind, data, ref.path if on_disk else None, note_id)
        )

    def _link(self, origin: PurePosixPath, note_id: str, label: str | None = None) -> str:
        return link(self.refs[note_id], origin, self.settings.links, label)

    def _topic_link(self, origin: PurePosixPath, key: str) -> str:
        """A link to a hub that shows its number and title, whatever the file is called now."""
        topic = self.catalog.topic(key)
        return self._link(origin, topic.id, self._hub_name(topic))

    # -- home --------------------------------------------------------------------------------

    def _home_frontmatter(self) -> dict[str, object]:
        return {"vaultkit": Kind.HOME.value, "id": "home", "tags": ["vaultkit/home"]}

    def _home_context(self) -> dict[str, object]:
        origin = self.refs["home"].path
        rows: list[dict[str, object]] = []
        shown: tuple[str, ...] = ()
        for topic in self.catalog.topics:
            path = tuple(h.title for h in topic.context)
            common = next(
                (i for i, (a, b) in enumerate(zip(path, shown, strict=False)) if a != b),
                min(len(path), len(shown)),
            )
            for depth in range(common, len(path)):
                heading = topic.context[depth]
                rows.append(_row(heading=heading.title, depth=depth + 3, intro=heading.intro))
            if not path and shown:
                # An ungrouped topic after grouped ones would read as part of the last group.
                rows.append(_row(heading=topic.title, depth=3, intro=topic.intro))
            shown = path
            sources = len(self.catalog.sources_of(topic.key))
            questions = len(self.catalog.questions_of(topic.key))
            counts = _counts(sources, questions) + (" · optional" if topic.optional else "")
            rows.append(_row(link=self._topic_link(origin, topic.key), counts=counts))
        reading_list = PurePosixPath(self.settings.reading_list)
        syllabus = PurePosixPath(self.settings.syllabus)
        return {
            "dashboards": [
                {"link": self._link(origin, f"dashboard-{board}"), "about": board.about}
                for board in Dashboard
            ],
            "topic_rows": rows,
            "guidance": [
                g for g in (*self.catalog.reading_guidance, *self.catalog.question_guidance)
                if g.title
            ],
            "source_statuses": self.settings.source_statuses,
            "question_statuses": self.settings.question_statuses,
            "reading_list_link": link(
                NoteRef(reading_list, reading_list.stem), origin, self.settings.links
            ),
            "syllabus_link": link(NoteRef(syllabus, syllabus.stem), origin, self.settings.links),
        }

    # -- topics ------------------------------------------------------------------------------

    def _known(self, note_id: str, kind: FileKind) -> bool:
        """Plan a note the vault already has as skipped, without rendering it."""
        existing = self.existing.notes_by_id.get(note_id)
        if existing is None:
            return False
        self.files.append(PlannedFile(self.refs[note_id].path, kind, b"", existing, note_id))
        return True

    def _topic_note(self, topic: Topic) -> None:
        if self._known(topic.id, Kind.TOPIC):
            return
        ref = self.refs[topic.id]
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
            ((placement.role, {"link": self._link(ref.path, source.id), "why": placement.why})
             for source, placement in self.catalog.sources_of(topic.key)),
            role_order,
            _role_label,
        )
        question_groups = _groups(
            ((q.level, {"link": self._link(ref.path, q.id)})
             for q in self.catalog.questions_of(topic.key)),
            level_order,
            _level_label,
        )
        self._note(topic.id, Kind.TOPIC, frontmatter, "topic.md.j2", {
            "heading": self._hub_name(topic),
            "context": " · ".join(h.title for h in topic.context),
            "optional": topic.optional,
            "intro": topic.intro,
            "question_intro": self.catalog.question_intros.get(topic.key, ""),
            "targets": self.settings.targets,
            "source_groups": source_groups,
            "question_groups": question_groups,
            "has_roles": any(
                placement.role in {Role.CORE, Role.PRACTITIONER}
                for _, placement in self.catalog.sources_of(topic.key)
            ),
        })

    # -- sources -----------------------------------------------------------------------------

    def _source_note(self, source: Source) -> None:
        if self._known(source.id, Kind.SOURCE):
            return
        ref = self.refs[source.id]
        first = source.first
        topic = self.catalog.topic(first.topic_key)
        frontmatter: dict[str, object] = {
            "vaultkit": Kind.SOURCE.value,
            "id": source.id,
            "title": source.title,
            "aliases": [source.title],
            "url": source.url,
        }
        if topic.tier is not None:
            frontmatter["tier"] = topic.tier
        frontmatter["topic"] = wikilink(self.refs[topic.id])
        if len(source.placements) > 1:
            frontmatter["also_in"] = [
                wikilink(self.refs[self.catalog.topic(placement.topic_key).id])
                for placement in source.placements[1:]
            ]
        frontmatter["role"] = first.role
        frontmatter["status"] = self.settings.source_statuses[0]
        frontmatter["tags"] = ["vaultkit/source"]
        self._note(source.id, Kind.SOURCE, frontmatter, "source.md.j2", {
            "title": source.title,
            "why": first.why,
            "url": source.url,
            "topic_link": self._topic_link(ref.path, topic.key),
            "role": first.role,
            "tier": topic.tier,
            "also": [
                {
                    "topic_link": self._topic_link(ref.path, placement.topic_key),
                    "role": placement.role,
                    "why": placement.why,
                }
                for placement in source.placements[1:]
            ],
            "details": source.details,
            "targets": self.settings.targets,
        })

    # -- questions ---------------------------------------------------------------------------

    def _question_note(self, question: Question) -> None:
        if self._known(question.id, Kind.QUESTION):
            return
        ref = self.refs[question.id]
        topic = self._topic(question)
        frontmatter: dict[str, object] = {
            "vaultkit": Kind.QUESTION.value,
            "id": question.id,
            "title": question.text,
            "aliases": [question.text],
            "topic": wikilink(self.refs[topic.id]),
            "level": question.level.value if question.level else None,
        }
        if question.difficulty:
            frontmatter["difficulty"] = question.difficulty
        frontmatter["status"] = self.settings.question_statuses[0]
        frontmatter["tags"] = ["vaultkit/question"]
        sources = sorted(
            self.catalog.sources_of(topic.key), key=lambda pair: role_order(pair[1].role)
        )
        self._note(question.id, Kind.QUESTION, frontmatter, "question.md.j2", {
            "markdown": question.markdown,
            "context": question.context,
            "details": question.details,
            "topic_link": self._topic_link(ref.path, topic.key),
            "level": question.level,
            "level_label": _level_label(question.level),
            "difficulty": question.difficulty,
            "sources": [
                {"link": self._link(ref.path, source.id), "role": placement.role}
                for source, placement in sources
            ],
        })


def _display_numbers(topics: Iterable[Topic]) -> dict[str, str]:
    """The number in each hub's name: the list's own, else the next free whole number."""
    topics = list(topics)
    used = {int(t.number) for t in topics if t.number and t.number.isdigit()}
    numbers: dict[str, str] = {}
    counter = max(used, default=0)
    for topic in topics:
        if topic.number is not None:
            numbers[topic.key] = topic.number
        else:
            counter += 1
            numbers[topic.key] = str(counter)
    return numbers


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


def _row(
    heading: str = "", depth: int = 0, intro: str = "", link: str = "", counts: str = ""
) -> dict[str, object]:
    """One line of the home note's topic outline: a group heading or a topic link."""
    return {"heading": heading, "depth": depth, "intro": intro, "link": link, "counts": counts}


def _counts(sources: int, questions: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    return f"{plural(sources, 'source')} · {plural(questions, 'question')}"
