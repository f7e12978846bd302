"""The vault over time: every status change of a source or a question, in an append-only log.

Each build (`build_once`, a watcher's `rebuild`) compares the status of every source and
question note with the last one recorded for its id and appends what changed. A vault synced
between devices would get conflicts if two of them appended to one file, so each device appends
only to its own, `.vaultkit/history/<device>.jsonl` (the device as in `seen.device`), and
readers merge every file in time order.

Format 1: one JSON object a line, keys sorted, UTF-8, each line ending in a newline:

    {"at": "2026-12-03T20:49:21.123456Z", "first": false, "from": "unread", "id": "s-…",
     "kind": "source", "to": "read", "v": 1}

- `at`: when the build saw it, UTC. `v`: the line's format (a reader skips other versions).
- `kind`: `source` or `question`. `from`, `to`: the `status:` as written, null when the note
  has none. A status vaultkit does not know (a typo) is recorded as written: readers ignore
  statuses they do not count, and the fix shows as one more change.
- `first`: true the first time an id is seen (`from` is then null).

By id, not path: a renamed or moved note is the same note (nothing is recorded). A deleted
note records nothing; re-created, it is compared with the last status recorded for its id, so a
note that vanishes for a moment (a sync, a move in two steps) makes no noise. Two notes with
one id: the first by path counts.

Readers merge by (`at`, device, line), drop exact copies (a sync tool's conflict copy), and skip
a line that is torn (a crash mid-write) or corrupt with a warning naming the file and line.
Before appending, a device ends its own torn last line, so later lines stay whole.

What was last recorded per id is kept in `.vaultkit/cache/history.json` with how far each log
was read: a build reads only what the logs gained since (a stat each when nothing did), and a
watcher keeps it in memory. Safe to delete: rebuilt by reading every log in full.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from vaultkit.errors import VaultkitError
from vaultkit.files.contain import inside
from vaultkit.model import Kind
from vaultkit.vault import store
from vaultkit.vault.notes import NoteRecord
from vaultkit.vault.seen import device
from vaultkit.vault.store import CACHE_DIR, STATE_DIR

log = logging.getLogger(__name__)

HISTORY_DIR = f"{STATE_DIR}/history"
CACHE_FILE = f"{CACHE_DIR}/history.json"
FORMAT = 1
KINDS = (Kind.SOURCE.value, Kind.QUESTION.value)

LAZY_SAVE = 256 << 10
"""Bytes of logs the cache may lag behind before it is saved again: a build reads them again
from the logs (a few ms), rather than rewrite a cache of every id (~1 MB at 10,000 notes) for
each change a watcher records. A cache that cannot be used lags by everything."""

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)


clock: Clock = utc_now
"""Where every build takes the time from; tests put a fake clock here."""


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded status change (or first sighting) of a note."""

    at: datetime
    """When a build saw it, UTC."""
    device: str
    """The device whose log holds it (its file's name)."""
    id: str
    kind: str
    """`source` or `question`."""
    before: str | None
    """The status recorded last for this id (`from`); None when the note had none."""
    after: str | None
    """The status now (`to`); None when the note has none."""
    first: bool = False
    """The first time this id was seen."""


Order = tuple[str, str, int]
"""(`at` as written, device, line number): the merge order, and ties broken the same way."""


def read_history(root: Path) -> list[Change]:
    """Every device's log merged in time order (ties by device, then line); exact copies once."""
    found: dict[tuple[object, ...], tuple[Order, Change]] = {}
    for name, relative in _logs(root):
        raw = store.read(root, relative) or b""
        for order, change in _parse(raw, relative, name, 0, complete_only=False):
            key = (change.at, change.id, change.kind, change.before, change.after, change.first)
            if key not in found or order < found[key][0]:
                found[key] = (order, change)
    return [change for _, change in sorted(found.values(), key=lambda pair: pair[0])]


