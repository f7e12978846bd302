"""Stopping `vaultkit watch` on SIGINT, SIGTERM or SIGHUP, within a moment, at any point.

A step that only reads or computes runs inside `interruptible()`: a signal then raises
`Interrupted` and abandons it. Any other step (one that writes) runs to its end, and the
watcher is asked to stop once it is done.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Protocol


class Interrupted(BaseException):
    """Raised by the signal handler in a step that only reads or computes, to stop at once.

    A BaseException, so that no `except Exception` on the way (a note that cannot be read is a
    Problem, not a crash) swallows it.
    """


class Stoppable(Protocol):
    """What a signal stops: the watcher's loop."""

    def stop(self) -> None: ...


_Handler = Callable[[int, FrameType | None], object] | int | None
"""What `signal.signal` returns: a function, SIG_DFL or SIG_IGN, or None."""


class StopOnSignals:
    """`with StopOnSignals() as signals:` SIGINT, SIGTERM and SIGHUP stop the watcher.

    Inside `signals.interruptible()` the handler also raises `Interrupted`, abandoning a step
    that only reads or computes; elsewhere it asks the watcher to stop once the current step is
    done, and the next interruptible step does not begin.
    """

    def __init__(self) -> None:
        self.watcher: Stoppable | None = None
        self.requested = False
        self.received: str | None = None
        """The signal that asked to stop, logged once the stop is under way."""
        self._reading = False
        self._previous: dict[signal.Signals, _Handler] = {}

    def __enter__(self) -> StopOnSignals:
        for sig in _stop_signals():
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            if handler is not None:  # None: not set from Python, nothing to put back
                signal.signal(sig, handler)
        self._previous.clear()

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """Run the `with` block so that a stop requested before or during it abandons it."""
        # Reading first, then the check: a signal between the two still raises.
        self._reading = True
        try:
            if self.requested:  # a signal came before this step began
                raise Interrupted
            yield
        finally:
            self._reading = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        # No logging here: the handler may run in the middle of a log write on this thread.
        self.received = signal.Signals(signum).name
        self.requested = True
        if self.watcher is not None:
            self.watcher.stop()
        if self._reading:
            raise Interrupted


def _stop_signals() -> list[signal.Signals]:
    """SIGINT, SIGTERM, and SIGHUP (a closed terminal) unless it is ignored, as under nohup."""
    signals = [signal.SIGINT, signal.SIGTERM]
    hangup = getattr(signal, "SIGHUP", None)  # not on Windows
    if hangup is not None and signal.getsignal(hangup) != signal.SIG_IGN:
        signals.append(hangup)
    return signals
