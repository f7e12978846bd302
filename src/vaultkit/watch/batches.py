"""What goes into a batch, and when a batch is due: ignored names, `Change`, `Debouncer`.

Pure logic over paths and an injectable clock; no watchdog, no file system.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Clock = Callable[[], float]

# Names editors and sync tools use for temporary, backup and conflict files.
_IGNORED_NAME = re.compile(
    r"""^(
        4913                                  # vim's probe file
      | .*~                                   # vim, emacs and many others: backups
      | \..*\.sw[a-px]                        # vim swap files and its probe
      | \#.*\#                                # emacs auto-save
      | \.\#.*                                # emacs lock symlinks
      | .*___jb_(tmp|old|bak)___              # JetBrains safe write
      | \.goutputstream-.*                    # GNOME (GIO) safe write
      | \.syncthing\..*\.tmp                  # Syncthing
      | .*\.icloud                            # iCloud placeholders
      | .*\.sync-conflict-.*                  # Syncthing conflict copies
      | .*\ \(conflicted\ copy.*\).*          # Dropbox conflict copies
      | .*\ \(Conflict.*\).*                  # other sync clients
      | \..*\.vaultkit-(tmp|swap)               # our own atomic writes and dashboard swaps
      | \.DS_Store | Thumbs\.db | desktop\.ini
    )$""",
    re.VERBOSE,
)


def is_ignored_name(name: str) -> bool:
    """True for file names that never carry a note's content."""
    return bool(_IGNORED_NAME.match(name))


@dataclass(frozen=True, slots=True)
class Change:
    """One debounced batch: the paths that changed, or a request to look at everything."""

    paths: frozenset[str]
    """Relative paths (with `/`) of files and folders created, changed, deleted or moved."""
    full: bool = False
    """True when events may have been lost (start, observer restart, reconcile): rescan all."""


class Debouncer:
    """Gathers paths until a quiet window passes, or a maximum wait since the first one.

    Paths asked for `later` join the batch when their delay is up, as if an event had come for
    them then. Pure timing logic over an injectable clock, so it is tested without sleeping.
    """

    def __init__(self, quiet: float, max_wait: float, clock: Clock = time.monotonic) -> None:
        if quiet <= 0 or max_wait < quiet:
            raise ValueError("need 0 < quiet <= max_wait")
        self.quiet = quiet
        self.max_wait = max_wait
        self._clock = clock
        self._paths: set[str] = set()
        self._full = False
        self._first: float | None = None
        self._last = 0.0
        self._later: list[tuple[float, tuple[str, ...]]] = []
        """(when, paths) asked for later: a list still being typed, say."""

    def add(self, paths: Iterable[str] = (), *, full: bool = False) -> None:
        """Paths that changed just now (or, with `full`, a request to look at everything)."""
        now = self._clock()
        self._paths.update(paths)
        self._full = self._full or full
        if self._first is None:
            self._first = now
        self._last = now

    def later(self, paths: Iterable[str], delay: float) -> None:
        """Paths to add `delay` seconds from now."""
        self._later.append((self._clock() + delay, tuple(paths)))

    def due_in(self) -> float | None:
        """Seconds until the pending batch is due or a later request joins it (0: now); None
        when nothing is pending."""
        dues = [when for when, _ in self._later]
        if self._first is not None:
            dues.append(min(self._last + self.quiet, self._first + self.max_wait))
        if not dues:
            return None
        return max(0.0, min(dues) - self._clock())

    def take(self) -> Change | None:
        """The batch, if it is due; it is then cleared. Later requests now due join it first."""
        self._release_later()
        if self._first is None or self._clock() < min(
            self._last + self.quiet, self._first + self.max_wait
        ):
            return None
        change = Change(frozenset(self._paths), self._full)
        self._paths.clear()
        self._full = False
        self._first = None
        return change

    def _release_later(self) -> None:
        now = self._clock()
        due = [paths for when, paths in self._later if when <= now]
        if due:
            self._later = [(when, paths) for when, paths in self._later if when > now]
            self.add(p for paths in due for p in paths)
