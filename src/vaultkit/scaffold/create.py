"""Applying a plan: create the planned files the vault lacks; never overwrite, never delete."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from vaultkit.files.contain import inside
from vaultkit.files.writes import create_file, remove_stale_temp_files
from vaultkit.scaffold.plan import Plan, PlannedFile

log = logging.getLogger(__name__)

_WRITERS = 8


@dataclass(slots=True)
class CreationReport:
    """What applying a plan did (or, for a dry run, would do), file by file."""

    created: list[PlannedFile] = field(default_factory=list)
    skipped: list[PlannedFile] = field(default_factory=list)
    """Planned files the vault already had, plus any that appeared while we wrote."""

    @property
    def beside_yours(self) -> list[PlannedFile]:
        """Notes created (or to create) under another name, because a file of the user's
        holds the name they wanted (`PlannedFile.yours`)."""
        return [planned for planned in self.created if planned.yours is not None]


def create_files(plan: Plan, *, dry_run: bool = False) -> CreationReport:
    """Create the planned files that are missing; never overwrite, never delete.

    A dry run writes nothing (not even a folder) and reports what it would create.
    """
    report = CreationReport(skipped=list(plan.to_skip))
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
    for (planned, _), was_created in zip(targets, written, strict=True):
        if was_created:
            report.created.append(planned)
        else:
            log.warning("%s appeared while writing; left as it is", planned.path)
            report.skipped.append(planned)
    return report
