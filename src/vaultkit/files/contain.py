"""Containment: every path vaultkit writes or removes stays inside the vault, symlinks included."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from vaultkit.errors import UnsafePathError


def inside(vault: Path, relative: PurePosixPath) -> Path:
    """The real path for `relative` in the vault, or `UnsafePathError` if it would leave it.

    Checked on the resolved parent folder, so a symlinked folder that points out of the vault
    is caught as well as `..` and absolute paths.
    """
    root = Path(os.path.realpath(vault))
    if relative.is_absolute() or ".." in relative.parts:
        raise UnsafePathError(vault / relative, root)
    target = root.joinpath(*relative.parts)
    parent = Path(os.path.realpath(target.parent))
    if parent != root and root not in parent.parents:
        raise UnsafePathError(target, root)
    return parent / target.name
