"""`vaultkit sync`: notes for the entries added to the lists inside the vault, then a build.

Only entries that are new since vaultkit last made notes get one: an entry whose note the user
deleted stays deleted (and is reported), an entry the user reworded keeps its note
(`scaffold.reworded`). No existing note is ever changed or deleted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from vaultkit.commands.build import BuildResult, build_once
from vaultkit.config import Settings
from vaultkit.errors import NoListsError
from vaultkit.lists import load_catalog
from vaultkit.model import LISTED_KINDS, Catalog, Kind, ListWarning
from vaultkit.scaffold.create import create_files
from vaultkit.scaffold.existing import scan_existing
from vaultkit.scaffold.plan import Plan, PlannedFile, plan_files
from vaultkit.scaffold.reworded import Ambiguity, Carried, Rewording, carry
from vaultkit.vault import seen
from vaultkit.vault.seen import Held, Memory


@dataclass(frozen=True, slots=True)
class SyncResult:
    created: list[PlannedFile] = field(default_factory=list)
    without_notes: list[tuple[str, str]] = field(default_factory=list)
    """(kind, title) of entries whose notes were deleted; not re-created."""
    gone: list[PurePosixPath] = field(default_factory=list)
    """Notes whose entries are no longer in the lists; left as they are."""
    warnings: list[tuple[str, ListWarning]] = field(default_factory=list)
    """Entries the lists' parser skipped, with the list they are in."""
    reworded: list[Rewording] = field(default_factory=list)
    """Entries whose words changed in the list: their notes are kept."""
    ambiguous: list[Ambiguity] = field(default_factory=list)
    """New entries that could each be one of several reworded ones: no note made."""
    build: BuildResult | None = None


def sync_vault(
    root: Path,
    settings: Settings,
    *,
    dry_run: bool = False,
    build: bool = True,
    accept_new: bool = False,
    interruptible: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> SyncResult:
    """Create notes for new entries; `build=False` leaves the dashboards to the caller.

    `accept_new` gives entries that are ambiguous rewordings notes of their own.
    `interruptible` wraps the part that only reads (the lists, every note's id, the plan), so
    that a watcher's stop request may abandon it; never the creation of notes.
    """
    with interruptible():
        as_listed = load_catalog(root, settings)
        if as_listed is None:
            raise NoListsError(root, settings.reading_list, settings.syllabus)
        existing = scan_existing(root)
        memory = seen.recall(root)
        # No record (deleted, or a vault from elsewhere): what has notes counts as known.
        known = memory.known if memory is not None else frozenset(existing.paths_by_id)
        carried = carry(as_listed, memory, existing.paths_by_id, accept_new=accept_new)
        catalog = carried.catalog
        plan = plan_files(catalog, settings, root, existing)
    new_notes = [
        f for f in plan.to_create
        if f.kind in LISTED_KINDS and f.note_id is not None and f.note_id not in known
        and f.note_id not in carried.held
    ]
    titles = _titles(catalog)
    in_doubt = {path for doubt in carried.ambiguous for path in doubt.paths}
    listed = set(titles)
    result = SyncResult(
        created=new_notes,
        without_notes=sorted(
            titles[note_id] for note_id in listed & known if note_id not in existing.paths_by_id
        ),
        gone=sorted(  # a note an ambiguous entry may reword is in doubt, not gone: said so
            path for note_id, path in existing.paths_by_id.items()
            if note_id not in listed and existing.kinds_by_id.get(note_id) in LISTED_KINDS
            and path not in in_doubt
        ),
        warnings=list(catalog.warnings),
        reworded=list(carried.reworded),
        ambiguous=list(carried.ambiguous),
    )
    if dry_run:
        return result
    creation = create_files(Plan(root, tuple(new_notes)))
    _remember(root, settings, carried, memory=memory, notes=existing.paths_by_id,
              created=[f.note_id for f in creation.created if f.note_id])
    return dataclasses.replace(
        result, created=creation.created, build=build_once(root, settings) if build else None
    )


def _remember(
    root: Path,
    settings: Settings,
    carried: Carried,
    *,
    memory: Memory | None,
    notes: Mapping[str, PurePosixPath],
    created: Collection[str],
) -> None:
    """Keep in the vault's memory the ids made notes for, every listed entry that has a note
    in its current words, which note holds each reworded entry, and what was held back."""
    with_notes = {*notes, *created}
    entries = carried.remembered(memory or Memory(), with_notes)
    seen.remember(root, created, entries=entries, kept=carried.kept,
                  held=held_entries(carried, settings, notes))


def held_entries(
    carried: Carried, settings: Settings, notes: Mapping[str, PurePosixPath]
) -> dict[str, Held]:
    """Each new entry held back as a possible rewording, where it is in the lists: what
    `check` and Problems.md say about it until a sync resolves it (`commands.survey`).
    `notes` is where the vault has each note id."""
    ids = {path: note_id for note_id, path in notes.items()}
    catalog = carried.catalog
    own = {join.topic_key for join in catalog.joins if join.how == "none"}
    places: dict[str, tuple[str, int]] = {
        t.id: (settings.syllabus if t.key in own else settings.reading_list, t.line)
        for t in catalog.topics
    }
    places |= {q.id: (settings.syllabus, q.line) for q in catalog.questions}
    held: dict[str, Held] = {}
    for doubt in carried.ambiguous:
        could_be = tuple((ids[path], text) for path, text in
                         zip(doubt.paths, doubt.old, strict=True) if path in ids)
        for note_id, text in zip(doubt.held, doubt.new, strict=True):
            where, line = places.get(note_id, (settings.syllabus, 0))
            held[note_id] = Held(doubt.kind, text, could_be, doubt.hint, where, line or None)
    return held


def _titles(catalog: Catalog) -> dict[str, tuple[str, str]]:
    return {
        **{t.id: (Kind.TOPIC, t.title) for t in catalog.topics},
        **{s.id: (Kind.SOURCE, s.title) for s in catalog.sources},
        **{q.id: (Kind.QUESTION, q.text) for q in catalog.questions},
    }