def record(
    root: Path, records: Iterable[NoteRecord], *, now: Clock | None = None
) -> list[Change]:
    """Append to this device's log what changed since the last records (by any device).

    `records`: every note of the vault (sources and questions are picked out; of two notes
    with one id, the first by path). Returns the changes appended; nothing is written when
    there are none. A log or cache that cannot be written is logged, never raised: the build
    goes on, and the next one records the change again.
    """
    me = device()
    state = _State.load(root, me)
    state.catch_up(root)
    changed = [r for r in _by_id(records).values()
               if (last := state.last.get(r.id)) is None or last[1] != r.status]
    changes: list[Change] = []
    if changed:
        at = (now or clock)().astimezone(UTC)
        for note in sorted(changed, key=lambda r: r.id):
            last = state.last.get(note.id)
            changes.append(Change(at, me, note.id, note.kind, None if last is None else last[1],
                                  note.status, first=last is None))
        try:
            state.append(root, me, changes)
        except (OSError, VaultkitError) as exc:
            log.warning("could not record the vault's history in %s/%s.jsonl: %s",
                        HISTORY_DIR, me, exc)
            _memo.pop(root, None)
            return []
    if state.behind() > LAZY_SAVE:
        state.save(root)
    _memo[root] = (_stamp(root), state)  # as of the cache on disk, which it is ahead of
    return changes


def _by_id(records: Iterable[NoteRecord]) -> dict[str, NoteRecord]:
    """Each source's and question's id → its note, the first by path. No object is made per
    note: a watcher runs this on every rebuild, over every note."""
    found: dict[str, NoteRecord] = {}
    for record in records:
        if record.kind in KINDS and record.id:
            known = found.setdefault(record.id, record)
            if known is not record and record.path < known.path:
                found[record.id] = record
    return found


# -- the log's lines ---------------------------------------------------------------------------


