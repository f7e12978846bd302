"""The one error root of vaultkit.

Core code raises these; only the CLI turns them into `Error: …` lines and exit codes. Each class
builds its message from fields so callers pass facts, not prose.
"""

from __future__ import annotations

from pathlib import Path


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
