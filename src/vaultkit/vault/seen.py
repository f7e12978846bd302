"""What vaultkit remembers about a vault between runs: the list entries it made notes for, what
they said, which note holds an entry the list reworded, and which new entries sync held back.

Kept inside the vault, so it travels with it, and `sync` can tell an entry that is new in the
list from one whose note the user deleted, or from one the user reworded. Safe to delete:
without it, every entry that has no note counts as new (a reworded one gets a new note).

One file per device, `.vaultkit/state/<device>.json`, merged by every reader (DESIGN.md,
"Ownership"): a vault synced between two computers would otherwise have one `state.json` that
each watch-triggered sync rewrites whole, the last writer dropping what the other learned (and
the sync tool leaving a conflict copy). Each device writes only its own file, the merged memory
as it knows it; readers merge every file:

- `known` and `kept` are unions; `entries` too, by id. Where two files disagree (an entry's
  words, where a kept id points), the newer file wins: the one with the higher `generation`
  (each write is one more than the highest it read, so a write that saw another comes after
  it), then the greater device name. No clock is trusted and the result is always the same.
- `held` is the newest file's, whole: it says what the last sync left in doubt, and a union
  would keep a doubt another device's `sync --new` resolved.
- `.vaultkit/state.json`, the one file of earlier versions (format 1 or 2), and the copies sync
  tools make of it on a conflict (`state.sync-conflict-….json`, `state (conflicted copy …).json`)
  are read and merged as generation 0; vaultkit no longer writes them.

The device name is `<hostname>-<8 hex digits>`, made once and kept in
`<home>/.local/state/vaultkit/device` (outside the vault, which is copied to every device; the
home from the user database, as in `files/lock.py`). `VAULTKIT_DEVICE` overrides it; without a
writable home, the hostname alone.

Format 2, one JSON object, keys sorted, so the same memory is always the same bytes:

    {
     "entries": {                      # one per entry that has a note: what the list said
      "q-…": {"kind": "question", "text": "…", "topic": "<topic key>", "level": "deep",
              "position": 2},          # position among its topic's questions of that level
      "s-…": {"kind": "source", "text": "<title>", "url": "https://…", "topics": ["<key>"]},
      "t-…": {"kind": "topic", "text": "<heading title>", "number": "7"}
     },
     "format": 2,
     "generation": 3,                  # one more than the highest this device read
     "held": {                         # only when a sync held entries back (ambiguous)
      "q-…": {"kind": "question", "text": "<new words>", "list": "Lists/….md", "line": 12,
              "could_be": {"q-…": "<old words>"}, "hint": "<the ways out>"}
     },
     "kept": {"t-new-key": "t-old-key", "q-…": "q-…"},   # id the list's words give → the id
                                                         # of the note that holds the entry
     "known": ["q-…", "s-…", "t-…"]    # every id vaultkit ever made a note for
    }

`level`, `number`, `list` and `line` may be null. Format 1 (`{"format": 1, "known": […]}`)
is still read, as a memory without entries. A file that cannot be read is ignored with a
warning, as if there were none.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultkit.vault import store
from vaultkit.vault.store import STATE_DIR

try:
    import pwd
except ImportError:  # Windows: no user database; the device is named by its hostname
    pwd = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

STATE_FILE = f"{STATE_DIR}/state.json"
"""The one file of earlier versions: read and merged, never written."""
STATE_FOLDER = f"{STATE_DIR}/state"
"""One file per device: `<device>.json`."""
FORMAT = 2
DEVICE_VARIABLE = "VAULTKIT_DEVICE"
_LEGACY = re.compile(r"state(\.sync-conflict-.*| \(conflicted copy.*\))?\.json")
_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


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
    topics: tuple[str, ...] = ()
    """The keys of the topics a source is listed under (a topic's reworded heading is known by
    its sources); empty in a memory written before they were kept."""


@dataclass(frozen=True, slots=True)
class Held:
    """A new list entry that may reword one with a note: `sync` made it no note (yet)."""

    kind: str
    text: str
    could_be: tuple[tuple[str, str], ...]
    """(note id, remembered words) of each entry it could be."""
    hint: str
    """Why it is in doubt, and the ways out."""
    list: str | None = None
    line: int | None = None
    """The list file (relative to the vault) and line it is in, when sync saw it."""


@dataclass(frozen=True, slots=True)
class Memory:
    """Everything the memory holds, its files merged."""

    known: frozenset[str] = frozenset()
    entries: Mapping[str, Entry] = field(default_factory=dict)
    """Id → what the entry said, for entries that had a note."""
    kept: Mapping[str, str] = field(default_factory=dict)
    """The id an entry's words give → the id of the note that holds it (it was reworded)."""
    held: Mapping[str, Held] = field(default_factory=dict)
    """Id of a new entry → why the last sync made it no note."""


