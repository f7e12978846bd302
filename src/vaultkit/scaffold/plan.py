"""Catalog → a plan of every file a vault should have, with its bytes; nothing is written.

Each note gets its place: where the vault has its `id` (a note the user renamed or moved is
found there and not planned again), else a name of its own, unique across the vault. What a
note says comes from `pages`; `create.create_files` applies the plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from vaultkit.config import CONFIG_NAME, Settings
from vaultkit.model import Catalog, Kind, Topic
from vaultkit.scaffold.existing import ExistingNotes
from vaultkit.scaffold.names import NameBook, NoteRef, safe_name
from vaultkit.scaffold.pages import (
    HOME_ID,
    Page,
    Places,
    dashboard_id,
    home_page,
    question_page,
    source_page,
    topic_page,
)
from vaultkit.scaffold.templates import render_template, template_bytes
from vaultkit.vault.frontmatter import render_note

FileKind = Kind | Literal["list", "settings", "obsidian"]
"""What a planned file is: a note of one of the kinds, a list, the settings, Obsidian's."""


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """One file of the plan: where it goes, what it is, and its bytes."""

    path: PurePosixPath
    """Relative to the vault root."""
    kind: FileKind
    data: bytes
    """Empty for a note the vault already has: it is not rendered."""
    existing: PurePosixPath | None = None
    """Where the vault already has this file (or the note with its id): it will be skipped."""
    note_id: str | None = None
    yours: PurePosixPath | None = None
    """The user's file at the name this note wanted (not vaultkit's note with its id): kept as
    it is, and the note planned beside it under the next free name."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Every file a vault should have; those it has already are marked `existing`."""

    vault: Path
    files: tuple[PlannedFile, ...]

    @property
    def to_create(self) -> tuple[PlannedFile, ...]:
        return tuple(f for f in self.files if f.existing is None)

    @property
    def to_skip(self) -> tuple[PlannedFile, ...]:
        return tuple(f for f in self.files if f.existing is not None)


def plan_files(
    catalog: Catalog,
    settings: Settings,
    vault: Path,
    existing: ExistingNotes,
    lists: dict[str, bytes] | None = None,
) -> Plan:
    """Every file `init` would write, with its bytes, and which of them the vault has.

    `lists` holds the bytes of the reading list and syllabus to copy into the vault; without
    it (as in `sync`, which reads them from there) they are not planned.
    """
    return _Planner(
        catalog=catalog, settings=settings, vault=vault, lists=lists, existing=existing
    ).plan()


