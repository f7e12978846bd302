"""Every cache vaultkit keeps, and the one rule for when a file's stamp stands for its content.

Three files in `.vaultkit/cache/` (marked with CACHEDIR.TAG, ignored by git, safe to delete):

- `index.json`: each note's record, with the stamp its file had when it was read (`index.py`);
- `lists.json`: the ids the lists inside the vault name, keyed by the lists' bytes
  (`list_ids.py`): parsing a 10,000-entry list takes a second or more;
- `build.json`: what the last one-shot build found, keyed by every file's stamp, the settings
  and the dashboards it wrote (`commands/build.py`): when the key still matches, a build reads
  nothing.

They earn their keep: a warm build of 10,000 notes takes a fraction of a second with them,
seconds without. Each is one JSON envelope, `{"format", "key", "data"}`, its key made by `key`
from everything its data depends on; a file of another format or key, or one that is not ours,
is ignored and rewritten. Whether a stamp may be trusted is decided here only (`is_racy`,
`trusted`, `unchanged`).

What a process keeps in memory between builds (the lists' ids and digests) lives in a `Caches`
object its caller holds: a one-shot build makes one, a watcher keeps one while it runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeGuard, TypeVar

from vaultkit import __version__
from vaultkit.model import ListedIds
from vaultkit.vault import store
from vaultkit.vault.notes import NoteRecord, Problem
from vaultkit.vault.store import CACHE_DIR

log = logging.getLogger(__name__)

FORMAT = 4
"""Of the envelope and of what each cache holds; part of every key."""
INDEX = f"{CACHE_DIR}/index.json"
LISTS = f"{CACHE_DIR}/lists.json"
BUILD = f"{CACHE_DIR}/build.json"

RACY_NS = 2_000_000_000
"""A file changed this recently may change again within its timestamps' resolution: its stamp
is not trusted to stand for its content (not cached, no build skipped)."""

Stamp = tuple[int, int, int, int]
"""(mtime_ns, size, ctime_ns, inode): a file keeps its stamp only while its content is kept.
ctime and inode catch the edits mtime misses: `touch -r`, `rsync -t`, `cp -p`, unzip."""

Entry = tuple[Stamp, NoteRecord | Problem]
"""A note's record (or why it could not be read) with the stamp its file had when read."""

ListsRead = tuple[ListedIds | None, list[Problem]]
"""The ids the vault's lists name (None without lists), and why a list could not be read."""

_T = TypeVar("_T")


# -- staleness ---------------------------------------------------------------------------------


