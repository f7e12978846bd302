"""File-system safety: nothing written or deleted outside the vault, concurrent runs that
tolerate each other, long multibyte names, and error messages that name the user's file."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import all_files, notes, notes_of_kind, split_note, wait_until
from vaultkit.files.writes import TEMP_SUFFIX

RUN_TIMEOUT = 60
"""Seconds any one vaultkit subprocess may take before the test fails (a hang, not slowness)."""


def vaultkit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m vaultkit ARGS…` as its own process."""
    return subprocess.run(
        [sys.executable, "-m", "vaultkit", *(str(a) for a in args)],
        capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False,
    )


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait(timeout=RUN_TIMEOUT)
    return child.pid


def plant_temps(folder: Path) -> list[Path]:
    """Temp files a cleanup may call stale: a dead writer's, and an old one of unknown owner."""
    folder.mkdir(parents=True, exist_ok=True)
    dead = folder / f".{dead_pid()}.0123abcd{TEMP_SUFFIX}"
    old = folder / f"x{TEMP_SUFFIX}"
    for path in (dead, old):
        path.write_bytes(b"half a note")
    then = time.time() - 3600
    os.utime(old, (then, then))
    return [dead, old]


def temp_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob(f"*{TEMP_SUFFIX}"))


def copy_of(seed: Path, tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    shutil.copytree(seed, vault, symlinks=True)
    return vault


def set_a_status(vault: Path) -> Path:
    """Mark the first source as being read, so that the next build rewrites dashboards."""
    source = notes_of_kind(vault, "source")[0]
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("status: unread", "status: reading", 1), encoding="utf-8")
    return source


# --- 1. nothing written, renamed or deleted outside the vault -------------------------------


@pytest.mark.parametrize("folder", [".vaultkit/cache", ".vaultkit", "Dashboards", "Boards"])
def test_cleanup_never_deletes_through_a_symlinked_folder(
    run_cli: RunCli, seed_vault: Path, tmp_path: Path, folder: str
) -> None:
    """Stale-looking temp files outside stay, whichever of vaultkit's folders links there."""
    vault = copy_of(seed_vault, tmp_path)
    if folder == "Boards":  # the dashboards folder as the user configured it
        settings = vault / "vaultkit.toml"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(text.replace('dashboards = "Dashboards"', 'dashboards = "Boards"'),
                            encoding="utf-8")
    outside = tmp_path / "outside"
    plant_temps(outside)
    before = all_files(outside)
    if (vault / folder).exists():
        shutil.rmtree(vault / folder)
    (vault / folder).symlink_to(outside, target_is_directory=True)
    set_a_status(vault)

    result = run_cli("build", vault)

    assert all_files(outside) == before
    if folder in {"Dashboards", "Boards"}:  # writes there are refused, before any is made
        assert result.exit_code == 2
        assert f"refusing to write {vault}/{folder}/" in result.stderr
    else:  # only caches live there: the build goes on without them
        assert result.exit_code == 0, result.output


def test_init_never_writes_or_deletes_through_a_symlinked_notes_folder(
    run_cli: RunCli, seed_vault: Path, tmp_path: Path
) -> None:
    """`Sources/` linking out of the vault: init refuses before writing, and deletes nothing."""
    vault = copy_of(seed_vault, tmp_path)
    outside = tmp_path / "outside"
    plant_temps(outside)
    before = all_files(outside)
    shutil.rmtree(vault / "Sources")
    (vault / "Sources").symlink_to(outside, target_is_directory=True)

    result = run_cli("init", vault)

    assert result.exit_code == 2
    assert f"refusing to write {vault}/Sources/" in result.stderr
    assert all_files(outside) == before


# --- 5. runs at once never fail each other --------------------------------------------------


