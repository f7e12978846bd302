"""`vaultkit init`: the user's two lists become a linked vault; an existing vault is completed."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from vaultkit import config
from vaultkit.commands.build import BuildResult, build_once
from vaultkit.config import LinkStyle, Settings
from vaultkit.errors import LinkStyleError, VaultPathError
from vaultkit.lists import load_reading_list, load_syllabus, read_list_bytes
from vaultkit.lists.joins import combine
from vaultkit.model import Catalog, ListWarning
from vaultkit.scaffold.create import CreationReport, create_files
from vaultkit.scaffold.existing import scan_existing
from vaultkit.scaffold.plan import plan_files
from vaultkit.scaffold.templates import shipped_list
from vaultkit.vault import seen
from vaultkit.vault.cache import Caches
from vaultkit.vault.list_ids import prime

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
    a new vault gets the shipped lists.
    """
    if vault.exists() and not vault.is_dir():
        raise VaultPathError(vault, "exists and is not a folder; name a new or existing folder")
    settings = config.load(vault)
    has_settings = (vault / config.CONFIG_NAME).is_file()
    if links is not None and has_settings and links != settings.links:
        raise LinkStyleError(vault, settings.links, links)
    if links is not None:
        settings = dataclasses.replace(settings, links=links)

    reading_path = reading_list or _own_or_shipped(vault / settings.reading_list, READING_LIST)
    syllabus_path = syllabus or _own_or_shipped(vault / settings.syllabus, SYLLABUS)
    # Read once: the bytes parsed are the bytes copied in and cached, even if a list is saved
    # while this runs.
    reading_bytes, syllabus_bytes = read_list_bytes(reading_path), read_list_bytes(syllabus_path)
    reading = load_reading_list(reading_path, reading_bytes)
    questions = load_syllabus(syllabus_path, syllabus_bytes)
    catalog = combine(reading, questions)

    plan = plan_files(
        catalog,
        settings,
        vault,
        scan_existing(vault),
        {"reading_list": reading_bytes, "syllabus": syllabus_bytes},
    )
    report = create_files(plan, dry_run=dry_run)
    built = None
    if not dry_run:
        seen.remember(vault, _entry_ids(catalog))
        caches = Caches(vault)  # the build need not parse the lists again
        prime(caches, settings, ((reading_bytes, reading), (syllabus_bytes, questions)))
        built = build_once(vault, settings, caches=caches)
    warnings = tuple(
        [(reading_path, w) for w in reading.warnings]
        + [(syllabus_path, w) for w in questions.warnings]
    )
    return InitResult(vault, catalog, report, warnings, settings, built)


def _own_or_shipped(own: Path, shipped: str) -> Path:
    """The vault's own list when it has one; a FIFO or folder there is an error, not absent."""
    return own if os.path.lexists(own) else shipped_list(shipped)


def _entry_ids(catalog: Catalog) -> list[str]:
    return [
        *(t.id for t in catalog.topics),
        *(s.id for s in catalog.sources),
        *(q.id for q in catalog.questions),
    ]