def line(change: Change) -> bytes:
    """One record's line, newline included."""
    document = {"v": FORMAT, "at": _time(change.at), "id": change.id, "kind": change.kind,
                "from": change.before, "to": change.after, "first": change.first}
    return (json.dumps(document, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(
    raw: bytes, relative: str, name: str, start: int, *, complete_only: bool, first_line: int = 1
) -> Iterator[tuple[Order, Change]]:
    """The records in `raw[start:]`; a torn or corrupt line is skipped with a warning.

    With `complete_only`, a last line without its newline is left for later (another device's
    log may be mid-sync); it is not yielded and `_complete` says where to resume.
    """
    lines = raw[start:].split(b"\n")
    if complete_only or not lines[-1]:
        lines = lines[:-1]
    for number, text in enumerate(lines, first_line):
        if not text.strip():
            continue
        try:
            read = _change(text, name, number)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("%s, line %d: skipping a torn or corrupt record (%s); the rest is read",
                        relative, number, exc)
            continue
        if read is not None:
            yield read


def _change(text: bytes, name: str, number: int) -> tuple[Order, Change] | None:
    """One line's record; None for a record of another format (not ours to read)."""
    data = json.loads(text)
    if data["v"] != FORMAT:
        return None
    at_text = str(data["at"])
    at = datetime.strptime(at_text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    kind = str(data["kind"])
    before, after = data["from"], data["to"]
    if not all(v is None or isinstance(v, str) for v in (before, after)):
        raise TypeError("`from` and `to` are a status or null")
    change = Change(at, name, str(data["id"]), kind, before, after, bool(data.get("first")))
    return (at_text, name, number), change


def _logs(root: Path) -> list[tuple[str, str]]:
    """(device, relative path) of every log, by device name."""
    try:
        names = sorted(entry.name for entry in os.scandir(root / HISTORY_DIR))
    except OSError:
        return []
    return [(n.removesuffix(".jsonl"), f"{HISTORY_DIR}/{n}") for n in names
            if n.endswith(".jsonl") and not n.startswith(".")]


# -- what was last recorded, kept between builds -----------------------------------------------


@dataclass(slots=True)
class _State:
    """Per id the last record (order, status), and per log how far it was read (bytes, lines)."""

    device: str
    last: dict[str, tuple[Order, str | None]]
    read: dict[str, tuple[int, int]]
    saved: int = -1
    """Bytes of logs read when the cache was saved or loaded; -1 when it must be saved."""

    @classmethod
    def load(cls, root: Path, me: str) -> _State:
        memo = _memo.get(root)
        if memo is not None and memo[1].device == me and memo[0] == _stamp(root):
            return memo[1]
        raw = store.read(root, CACHE_FILE)
        try:
            data = json.loads(raw or b"null")
            if data["format"] == FORMAT and data["device"] == me:
                last = {k: ((str(o[0]), str(o[1]), int(o[2])), s) for k, (o, s) in
                        data["last"].items()}
                read = {str(k): (int(v[0]), int(v[1])) for k, v in data["read"].items()}
                return cls(me, last, read, sum(at for at, _ in read.values()))
        except (ValueError, KeyError, TypeError, IndexError):
            pass  # no cache, or one we cannot use: read every log again
        return cls(me, {}, {})

    def behind(self) -> int:
        """Bytes of logs read since the cache was saved; more than any lag when it must be."""
        if self.saved < 0:
            return LAZY_SAVE + 1
        return sum(at for at, _ in self.read.values()) - self.saved

    def catch_up(self, root: Path) -> None:
        """Read what each log gained since; a log that shrank was replaced: all again."""
        logs = _logs(root)
        sizes = {rel: _size(root / rel) for _, rel in logs}
        if any(sizes[rel] < at for rel, (at, _) in self.read.items() if rel in sizes) or (
            set(self.read) - set(sizes)
        ):
            self.last, self.read, self.saved = {}, {}, -1
        for name, relative in logs:
            done, lines = self.read.get(relative, (0, 0))
            if sizes[relative] == done:
                continue
            tail = _tail(root / relative, done)
            for order, change in _parse(tail, relative, name, 0, complete_only=True,
                                        first_line=lines + 1):
                self._learn(order, change.id, change.after)
            end = tail.rfind(b"\n") + 1
            if end:
                self.read[relative] = (done + end, lines + tail.count(b"\n", 0, end))

    def append(self, root: Path, me: str, changes: list[Change]) -> None:
        relative = f"{HISTORY_DIR}/{me}.jsonl"
        path = inside(root, PurePosixPath(relative))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = b"".join(line(change) for change in changes)
        with path.open("ab") as out:  # append only: earlier bytes are never rewritten
            size = out.seek(0, os.SEEK_END)
            if size and _last_byte(path, size) != b"\n":
                data = b"\n" + data  # end a torn line, so that ours stay whole
            out.write(data)
        done, lines = self.read.get(relative, (0, 0))
        if done == size:  # nothing unread before ours: take them as read
            at = _time(changes[0].at)
            for number, change in enumerate(changes, lines + 1):
                # what the build just saw, even if this clock went back past an earlier record
                self.last[change.id] = ((at, me, number), change.after)
            self.read[relative] = (size + len(data), lines + data.count(b"\n"))

    def save(self, root: Path) -> None:
        document = {"format": FORMAT, "device": self.device, "read": self.read,
                    "last": {k: [list(o), s] for k, (o, s) in sorted(self.last.items())}}
        store.write_cache(root, CACHE_FILE, json.dumps(document, separators=(",", ":")).encode())
        self.saved = sum(at for at, _ in self.read.values())

    def _learn(self, order: Order, note_id: str, status: str | None) -> None:
        known = self.last.get(note_id)
        if known is None or order > known[0]:
            self.last[note_id] = (order, status)


_memo: dict[Path, tuple[tuple[int, int, int] | None, _State]] = {}
"""The state a process last saved per vault (a watcher's builds), with the cache file's stamp:
trusted while the file is the one it wrote."""


def _stamp(root: Path) -> tuple[int, int, int] | None:
    """The cache file's (inode, mtime, size): each save replaces it whole, a new inode."""
    try:
        info = (root / CACHE_FILE).stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _tail(path: Path, start: int) -> bytes:
    """The bytes of a log from `start`: only what it gained since it was last read."""
    try:
        with path.open("rb") as source:
            if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
                return b""  # a FIFO in a log's place must not hang a build
            source.seek(start)
            return source.read()
    except OSError as exc:
        log.warning("ignoring %s: %s", path, exc.strerror or exc)
        return b""


def _last_byte(path: Path, size: int) -> bytes:
    with path.open("rb") as source:
        source.seek(size - 1)
        return source.read(1)
