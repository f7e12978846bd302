"""What a vault already holds, as far as planning needs to know: a snapshot of its note ids.

Notes are matched to the lists by their `id`, never by file name, so a note the user renamed
or moved is found where it is and is not planned again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from vaultkit.vault.index import walk
from vaultkit.vault.notes import read_identity


@dataclass(frozen=True, slots=True)
class ExistingNotes:
    """A snapshot of the vault's notes taken before planning: their ids, kinds and names."""

    paths_by_id: dict[str, PurePosixPath]
    """Id → where the vault has the note with that id (the first by walk order)."""
    names: set[str]
    """Stems of every Markdown file, vaultkit's or not, for unique names."""
    kinds_by_id: dict[str, str] = field(default_factory=dict)
    """Id → the note's `vaultkit:` kind."""


def scan_existing(vault: Path) -> ExistingNotes:
    """Every Markdown file's name and every vaultkit note's id, skipping dot-folders.

    A vault folder that does not exist yet holds nothing.
    """
    paths_by_id: dict[str, PurePosixPath] = {}
    names: set[str] = set()
    kinds_by_id: dict[str, str] = {}
    if not vault.is_dir():
        return ExistingNotes(paths_by_id, names, kinds_by_id)
    for relative, path in walk(vault):
        if not relative.endswith(".md"):
            continue
        names.add(path.name[:-3])
        identity = read_identity(path)
        if identity is not None and identity.id not in paths_by_id:
            paths_by_id[identity.id] = PurePosixPath(relative)
            kinds_by_id[identity.id] = identity.kind
    return ExistingNotes(paths_by_id, names, kinds_by_id)