def stamp(path: Path) -> Stamp | None:
    """The file's stamp, or None when it cannot be stat'ed."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns, stat.st_ino


def is_racy(stat: Stamp | None) -> bool:
    """True when the file was modified too recently for its stamp to stand for its content."""
    return stat is not None and stat[0] > time.time_ns() - RACY_NS


def trusted(stat: Stamp | None) -> TypeGuard[Stamp]:
    """True when a stamp may be stored to stand for the content read with it."""
    return stat is not None and not is_racy(stat)


def unchanged(then: Stamp | None, now: Stamp | None) -> bool:
    """True when a file stamped `then` when it was read is known to hold the same bytes now."""
    return trusted(now) and then == now


# -- the files ---------------------------------------------------------------------------------


def key(*parts: object) -> str:
    """The key of a cache's data: a digest of everything the data depends on (JSON-able)."""
    text = json.dumps([FORMAT, *parts], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(root: Path, relative: str, wanted: str, decode: Callable[[Any], _T]) -> _T | None:
    """The data of one cache file, decoded, if it was saved under the key `wanted`; else None.

    A file that is missing, of another format or key, or not what we write, is None: the
    caller reads or parses afresh and saves a good one. `decode` is handed the data as it was
    saved; data of another shape makes it raise, which is taken for a file not ours.
    """
    raw = store.read(root, relative)
    if raw is None:
        return None
    try:
        envelope = json.loads(raw)
        if not isinstance(envelope, dict):
            return None
        if envelope.get("format") != FORMAT or envelope.get("key") != wanted:
            return None
        return decode(envelope["data"])
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        log.info("ignoring the cache %s (%s)", relative, exc)
        return None


def save(root: Path, relative: str, saved_key: str, data: object) -> None:
    """Replace one cache file; a failure is logged, never raised (the next run rebuilds it)."""
    envelope = {"format": FORMAT, "key": saved_key, "data": data}
    store.write_cache(root, relative, json.dumps(envelope, separators=(",", ":")).encode())


# -- index.json --------------------------------------------------------------------------------

_FIELDS = tuple(f.name for f in dataclasses.fields(NoteRecord))
_TUPLES = {"aliases", "also_in", "links", "markdown_links"}
_NOTES_KEY = key("notes", __version__, _FIELDS)
"""Reading a note looks at its file only (not at the settings): records depend on our code."""


def load_notes(root: Path) -> dict[str, Entry]:
    """Relative path → the stamp and record `save_notes` kept; empty when there is no cache."""
    return load(root, INDEX, _NOTES_KEY, _notes_from_json) or {}


def save_notes(root: Path, entries: Mapping[str, Entry]) -> None:
    """Keep these records for the next scan; a stamp that is not trusted is left out."""
    notes = {
        relative: [*stat, _record_to_json(result)]
        for relative, (stat, result) in entries.items() if trusted(stat)
    }
    save(root, INDEX, _NOTES_KEY, notes)


def _notes_from_json(data: dict[str, list[Any]]) -> dict[str, Entry]:
    return {
        relative: ((entry[0], entry[1], entry[2], entry[3]), _record_from_json(entry[4]))
        for relative, entry in data.items()
    }


def _record_to_json(result: NoteRecord | Problem) -> list[Any]:
    """A record as a flat list of its fields (`asdict` is six times slower at 10k notes)."""
    if isinstance(result, Problem):
        return ["p", result.path, result.line, result.message]
    values: list[Any] = ["n"]
    for name in _FIELDS:
        value = getattr(result, name)
        if name == "problems":
            value = [[p.path, p.line, p.message] for p in value]
        values.append(value)
    return values


def _record_from_json(data: list[Any]) -> NoteRecord | Problem:
    if data[0] == "p":
        return Problem(data[1], data[2], data[3])
    fields = dict(zip(_FIELDS, data[1:], strict=True))
    for name in _TUPLES:
        fields[name] = tuple(fields[name])
    fields["problems"] = tuple(Problem(*p) for p in fields["problems"])
    return NoteRecord(**fields)


# -- build.json --------------------------------------------------------------------------------


def last_build(root: Path, wanted: str) -> int | None:
    """The number of problems the last one-shot build found, if it was saved under `wanted`."""
    return load(root, BUILD, wanted, lambda data: int(data["problems"]))


def remember_build(root: Path, saved_key: str, problems: int) -> None:
    """Keep what a one-shot build found, for a next build that finds the same key."""
    save(root, BUILD, saved_key, {"problems": problems})


# -- lists.json, and what is kept in memory ----------------------------------------------------


def digest(data: bytes) -> str:
    """What a list's bytes are known by in a key."""
    return hashlib.sha256(data).hexdigest()


class Caches:
    """The caches of one vault kept in memory between builds, in front of `lists.json`.

    Held by whoever builds: a one-shot build makes its own, a watcher keeps one while it
    runs, so a rebuild neither parses the lists nor reads them again while they are unchanged.
    Not thread-safe, like the index beside it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lists: tuple[str, ListsRead] | None = None
        self._digests: dict[Path, tuple[Stamp, str]] = {}

    def lists(self, wanted: str) -> ListsRead | None:
        """The ids kept for lists whose content has the key `wanted`: from memory, else disk."""
        if self._lists is not None and self._lists[0] == wanted:
            return self._lists[1]
        found = load(self.root, LISTS, wanted, _lists_from_json)
        if found is not None:
            self._lists = (wanted, found)
        return found

    def keep_lists(self, saved_key: str, found: ListsRead) -> None:
        """Keep the ids found in lists whose content has the key `saved_key`, and save them."""
        if self._lists is not None and self._lists[0] == saved_key:
            return  # saved already
        self._lists = (saved_key, found)
        save(self.root, LISTS, saved_key, _lists_to_json(found))

    def digest_of(self, path: Path, read: Callable[[Path], bytes]) -> str:
        """The digest of the file's bytes (`read` reads them), remembered while it is unchanged.

        A watcher asks at every rebuild: a 2 MB list costs milliseconds to hash, a stat less.
        """
        then = stamp(path)  # before reading: a write in between is seen next time
        known = self._digests.get(path)
        if known is not None and unchanged(known[0], then):
            return known[1]
        value = digest(read(path))
        if trusted(then):
            self._digests[path] = (then, value)
        return value


def _lists_to_json(found: ListsRead) -> dict[str, Any]:
    listed, problems = found
    return {
        "listed": None if listed is None else {
            "topics": listed.topics, "sources": listed.sources, "questions": listed.questions,
            "outline": listed.outline, "intros": listed.intros,
        },
        "problems": [[p.path, p.line, p.message] for p in problems],
    }


def _lists_from_json(data: dict[str, Any]) -> ListsRead:
    listed = data["listed"]
    ids = None if listed is None else ListedIds(
        topics=tuple(listed["topics"]),
        sources=tuple(listed["sources"]),
        questions=tuple(listed["questions"]),
        outline=tuple(tuple(path) for path in listed.get("outline", ())),
        intros=tuple((title, intro) for title, intro in listed.get("intros", ())),
    )
    return ids, [Problem(*p) for p in data["problems"]]
