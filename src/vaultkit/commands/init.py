"""`vaultkit init`: the user's two lists become a linked vault; an existing vault is completed."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from vaultkit import config
from vaultkit.commands.build import BuildResult, build_once
from vaultkit.commands.survey import refuse_nested
from vaultkit.commands.sync import held_entries
from vaultkit.config import LinkStyle, Settings
from vaultkit.errors import LinkStyleError, VaultPathError
from vaultkit.lists import load_reading_list, load_syllabus, read_list_bytes
from vaultkit.lists.joins import combine
from vaultkit.model import Catalog, ListWarning, ReadingList, Syllabus
from vaultkit.scaffold.create import CreationReport, create_files
from vaultkit.scaffold.existing import scan_existing
from vaultkit.scaffold.plan import Plan, plan_files
from vaultkit.scaffold.reworded import Ambiguity, Rewording, carry
from vaultkit.scaffold.templates import shipped_list
from vaultkit.vault import seen
from vaultkit.vault.cache import Caches
from vaultkit.vault.list_ids import prime
from vaultkit.vault.seen import Memory

READING_LIST = "Reading list.md"
SYLLABUS = "Question syllabus.md"


@dataclass(frozen=True, slots=True)
class InitResult:
    vault: Path
    catalog: Catalog
    report: CreationReport
    warnings: tuple[tuple[Path, ListWarning], ...]
    """Each list's warnings with the file they came from."""
    settings: Settings
    build: BuildResult | None = None
    """The dashboards written at the end; None for a dry run."""
    lists: tuple[Path, ...] = ()
    """The reading list and the syllabus the catalog was read from."""
    reworded: tuple[Rewording, ...] = ()
    """Entries reworded in the vault's lists since their notes were made: the notes are kept."""
    ambiguous: tuple[Ambiguity, ...] = ()
    """New entries that could each be one of several reworded ones: no note made."""


def init_vault(
    vault: Path,
    *,
    reading_list: Path | None = None,
    syllabus: Path | None = None,
    links: LinkStyle | None = None,
    dry_run: bool = False,
) -> InitResult:
    """Plan the vault for the lists and create what is missing.

    Without `--readlist` / `--questions`, a vault's own lists (in `Lists/`) are used when it has
    them, so re-running `init` restores that vault's notes and never adds the shipped ones;
    a vault with neither gets the shipped lists, which come together or not at all.
    """
    if vault.exists() and not vault.is_dir():
        raise VaultPathError(vault, "exists and is not a folder; name a new or existing folder")
    refuse_nested(vault)
    settings = config.load(vault)
    has_settings = (vault / config.CONFIG_NAME).is_file()
    if links is not None and has_settings and links != settings.links:
        raise LinkStyleError(vault, settings.links, links)
    if links is not None:
        settings = dataclasses.replace(settings, links=links)

    reading_path, syllabus_path = _chosen_lists(vault, settings, reading_list, syllabus)
    # Read once: the bytes parsed are the bytes copied in and cached, even if a list is saved
    # while this runs. A list that is absent counts as empty, as `sync` counts it.
    reading_bytes = read_list_bytes(reading_path) if reading_path else None
    syllabus_bytes = read_list_bytes(syllabus_path) if syllabus_path else None
    reading = (load_reading_list(reading_path, reading_bytes) if reading_path
               else ReadingList((), ()))
    questions = load_syllabus(syllabus_path, syllabus_bytes) if syllabus_path else Syllabus((), ())
    # An existing vault: entries reworded in its lists keep their notes, as in `sync`.
    existing = scan_existing(vault)
    memory = seen.recall(vault)
    carried = carry(combine(reading, questions, settings.topics), memory, existing.paths_by_id)
    catalog = carried.catalog

    copied = {"reading_list": reading_bytes, "syllabus": syllabus_bytes}
    plan = plan_files(
        catalog,
        settings,
        vault,
        existing,
        {name: data for name, data in copied.items() if data is not None},
    )
    # An ambiguous rewording gets no note: a duplicate is worse than one made later.
    plan = Plan(plan.vault, tuple(f for f in plan.files if f.note_id not in carried.held))
    report = create_files(plan, dry_run=dry_run)
    built = None
    if not dry_run:
        made = {f.note_id for f in report.created if f.note_id is not None}
        seen.remember(
            vault,
            [note_id for note_id in _entry_ids(catalog) if note_id not in carried.held],
            entries=carried.remembered(memory or Memory(), {*existing.paths_by_id, *made}),
            kept=carried.kept,
            held=held_entries(carried, settings, existing.paths_by_id),
        )
        caches = Caches(vault)  # the build need not parse the lists again
        prime(caches, settings, ((reading_bytes, reading), (syllabus_bytes, questions)))
        built = build_once(vault, settings, caches=caches)
    warnings = tuple(
        [(path, w) for path in (reading_path,) if path for w in reading.warnings]
        + [(path, w) for path in (syllabus_path,) if path for w in questions.warnings]
        + [(vault / name, w) for name, w in catalog.warnings]  # `[topics]` lines that join nothing
    )
    given = tuple(path for path in (reading_path, syllabus_path) if path)
    return InitResult(vault, catalog, report, warnings, settings, built, given,
                      carried.reworded, carried.ambiguous)


def _chosen_lists(
    vault: Path, settings: Settings, reading_list: Path | None, syllabus: Path | None
) -> tuple[Path | None, Path | None]:
    """The lists to read: each as given, else the vault's own; the shipped two only together.

    `--readlist` alone makes a vault without questions (or with the vault's own): the shipped
    syllabus's sections are numbered for the shipped reading list and would join unrelated
    topics by their numbers. A FIFO or folder where a list belongs is an error, not absent.
    """
    reading_path = reading_list or _own(vault / settings.reading_list)
    syllabus_path = syllabus or _own(vault / settings.syllabus)
    if reading_path is None and syllabus_path is None:
        return shipped_list(READING_LIST), shipped_list(SYLLABUS)
    return reading_path, syllabus_path


def _own(path: Path) -> Path | None:
    return path if os.path.lexists(path) else None


def _entry_ids(catalog: Catalog) -> list[str]:
    return [
        *(t.id for t in catalog.topics),
        *(s.id for s in catalog.sources),
        *(q.id for q in catalog.questions),
    ]
