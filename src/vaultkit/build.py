"""`vaultkit build`, `status` and `check`: index the vault, measure it, find its problems, and
(for build) write the dashboards."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vaultkit import config, dashboards
from vaultkit.config import Settings
from vaultkit.errors import ListError, VaultPathError
from vaultkit.index import VaultIndex
from vaultkit.lists import load_catalog
from vaultkit.model import Catalog
from vaultkit.notes import Problem
from vaultkit.problems import find_problems
from vaultkit.progress import Progress, measure


@dataclass(frozen=True, slots=True)
class Survey:
    """A vault read and measured, nothing written (but the index cache)."""

    root: Path
    settings: Settings
    index: VaultIndex
    progress: Progress
    problems: list[Problem]


@dataclass(frozen=True, slots=True)
class BuildResult:
    survey: Survey
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)


def open_vault(root: Path) -> tuple[Path, Settings]:
    """The vault folder and its settings, or a VaultPathError saying why it is not one."""
    if not root.exists():
        raise VaultPathError(root, "no such folder; create a vault with `vaultkit init`")
    if not root.is_dir():
        raise VaultPathError(root, "is not a folder")
    return root, config.load(root)


def survey(
    root: Path, settings: Settings, index: VaultIndex | None = None
) -> Survey:
    """Measure the vault; `index` is reused as it is when given (the watcher keeps one)."""
    if index is None:
        index = VaultIndex(root, settings)
        index.scan()
    catalog, list_problems = _catalog(root, settings)
    hand_edited = [
        Problem(path, None, "edited by hand since vaultkit wrote it; the next build keeps "
                "your edits aside in a copy")
        for path in dashboards.edited(root, settings)
    ]
    problems = find_problems(
        index, settings,
        catalog=catalog,
        dashboards=dashboards.paths(settings).values(),
        extra=[*list_problems, *hand_edited],
    )
    order = _list_order(catalog) if catalog is not None else None
    return Survey(root, settings, index, measure(index, settings, order), problems)


def build_vault(root: Path, settings: Settings, index: VaultIndex | None = None) -> BuildResult:
    """Write every dashboard whose text changed; hand edits are moved aside first."""
    if index is None:
        index = VaultIndex(root, settings)
        index.scan()
    kept = dashboards.keep_aside(root, settings)
    if kept:
        index.update([p for pair in kept for p in pair])
    found = survey(root, settings, index)
    report = dashboards.write(root, dashboards.render(found.progress, found.problems, settings))
    return BuildResult(found, report.written, report.unchanged, kept)


def _list_order(catalog: Catalog) -> dict[str, int]:
    ids = [*(s.id for s in catalog.sources), *(q.id for q in catalog.questions)]
    return {note_id: n for n, note_id in enumerate(ids)}


_CatalogKey = tuple[Path, tuple[tuple[int, int] | None, ...], str, str]
_last_catalog: dict[_CatalogKey, tuple[Catalog | None, list[Problem]]] = {}


def _catalog(root: Path, settings: Settings) -> tuple[Catalog | None, list[Problem]]:
    """The lists' catalog, parsed again only when a list file changed (a watcher asks often)."""
    lists = (root / settings.reading_list, root / settings.syllabus)
    key = (root, tuple(_stat(p) for p in lists), settings.reading_list, settings.syllabus)
    if key not in _last_catalog:
        _last_catalog.clear()
        _last_catalog[key] = _load_catalog(root, settings)
    return _last_catalog[key]


def _load_catalog(root: Path, settings: Settings) -> tuple[Catalog | None, list[Problem]]:
    try:
        return load_catalog(root, settings), []
    except ListError as exc:
        try:
            relative = exc.path.relative_to(root).as_posix()
        except ValueError:
            relative = str(exc.path)
        return None, [Problem(relative, exc.line, exc.reason)]


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size
