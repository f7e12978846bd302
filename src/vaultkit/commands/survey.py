"""`vaultkit status` and `check`: the vault read, measured and judged; nothing written but caches.

`assess` is the step every build shares: an index as it is, with what the lists name, becomes
the progress and the problems the dashboards show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vaultkit import config
from vaultkit.config import Settings
from vaultkit.errors import VaultPathError
from vaultkit.model import ListedIds
from vaultkit.report import publish
from vaultkit.report.problems import find_problems
from vaultkit.report.progress import Progress, measure
from vaultkit.vault.cache import Caches
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.list_ids import listed_in_vault
from vaultkit.vault.notes import Problem

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


def open_vault(root: Path) -> tuple[Path, Settings]:
    """The vault folder and its settings, or a VaultPathError saying why it is not one."""
    if not root.exists():
        raise VaultPathError(root, "no such folder; create a vault with `vaultkit init`")
    if not root.is_dir():
        raise VaultPathError(root, "is not a folder")
    return root, config.load(root)


def survey(root: Path, settings: Settings) -> Survey:
    """Read the whole vault and judge it, a dashboard edited by hand included (status, check)."""
    index = VaultIndex(root, settings)
    index.scan()
    hand_edited = [Problem(path, None, HAND_EDITED) for path in publish.edited(root, settings)]
    return assess(index, Caches(root), extra=hand_edited)


def assess(index: VaultIndex, caches: Caches, *, extra: Sequence[Problem] = ()) -> Survey:
    """Measure and judge the index as it is; `extra` problems are reported after the lists'."""
    root, settings = index.root, index.settings
    listed, list_problems = listed_in_vault(caches, settings)
    problems = find_problems(
        index, settings,
        listed=listed,
        dashboards=settings.dashboard_paths().values(),
        extra=[*list_problems, *extra],
    )
    order = _list_order(listed) if listed is not None else None
    return Survey(root, settings, index, measure(index, settings, order), problems)


def _list_order(listed: ListedIds) -> dict[str, int]:
    return {note_id: n for n, note_id in enumerate((*listed.sources, *listed.questions))}
