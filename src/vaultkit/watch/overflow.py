"""Hearing of an inotify queue overflow, through hooks on watchdog's internals.

When the kernel's queue overflows, watchdog 7.1 logs it, drops the events it holds and re-adds
its recursive watches, but emits nothing: a handler never learns that events were lost. Its
watch groups are told (`on_queue_overflow`), so ours pass that on to `report_overflows`'s
callback. Elsewhere (no inotify, or another watchdog) nothing is hooked and the watcher's
periodic reconcile is what catches dropped events.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from watchdog.events import FileSystemEvent
from watchdog.observers.api import BaseObserver, ObservedWatch

log = logging.getLogger(__name__)

try:  # watchdog's internals as of 7.1 (pinned below 8 in pyproject.toml)
    if not sys.platform.startswith("linux"):
        raise ImportError("inotify is Linux's")  # noqa: TRY301 - one fallback for both causes
    from watchdog.observers.api import DEFAULT_EMITTER_TIMEOUT, EventQueue
    from watchdog.observers.inotify import InotifyEmitter, InotifyObserver, InotifyWatchGroup
    from watchdog.observers.inotify_c import InotifyFD
except ImportError:
    _INOTIFY_HOOKS = False
else:
    _INOTIFY_HOOKS = True

if _INOTIFY_HOOKS:

    def _nothing() -> None:
        return None

    @dataclass
    class _ReportingGroup(InotifyWatchGroup):
        """watchdog's watch group, which also calls `on_overflow` after a queue overflow."""

        on_overflow: Callable[[], None] = _nothing

        def on_queue_overflow(self) -> None:
            super().on_queue_overflow()
            try:
                self.on_overflow()
            except Exception:  # raising here would end watchdog's inotify thread for good
                log.exception("could not handle an inotify queue overflow")

    class _ReportingEmitter(InotifyEmitter):
        """An inotify emitter whose watch group reports queue overflows to `on_overflow`."""

        def __init__(
            self,
            event_queue: EventQueue,
            watch: ObservedWatch,
            *,
            on_overflow: Callable[[], None],
            timeout: float = DEFAULT_EMITTER_TIMEOUT,
            event_filter: list[type[FileSystemEvent]] | None = None,
            inotify_fd: InotifyFD | None = None,
        ) -> None:
            super().__init__(event_queue, watch, timeout=timeout, event_filter=event_filter,
                             inotify_fd=inotify_fd)
            self._on_overflow = on_overflow

        def on_thread_start(self) -> None:
            # InotifyEmitter.on_thread_start, with our group in place of watchdog's.
            self._inotify = _ReportingGroup(
                self._inotify_fd,
                os.fsencode(self.watch.path),
                is_recursive=self.watch.is_recursive,
                event_mask=self.get_event_mask_from_filter(),
                follow_symlink=self.watch.follow_symlink,
                on_overflow=self._on_overflow,
            )

    def report_overflows(observer: BaseObserver, on_overflow: Callable[[], None]) -> None:
        """Have a new inotify observer call `on_overflow` when the kernel drops events.

        Before anything is scheduled: its emitters are made from these (watchdog offers no
        public hook for this).
        """
        if isinstance(observer, InotifyObserver) and isinstance(
            getattr(observer, "_emitter_kwargs", None), dict
        ):
            observer._emitter_class = _ReportingEmitter
            observer._emitter_kwargs["on_overflow"] = on_overflow
        else:  # the periodic reconcile is then what catches dropped events
            log.debug("inotify queue overflows are not reported by this watchdog")

else:

    def report_overflows(observer: BaseObserver, on_overflow: Callable[[], None]) -> None:
        """Only watchdog's inotify observer (Linux) is hooked; elsewhere the periodic
        reconcile catches dropped events."""
