"""What vaultkit remembers about a vault between runs: the list entries it made notes for, what
they said, and which note holds an entry the list reworded.

Kept in `.vaultkit/state.json` inside the vault, so it travels with the vault (git, sync) and
`sync` can tell an entry that is new in the list from one whose note the user deleted on
purpose, or from one the user reworded. Safe to delete: without it, every entry that has no
note counts as new (and a reworded entry gets a new note).

Format 2, one JSON object, keys sorted, so the same memory is always the same bytes:

    {
     "entries": {                      # one per entry that has a note: what the list said
      "q-…": {"kind": "question", "text": "…", "topic": "<topic key>", "level": "deep",
              "position": 2},          # position among its topic's questions of that level
      "s-…": {"kind": "source", "text": "<title>", "url": "https://…"},
      "t-…": {"kind": "topic", "text": "<heading title>", "number": "7"}
     },
     "format": 2,
     "kept": {"t-new-key": "t-old-key", "q-…": "q-…"},   # id the list's words give → the id
                                                         # of the note that holds the entry
     "known": ["q-…", "s-…", "t-…"]    # every id vaultkit ever made a note for
    }

`level` and `number` may be null. Format 1 (`{"format": 1, "known": […]}`) is still read, as a
memory without entries; the next write upgrades it. A file that cannot be read is ignored with
a warning, as if there were none.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit.vault import store
from vaultkit.vault.store import STATE_DIR

log = logging.getLogger(__name__)

STATE_FILE = f"{STATE_DIR}/state.json"
FORMAT = 2


@dataclass(frozen=True, slots=True)
class Entry:
    """What one list entry said when vaultkit last saw it with a note: what matching needs."""

    kind: str
    """`topic`, `question` or `source`."""
    text: str
    """The topic's title, the question's text, the source's title."""
    number: str | None = None
    """A topic's number in the list."""
    topic: str | None = None
    """A question's topic key."""
    level: str | None = None
    """A question's level."""
    position: int | None = None
    """A question's place among its topic's questions of its level, from 0."""
    url: str | None = None
    """A source's URL."""


@dataclass(frozen=True, slots=True)
class Memory:
    """Everything `state.json` holds."""

    known: frozenset[str] = frozenset()
    entries: Mapping[str, Entry] = field(default_factory=dict)
    """Id → what the entry said, for entries that had a note."""
    kept: Mapping[str, str] = field(default_factory=dict)
    """The id an entry's words give → the id of the note that holds it (it was reworded)."""


def recall(root: Path) -> Memory | None:
    """The vault's memory; None when there is no usable record."""
    raw = store.read(root, STATE_FILE)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        known = _ids(data["known"])
        entries = {str(k): _entry(v) for k, v in data.get("entries", {}).items()}
        kept = {str(k): str(v) for k, v in data.get("kept", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("ignoring %s (%s); entries without notes count as new", STATE_FILE, exc)
        return None
    return Memory(known, entries, kept)


def known_ids(root: Path) -> set[str] | None:
    """Ids of the entries vaultkit has made notes for; None when there is no usable record."""
    memory = recall(root)
    return None if memory is None else set(memory.known)


def kept_ids(root: Path) -> Mapping[str, str]:
    """The id an entry's words give → the id of the note that holds it; empty without memory.

    Every build asks (the watcher, after each batch): the map is parsed again only when the
    file is another (state.json is replaced whole, so a new write is a new inode).
    """
    try:
        info = (root / STATE_FILE).stat()
    except OSError:
        return {}
    stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
    cached = _kept_cache.get(root)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    memory = recall(root)
    kept = {} if memory is None else memory.kept
    _kept_cache[root] = (stamp, kept)
    return kept


_kept_cache: dict[Path, tuple[tuple[int, int, int], Mapping[str, str]]] = {}


def remember(
    root: Path,
    ids: Iterable[str],
    *,
    entries: Mapping[str, Entry] | None = None,
    kept: Mapping[str, str] | None = None,
) -> None:
    """Add ids to the record (never forgets one: a deleted note stays deleted).

    `entries` replaces the snapshot and `kept` the map when given; otherwise both stay as they
    are. Written only when the bytes change.
    """
    before = recall(root) or Memory()
    memory = Memory(
        before.known | frozenset(ids),
        before.entries if entries is None else entries,
        before.kept if kept is None else kept,
    )
    data = dump(memory)
    if store.read(root, STATE_FILE) != data:
        store.write(root, STATE_FILE, data)


def dump(memory: Memory) -> bytes:
    """The bytes of `state.json` for this memory: keys sorted, one item a line."""
    document = {
        "format": FORMAT,
        "known": sorted(memory.known),
        "entries": {note_id: _serial(entry) for note_id, entry in memory.entries.items()},
        "kept": dict(memory.kept),
    }
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


_MATCHED = {"topic": ("number",), "question": ("topic", "level", "position"), "source": ("url",)}
"""The fields each kind keeps besides its text (null when the list has none)."""


def _serial(entry: Entry) -> dict[str, object]:
    fields: dict[str, object] = {
        "kind": entry.kind, "text": entry.text, "number": entry.number, "topic": entry.topic,
        "level": entry.level, "position": entry.position, "url": entry.url,
    }
    return {name: fields[name] for name in ("kind", "text", *_MATCHED.get(entry.kind, ()))}


def _ids(value: object) -> frozenset[str]:
    if not isinstance(value, list):
        raise TypeError(f"`known` is {type(value).__name__}, not a list")
    return frozenset(str(i) for i in value)


def _entry(value: object) -> Entry:
    if not isinstance(value, dict):
        raise TypeError(f"an entry is {type(value).__name__}, not an object")
    kind, text = value["kind"], value["text"]
    position = value.get("position")
    return Entry(
        kind=str(kind),
        text=str(text),
        number=_text(value.get("number")),
        topic=_text(value.get("topic")),
        level=_text(value.get("level")),
        position=position if isinstance(position, int) else None,
        url=_text(value.get("url")),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
