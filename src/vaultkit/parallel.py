"""Using the second core for one-shot builds, where that is safe.

Forking copies a process that already has vaultkit imported, so a worker starts in
milliseconds; it is only safe while the process runs no other thread (a watcher has the
observer's threads, so it always works in-process).

`multiprocessing` is imported only when it is used: it costs tens of milliseconds at every
start of the command, and only large cold builds need it.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

MAX_WORKERS = 4


def can_fork() -> bool:
    import multiprocessing  # noqa: PLC0415 - see the module's docstring

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def fork_context() -> BaseContext:
    import multiprocessing  # noqa: PLC0415 - see the module's docstring

    return multiprocessing.get_context("fork")


def workers() -> int:
    return min(os.cpu_count() or 1, MAX_WORKERS)