class _Planner:
    def __init__(
        self,
        *,
        catalog: Catalog,
        settings: Settings,
        vault: Path,
        lists: dict[str, bytes] | None,
        existing: ExistingNotes,
    ) -> None:
        self.catalog = catalog
        self.settings = settings
        self.vault = vault
        self.lists = lists
        self.existing = existing
        self.names = NameBook(existing.names)
        self.homes = set(existing.paths_by_id.values())
        """Where the vault's notes with ids are: never the place of another note."""
        self.refs: dict[str, NoteRef] = {}
        self.yours: dict[str, PurePosixPath] = {}
        """Note id → the user's file at the name the note wanted."""
        self.hub_names = hub_names(catalog.topics)
        self.files: list[PlannedFile] = []
        self._listed: dict[PurePosixPath, dict[str, str]] = {}
        """Folder → the names in it by their casefold, listed once per plan: a name taken in a
        folder (a twin title, a file of yours) costs a lookup, not a listing of the folder,
        which made planning quadratic in them."""

    # -- places ------------------------------------------------------------------------------

    def _ref(self, note_id: str, folder: str, title: str, name: str | None = None) -> NoteRef:
        """The note's place: where the vault has its id, else a free name in `folder`.

        A file at the name it wants that is not the note with its id (found by id already,
        even if the user edited it or broke its frontmatter) is the user's: never adopted as
        the note, which would silently lose it. The note takes the next free name beside it,
        `Name (2)`, and `yours` records why.
        """
        existing_path = self.existing.paths_by_id.get(note_id)
        if existing_path is not None:
            ref = NoteRef(existing_path, title)
        else:
            wanted = name if name is not None else title
            planned = PurePosixPath(folder, f"{safe_name(wanted)}.md")
            path = PurePosixPath(folder, f"{self.names.claim(wanted)}.md")
            yours = self._on_disk(planned) if path != planned else None
            # Another vaultkit note there (long titles that differ past the name's cut share
            # a safe name) is not the user's file.
            if yours is not None and yours not in self.homes:
                self.yours[note_id] = yours
            ref = NoteRef(path, title)
        self.refs[note_id] = ref
        return ref

    def _on_disk(self, planned: PurePosixPath) -> PurePosixPath | None:
        """The file at `planned`, or at the same name in another case (which claims it on
        macOS and Windows, and in Obsidian's links everywhere); None when there is none."""
        exact = self.vault / planned
        if exact.exists() or exact.is_symlink():
            return planned
        found = self._names_in(planned.parent).get(planned.name.casefold())
        return None if found is None else planned.parent / found

    def _names_in(self, folder: PurePosixPath) -> dict[str, str]:
        """The folder's entries by casefold, the first in sorted order where two share one;
        empty for a folder that does not exist (yet) or is not one. Listed once per plan."""
        if folder not in self._listed:
            try:
                names = sorted(entry.name for entry in (self.vault / folder).iterdir())
            except OSError:
                names = []
            listed: dict[str, str] = {}
            for name in names:
                listed.setdefault(name.casefold(), name)
            self._listed[folder] = listed
        return self._listed[folder]

    def _assign_places(self) -> None:
        folders = self.settings.folders
        # Fixed names first, so a source called "Home" gets "Home (2)" and not the reverse.
        for list_path in (self.settings.reading_list, self.settings.syllabus):
            self.names.reserve(PurePosixPath(list_path).stem)
        self._ref(HOME_ID, "", "Home")
        for board, relative in self.settings.dashboard_paths().items():
            # Written by the build that follows, always at these paths; named here so Home
            # can link to them.
            path = PurePosixPath(relative)
            self.names.reserve(path.stem)
            self.refs[dashboard_id(board)] = NoteRef(path, path.stem)
        for topic in self.catalog.topics:
            self._ref(topic.id, folders.topics, topic.title, self.hub_names[topic.key])
        for source in self.catalog.sources:
            self._ref(source.id, folders.sources, source.title)
        # Beside its topic's questions the vault has: the heading may have been reworded since.
        beside: dict[str, str] = {}
        for question in self.catalog.questions:
            if (sibling := self.existing.paths_by_id.get(question.id)) is not None:
                beside.setdefault(question.topic_key, str(sibling.parent))
        for question in self.catalog.questions:
            hub_name = self.hub_names[question.topic_key]
            folder = beside.get(question.topic_key, f"{folders.questions}/{safe_name(hub_name)}")
            self._ref(question.id, folder, question.text)

    # -- files -------------------------------------------------------------------------------

    def plan(self) -> Plan:
        self._assign_places()
        places = Places(self.catalog, self.settings, self.refs, self.hub_names)
        # A note the vault has is planned as skipped and not rendered: its bytes are never used.
        if not self._known(HOME_ID, Kind.HOME):
            self._note(HOME_ID, Kind.HOME, home_page(places))
        for topic in self.catalog.topics:
            if not self._known(topic.id, Kind.TOPIC):
                self._note(topic.id, Kind.TOPIC, topic_page(places, topic))
        for source in self.catalog.sources:
            if not self._known(source.id, Kind.SOURCE):
                self._note(source.id, Kind.SOURCE, source_page(places, source))
        for question in self.catalog.questions:
            if not self._known(question.id, Kind.QUESTION):
                self._note(question.id, Kind.QUESTION, question_page(places, question))
        if self.lists is not None:  # a list init was not given (and has no shipped twin) is absent
            for name, relative in (("reading_list", self.settings.reading_list),
                                   ("syllabus", self.settings.syllabus)):
                if name in self.lists:
                    self._file(PurePosixPath(relative), "list", self.lists[name])
        text = render_template("vaultkit.toml.j2", settings=self.settings)
        self._file(PurePosixPath(CONFIG_NAME), "settings", text.encode())
        self._file(
            PurePosixPath(".obsidian/types.json"), "obsidian", template_bytes("obsidian/types.json")
        )
        return Plan(self.vault, tuple(self.files))

    def _known(self, note_id: str, kind: FileKind) -> bool:
        """Plan a note the vault already has as skipped, without rendering it."""
        existing_path = self.existing.paths_by_id.get(note_id)
        if existing_path is None:
            return False
        self.files.append(PlannedFile(self.refs[note_id].path, kind, b"", existing_path, note_id))
        return True

    def _file(self, path: PurePosixPath, kind: FileKind, data: bytes) -> None:
        on_disk = (self.vault / path).exists() or (self.vault / path).is_symlink()
        self.files.append(PlannedFile(path, kind, data, path if on_disk else None))

    def _note(self, note_id: str, kind: FileKind, page: Page) -> None:
        ref = self.refs[note_id]
        body = render_template(page.template, **page.context)
        data = render_note(page.frontmatter, body).encode("utf-8")
        on_disk = (self.vault / ref.path).exists()
        self.files.append(PlannedFile(
            ref.path, kind, data, ref.path if on_disk else None, note_id, self.yours.get(note_id)
        ))


def hub_names(topics: Iterable[Topic]) -> dict[str, str]:
    """Topic key → its hub's name: the list's number (else the next free whole number) and
    the title."""
    topics = list(topics)
    used = {int(t.number) for t in topics if t.number and t.number.isdigit()}
    names: dict[str, str] = {}
    counter = max(used, default=0)
    for topic in topics:
        if topic.number is not None:
            number = topic.number
        else:
            counter += 1
            number = str(counter)
        names[topic.key] = f"{number} {topic.title}"
    return names
