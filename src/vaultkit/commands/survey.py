"""`vaultkit status` and `check`: the vault read, measured and judged; nothing written but caches.

`assess` is the step every build shares: an index as it is, with what the lists name, becomes
the progress and the problems the dashboards show.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vaultkit import config
from vaultkit.config import Settings
from vaultkit.errors import ConfigError, NestedVaultError, NotAVaultError, VaultPathError
from vaultkit.model import ListedIds
from vaultkit.report import publish
from vaultkit.report.panels import owned_paths
from vaultkit.report.problems import find_problems
from vaultkit.report.progress import Progress, measure
from vaultkit.vault import seen
from vaultkit.vault.cache import Caches
from vaultkit.vault.index import VaultIndex, is_ignored
from vaultkit.vault.list_ids import listed_in_vault
from vaultkit.vault.notes import NoteRecord, Problem
from vaultkit.vault.seen import Held

HAND_EDITED = (
    "edited by hand since vaultkit wrote it; the next build keeps your edits aside in a copy"
)


@dataclass(frozen=True, slots=True)
class Survey:
    """A vault read and measured, nothing written (but the caches)."""

    root: Path
    settings: Settings
    index: VaultIndex
    progress: Progress
    problems: list[Problem]
    listed: ListedIds | None = None
    """What the lists name, as the vault knows it (reworded entries by their notes' ids)."""


def open_vault(root: Path) -> tuple[Path, Settings]:
    """The vault folder and its settings, or an error saying why it is not one.

    Only a folder with `vaultkit.toml` is a vault: a typo or a home folder is refused before
    anything is read or written (no `.vaultkit/` appears in it).
    """
    if not root.exists():
        raise VaultPathError(root, "no such folder; create a vault with `vaultkit init`")
    if not root.is_dir():
        raise VaultPathError(root, "is not a folder")
    settings_file = root / config.CONFIG_NAME
    if not os.path.lexists(settings_file):
        around = next((parent for parent in root.resolve().parents
                       if (parent / config.CONFIG_NAME).is_file()), None)
        raise NotAVaultError(root, around)
    if not settings_file.is_file():  # a folder, a FIFO, a dangling link: defaults would lie
        raise ConfigError(settings_file, "is not a regular file")
    return root, config.load(root)


def refuse_nested(vault: Path) -> None:
    """Raise NestedVaultError when `vault` lies inside a vault or holds one below it.

    A vault in a vault shares its notes: the outer one's index would count the inner one's
    notes (duplicate ids), and `init` on the outer one would take them for its own. The vault
    itself (its own `vaultkit.toml`) is fine: re-running `init` completes it.

    Below, the folders the index reads are searched, and only those: dot-folders, tool folders
    (`node_modules`) and symlinked folders are not, as a vault there shares no note. No depth
    cap (a vault 20 levels down is still read as notes); the search stops at the first found.
    A folder that is a vault already is not searched again: `init` searched it when it made it.
    """
    resolved = vault.resolve()
    for parent in resolved.parents:
        if (parent / config.CONFIG_NAME).is_file():
            raise NestedVaultError(vault, parent, inside=True)
    if not vault.is_dir() or (vault / config.CONFIG_NAME).is_file():
        return
    for folder, dirs, files in os.walk(vault):  # symlinked folders are not followed
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        if folder != str(vault) and config.CONFIG_NAME in files:
            raise NestedVaultError(vault, Path(folder), inside=False)


def survey(root: Path, settings: Settings) -> Survey:
    """Read the whole vault and judge it, a dashboard edited by hand included (status, check)."""
    index = VaultIndex(root, settings)
    index.scan()
    hand_edited = [Problem(path, None, HAND_EDITED)
                   for path in publish.edited(root, settings, owned_paths(index, settings))]
    return assess(index, Caches(root), extra=hand_edited)


def assess(index: VaultIndex, caches: Caches, *, extra: Sequence[Problem] = ()) -> Survey:
    """Measure and judge the index as it is; `extra` problems are reported after the lists'.

    Entries the last sync held back as possible rewordings are problems too, on their lines
    in the lists, and the notes they may reword are "in doubt", not "no longer listed".
    """
    root, settings = index.root, index.settings
    listed, list_problems = listed_in_vault(caches, settings)
    memory = seen.glance(root)
    held: dict[str, Held] = {}
    if listed is not None:  # translated after the cache, which is keyed by the lists' bytes
        listed = _as_kept(listed, memory.kept)
        held = _still_held(memory.held, listed, index)
    notes = index.by_id() if held else {}
    problems = find_problems(
        index, settings,
        listed=listed,
        dashboards=settings.dashboard_paths().values(),
        extra=[*list_problems, *(_held_problem(h, notes) for h in held.values()), *extra],
        in_doubt=_in_doubt(held.values()),
    )
    order = _list_order(listed) if listed is not None else None
    return Survey(root, settings, index, measure(index, settings, order), problems, listed)


def _as_kept(listed: ListedIds, kept: Mapping[str, str]) -> ListedIds:
    """The ids as the vault knows them: an entry reworded in the list names the note `sync`
    kept for it, which is therefore never "no longer in the list"."""
    if not kept:
        return listed

    def ids(listed_ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(kept.get(note_id, note_id) for note_id in listed_ids)

    return dataclasses.replace(listed, topics=ids(listed.topics), sources=ids(listed.sources),
                               questions=ids(listed.questions))


def _still_held(held: Mapping[str, Held], listed: ListedIds, index: VaultIndex
                ) -> dict[str, Held]:
    """The held entries the lists still name and that still have no note: a list edited
    since the sync, or a note made on another device, resolves the doubt."""
    if not held:
        return {}
    names = {*listed.topics, *listed.questions, *listed.sources}
    with_notes = {record.id for record in index.notes() if record.id}
    return {i: h for i, h in held.items() if i in names and i not in with_notes}


def _held_problem(held: Held, notes: Mapping[str, list[NoteRecord]]) -> Problem:
    """A held entry as a problem on its line in the list: what it may reword, the ways out."""
    olds = " or ".join(
        f"“{text}” ({notes[i][0].path})" if i in notes else f"“{text}”"
        for i, text in held.could_be
    )
    return Problem(held.list or "", held.line,
                   f"{held.kind} “{held.text}” may reword {olds}, so sync made it no note: "
                   f"{held.hint}")


def _in_doubt(held: Iterable[Held]) -> dict[str, str]:
    """The id of each note a held entry may reword → where those entries are."""
    where: dict[str, list[str]] = {}
    for entry in held:
        for old, _ in entry.could_be:
            where.setdefault(old, []).append(_where(entry))
    return {old: " or ".join(places) for old, places in where.items()}


def _where(held: Held) -> str:
    """`“new words” (Lists/….md, line 12)`: where a held entry is."""
    line = f", line {held.line}" if held.line else ""
    return f"“{held.text}” ({held.list}{line})" if held.list else f"“{held.text}”"


def _list_order(listed: ListedIds) -> dict[str, int]:
    return {note_id: n for n, note_id in enumerate((*listed.sources, *listed.questions))}
