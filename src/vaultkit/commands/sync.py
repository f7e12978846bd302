"""`vaultkit sync`: notes for the entries added to the lists inside the vault, then a build.

Only entries that are new since vaultkit last made notes get one: an entry whose note the user
deleted stays deleted (and is reported). No existing note is ever changed or deleted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
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
from vaultkit.vault import seen


@dataclass(frozen=True, slots=True)
class SyncResult:
    created: list[PlannedFile] = field(default_factory=list)
    without_notes: list[tuple[str, str]] = field(default_factory=list)
    """(kind, title) of entries whose notes were deleted; not re-created."""
    gone: list[PurePosixPath] = field(default_factory=list)
    """Notes whose entries are no longer in the lists; left as they are."""
    warnings: list[tuple[str, ListWarning]] = field(default_factory=list)
    """Entries the lists' parser skipped, with the list they are in."""
    build: BuildResult | None = None


def sync_vault(
    root: Path,
    settings: Settings,
    *,
    dry_run: bool = False,
    build: bool = True,
    interruptible: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> SyncResult:
    """Create notes for new entries; `build=False` leaves the dashboards to the caller.

    `interruptible` wraps the part that only reads (the lists, every note's id, the plan), so
    that a watcher's stop request may abandon it; never the creation of notes.
    """
    with interruptible():
        catalog = load_catalog(root, settings)
        if catalog is None:
            raise NoListsError(root, settings.reading_list, settings.syllabus)
        existing = scan_existing(root)
        known = seen.known_ids(root)
        if known is None:  # no record (deleted, or a vault from elsewhere): what has notes
            known = set(existing.paths_by_id)
        plan = plan_files(catalog, settings, root, existing)
    new_notes = [
        f for f in plan.to_create
        if f.kind in LISTED_KINDS and f.note_id is not None and f.note_id not in known
    ]
    titles = _titles(catalog)
    listed = set(titles)
    result = SyncResult(
        created=new_notes,
        without_notes=sorted(
            titles[note_id] for note_id in listed & known if note_id not in existing.paths_by_id
        ),
        gone=sorted(
            path for note_id, path in existing.paths_by_id.items()
            if note_id not in listed and existing.kinds_by_id.get(note_id) in LISTED_KINDS
        ),
        warnings=list(catalog.warnings),
    )
    if dry_run:
        return result
    creation = create_files(Plan(root, tuple(new_notes)))
    seen.remember(root, [f.note_id for f in creation.created if f.note_id])
    return dataclasses.replace(
        result, created=creation.created, build=build_once(root, settings) if build else None
    )


def _titles(catalog: Catalog) -> dict[str, tuple[str, str]]:
    return {
        **{t.id: (Kind.TOPIC, t.title) for t in catalog.topics},
        **{s.id: (Kind.SOURCE, s.title) for s in catalog.sources},
        **{q.id: (Kind.QUESTION, q.text) for q in catalog.questions},
    }
