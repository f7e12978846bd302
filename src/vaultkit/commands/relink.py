"""`vaultkit relink`: the one command that edits the user's notes, and only their links.

Two steps, as a scaffold is made (STYLE 7): `plan_relink` reads every note vaultkit made and
computes each one's new bytes (nothing written: `--dry-run` prints the plan); `apply_relink`
then writes each note only if its bytes on disk are still exactly those the plan was made from.
A note edited in between is skipped and reported, never merged into. The write is atomic
(a temporary file beside the note, flushed, then swapped in), and the bytes are checked again
afterwards.

On Linux the new text is swapped in with `renameat2(RENAME_EXCHANGE)` and what comes out is
compared with the plan: a save that lands between the last check and the swap is put back, not
lost. Elsewhere the check is a re-read just before an `os.replace`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from vaultkit.config import CONFIG_NAME, LinkStyle, Settings
from vaultkit.errors import RelinkStyleError, UnsafePathError
from vaultkit.files import renames
from vaultkit.files.contain import inside
from vaultkit.files.reads import read_file
from vaultkit.files.writes import atomic_write, naming, write_temp
from vaultkit.model import Kind
from vaultkit.report.relinks import relink_text
from vaultkit.report.renames import Links
from vaultkit.scaffold.pages import embed_label
from vaultkit.vault import frontmatter as fm
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.notes import NOTE_LIMIT, read_identity

log = logging.getLogger(__name__)

RELINKED_KINDS = (Kind.HOME, Kind.TOPIC, Kind.SOURCE, Kind.QUESTION)
"""The notes relink edits: those vaultkit made (the user's since), whose links `check` reads.
Dashboards and panels are vaultkit's own, rewritten by every build; the lists are not notes."""
_BOM = b"\xef\xbb\xbf"
_LINKS_LINE = re.compile(r"^[ \t]*links[ \t]*=", re.M)


@dataclass(frozen=True, slots=True)
class NoteChange:
    """One note's planned edit: the exact bytes it was planned from, and its new bytes."""

    path: str
    """Relative to the vault, with `/`."""
    before: bytes
    after: bytes
    links: int
    """How many links change."""

    def lines(self) -> list[tuple[int, str, str]]:
        """(line number, old line, new line) for each line that changes: links never span
        lines, so the two texts have the same lines."""
        old = self.before.decode("utf-8", "replace").splitlines()
        new = self.after.decode("utf-8", "replace").splitlines()
        return [(n, a, b) for n, (a, b) in enumerate(zip(old, new, strict=False), 1) if a != b]


@dataclass(frozen=True, slots=True)
class RelinkPlan:
    """What `relink` would change, and what it would leave."""

    root: Path
    changes: list[NoteChange]
    left: list[tuple[str, str]] = field(default_factory=list)
    """(note, why) for each link left as it is: no note, or more than one, answers it."""
    unread: list[tuple[str, str]] = field(default_factory=list)
    """(note, why) for each note that could not be read or changed safely."""


@dataclass(frozen=True, slots=True)
class RelinkResult:
    """What `apply_relink` did."""

    written: list[NoteChange]
    skipped: list[tuple[str, str]]
    """(note, why) for each planned note left as it was."""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """(note, what) for a written note that needs a look: changed again just after."""


def check_style(root: Path, settings: Settings, style: LinkStyle | None) -> None:
    """Refuse `--links STYLE` unless `vaultkit.toml` asks for it: the setting is the one truth
    (`init`, `sync` and the dashboards follow it), so the notes follow it, never the reverse."""
    if style is None or style == settings.links:
        return
    try:
        text = (root / CONFIG_NAME).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        text = ""
    found = _LINKS_LINE.search(text)
    line = None if found is None else text.count("\n", 0, found.start()) + 1
    raise RelinkStyleError(root / CONFIG_NAME, settings.links, style, line)


def plan_relink(root: Path, settings: Settings, *, style: LinkStyle | None = None) -> RelinkPlan:
    """Every note vaultkit made whose links would change: links to renamed or moved notes
    repaired, and with `style`, every link to a note written in that style. Writes nothing
    (but the index cache)."""
    check_style(root, settings, style)
    index = VaultIndex(root, settings)
    index.scan()
    links = Links(index, settings.dashboard_paths().values())
    plan = RelinkPlan(root, [])
    for relative, failure in sorted(index.failures.items()):
        # Not read (not UTF-8, binary, too large…): it may hold links to repair, so say so.
        with contextlib.suppress(UnsafePathError):
            found = read_identity(inside(root, PurePosixPath(relative)))
            if found is not None and found.kind in RELINKED_KINDS:
                plan.unread.append((relative, f"{failure.message}; left as it is"))
    for record in sorted(index.notes(), key=lambda r: r.path):
        if record.kind not in RELINKED_KINDS:
            continue
        try:
            path = inside(root, PurePosixPath(record.path))
            before = read_file(path, NOTE_LIMIT)
            text = before.removeprefix(_BOM).decode("utf-8")
            relinked = relink_text(text, record.path, links, style,
                                   functools.partial(embed_label, settings))
            linked = _linked(path)
        except (OSError, UnsafePathError, UnicodeDecodeError, fm.FrontmatterError) as exc:
            plan.unread.append((record.path, _why(exc)))
            continue
        plan.left.extend((record.path, why) for why in relinked.left)
        if relinked.text == text:
            continue
        if linked is not None:
            plan.unread.append((record.path, linked))
            continue
        problem = _frontmatter_problem(text, relinked.text)
        if problem is not None:
            plan.unread.append((record.path, problem))
            continue
        after = before[: len(before) - len(before.removeprefix(_BOM))] + relinked.text.encode()
        plan.changes.append(NoteChange(record.path, before, after, relinked.changed))
    return plan


def apply_relink(plan: RelinkPlan) -> RelinkResult:
    """Write each planned note whose bytes are still those the plan was made from."""
    result = RelinkResult([], [])
    for change in plan.changes:
        try:
            path = inside(plan.root, PurePosixPath(change.path))
            why = _write(path, change)
        except (OSError, UnsafePathError) as exc:
            why = _why(exc)
        if why is not None:
            result.skipped.append((change.path, why))
            continue
        result.written.append(change)
        with contextlib.suppress(OSError):  # written: a failed re-read is no reason to doubt it
            if read_file(path, NOTE_LIMIT) != change.after:
                result.warnings.append((change.path, AGAIN))
    return result


EDITED = "changed since relink read it (edited meanwhile?); left as it is: run relink again"
AGAIN = "written, then changed again just after (saved meanwhile?); look at it"
LINKED = "is a symbolic link; relink never writes through one: edit it by hand"
HARD_LINKED = "has other hard links; relink never writes such a file: edit it by hand"


def _linked(path: Path) -> str | None:
    """Why the note at `path` is never written: a symbolic link (writing would replace the link
    by a file, and leave what it points to as it was) or a file with other hard links (which
    would keep the old text); None for a plain file."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return LINKED
    return HARD_LINKED if info.st_nlink > 1 else None


def _write(path: Path, change: NoteChange) -> str | None:
    """Put the new bytes in place if the note still holds the planned ones; else why not."""
    linked = _linked(path)
    if linked is not None:
        return linked
    if read_file(path, NOTE_LIMIT) != change.before:
        return EDITED
    try:
        swapped = _swap(path, change)
    except renames.RenameUnsupportedError:
        swapped = None
    if swapped is None:  # no atomic swap here: the re-read above is the last check
        atomic_write(path, change.after)
    elif not swapped:
        return EDITED
    return None


def _swap(path: Path, change: NoteChange) -> bool:
    """Swap the new text in; True if what came out is the planned old text, else (an edit
    landed after the check) swap that edit back in and return False."""
    with naming(path):  # a full disk names the note, not the temporary file
        temp = write_temp(path, change.after, path.stat().st_mode & 0o7777)
    try:  # outside `naming`: RenameUnsupportedError must reach the caller as it is
        renames.exchange(temp, path)
        if read_file(temp, NOTE_LIMIT) == change.before:
            return True
        renames.exchange(temp, path)  # the user's edit goes back where it was
        return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _frontmatter_problem(old: str, new: str) -> str | None:
    """Why the new frontmatter is not safe to write (it no longer parses), or None."""
    before, after = fm.split(old).frontmatter, fm.split(new).frontmatter
    if after is None or after == before:
        return None
    try:
        fm.parse(after)
    except fm.FrontmatterError as exc:
        return f"its properties would not read after the change ({exc.message}); left as it is"
    return None


def _why(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "is not UTF-8 text; left as it is"
    if isinstance(exc, fm.FrontmatterError):
        return f"its properties cannot be read ({exc.message}); left as it is"
    if isinstance(exc, OSError):
        return f"cannot be read or written: {exc.strerror or exc}"
    return str(exc)
