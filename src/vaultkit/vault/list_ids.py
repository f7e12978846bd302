"""What the lists inside the vault name, for builds: the ids of their entries, in list order.

Parsing a long list with markdown-it takes a second or more at 10,000 entries, and a build
needs only the ids, so they are kept (`cache.Caches`, `cache.LISTS`) under a key made from the
lists' bytes and the parser's own code: lists that hold the same bytes, read by the same
parser, name the same ids.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from vaultkit import lists, model
from vaultkit.config import Settings
from vaultkit.errors import ListError
from vaultkit.lists import load_catalog, read_list_bytes
from vaultkit.lists.joins import combine
from vaultkit.model import Catalog, ListedIds, ReadingList, Syllabus
from vaultkit.vault import cache, parallel
from vaultkit.vault.cache import Caches, ListsRead
from vaultkit.vault.notes import Problem

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

log = logging.getLogger(__name__)

@functools.cache
def _parser_digest() -> str:
    """A digest of the code that turns list bytes into ids and problems (`lists/`, the model).

    Part of the lists' key, so that no vault keeps what an older parser found: no one has to
    remember to bump a number. Read once per process, ~40 KB.
    """
    return cache.digest(b"".join(path.read_bytes() for path in parser_sources()))


def parser_sources() -> list[Path]:
    """The files whose code decides what a list's bytes mean: `lists/*.py` and the model."""
    return [*sorted(Path(lists.__file__).parent.glob("*.py")), Path(model.__file__)]


def listed_in_vault(caches: Caches, settings: Settings) -> ListsRead:
    """The ids the vault's lists name (None without lists), and why a list could not be read."""
    key = _key(caches, settings)
    if key is not None and (kept := caches.lists(key)) is not None:
        return kept
    found = _parse(caches.root, settings)
    _keep(caches, settings, key, found)
    return found


def prime(
    caches: Caches,
    settings: Settings,
    lists: tuple[tuple[bytes | None, ReadingList], tuple[bytes | None, Syllabus]],
) -> None:
    """Keep what `init` parsed: each list's bytes (None for a list the vault does not have)
    with what they hold, reading list first.

    The build that follows then need not parse the vault's lists again, when they hold these
    same bytes (otherwise it just does not find them).
    """
    (reading_bytes, reading), (syllabus_bytes, syllabus) = lists
    key = _key_of(
        settings,
        cache.digest(reading_bytes) if reading_bytes is not None else None,
        cache.digest(syllabus_bytes) if syllabus_bytes is not None else None,
    )
    caches.keep_lists(key, _found(_catalog(settings, reading, syllabus)))


@contextmanager
def parsed_ahead(caches: Caches, settings: Settings) -> Iterator[None]:
    """Parse the lists in a forked process while the body of the `with` runs (a cold scan).

    Without a cache, parsing a 10,000-entry list is as slow as reading the notes; on two
    cores the two overlap. Any failure just leaves the parse to `listed_in_vault`.
    """
    key = _key(caches, settings)
    if key is None or caches.lists(key) is not None or not parallel.can_fork():
        yield
        return
    receiver, sender = parallel.fork_context().Pipe(duplex=False)
    child = parallel.fork_context().Process(  # type: ignore[attr-defined]
        target=_parse_into,
        args=(caches.root, settings, sender, receiver, os.getpid()),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        yield
    finally:
        try:
            found: ListsRead | None = receiver.recv()
        except (EOFError, OSError):
            found = None
        receiver.close()
        child.join()
        if found is not None:
            _keep(caches, settings, key, found)


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


def _key(caches: Caches, settings: Settings) -> str | None:
    """The key of the lists as they are now; None when one cannot be read (nothing is kept)."""
    digests: list[str | None] = []
    for relative in (settings.reading_list, settings.syllabus):
        path = caches.root / relative
        if not path.exists():  # as `load_catalog`: a missing list counts as empty
            digests.append(None)
            continue
        try:
            digests.append(caches.digest_of(path, read_list_bytes))
        except ListError:
            return None  # parsed at every build, to report why
    return _key_of(settings, *digests)


def _key_of(settings: Settings, reading: str | None, syllabus: str | None) -> str:
    # The lists' paths are in the problems found, so they are in the key too; `[topics]`
    # moves questions to other topics, which changes their ids.
    mapping = [[m.section, m.topic, m.line] for m in settings.topics]
    return cache.key("lists", _parser_digest(), settings.reading_list, reading,
                     settings.syllabus, syllabus, mapping)


def _keep(caches: Caches, settings: Settings, key: str | None, found: ListsRead) -> None:
    """Keep what a parse found under `key`, unless a list changed while it was parsed."""
    if key is not None and key == _key(caches, settings):
        caches.keep_lists(key, found)


def _parse(root: Path, settings: Settings) -> ListsRead:
    try:
        catalog = load_catalog(root, settings)
    except ListError as exc:
        try:
            relative = exc.path.relative_to(root).as_posix()
        except ValueError:
            relative = str(exc.path)
        return None, [Problem(relative, exc.line, exc.reason)]
    return _found(catalog)


def _found(catalog: Catalog | None) -> ListsRead:
    if catalog is None:
        return None, []
    # An entry the parser had to skip is a problem of the vault: it has no note.
    skipped = [Problem(path, w.line, f"{w.message}") for path, w in catalog.warnings]
    return listed_ids(catalog), skipped


def listed_ids(catalog: Catalog) -> ListedIds:
    """What a build needs of a catalog: its ids in list order, each topic's outline, and the
    prose under the outline's headings (the first, where a heading is written twice)."""
    intros: dict[str, str] = {}
    for topic in catalog.topics:
        for heading in topic.context:
            if heading.intro:
                intros.setdefault(heading.title, heading.intro)
    return dataclasses.replace(ListedIds.of(catalog), outline=outline(catalog),
                               intros=tuple(intros.items()))


QUESTION_LIST_HEADING = "From the question list"
"""The outline's heading over the topics only the question list has, when there is a reading
list: such a topic never reads as part of a reading-list group."""


def outline(catalog: Catalog) -> tuple[tuple[str, ...], ...]:
    """Beside each topic, the titles of the list's headings above it (tier, part), outermost
    first: the topic index groups topics as Home once did."""
    own = {join.topic_key for join in catalog.joins if join.how == "none"}
    # With no reading topics every topic is the question list's: no heading needs to say so.
    mark = bool(own) and any(topic.key not in own for topic in catalog.topics)
    return tuple(
        ((QUESTION_LIST_HEADING,) if mark and topic.key in own else ())
        + tuple(h.title for h in topic.context)
        for topic in catalog.topics
    )


def _catalog(settings: Settings, reading: ReadingList, syllabus: Syllabus) -> Catalog:
    """The catalog `load_catalog` makes of these lists, their warnings by the lists' paths."""
    catalog = combine(reading, syllabus, settings.topics)
    warnings = (
        *((settings.reading_list, w) for w in reading.warnings),
        *((settings.syllabus, w) for w in syllabus.warnings),
        *catalog.warnings,
    )
    return dataclasses.replace(catalog, warnings=warnings)
