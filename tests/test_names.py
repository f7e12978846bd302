"""File names that are not UTF-8 (possible on Linux): read, counted, reported and linked.

Python hands such a name over as a string with lone surrogates (`os.fsdecode`); nothing of it
may reach a dashboard, a terminal or JSON unescaped. Shown as `\\xe9` for the byte 0xE9.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest

from tests.conftest import RunCli
from vaultkit.commands.survey import open_vault
from vaultkit.files.display import shown
from vaultkit.report import publish
from vaultkit.vault.cache import INDEX as CACHE_FILE
from vaultkit.vault.cache import load_notes
from vaultkit.vault.index import VaultIndex
from vaultkit.watch.batches import Change
from vaultkit.watch.live import LiveVault

CORE = "Sources/RLHF Book (Nathan Lambert).md"
"""The first core source of topic 1: the queue's next source while nothing is read."""
BAD_NAME = os.fsdecode(b"Sources/RLHF Book caf\xe9.md")
SHOWN = "Sources/RLHF Book caf\\xe9.md"
MESSAGE = ("its file name is not UTF-8 text (shown with \\xNN escapes); rename it so that "
           "links and other apps can find it")

pytestmark = pytest.mark.skipif(sys.platform != "linux",
                                reason="only Linux lets a file name hold any bytes")


@pytest.fixture
def vault(seed_vault: Path, tmp_path: Path) -> Path:
    """The seed vault with one source note renamed to a name that is not UTF-8."""
    copy = Path(shutil.copytree(seed_vault, tmp_path / "vault", symlinks=True))
    (copy / CORE).rename(copy / BAD_NAME)
    return copy


def run(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """`vaultkit ARGS` as a user's shell runs it: a real, strict UTF-8 stdout."""
    env = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "vaultkit", *map(str, args)],
                          capture_output=True, timeout=120, env=env, check=False)


def hrefs(text: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", text)


def test_shown_escapes_only_what_is_not_utf8() -> None:
    """Valid text is unchanged; an undecodable byte reads `\\xe9`, a lone surrogate `\\ud800`."""
    assert shown("café ✓") == "café ✓"
    assert shown(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert shown("a\ud800b") == "a\\ud800b"


def test_build_succeeds_and_links_the_note_by_its_bytes(vault: Path) -> None:
    """`build` exits 0 (not 1 with a traceback); the note counts, is linked, and is a problem."""
    result = run("build", vault)

    assert result.returncode == 0, result.stderr.decode()
    assert b"Traceback" not in result.stderr
    queue = (vault / "Dashboards" / "Reading queue.md").read_text(encoding="utf-8")
    problems = (vault / "Dashboards" / "Problems.md").read_text(encoding="utf-8")
    linked = [h for h in hrefs(queue) + hrefs(problems) if "%E9" in h]
    assert linked, "no link to the renamed note"
    for href in linked:  # relative to Dashboards/, and to the real file
        target = vault.joinpath("Dashboards").joinpath(os.fsdecode(unquote_to_bytes(href)))
        assert target.resolve() == (vault / BAD_NAME).resolve()
    assert "RLHF Book caf\\\\xe9" in problems  # the name shown escaped, as the link's text
    assert MESSAGE.replace("\\", "\\\\") in problems


def test_check_names_the_file_escaped(vault: Path) -> None:
    """`check` names the file `...caf\\xe9.md` and exits 1, for problems found."""
    checked = run("check", vault)

    assert checked.returncode == 1, checked.stderr.decode()
    assert f"{SHOWN}: {MESSAGE}\n".encode() in checked.stdout


def test_status_json_shows_the_name_escaped(vault: Path, run_cli: RunCli) -> None:
    """`status --json` is valid JSON (click's test stream is strict UTF-8, as a terminal's)."""
    status = run_cli("status", "--json", vault)

    assert status.exit_code == 0
    problems = json.loads(status.stdout)["problems"]
    assert {"path": SHOWN, "line": None, "message": MESSAGE} in problems


def test_status_text_shows_the_name_escaped(vault: Path, run_cli: RunCli) -> None:
    """The terminal summary prints (a strict UTF-8 stream would raise on a surrogate)."""
    moved = vault.rename(vault.with_name(os.fsdecode(b"v\xe9")))
    result = run_cli("status", moved)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith("v\\xe9")


def test_the_index_cache_round_trips_the_name(vault: Path) -> None:
    """The cache keeps the real name: a second scan takes the note from it, unchanged."""
    root, settings = open_vault(vault)
    an_hour_ago = time.time() - 3600  # a file changed in the last 2 s is never cached
    for note in vault.rglob("*.md"):
        os.utime(note, (an_hour_ago, an_hour_ago))
    first = VaultIndex(root, settings)
    first.scan()
    assert BAD_NAME in json.loads((vault / CACHE_FILE).read_text(encoding="ascii"))["data"]

    again = VaultIndex(root, settings)
    cached = load_notes(root)  # the cache's own reader, as a scan uses it
    again.scan()

    assert cached[BAD_NAME][1] == first.records[BAD_NAME]  # the record, as the cache holds it
    assert again.records[BAD_NAME] == first.records[BAD_NAME]


def test_a_watch_rebuild_with_such_a_note_succeeds(seed_vault: Path, tmp_path: Path) -> None:
    """A note renamed to such a name while watching is counted and reported, in every rebuild."""
    vault = Path(shutil.copytree(seed_vault, tmp_path / "vault", symlinks=True))
    root, settings = open_vault(vault)
    live = LiveVault(root, settings)
    live.start()
    (vault / CORE).rename(vault / BAD_NAME)

    live.on_change(Change(frozenset({CORE, BAD_NAME})))
    live.on_change(Change(frozenset(), full=True))

    assert live.index.records[BAD_NAME].kind == "source"
    problems = (vault / "Dashboards" / "Problems.md").read_text(encoding="utf-8")
    assert SHOWN.replace("\\", "\\\\").rsplit("/", 1)[1].removesuffix(".md") in problems
    assert publish.edited(root, settings) == []
