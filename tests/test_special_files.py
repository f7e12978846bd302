"""Special files and bombs never hang or exhaust a command (issue 7, items 2 and 8).

A FIFO named like a note, a list, `vaultkit.toml` or one of vaultkit's own files blocks `open`
forever; a link to `/dev/zero` never ends. Everything that could hang runs in a subprocess with
a timeout and must exit cleanly, saying which file it could not read.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import all_files, wait_until
from vaultkit.config import LIMIT_BYTES as CONFIG_LIMIT
from vaultkit.config import parse as parse_config
from vaultkit.errors import ConfigError
from vaultkit.lists import LIST_LIMIT
from vaultkit.vault.notes import NOTE_LIMIT
from vaultkit.vault.seen import STATE_FOLDER, device

TIMEOUT = 60
"""Seconds any one command may take; a hang fails the test instead of the whole run."""
FIFO = "is a FIFO (named pipe), not a regular file"
DEVICE = "is a device, not a regular file"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def vaultkit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m vaultkit ARGS…` in its own process; a hang raises TimeoutExpired."""
    result = subprocess.run(
        [sys.executable, "-m", "vaultkit", *map(str, args)],
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def listed_in_problems(vault: Path, note: str, message: str) -> bool:
    """True when a row of Dashboards/Problems.md names `note` with `message`."""
    text = (vault / "Dashboards" / "Problems.md").read_text(encoding="utf-8")
    return any(note in row and message in row for row in text.splitlines())


@pytest.fixture
def vault(seed_vault: Path, tmp_path: Path) -> Path:
    """A copy of the seed vault to spoil."""
    copy = tmp_path / "v"
    shutil.copytree(seed_vault, copy, symlinks=True)
    return copy


# --- notes ----------------------------------------------------------------------------------


def test_a_fifo_note_is_a_problem_of_build_status_and_check(vault: Path) -> None:
    """build, status and check finish, and the FIFO is listed in Problems with what it is."""
    os.mkfifo(vault / "Sources" / "x.md")
    (vault / "Inbox").mkdir()
    os.mkfifo(vault / "Inbox" / "y.md")

    built = vaultkit("build", vault)
    assert built.returncode == 0, built.stderr
    assert "2 problems" in built.stdout
    assert listed_in_problems(vault, "Sources/x", FIFO)
    assert listed_in_problems(vault, "Inbox/y", FIFO)

    status = vaultkit("status", vault)
    assert status.returncode == 0, status.stderr
    assert "2 problems" in status.stdout

    checked = vaultkit("check", vault)
    assert checked.returncode == 1, checked.stderr
    assert f"Sources/x.md: {FIFO}" in checked.stdout
    assert f"Inbox/y.md: {FIFO}" in checked.stdout


def test_notes_linked_to_endless_devices_are_problems_in_bounded_memory(
    vault: Path, tmp_path: Path
) -> None:
    """Notes linked to /dev/zero and /dev/urandom are Problems; the run stays small."""
    (vault / "Sources" / "zero.md").symlink_to("/dev/zero")
    (vault / "Questions" / "random.md").symlink_to("/dev/urandom")
    # A wrapper whose only child is vaultkit, so its ru_maxrss is vaultkit's peak; the address
    # space is capped so that a regression fails fast instead of filling the machine's memory.
    wrapper = textwrap.dedent("""
        import resource, subprocess, sys
        def cap():
            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        done = subprocess.run([sys.executable, "-m", "vaultkit", "check", sys.argv[1]],
                              capture_output=True, text=True, preexec_fn=cap)
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        print("maxrss-kib", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        sys.exit(done.returncode)
    """)
    done = subprocess.run(
        [sys.executable, "-c", wrapper, str(vault)],
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    assert f"Sources/zero.md: {DEVICE}" in done.stdout
    assert f"Questions/random.md: {DEVICE}" in done.stdout
    peak_mib = int(done.stdout.rsplit("maxrss-kib", 1)[1]) / 1024
    assert peak_mib < 300, f"vaultkit check peaked at {peak_mib:.0f} MiB"


def test_a_note_larger_than_the_bound_is_a_problem(vault: Path) -> None:
    """A regular note past NOTE_LIMIT is not read; one just under it still counts."""
    line = b"A line of a very long note that someone pasted a whole book into.\n"
    (vault / "big.md").write_bytes(line * (NOTE_LIMIT // len(line) + 1))
    (vault / "fits.md").write_bytes(line * (NOTE_LIMIT // len(line)))

    checked = vaultkit("check", vault)
    assert checked.returncode == 1, checked.stderr
    assert f"big.md: is larger than {NOTE_LIMIT >> 20} MiB; not read" in checked.stdout
    assert "fits.md" not in checked.stdout


# --- lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Reading list.md", "Question syllabus.md"])
def test_a_fifo_list_stops_sync_and_init_and_is_a_problem_of_build(
    vault: Path, name: str
) -> None:
    """sync and init say which list is a FIFO and write nothing; build lists it in Problems."""
    (vault / "Lists" / name).unlink()
    os.mkfifo(vault / "Lists" / name)
    before = all_files(vault)

    for command in ("sync", "init"):
        done = vaultkit(command, vault)
        assert done.returncode == 2, done.stderr
        assert f"Error: {vault / 'Lists' / name}: {FIFO}" in done.stderr
    assert all_files(vault) == before

    built = vaultkit("build", vault)
    assert built.returncode == 0, built.stderr
    assert listed_in_problems(vault, f"Lists/{name.removesuffix('.md')}", FIFO)


@pytest.mark.parametrize(
    ("option", "source", "message"),
    [
        ("--readlist", "fifo", FIFO),
        ("--questions", "fifo", FIFO),
        ("--readlist", "/dev/zero", DEVICE),
        ("--questions", "/dev/urandom", DEVICE),
        ("--readlist", "huge.md", f"is larger than {LIST_LIMIT >> 20} MiB; not read"),
    ],
)
def test_init_refuses_a_list_that_is_not_a_readable_file_before_writing(
    tmp_path: Path, option: str, source: str, message: str
) -> None:
    """`init --readlist FIFO` (or a device, or a huge file): exit 2 naming it, nothing written."""
    if source == "fifo":
        os.mkfifo(tmp_path / source)
    if source == "huge.md":
        entry = b"- [A paper](https://example.com/paper) - why it matters\n"
        (tmp_path / source).write_bytes(entry * (LIST_LIMIT // len(entry) + 1))
    path = source if source.startswith("/") else tmp_path / source

    done = vaultkit("init", tmp_path / "v", option, path)
    assert done.returncode == 2, done.stderr
    assert f"Error: {path}: {message}" in done.stderr
    assert not (tmp_path / "v").exists()


# --- vaultkit's own files -------------------------------------------------------------------


def test_fifos_in_place_of_vaultkits_own_files_never_hang(vault: Path) -> None:
    """state.json and every cache as FIFOs: build and sync finish and replace them."""
    mine = f"{STATE_FOLDER}/{device()}.json"  # this device's memory (the CLI runs as this user)
    own = [".vaultkit/state.json", mine, ".vaultkit/cache/index.json",
           ".vaultkit/cache/lists.json", ".vaultkit/cache/build.json"]
    for relative in own:
        (vault / relative).unlink(missing_ok=True)
        os.mkfifo(vault / relative)

    built = vaultkit("build", vault)
    assert built.returncode == 0, built.stderr
    synced = vaultkit("sync", vault)
    assert synced.returncode == 0, synced.stderr
    assert "0 new notes created." in synced.stdout
    assert (vault / ".vaultkit/cache/index.json").is_file()
    assert (vault / mine).is_file()


# --- vaultkit.toml (item 8) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nests arrays or tables more than 16 deep"),
        ("x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n",
         "nests arrays or tables more than 16 deep"),
        ("[targets]\nquestions_min = " + "1" * 5000 + "\n",
         "holds a number with too many digits to read"),
        ("# padding\n" * (CONFIG_LIMIT // 10 + 1), "is larger than 1 MiB; not read"),
        (".".join(["a"] * 100_000) + " = 1\n", "has more than 32 dots on a line"),
        ("[" + ".".join(["a"] * 100_000) + "]\n", "has more than 32 dots on a line"),
    ],
    ids=["deep-arrays", "deep-inline-tables", "huge-integer", "huge-file", "long-dotted-key",
         "long-table-header"],
)
def test_a_config_bomb_is_a_clear_error(vault: Path, text: str, message: str) -> None:
    """Deep nesting, long keys, huge numbers, a huge file: exit 2, `Error:` naming the file."""
    config = vault / "vaultkit.toml"
    config.write_text(text, encoding="utf-8")
    done = vaultkit("status", vault)
    assert done.returncode == 2, done.stderr
    assert f"Error: {config}" in done.stderr
    assert message in done.stderr


@pytest.mark.parametrize(("kind", "message"), [("fifo", FIFO), ("/dev/zero", DEVICE)])
def test_a_special_config_file_is_a_clear_error(vault: Path, kind: str, message: str) -> None:
    """vaultkit.toml as a FIFO or a link to /dev/zero: exit 2 naming it."""
    config = vault / "vaultkit.toml"
    config.unlink()
    if kind == "fifo":
        os.mkfifo(config)
    else:
        config.symlink_to(kind)
    done = vaultkit("init", vault)
    assert done.returncode == 2, done.stderr
    assert f"Error: {config}: {message}" in done.stderr


def test_brackets_in_config_strings_and_comments_are_not_nesting(tmp_path: Path) -> None:
    """Only real arrays and tables count toward the depth bound, not text that looks like them."""
    many = "[" * 40 + "{" * 40 + "." * 40
    text = textwrap.dedent(f'''\
        # {many}
        a = "{many} \\" {many}"
        b = '{many}'
        c = """{many}
        {many}"" """
        d = \'\'\'{many}\'\'\'\'
        e = """x""""
        f = [[[[[[[[[[[[[[[["deep enough"]]]]]]]]]]]]]]]]
    ''')
    data = parse_config(text, tmp_path / "vaultkit.toml")
    assert data["b"] == many
    assert data["d"] == many + "'"
    assert data["e"] == 'x"'


@pytest.mark.parametrize(
    "shape",
    [
        lambda n: "#[{.\n" * (n // 5),
        lambda n: "[]" * (n // 2),
        lambda n: '"[\n' * (n // 3),
        lambda n: "'''" + ".[" * (n // 2),
    ],
    ids=["comments", "brackets", "unclosed-strings", "unclosed-literal"],
)
def test_reading_a_hostile_config_is_linear(tmp_path: Path, shape: Callable[[int], str]) -> None:
    """128 KiB of each shape costs about 10x what 12.8 KiB does, not 100x (best of three)."""

    def cost(size: int) -> float:
        text = shape(size)
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            with contextlib.suppress(ConfigError):
                parse_config(text, tmp_path / "vaultkit.toml")
            best = min(best, time.perf_counter() - start)
        return best

    small, large = cost(CONFIG_LIMIT // 80), cost(CONFIG_LIMIT // 8)
    assert large < 30 * max(small, 1e-3), f"12.8 KiB: {small:.4f} s, 128 KiB: {large:.4f} s"


# --- the watcher ----------------------------------------------------------------------------


def test_watch_reports_fifo_notes_and_stops_on_sigterm(vault: Path, tmp_path: Path) -> None:
    """A FIFO note present at start and one made later: both in Problems; SIGTERM exits 0."""
    os.mkfifo(vault / "Sources" / "early.md")
    log = tmp_path / "watch.log"
    with log.open("w") as sink:
        watcher = subprocess.Popen(
            [sys.executable, "-m", "vaultkit", "watch", str(vault)],
            stdout=subprocess.DEVNULL, stderr=sink,
            env=dict(os.environ),
        )
    try:
        wait_until(lambda: "initial build" in log.read_text(), timeout=TIMEOUT,
                   what="the watcher's first build")
        assert listed_in_problems(vault, "Sources/early", FIFO)
        os.mkfifo(vault / "Sources" / "late.md")
        wait_until(lambda: listed_in_problems(vault, "Sources/late", FIFO),
                   timeout=TIMEOUT, what="Problems to list the new FIFO")
        watcher.send_signal(signal.SIGTERM)
        assert watcher.wait(timeout=TIMEOUT) == 0, log.read_text()
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
    assert "Traceback" not in log.read_text()


# --- forked children ------------------------------------------------------------------------

_KILL_PARENT_IN_A_POOL_WORKER = """
import os, signal, sys
from pathlib import Path
from vaultkit.vault import index

parent, out = os.getpid(), Path(sys.argv[1])
read_chunk = index._read_chunk

def siblings() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if entry.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry))
    return found

def chunk_then_kill_the_parent(job):
    # A fork pool starts all its workers before the first job: each is a sibling by now.
    if os.getppid() == parent:
        (out / str(os.getpid())).write_text(" ".join(map(str, siblings())))
        os.kill(parent, signal.SIGKILL)
    return read_chunk(job)

index._read_chunk = chunk_then_kill_the_parent
index.read_notes(Path(sys.argv[2]), [f"n{i}.md" for i in range(index._PARALLEL_FROM)])
"""

_KILL_PARENT_WHILE_PARSING_AHEAD = """
import multiprocessing, os, signal, sys
from pathlib import Path
from vaultkit import config
from vaultkit.vault import list_ids as listed
from vaultkit.vault.cache import Caches

root = Path(sys.argv[2])
with listed.parsed_ahead(Caches(root), config.load(root)):
    pids = [child.pid for child in multiprocessing.active_children()]
    (Path(sys.argv[1]) / "parser").write_text(" ".join(map(str, pids)))
    os.kill(os.getpid(), signal.SIGKILL)
"""

_KILL_PARENT_OF_A_POLLING_CHILD = """
import os, signal, sys
from pathlib import Path
from vaultkit.vault import parallel

child = parallel.fork_context().Process(
    target=parallel.exit_when_orphaned, args=(os.getpid(), 0.05), daemon=True
)
child.start()
(Path(sys.argv[1]) / "child").write_text(str(child.pid))
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its new parent to reap it is not running)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _orphans_die(script: str, tmp_path: Path, vault: Path) -> None:
    """Run `script`, which records its children's pids and then SIGKILLs itself; every child
    must be gone soon after. Output goes to a file: an orphan holding a pipe would keep a
    reader waiting. Whatever happens, children still running at the end are killed."""
    out = tmp_path / "pids"
    out.mkdir()
    with (tmp_path / "script.log").open("w") as log:
        script_run = subprocess.Popen(
            [sys.executable, "-c", script, str(out), str(vault)], stdout=log, stderr=log
        )
    try:
        assert script_run.wait(timeout=TIMEOUT) == -signal.SIGKILL, (
            (tmp_path / "script.log").read_text()
        )
        pids = _recorded(out)
        assert pids, "the script recorded no children"
        wait_until(lambda: not any(_alive(p) for p in pids), timeout=10,
                   what=f"children {sorted(pids)} to die with their parent")
    finally:
        if script_run.poll() is None:
            script_run.kill()
            script_run.wait()
        for pid in _recorded(out):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _recorded(out: Path) -> set[int]:
    return {int(p) for f in out.iterdir() for p in f.read_text().split()}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the note reader forks only on 2+ cores")
def test_pool_workers_die_with_a_killed_command(tmp_path: Path) -> None:
    """kill -9 of a command reading notes in a process pool leaves no worker behind.

    Idle workers wait on the pool's queue, whose write end they hold themselves: only the
    parent-death signal ends them.
    """
    _orphans_die(_KILL_PARENT_IN_A_POOL_WORKER, tmp_path, tmp_path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_list_parser_child_dies_with_a_killed_command(tmp_path: Path) -> None:
    """kill -9 of a build while its forked child parses a long list leaves no child behind.

    The parse result (10,000 ids, ~150 KB) is larger than a pipe holds, so a child that
    outlived its parent would also wait forever to hand it over.
    """
    vault = tmp_path / "v"
    (vault / "Lists").mkdir(parents=True)
    entries = "".join(f"- [Paper {i}](https://example.com/{i}) - note\n" for i in range(10_000))
    (vault / "Lists" / "Reading list.md").write_text(f"# Papers\n\n{entries}", encoding="utf-8")
    _orphans_die(_KILL_PARENT_WHILE_PARSING_AHEAD, tmp_path, vault)


def test_where_there_is_no_parent_death_signal_a_child_notices_it_was_orphaned(
    tmp_path: Path,
) -> None:
    """The fallback for systems without prctl: polling for the parent ends the child too."""
    _orphans_die(_KILL_PARENT_OF_A_POLLING_CHILD, tmp_path, tmp_path)


def test_a_dead_parent_before_the_signal_is_armed_ends_the_child() -> None:
    """die_with_parent exits at once when the parent it names is no longer its parent."""
    script = "from vaultkit.vault import parallel; parallel.die_with_parent(1); print('survived')"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "")

