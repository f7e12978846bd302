"""VaultIndex: every note of a vault as a record, kept current by full scans or by paths.

Notes are found by `id`, never by file name, so renamed and moved notes keep counting. A
full scan reuses the records of files whose stamp is unchanged: from memory when the index
already holds them (a watcher's rescan), else from `cache.INDEX`, safe to delete at any time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from vaultkit.config import Settings
from vaultkit.vault import cache, parallel
from vaultkit.vault.cache import Entry, Stamp, stamp
from vaultkit.vault.notes import NoteRecord, Problem, read_note

__all__ = ["VaultIndex", "is_ignored", "read_notes", "snapshot", "walk"]

log = logging.getLogger(__name__)

_SKIPPED_DIRS = {"node_modules", "__pycache__"}
_PARALLEL_FROM = 2000
"""Fewer notes than this are read in-process: starting workers would cost more than it saves."""


def is_ignored(relative: str) -> bool:
    """True for paths the index never reads: dot-folders and files, and tool folders."""
    parts = relative.split("/")
    return any(p.startswith(".") or p in _SKIPPED_DIRS for p in parts)


class VaultIndex:
    """The notes of one vault. Not thread-safe: one owner calls `scan`, `update`, `remove`."""

    def __init__(self, root: Path, settings: Settings, *, use_cache: bool = True) -> None:
        self.root = root
        self.settings = settings
        self.use_cache = use_cache
        self.records: dict[str, NoteRecord] = {}
        """Relative path → record, for every note that could be read."""
        self.failures: dict[str, Problem] = {}
        """Relative path → why the note could not be read."""
        self.attachments: set[str] = set()
        """Relative paths of files that are not notes (images, PDFs), for link checks."""
        self._stats: dict[str, Stamp | None] = {}
        self._dirty = False
        """Whether the records differ from what the cache on disk holds."""

    # -- reading -----------------------------------------------------------------------------

    def scan(self) -> None:
        """Read the whole vault again; unchanged files come from the cache when there is one.

        A rescan of an index already in memory (a watcher's periodic one) takes unchanged
        notes from memory, not from the cache file.
        """
        memory = self._in_memory()
        # Records changed by `update` since the cache was last saved: the rescan must save them
        # even when it reads nothing new (a watcher's cache would otherwise never catch up).
        behind = bool(memory) and self._dirty
        known = memory or (cache.load_notes(self.root) if self.use_cache else {})
        self.records.clear()
        self.failures.clear()
        self.attachments.clear()
        self._stats.clear()
        unread: list[tuple[str, Stamp | None]] = []
        unlisted: dict[str, Problem] = {}
        for relative, path in walk(self.root, unreadable=unlisted):
            if not relative.endswith(".md"):
                self.attachments.add(relative)
                continue
            stat = stamp(path)
            hit = known.get(relative)
            if hit is not None and cache.unchanged(hit[0], stat):
                self._store(relative, hit[1], stat)
            else:
                unread.append((relative, stat))
        results = read_notes(self.root, [r for r, _ in unread])
        for (relative, stat), result in zip(unread, results, strict=True):
            self._store(relative, result, stat)
        self.failures.update(unlisted)  # not notes: no stamp, never cached
        log.info("scanned %d notes (%d from cache)", len(self._stats),
                 len(self._stats) - len(unread))
        # Rewrite the cache only when it would say something new: a 10k-note cache costs
        # half a second to write.
        self._dirty = behind or bool(unread) or set(known) != set(self._stats) or self._racy()
        if self.use_cache and self._dirty:
            self._save_cache()

    def update(self, paths: Iterable[Path | str]) -> set[str]:
        """Re-read these files (created, changed or gone); the relative paths that changed."""
        changed: set[str] = set()
        for relative in self._relatives(paths):
            path = self.root / relative
            if path.is_dir() and not relative.endswith(".md"):
                # A folder created or moved in: every note below it is new to us.
                changed |= self.update(p for p, _ in self._walk(path))
                continue
            below = [known for known in self._stats if known.startswith(f"{relative}/")]
            if below and not path.exists():
                changed |= self.remove([relative])  # a folder deleted or moved away
                continue
            if not relative.endswith(".md"):
                if path.is_file():
                    self.attachments.add(relative)
                else:
                    self.attachments.discard(relative)
                continue
            if path.exists():
                stat = stamp(path)  # before reading: a write in between is seen next time
                self._store(relative, self._read(path, relative), stat)
            else:
                self._forget(relative)
            changed.add(relative)
        return changed

    def remove(self, paths: Iterable[Path | str]) -> set[str]:
        """Forget these files, as after a delete or the source side of a move."""
        gone: set[str] = set()
        for relative in self._relatives(paths):
            inside = f"{relative}/"
            self.attachments = {
                a for a in self.attachments if a != relative and not a.startswith(inside)
            }
            below = [k for k in self._stats if k == relative or k.startswith(inside)]
            for known in below:
                self._forget(known)
                gone.add(known)
            for folder in [k for k in self.failures if k.startswith(inside)]:
                del self.failures[folder]  # an unlistable folder, gone with its parent
        return gone

    # -- queries -----------------------------------------------------------------------------

    def notes(self, kind: str | None = None) -> Iterator[NoteRecord]:
        """Records in path order, optionally of one `vaultkit:` kind."""
        for relative in sorted(self.records):
            record = self.records[relative]
            if kind is None or record.kind == kind:
                yield record

    def by_id(self) -> dict[str, list[NoteRecord]]:
        """Each id of a vaultkit note → the notes that carry it (more than one is a problem)."""
        found: dict[str, list[NoteRecord]] = {}
        for record in self.notes():
            if record.kind and record.id:
                found.setdefault(record.id, []).append(record)
        return found

    # -- internals ---------------------------------------------------------------------------

    def _in_memory(self) -> dict[str, Entry]:
        """What the index holds, as the cache on disk would hold it: trusted stamps only."""
        entries: dict[str, Entry] = {}
        for relative, stat in self._stats.items():
            result = self.records.get(relative) or self.failures.get(relative)
            if cache.trusted(stat) and result is not None:
                entries[relative] = (stat, result)
        return entries

    def _read(self, path: Path, relative: str) -> NoteRecord | Problem:
        return read_note(path, relative)

    def _store(
        self, relative: str, result: NoteRecord | Problem, stat: Stamp | None
    ) -> None:
        self._dirty = True
        self.records.pop(relative, None)
        self.failures.pop(relative, None)
        if isinstance(result, NoteRecord):
            self.records[relative] = result
        else:
            self.failures[relative] = result
        self._stats[relative] = stat

    def _forget(self, relative: str) -> None:
        self._dirty = True
        self.records.pop(relative, None)
        self.failures.pop(relative, None)
        self._stats.pop(relative, None)

    def _walk(self, top: Path | None = None) -> Iterator[tuple[str, Path]]:
        return walk(self.root, top)

    def _relatives(self, paths: Iterable[Path | str]) -> Iterator[str]:
        for path in paths:
            candidate = Path(path)
            if candidate.is_absolute():
                try:
                    candidate = candidate.relative_to(self.root)
                except ValueError:
                    continue  # not in this vault
            relative = candidate.as_posix()
            if relative not in {"", "."} and not is_ignored(relative):
                yield relative

    # -- cache -------------------------------------------------------------------------------

    def _racy(self) -> bool:
        return any(cache.is_racy(s) for s in self._stats.values())

    def _save_cache(self) -> None:
        self._dirty = False
        cache.save_notes(self.root, self._in_memory())

    # -- moves -------------------------------------------------------------------------------

    def moved_away(self, changed: Iterable[str]) -> set[str]:
        """Paths whose note now sits at one of `changed` and whose file is gone: moved notes.

        A move between top-level folders reaches a watcher as a create now and a delete later,
        so the old path is found by the note's id rather than by a move event.
        """
        arrived = set(changed)
        ids = {
            record.id for path in arrived
            if (record := self.records.get(path)) is not None and record.id
        }
        return {
            path for path, record in self.records.items()
            if record.id in ids and path not in arrived and not (self.root / path).exists()
        }


def walk(
    root: Path, top: Path | None = None, unreadable: dict[str, Problem] | None = None
) -> Iterator[tuple[str, Path]]:
    """(relative, path) of every file the index reads below `top` (default: the whole vault),
    and of folders named like notes, so that those are reported rather than skipped.

    A folder that cannot be listed (no permission, a path past PATH_MAX) goes into
    `unreadable` as a Problem, keyed by its relative path plus `/`; without it, it is logged.
    """

    def report(exc: OSError) -> None:
        problem = _unreadable_folder(root, exc)
        if unreadable is None:
            log.info("%s: %s", problem.path, problem.message)
        else:
            unreadable[f"{_relative(root, exc.filename)}/"] = problem

    for folder, dirs, files in os.walk(top or root, onerror=report):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        base = Path(folder)
        prefix = base.relative_to(root).as_posix()
        names = sorted([*files, *(d for d in dirs if d.endswith(".md"))])
        for name in names:
            if not name.startswith("."):
                yield (name if prefix == "." else f"{prefix}/{name}"), base / name


def _unreadable_folder(root: Path, exc: OSError) -> Problem:
    """A Problem at the deepest folder that could be read, naming the one below it that could
    not: the unreadable folder's own path may be too long to show (or to use)."""
    relative = _relative(root, exc.filename)
    parent, _, name = relative.rpartition("/")
    why = exc.strerror or str(exc)
    if relative == ".":
        return Problem(".", None, f"cannot list the vault folder: {why}")
    return Problem(parent or ".", None, f"cannot list its folder {name!r}: {why}")


def _relative(root: Path, path: str | None) -> str:
    return os.path.relpath(os.fsdecode(path), root).replace(os.sep, "/") if path else "."


def snapshot(root: Path) -> dict[str, Stamp | None]:
    """Every file the index reads, with its stamp: what a build's result depends on."""
    return {relative: stamp(path) for relative, path in walk(root)}


def read_notes(
    root: Path, relatives: list[str]
) -> list[NoteRecord | Problem]:
    """Read many notes; a large cold scan is shared among processes when that is safe.

    Reading is CPU-bound (YAML, regexes), so a second core shortens a 10,000-note cold build.
    """
    count = parallel.workers()
    if len(relatives) < _PARALLEL_FROM or count < 2 or not parallel.can_fork():
        return [read_note(root / r, r) for r in relatives]
    chunks = [relatives[i::count] for i in range(count)]
    # Imported here: multiprocessing's machinery costs ~40 ms at every start of the command,
    # and only a large cold scan uses it.
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=parallel.fork_context(),
        # A worker waits on the pool's queue, whose write end it holds too: without this it
        # would wait forever once the command is killed.
        initializer=parallel.die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        parts = list(pool.map(_read_chunk, [(root, chunk) for chunk in chunks]))
    by_path = {r: result for chunk, part in zip(chunks, parts, strict=True)
               for r, result in zip(chunk, part, strict=True)}
    return [by_path[r] for r in relatives]


def _read_chunk(
    job: tuple[Path, list[str]],
) -> list[NoteRecord | Problem]:
    root, relatives = job
    return [read_note(root / r, r) for r in relatives]