def recall(root: Path) -> Memory | None:
    """The vault's memory, every device's file merged; None when there is no usable record."""
    found = [(generation, name, memory) for generation, name, memory in
             (_read(root, relative, name) for relative, name in _files(root))
             if memory is not None]
    return None if not found else _merge(found)


def glance(root: Path) -> Memory:
    """The memory's kept map and held entries (no ids, no entries), merged as in `recall`.

    Every build asks (the watcher, after each batch), so the entries, which are most of a
    file and which a build does not need, are not read (`_glance_file`). The files are read
    again only when one of them is another (each is replaced whole: a new write, a new inode).
    """
    stamp = []
    for relative, _ in _files(root):
        try:
            info = (root / relative).stat()
        except OSError:
            continue
        stamp.append((relative, info.st_ino, info.st_mtime_ns, info.st_size))
    if not stamp:
        return Memory()
    cached = _glance_cache.get(root)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    found = [(generation, name, memory) for generation, name, memory in
             (_read(root, relative, name, light=True) for relative, name in _files(root))
             if memory is not None]
    glanced = _merge(found)
    _glance_cache[root] = (stamp, glanced)
    return glanced


_glance_cache: dict[Path, tuple[list[tuple[str, int, int, int]], Memory]] = {}


def remember(
    root: Path,
    ids: Iterable[str],
    *,
    entries: Mapping[str, Entry] | None = None,
    kept: Mapping[str, str] | None = None,
    held: Mapping[str, Held] | None = None,
) -> None:
    """Add ids to the record (never forgets one: a deleted note stays deleted), in this
    device's file only; `entries`, `kept` and `held`, when given, replace what it holds.
    Written only when what this device's file says changes."""
    files = [(_read(root, relative, name), relative) for relative, name in _files(root)]
    found = [read for read, _ in files if read[2] is not None]
    before = _merge(found) if found else Memory()
    memory = Memory(
        before.known | frozenset(ids),
        before.entries if entries is None else entries,
        before.kept if kept is None else kept,
        before.held if held is None else held,
    )
    relative = f"{STATE_FOLDER}/{device()}.json"
    mine = next((read for read, at in files if at == relative and read[2] is not None), None)
    if mine is not None and mine[2] == memory:
        return
    generation = max((g for g, _, _ in found), default=0) + 1
    store.write(root, relative, dump(memory, generation))


def device() -> str:
    """This computer's name in the vault's memory (see the module's docstring); made once."""
    given = _NAME.sub("-", os.environ.get(DEVICE_VARIABLE, "")).strip("-.")
    if given:
        return given
    host = _NAME.sub("-", socket.gethostname()).strip("-.")[:40] or "device"
    path = _device_file()
    if path is None:
        return host
    kept = _kept_name(path)
    if kept is not None:
        return kept
    name = f"{host}-{secrets.token_hex(4)}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:  # two first runs at once: one name wins
            out.write(name + "\n")
    except FileExistsError:  # the other run's name; or a file we cannot use: the host's name
        return _kept_name(path) or host
    except OSError as exc:
        log.warning("could not keep this device's name in %s (%s); using %s", path, exc, host)
        return host
    return name


def _kept_name(path: Path) -> str | None:
    """The name kept in the device file, if it holds a usable one."""
    try:
        name = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if name and not _NAME.search(name) else None


def _device_file() -> Path | None:
    """`<home>/.local/state/vaultkit/device`; None without a writable home."""
    try:
        home = pwd.getpwuid(os.getuid()).pw_dir if pwd is not None else ""
    except KeyError:  # a uid with no entry, as in some containers
        home = ""
    if not home or not os.access(home, os.W_OK):
        return None
    return Path(home) / ".local" / "state" / "vaultkit" / "device"


def _files(root: Path) -> list[tuple[str, str]]:
    """(relative path, device name) of every memory file: the old ones (name ""), then each
    device's, by name."""
    found: list[tuple[str, str]] = []
    for folder, legacy in ((STATE_DIR, True), (STATE_FOLDER, False)):
        try:
            names = sorted(entry.name for entry in os.scandir(root / folder))
        except OSError:
            continue
        for name in names:
            if legacy and _LEGACY.fullmatch(name):
                found.append((f"{folder}/{name}", ""))
            elif not legacy and name.endswith(".json") and not name.startswith("."):
                found.append((f"{folder}/{name}", name.removesuffix(".json")))
    return found