def small_lists(folder: Path) -> tuple[Path, Path]:
    """A reading list and a syllabus of 24 entries each in 4 topics: a vault of ~60 files."""
    reading = folder / "reading.md"
    syllabus = folder / "syllabus.md"
    reading.write_text("".join(
        f"## {t}. Topic {t}\n\n" + "".join(
            f"- [Source {t}.{n}](https://example.org/{t}/{n}) - why\n" for n in range(6))
        for t in range(1, 5)), encoding="utf-8")
    syllabus.write_text("".join(
        f"# {t}. Topic {t}\n\n## Foundational questions\n\n" + "".join(
            f"* Question {t}.{n}?\n" for n in range(6))
        for t in range(1, 5)), encoding="utf-8")
    return reading, syllabus


def test_concurrent_inits_and_builds_all_succeed(run_cli: RunCli, tmp_path: Path) -> None:
    """Six inits of one new vault at once, then six builds at once, twice: all exit 0,
    and the vault is the one a single init makes, with no temp file left."""
    reading, syllabus = small_lists(tmp_path)
    lists = ("--readlist", reading, "--questions", syllabus)
    single = tmp_path / "single"
    assert run_cli("init", single, *lists).exit_code == 0
    reference = {p: data for p, data in all_files(single).items()
                 if not p.startswith(".vaultkit/")}
    for round_ in range(2):
        vault = tmp_path / f"vault{round_}"
        inits = at_once(6, "init", vault, *lists)
        assert [r.returncode for r in inits] == [0] * 6, [r.stderr for r in inits]
        edited = set_a_status(vault)
        builds = at_once(6, "build", vault)
        assert [r.returncode for r in builds] == [0] * 6, [r.stderr for r in builds]

        files = {p: data for p, data in all_files(vault).items()
                 if not p.startswith(".vaultkit/")}
        assert sorted(files) == sorted(reference)
        changed = {p for p in files if files[p] != reference[p]}
        dashboards = {p for p in files if p.startswith("Dashboards/")}
        assert changed - dashboards == {edited.relative_to(vault).as_posix()}
        assert temp_files(vault) == []
        check = run_cli("check", vault)
        assert check.exit_code == 0, check.stdout


