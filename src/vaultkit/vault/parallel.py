"""Using the second core for one-shot builds, where that is safe.

Forking copies a process that already has vaultkit imported, so a worker starts in
milliseconds; it is only safe while the process runs no other thread (a watcher has the
observer's threads, so it always works in-process).

`multiprocessing` is imported only when it is used: it costs tens of milliseconds at every
start of the command, and only large cold builds need it.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

log = logging.getLogger(__name__)

MAX_WORKERS = 4
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def can_fork() -> bool:
    import multiprocessing  # noqa: PLC0415 - see the module's docstring

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def fork_context() -> BaseContext:
    import multiprocessing  # noqa: PLC0415 - see the module's docstring

    return multiprocessing.get_context("fork")


def workers() -> int:
    return min(os.cpu_count() or 1, MAX_WORKERS)


def die_with_parent(parent: int) -> None:
    """Called first in a forked child: it ends when `parent`, the command, dies.

    A child blocked on a pipe (a pool worker waiting for work, say) would otherwise outlive a
    `kill -9` of its command for good. On Linux the kernel kills it
    (`prctl(PR_SET_PDEATHSIG)`); elsewhere a thread notices it was orphaned within a second.
    """
    if not _kill_me_with_parent():
        threading.Thread(target=exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before we were watching
        os._exit(1)


def exit_when_orphaned(parent: int, every: float = 1.0) -> None:
    """Poll until this process's parent is no longer `parent`, then exit at once."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _kill_me_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not done."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes  # noqa: PLC0415 - only forked children need it

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (ImportError, OSError, AttributeError) as exc:
        log.debug("no parent-death signal (%s); polling for the parent instead", exc)
        return False
