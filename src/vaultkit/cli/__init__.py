"""The `vaultkit` command: thin click commands over the core functions, one module a family.

Importing the modules registers their commands on `main`.
"""

from vaultkit.cli import making, reading, relinking, watching
from vaultkit.cli.app import ExitStatus, main

__all__ = ["ExitStatus", "main", "making", "reading", "relinking", "watching"]