def at_once(count: int, *args: str | Path) -> list[subprocess.CompletedProcess[str]]:
    """`count` vaultkit processes with the same arguments, started together."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: vaultkit(*args), range(count)))


# --- 7. long multibyte titles ---------------------------------------------------------------

CJK = "漢字仮名交じり文"
LONG_TITLES = [
    (CJK * 10)[:77],
    (CJK * 20)[:100],
    (CJK * 40)[:300],
    "🙂" * 100,
    "👩‍👩‍👧‍👦" * 40,  # ZWJ sequences
    "🏳️‍🌈🇯🇵👍🏽" * 30,  # a ZWJ flag, regional-indicator flags, a skin tone
    "e\u0301a\u0308o\u0323\u0302" * 80,  # combining marks, some with no composed form
    "Z\u0351\u0352\u0353\u0354" * 90,  # many marks on each letter
]


def long_reading_list(titles: list[str], topic: str) -> str:
    entries = "".join(f"- [{t}](https://example.org/{n}) - why\n" for n, t in enumerate(titles))
    return f"# Reading\n\n## {topic}\n\n{entries}"


def long_syllabus(titles: list[str], topic: str) -> str:
    questions = "".join(f"* {t}?\n" for t in titles)
    return f"# 1. {topic}\n\n## Foundational questions\n\n{questions}"


def names_below(root: Path) -> Iterator[bytes]:
    """Every file and folder name below `root`, as the bytes the file system holds."""
    for _, dirs, files in os.walk(os.fsencode(root)):
        yield from dirs
        yield from files


def assert_names_fit(vault: Path) -> None:
    for name in names_below(vault):
        assert len(name) <= 255, name
        text = name.decode("utf-8")  # valid UTF-8, or this raises
        assert len(text) <= 100, text


def test_long_multibyte_titles_init_and_sync(run_cli: RunCli, tmp_path: Path) -> None:
    """Titles of 77-300 CJK characters, emoji, ZWJ sequences and combining marks: init and
    sync succeed, every note exists, every name fits 255 bytes and 100 characters."""
    topic = (CJK * 40)[:200]
    reading = tmp_path / "reading.md"
    syllabus = tmp_path / "syllabus.md"
    reading.write_text(long_reading_list(LONG_TITLES, topic), encoding="utf-8")
    syllabus.write_text(long_syllabus(LONG_TITLES, topic), encoding="utf-8")
    vault = tmp_path / "vault"

    result = run_cli("init", vault, "--readlist", reading, "--questions", syllabus)

    assert result.exit_code == 0, result.output
    assert len(notes_of_kind(vault, "source")) == len(LONG_TITLES)
    assert len(notes_of_kind(vault, "question")) == len(LONG_TITLES)
    assert len(notes_of_kind(vault, "topic")) == 1
    assert_names_fit(vault)

    more = [f"{t} 2" for t in LONG_TITLES]
    with (vault / "Lists" / "Reading list.md").open("a", encoding="utf-8") as handle:
        handle.write("".join(f"- [{t}](https://example.org/more/{n}) - why\n"
                             for n, t in enumerate(more)))
    with (vault / "Lists" / "Question syllabus.md").open("a", encoding="utf-8") as handle:
        handle.write("".join(f"* {t}?\n" for t in more))

    synced = run_cli("sync", vault)

    assert synced.exit_code == 0, synced.output
    assert f"{2 * len(more)} new notes created." in synced.stdout
    titles = {str(split_note(p)[0].get("title")) for p in notes(vault)
              if not p.is_relative_to(vault / "Lists")}
    assert {*LONG_TITLES, *more} <= titles
    assert {f"{t}?" for t in (*LONG_TITLES, *more)} <= titles
    assert_names_fit(vault)
    assert temp_files(vault) == []


def test_a_rerun_completes_a_vault_a_crash_left_partial(
    run_cli: RunCli, seed_vault: Path, tmp_path: Path
) -> None:
    """Notes missing and temp files left in folders with and without missing notes: init
    restores every note and removes every stale temp file."""
    vault = copy_of(seed_vault, tmp_path)
    reference = all_files(seed_vault)
    sources = sorted((vault / "Sources").iterdir())
    for path in sources[:5]:
        path.unlink()
    leftovers = [*plant_temps(vault / "Sources"), *plant_temps(vault / "Topics"),
                 *plant_temps(next((vault / "Questions").iterdir()))]

    result = run_cli("init", vault)

    assert result.exit_code == 0, result.output
    assert temp_files(vault) == []
    assert not any(p.exists() for p in leftovers)
    after = all_files(vault)
    assert {p: after.get(p) for p in reference if not p.startswith(".vaultkit/")} == {
        p: data for p, data in reference.items() if not p.startswith(".vaultkit/")
    }


def test_init_killed_mid_write_is_completed_by_a_rerun(seed_vault: Path, tmp_path: Path) -> None:
    """SIGKILL an init while it writes notes; the next init completes the vault, no temp left."""
    reference = {p for p in all_files(seed_vault) if not p.startswith(".vaultkit/")}
    vault = tmp_path / "vault"
    child = subprocess.Popen(
        [sys.executable, "-m", "vaultkit", "init", str(vault)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: len(list(vault.rglob("*.md"))) >= 20 or child.poll() is not None,
                   timeout=RUN_TIMEOUT, what="init to write some notes")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=RUN_TIMEOUT)

    rerun = vaultkit("init", vault)

    assert rerun.returncode == 0, rerun.stderr
    assert reference <= set(all_files(vault))
    assert temp_files(vault) == []


# --- 10. messages name the user's file ------------------------------------------------------


def _mount_namespace() -> list[str] | None:
    """A command prefix that runs a command in a private mount namespace, if this host
    allows one (root, or unprivileged user namespaces); None otherwise."""
    if shutil.which("unshare") is None:
        return None
    for prefix in (["unshare", "-m"], ["unshare", "-rm"]):
        probe = subprocess.run([*prefix, "mount", "-t", "tmpfs", "tmpfs", "/mnt"],
                               capture_output=True, timeout=RUN_TIMEOUT, check=False)
        if probe.returncode == 0:
            return prefix
    return None


def test_a_read_only_folder_is_named_not_the_temp_file(seed_vault: Path, tmp_path: Path) -> None:
    """`Dashboards/` on a read-only mount: the error names a dashboard, never a temp file."""
    prefix = _mount_namespace()
    if prefix is None:
        pytest.skip("no private mount namespace here; the ENOSPC test simulates instead")
    vault = copy_of(seed_vault, tmp_path)
    set_a_status(vault)
    boards = vault / "Dashboards"
    script = (
        f'mount --bind "{boards}" "{boards}" && mount -o remount,ro,bind "{boards}" && '
        f'exec "{sys.executable}" -m vaultkit build "{vault}"'
    )

    result = subprocess.run([*prefix, "sh", "-c", script], capture_output=True, text=True,
                            timeout=RUN_TIMEOUT, check=False)

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"Error: {boards}/")
    assert result.stderr.rstrip().endswith(".md: Read-only file system")
    assert TEMP_SUFFIX not in result.stderr
    assert temp_files(vault) == []


@pytest.mark.parametrize("command", ["init", "build"])
def test_a_full_disk_names_the_file_it_could_not_write(
    run_cli: RunCli, seed_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    """ENOSPC (simulated at fsync, in-process): the error names a note or dashboard path."""
    vault = tmp_path / "new" if command == "init" else copy_of(seed_vault, tmp_path)
    if command == "build":
        set_a_status(vault)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = run_cli(command, vault)

    assert result.exit_code == 2
    first = result.stderr.splitlines()[-1]
    assert first.startswith(f"Error: {vault}/"), result.stderr
    assert first.endswith(f": {os.strerror(errno.ENOSPC)}")
    assert TEMP_SUFFIX not in result.stderr
    named = Path(first.removeprefix("Error: ").rsplit(": ", 1)[0])
    assert named.suffix in {".md", ".toml", ".json"}
    assert temp_files(vault) == []


def make_deep_tree(top: Path, depth_bytes: int) -> str:
    """Folders nested below `top` until the path passes `depth_bytes` (made relative to open
    folders: the path is too long to name); the relative path of the deepest that can still be
    named, its full path under PATH_MAX (4096 bytes, the final NUL included)."""
    name = "d" * 200
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    parts: list[str] = []
    try:
        while len(os.fsencode(top)) + len(parts) * (len(name) + 1) < depth_bytes:
            os.mkdir(name, dir_fd=fd)
            next_fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = next_fd
            parts.append(name)
    finally:
        os.close(fd)
    reachable = [p for n, p in enumerate(parts)
                 if len(os.fsencode(top)) + (n + 1) * (len(name) + 1) < 4096]
    return "/".join(reachable)


def test_a_folder_past_path_max_is_a_problem(
    run_cli: RunCli, seed_vault: Path, tmp_path: Path
) -> None:
    """Folders nested past PATH_MAX: `check` names the deepest folder it could list."""
    vault = copy_of(seed_vault, tmp_path)
    (vault / "Deep").mkdir()
    try:
        reachable = make_deep_tree(vault / "Deep", 6000)

        result = run_cli("check", vault)

        assert result.exit_code == 1, result.output
        rows = [r for r in result.stdout.splitlines() if "cannot list" in r]
        assert rows == [f"Deep/{reachable}: cannot list its folder {'d' * 200!r}: "
                        f"{os.strerror(errno.ENAMETOOLONG)}"]
    finally:
        shutil.rmtree(vault / "Deep")  # fd-based: copes with paths past PATH_MAX