def _read(root: Path, relative: str, name: str, *, light: bool = False
          ) -> tuple[int, str, Memory | None]:
    """(generation, device name, memory) of one file, without entries if `light`; the
    memory None when it is unusable."""
    raw = store.read(root, relative)
    if raw is None:
        return 0, name, None
    try:
        data = _glance_file(raw) if light else None
        if data is None:
            data = json.loads(raw)
        known = _ids(data["known"])
        entries = {} if light else {str(k): _entry(v) for k, v in data.get("entries", {}).items()}
        kept = {str(k): str(v) for k, v in data.get("kept", {}).items()}
        held = {str(k): _held(v) for k, v in data.get("held", {}).items()}
        generation = _generation(data.get("generation", 0)) if name else 0
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("ignoring %s (%s); entries without notes count as new", relative, exc)
        return 0, name, None
    return generation, name, Memory(known, entries, kept, held)


def _glance_file(raw: bytes) -> dict[str, Any] | None:
    """The file's top-level values but its entries, or None when the file is not laid out
    as `dump` writes it (then it is parsed whole).

    `dump` sorts the keys, so every one after `entries` follows `format`, found from the end;
    a top-level key is indented by one space, nested ones deeper, and a string holds no line
    break. The ~2 MB of entries of a 10,000-note vault are neither decoded nor parsed.
    """
    start = raw.rfind(b'\n "format": ')
    if not raw.startswith(b"{\n") or start < 0:
        return None
    tail = raw[start:].decode("utf-8")
    if '\n "known": [' not in tail:  # unusable, as in `recall`; its ids are not needed here
        return None
    data: dict[str, Any] = {"known": []}
    for key in ("generation", "held", "kept"):
        at = tail.find(f'\n "{key}": ')
        if at >= 0:
            data[key], _ = _DECODER.raw_decode(tail, at + len(key) + 6)
    return data


_DECODER = json.JSONDecoder()


def _merge(found: Iterable[tuple[int, str, Memory | None]]) -> Memory:
    """The files' memories as one: unions, the newer file winning a disagreement."""
    known: set[str] = set()
    entries: dict[str, Entry] = {}
    kept: dict[str, str] = {}
    held: Mapping[str, Held] = {}
    for _, _, memory in sorted(found, key=lambda read: (read[0], read[1])):  # oldest first
        if memory is not None:
            known |= memory.known
            entries |= memory.entries
            kept |= memory.kept
            held = memory.held
    return Memory(frozenset(known), entries, kept, held)


def dump(memory: Memory, generation: int = 1) -> bytes:
    """The bytes of a device's file for this memory: keys sorted, one item a line."""
    document = {
        "format": FORMAT,
        "generation": generation,
        "known": sorted(memory.known),
        "entries": {note_id: _serial(entry) for note_id, entry in memory.entries.items()},
        "kept": dict(memory.kept),
    }
    if memory.held:  # most vaults never hold an entry back: their files stay as they were
        document["held"] = {note_id: _held_serial(held) for note_id, held in memory.held.items()}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


_MATCHED = {"topic": ("number",), "question": ("topic", "level", "position"),
            "source": ("url", "topics")}
"""The fields each kind keeps besides its text (null when the list has none)."""


def _serial(entry: Entry) -> dict[str, object]:
    fields: dict[str, object] = {
        "kind": entry.kind, "text": entry.text, "number": entry.number, "topic": entry.topic,
        "level": entry.level, "position": entry.position, "url": entry.url,
        "topics": list(entry.topics),
    }
    return {name: fields[name] for name in ("kind", "text", *_MATCHED.get(entry.kind, ()))}


def _held_serial(held: Held) -> dict[str, object]:
    return {"kind": held.kind, "text": held.text, "could_be": dict(held.could_be),
            "hint": held.hint, "list": held.list, "line": held.line}


def _held(value: object) -> Held:
    if not isinstance(value, dict):
        raise TypeError(f"a held entry is {type(value).__name__}, not an object")
    return Held(str(value["kind"]), str(value["text"]),
                tuple((str(k), str(v)) for k, v in dict(value.get("could_be") or {}).items()),
                str(value.get("hint") or ""), _text(value.get("list")),
                value["line"] if isinstance(value.get("line"), int) else None)


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
        topics=tuple(str(key) for key in value.get("topics") or ()),
    )


def _generation(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"`generation` is {type(value).__name__}, not a number")
    return value


def _text(value: object) -> str | None:
    return None if value is None else str(value)
