"""What the lists inside the vault name, for builds: the ids of their entries, in list order.

Parsing a long list with markdown-it takes a second or more at 10,000 entries, and a build
needs only the ids, so they are kept in memory (a watcher asks at every rebuild) and in
`.vaultkit/cache/lists.json`, both keyed by the list files' stamps.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from vaultkit import __version__
from vaultkit.config import Settings
from vaultkit.errors import ListError
from vaultkit.lists import load_catalog
from vaultkit.model import ListedIds
from vaultkit.vault import parallel, store
from vaultkit.vault.index import is_racy, stamp
from vaultkit.vault.notes import Problem
from vaultkit.vault.store import CACHE_DIR

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

log = logging.getLogger(__name__)

CACHE_FILE = f"{CACHE_DIR}/lists.json"

Found = tuple[ListedIds | None, list[Problem]]
_memory: dict[str, Found] = {}


def listed_in_vault(root: Path, settings: Settings) -> Found:
    """The ids the vault's lists name (None without lists), and why a list could not be read."""
    key, racy = _key(root, settings)
    if key in _memory:
        return _memory[key]
    found = _from_disk(root, key)
    if found is None:
        found = _parse(root, settings)
        _keep(root, key, found, to_disk=not racy)
    else:
        _keep(root, key, found, to_disk=False)
    return found


def prime(root: Path, settings: Settings, listed: ListedIds) -> None:
    """Remember ids already known for the lists as they are on disk now (`init` parsed them)."""
    key, racy = _key(root, settings)
    _keep(root, key, (listed, []), to_disk=not racy)


@contextmanager
def parsed_ahead(root: Path, settings: Settings) -> Iterator[None]:
    """Parse the lists in a forked process while the body of the `with` runs (a cold scan).

    Without a cache, parsing a 10,000-entry list is as slow as reading the notes; on two
    cores the two overlap. Any failure just leaves the parse to `listed_in_vault`.
    """
    key, racy = _key(root, settings)
    if key in _memory or not parallel.can_fork() or _from_disk(root, key) is not None:
        yield
        return
    receiver, sender = parallel.fork_context().Pipe(duplex=False)
    child = parallel.fork_context().Process(  # type: ignore[attr-defined]
        target=_parse_into, args=(root, settings, sender, receiver, os.getpid()), daemon=True
    )
    child.start()
    sender.close()
    try:
        yield
    finally:
        try:
            found: Found | None = receiver.recv()
        except (EOFError, OSError):
            found = None
        receiver.close()
        child.join()
        if found is not None:
            _keep(root, key, found, to_disk=not racy)


def _parse_into(
    root: Path, settings: Settings, sender: Connection, receiver: Connection, parent: int
) -> None:
    parallel.die_with_parent(parent)
    # The copy of the read end that fork gave us: kept open, a send larger than the pipe's
    # buffer would wait for a reader forever once the parent is gone.
    receiver.close()
    with suppress(OSError):  # the parent is gone: nobody wants the result
        sender.send(_parse(root, settings))
    sender.close()


def _key(root: Path, settings: Settings) -> tuple[str, bool]:
    stats = [stamp(root / relative) for relative in (settings.reading_list, settings.syllabus)]
    key = json.dumps([__version__, str(root), settings.reading_list, settings.syllabus, stats])
    return key, any(is_racy(s) for s in stats)


def _keep(root: Path, key: str, found: Found, *, to_disk: bool) -> None:
    _memory.clear()
    _memory[key] = found
    if to_disk:
        _to_disk(root, key, found)


def _parse(root: Path, settings: Settings) -> Found:
    try:
        catalog = load_catalog(root, settings)
    except ListError as exc:
        try:
            relative = exc.path.relative_to(root).as_posix()
        except ValueError:
            relative = str(exc.path)
        return None, [Problem(relative, exc.line, exc.reason)]
    if catalog is None:
        return None, []
    # An entry the parser had to skip is a problem of the vault: it has no note.
    skipped = [Problem(path, w.line, f"{w.message}") for path, w in catalog.warnings]
    return ListedIds.of(catalog), skipped


def _from_disk(root: Path, key: str) -> Found | None:
    raw = store.read(root, CACHE_FILE)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        listed = data["listed"]
        found_listed = None if listed is None else ListedIds(
            topics=tuple(listed["topics"]),
            sources=tuple(listed["sources"]),
            questions=tuple(listed["questions"]),
        )
        return found_listed, [Problem(*p) for p in data["problems"]]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.info("list cache unusable (%s); parsing the lists", exc)
        return None


def _to_disk(root: Path, key: str, found: Found) -> None:
    listed, problems = found
    payload = {
        "key": key,
        "listed": None if listed is None else {
            "topics": listed.topics, "sources": listed.sources, "questions": listed.questions,
        },
        "problems": [[p.path, p.line, p.message] for p in problems],
    }
    store.write_cache(root, CACHE_FILE, json.dumps(payload).encode("utf-8"))
