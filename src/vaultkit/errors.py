"""The one error root of vaultkit.

Core code raises these; only the CLI turns them into `Error: …` lines and exit codes. Each class
builds its message from fields so callers pass facts, not prose.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from vaultkit.files.display import shown


class VaultkitError(Exception):
    """Anything vaultkit reports to the user instead of a traceback."""

    hint: str | None = None
    """One line that tells the user what to do about it, shown after the message."""


class ListError(VaultkitError):
    """A reading list or a question syllabus that cannot be used."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {reason}")


class ConfigError(VaultkitError):
    """A `vaultkit.toml` that cannot be read or holds a value we cannot use."""

    hint = "Fix the file, or delete it and run `vaultkit init` again to get the defaults."

    def __init__(self, path: Path, reason: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")


class UnsafePathError(VaultkitError):
    """A path we were about to write that would land outside the vault."""

    def __init__(self, path: Path, vault: Path) -> None:
        self.path = path
        self.vault = vault
        super().__init__(f"refusing to write {path}: it is outside the vault {vault}")


class VaultPathError(VaultkitError):
    """The vault argument names something that cannot hold a vault (a file, say)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NotAVaultError(VaultkitError):
    """A folder without `vaultkit.toml`: no command but `init` treats it as a vault."""

    def __init__(self, path: Path, around: Path | None = None) -> None:
        self.path = path
        self.around = around
        """The vault this folder lies inside, if any: the one the user most likely meant."""
        fix = (f"it lies inside the vault {shown(str(around))}: run the command on that"
               if around is not None
               else f"run `vaultkit init {shlex.quote(shown(str(path)))}`")
        super().__init__(
            f"{shown(str(path))} is not a vaultkit vault (no vaultkit.toml); {fix}"
        )


class NestedVaultError(VaultkitError):
    """`init` on a folder that holds a vault below it, or lies inside one."""

    def __init__(self, path: Path, other: Path, *, inside: bool) -> None:
        self.path = path
        self.other = other
        self.inside = inside
        where, what = shown(str(path)), shown(str(other))
        if inside:
            message = (f"{where} is inside the vaultkit vault {what}: its notes would belong to "
                       "both vaults")
        else:
            message = (f"{where} holds the vaultkit vault {what}: init would take that vault's "
                       "notes for its own")
        super().__init__(message)
        self.hint = (f"Run `vaultkit init` on a folder outside any vault, or "
                     f"`vaultkit init {shlex.quote(what)}` to complete that vault.")


class AlreadyWatchedError(VaultkitError):
    """Another process holds the vault's lock."""

    hint = "Stop that watcher first, or let it keep the dashboards current."

    def __init__(self, vault: Path, holder: str) -> None:
        self.vault = vault
        self.holder = holder
        super().__init__(f"{vault} is already being watched ({holder})")


class LockFolderError(VaultkitError):
    """No private folder for the lock could be found or made."""

    def __init__(self, folder: Path, why: str) -> None:
        self.folder = folder
        super().__init__(f"cannot keep the watcher's lock in {folder}: {why}")


class NoListsError(VaultkitError):
    """The vault has neither list where its settings say."""

    hint = "Run `vaultkit init` on it, or set [lists] in its vaultkit.toml."

    def __init__(self, vault: Path, reading_list: str, syllabus: str) -> None:
        self.vault = vault
        super().__init__(f"{vault}: no lists to sync: neither {reading_list} nor {syllabus} exists")


class LinkStyleError(VaultkitError):
    """`--links` asks for another style than the vault's settings hold."""

    hint = ("To switch, edit `links` in vaultkit.toml, re-run without --links, then convert "
            "the notes with `vaultkit relink VAULT --links STYLE`.")

    def __init__(self, vault: Path, current: str, wanted: str) -> None:
        self.vault = vault
        super().__init__(
            f"{vault} uses links = {current!r} (vaultkit.toml); --links {wanted} would mix "
            "styles in one vault"
        )


class RelinkStyleError(VaultkitError):
    """`relink --links STYLE` when `vaultkit.toml` asks for the other style."""

    def __init__(self, settings: Path, current: str, wanted: str, line: int | None) -> None:
        self.settings = settings
        self.line = line
        where = f"{settings}:{line}" if line is not None else str(settings)
        super().__init__(f"{where} says links = \"{current}\"; relink --links {wanted} would "
                         "leave the notes in another style than the one vaultkit writes")
        self.hint = (f"Change that line to links = \"{wanted}\" first (new notes and the "
                     f"dashboards follow it), then run `vaultkit relink --links {wanted}` again.")


class VaultGoneError(VaultkitError):
    """The vault folder was deleted or moved while it was watched."""

    def __init__(self, vault: Path) -> None:
        self.vault = vault
        super().__init__(f"{vault} was removed or moved away; stopped watching")


class TemplatesMissingError(VaultkitError):
    """The package data (shipped lists and note templates) is not where the package is."""

    hint = "Reinstall vaultkit (pip install --force-reinstall vaultkit)."

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(f"vaultkit's shipped lists and templates are missing from {folder}")
