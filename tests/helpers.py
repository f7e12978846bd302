"""Shared by the tests: reading a generated vault back the way a user's tools would, editing
it the way a user would, running commands, and waiting on conditions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import RunCli
from vaultkit.cli import main
from vaultkit.commands.survey import open_vault
from vaultkit.config import Settings
from vaultkit.lists import load_catalog
from vaultkit.model import Catalog
from vaultkit.vault import index, list_ids, parallel
from vaultkit.vault.notes import NoteRecord, Problem, read_note
from vaultkit.watch.live import LiveVault, start_watching

WIKILINK = re.compile(r"\[\[([^\]|#]+)(?:#[^\]|]*)?(?:\|[^\]]*)?\]\]")
# A Markdown link to a note: [text](relative/path.md), skipping http(s) and anchors.
MDLINK = re.compile(r"\[(?:[^\]\\]|\\.)*\]\((?!https?:|#)([^)\s]+\.md)\)")


def split_note(path: Path) -> tuple[dict[str, object], str]:
    """A note's frontmatter, parsed with plain `yaml.safe_load`, and its body."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path} has no frontmatter"
    end = text.index("\n---\n", 4)
    data = yaml.safe_load(text[4:end])
    assert isinstance(data, dict), f"{path}: frontmatter is not a mapping"
    return data, text[end + 5:]


def notes(vault: Path) -> list[Path]:
    """Every Markdown note of the vault outside dot-folders."""
    return sorted(
        p for p in vault.rglob("*.md")
        if not any(part.startswith(".") for part in p.relative_to(vault).parts)
    )


def notes_of_kind(vault: Path, kind: str) -> list[Path]:
    """The notes whose `vaultkit:` property is `kind`."""
    of_kind = []
    for path in notes(vault):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n") and split_note(path)[0].get("vaultkit") == kind:
            of_kind.append(path)
    return of_kind


def wikilink_targets(text: str) -> list[str]:
    return [m.group(1).strip() for m in WIKILINK.finditer(text)]


def markdown_link_targets(note: Path, text: str) -> list[Path]:
    """Where each relative Markdown link of a note points, resolved from the note's folder."""
    return [(note.parent / unquote(m.group(1))).resolve() for m in MDLINK.finditer(text)]


def all_files(root: Path) -> dict[str, bytes]:
    """Every file below `root`, by relative path, with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def set_status(note: Path, status: str) -> None:
    """Change the `status:` line of a note's frontmatter, as a user would in an editor."""
    text = note.read_text(encoding="utf-8")
    changed, count = re.subn(r"(?m)^status: .*$", f"status: {status}", text, count=1)
    assert count == 1, f"{note} has no status line"
    note.write_text(changed, encoding="utf-8")


def add_to_reading_list(vault: Path, old: str, new: str) -> None:
    """Edit Lists/Reading list.md: put `new` in place of `old` (which must occur once)."""
    reading_list = vault / "Lists" / "Reading list.md"
    text = reading_list.read_text(encoding="utf-8")
    assert text.count(old) == 1
    reading_list.write_text(text.replace(old, new), encoding="utf-8")


def status_json(run_cli: RunCli, vault: Path) -> dict[str, Any]:
    """`vaultkit status --json VAULT`, parsed (JSON is untyped: the tests check its shape)."""
    result = run_cli("status", "--json", vault)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def vaultkit_owned(path: str) -> bool:
    """The files vaultkit may rewrite: its dashboards and its own state folder."""
    return path.startswith(("Dashboards/", ".vaultkit/"))


def wait_until(predicate: Callable[[], bool], timeout: float = 10, what: str = "") -> None:
    """Poll `predicate` every 20 ms until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(0.02)


class WatchProcess:
    """`python -m vaultkit watch VAULT ARGS…` in a process of its own (after `prefix`, such as
    `nohup`), its stderr collected line by line."""

    def __init__(
        self, vault: Path, env: dict[str, str], *args: str, prefix: tuple[str, ...] = ()
    ) -> None:
        self.proc = subprocess.Popen(
            [*prefix, sys.executable, "-m", "vaultkit", "watch", str(vault), *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def log(self) -> str:
        """Everything it has written to stderr so far."""
        return "".join(list(self.lines))

    def wait_for(self, text: str, timeout: float = 60) -> None:
        """Wait until the log says `text`; fail at once if the process ends first."""
        wait_until(lambda: text in self.log or self.proc.poll() is not None,
                   timeout=timeout, what=f"{text!r} in the watcher's log")
        assert text in self.log, self.log

    def wait_ready(self, timeout: float = 60) -> None:
        """Watching, holding the lock, signal handlers in place, initial build done."""
        self.wait_for("initial build", timeout)
        assert "Watching " in self.log
        assert self.proc.poll() is None, self.log

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def finish(self, timeout: float = 30) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.finish()


LONG_AGO = 1_000_000_000
"""A 2001 mtime, in seconds: far outside the 2-second window in which a file is not cached."""


def age(vault: Path, seconds: int = LONG_AGO) -> None:
    """Give every file of the vault (but vaultkit's own) an mtime long past."""
    for path in vault.rglob("*"):
        if path.is_file() and ".vaultkit" not in path.relative_to(vault).parts:
            os.utime(path, (seconds, seconds))


def init_from_lists(folder: Path, readlist: str, syllabus: str) -> Path:
    """`vaultkit init folder/vault` from the two lists' text, through the real CLI."""
    (folder / "readlist.md").write_text(readlist, encoding="utf-8")
    (folder / "questions.md").write_text(syllabus, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["init", str(folder / "vault"), "--readlist", str(folder / "readlist.md"),
         "--questions", str(folder / "questions.md")],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return folder / "vault"


def count_note_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The relative paths the index hands to `read_note` in this process, in order."""
    calls: list[str] = []

    def counting(path: Path, relative: str) -> NoteRecord | Problem:
        calls.append(relative)
        return read_note(path, relative)

    monkeypatch.setattr(index, "read_note", counting)
    return calls


def count_list_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The vaults whose lists were parsed in this process, in order. Parsing ahead in a forked
    child would hide a parse from this count: forking is turned off."""
    calls: list[Path] = []

    def counting(root: Path, settings: Settings) -> Catalog | None:
        calls.append(root)
        return load_catalog(root, settings)

    monkeypatch.setattr(list_ids, "load_catalog", counting)
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    return calls


@contextmanager
def watching_vault(
    vault: Path, *, list_settle: float = 0.3, quiet: float = 0.1, max_wait: float = 1.0
) -> Iterator[LiveVault]:
    """A LiveVault on a real watcher in a thread, as `watch_vault` wires them (without the
    lock and the signals); stopped, and checked to have stopped, on the way out."""
    root, settings = open_vault(vault)
    live = LiveVault(root, settings, list_settle=list_settle)
    watcher = start_watching(live, quiet=quiet, max_wait=max_wait, reconcile_every=3600,
                             tick=0.05)
    live.start()
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        yield live
    finally:
        watcher.stop()
        thread.join(timeout=10)
    assert not thread.is_alive(), "the watcher thread did not stop"
