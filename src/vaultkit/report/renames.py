"""Where a link leads, and which note a broken one meant: renames and moves understood.

A note renamed or moved outside Obsidian (in vim, a file manager, `mv`) leaves links to its old
name (`[[DPO paper (…)]]`) or its old place (`../Sources/DPO paper (…).md`). The note lives on,
and says so: its `title` and `aliases` keep the old name (vaultkit writes the title into both,
and names the file after it, a hub after its number and title), or its file name is the same
in another folder. A link whose
target names exactly one such note is a rename or a move; one that two notes could answer is
ambiguous and never guessed. `problems` reports them, `commands.relink` repairs them.

Pure: the index in, answers out.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from vaultkit.model import Kind
from vaultkit.scaffold.names import safe_name
from vaultkit.vault.index import VaultIndex

_NUMBERED = re.compile(r"[0-9]+ (.+)", re.S)

Cause = Literal["renamed", "moved", "origin moved", "ambiguous", "unknown"]
"""Why a link finds no note: its note was renamed, or moved (by name, a Markdown link's path),
or the linking note itself moved (its relative paths point from its old folder); several notes
could be the one it meant; or none."""


@dataclass(frozen=True, slots=True)
class Broken:
    """A link that finds no note, and what became of the note it meant."""

    origin: str
    """The note the link is in."""
    target: str
    """As written: a name, or a Markdown link's path (decoded)."""
    cause: Cause
    note: str | None = None
    """The note it meant, when exactly one could be (renamed, moved, origin moved)."""
    candidates: tuple[str, ...] = ()
    """The notes it could mean, when several could (ambiguous)."""

    @property
    def old_name(self) -> str:
        """The name the link knows the note by: `../Sources/DPO paper.md` → `DPO paper`."""
        return posixpath.basename(self.target).removesuffix(".md")


class Links:
    """Every path and name in the vault, to resolve links and to find renamed notes."""

    def __init__(self, index: VaultIndex, dashboards: Iterable[str] = ()) -> None:
        # Dashboards count as present even before the build that writes them.
        paths = sorted({*index.records, *index.failures, *index.attachments, *dashboards})
        self.paths = {p.casefold(): p for p in paths}
        self.by_name: dict[str, list[str]] = {}
        """A file name (and a note's name without `.md`), casefolded → the paths that have it."""
        by_name = self.by_name
        for folded, path in self.paths.items():  # every build walks 10,000 paths here
            name = folded[folded.rfind("/") + 1:]
            if (same := by_name.get(name)) is None:
                by_name[name] = [path]
            else:
                same.append(path)
            if name.endswith(".md"):
                if (same := by_name.get(name[:-3])) is None:
                    by_name[name[:-3]] = [path]
                else:
                    same.append(path)
        self._index = index
        self._known_as: dict[str, set[str]] | None = None
        self._hubs: set[str] = set()

    def path_of(self, origin: str, target: str, *, markdown: bool) -> str | None:
        """The path of the file a link finds, or None when it finds none or cannot tell which.

        A Markdown link names a path from the linking note's folder (or from the vault's root);
        a wikilink names a file anywhere, by its name or by a path, with or without `.md`.
        """
        folder = posixpath.dirname(origin)
        for candidate in (posixpath.normpath(posixpath.join(folder, target)), target):
            found = self.paths.get(candidate.casefold())
            if found is None and not markdown:
                found = self.paths.get(f"{candidate}.md".casefold())
            if found is not None:
                return found
        if markdown:
            return None
        named = self.by_name.get(posixpath.basename(target).casefold(), [])
        if len(named) == 1:
            return named[0]
        # Obsidian prefers the note beside the link when several share a name.
        beside = [p for p in named if posixpath.dirname(p) == folder]
        return beside[0] if len(beside) == 1 else None

    def resolves(self, origin: str, target: str, *, markdown: bool) -> bool:
        """Whether the link finds a file (for a wikilink, any file of that name will do)."""
        if not markdown and target[target.rfind("/") + 1:].casefold() in self.by_name:
            return True  # the common case first: most links name a note that is there
        return self.path_of(origin, target, markdown=markdown) is not None

    def broken(self, origin: str, target: str, *, markdown: bool) -> Broken | None:
        """None when the link finds its file; else what became of the note it meant."""
        # `resolves`' common case inline (`basename` as a slice): a build asks for every link.
        if not markdown and target[target.rfind("/") + 1:].casefold() in self.by_name:
            return None
        if self.resolves(origin, target, markdown=markdown):
            return None
        if markdown:
            return self._moved(origin, target) or self._renamed(origin, target)
        return self._renamed(origin, target)

    def _moved(self, origin: str, target: str) -> Broken | None:
        """A Markdown link whose file is elsewhere under the same name.

        When the path it names, read from some folder above or beside the linking note, is
        there (`../Topics/T.md` → `Topics/T.md`), the linking note is what moved; else the
        file did, when one file has its name.
        """
        tail = target
        while tail.startswith(("../", "./")):
            tail = tail.split("/", 1)[1]
        folded = tail.casefold()
        named = self.by_name.get(posixpath.basename(target).casefold(), [])
        ends = [p for p in named if p.casefold() == folded or p.casefold().endswith(f"/{folded}")]
        if len(ends) == 1:
            return Broken(origin, target, "origin moved", ends[0])
        if len(ends) > 1:
            return Broken(origin, target, "ambiguous", candidates=tuple(ends))
        if len(named) == 1:
            return Broken(origin, target, "moved", named[0])
        if len(named) > 1:
            return Broken(origin, target, "ambiguous", candidates=tuple(named))
        return None

    def _renamed(self, origin: str, target: str) -> Broken:
        """A link whose old name a note still says it had, in its title or aliases."""
        known_as = self._names_had()
        name = posixpath.basename(target).removesuffix(".md").strip().casefold()
        notes = sorted(known_as.get(name, ()))
        numbered = _NUMBERED.fullmatch(name)
        if not notes and numbered:  # a hub's file is `<n> <title>.md`
            notes = sorted(known_as.get(numbered.group(1), set()) & self._hubs)
        if len(notes) == 1:
            return Broken(origin, target, "renamed", notes[0])
        if len(notes) > 1:
            return Broken(origin, target, "ambiguous", candidates=tuple(notes))
        return Broken(origin, target, "unknown")

    def _names_had(self) -> dict[str, set[str]]:
        """A name a note had (its title, its aliases, the file names vaultkit gives them),
        casefolded → the notes that say they had it. Made at the first broken link only: most
        builds have none, and a watcher's rebuild should not pay for it."""
        if self._known_as is None:
            self._known_as = defaultdict(set)
            for record in self._index.notes():
                if record.kind == Kind.TOPIC:
                    self._hubs.add(record.path)
                for name in dict.fromkeys((record.title, *record.aliases)):
                    for form in {name, safe_name(name)}:
                        self._known_as[form.strip().casefold()].add(record.path)
        return self._known_as
