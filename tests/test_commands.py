"""`vaultkit build`, `status`, `check` and `sync` end to end, through the CLI, on real files."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import (
    add_to_reading_list,
    all_files,
    set_status,
    status_json,
    vaultkit_owned,
)
from vaultkit.cli import main
from vaultkit.errors import ConfigError

VAULT_COMMANDS = ("build", "status", "check", "sync")
TOPIC_5 = "5 Distributed Training (Conceptual, not infra-heavy)"
MEGATRON = "Sources/Megatron-LM paper.md"
PARALLELISM = f"Questions/{TOPIC_5}/Why is model parallelism needed at all.md"


@pytest.fixture
def vault(seed_vault: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seed vault, the test's own to edit."""
    return Path(shutil.copytree(seed_vault, tmp_path / "vault", symlinks=True))


# --- every command ------------------------------------------------------------------------


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(run_cli: RunCli, command: str) -> None:
    """`vaultkit COMMAND --help` exits 0 and shows the command's usage with its VAULT: every
    command the group has, so a new one cannot ship without it."""
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert re.search(rf"^Usage: .* {command} \[OPTIONS\] VAULT$", result.output, re.M)


@pytest.mark.parametrize("command", VAULT_COMMANDS)
def test_missing_folder_is_an_error(run_cli: RunCli, tmp_path: Path, command: str) -> None:
    """On a folder that does not exist: exit 2, one `Error:` line with a hint, nothing made."""
    missing = tmp_path / "no vault here"
    result = run_cli(command, missing)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {missing}: no such folder; create a vault with `vaultkit init`\n"
    )
    assert result.stdout == ""
    assert not missing.exists()


# --- exit statuses ------------------------------------------------------------------------


def test_help_documents_the_exit_statuses(run_cli: RunCli) -> None:
    """`vaultkit --help` names each exit status and what it means, as README does."""
    result = run_cli("--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Exit status: 0 done" in text
    assert "1 `check` found problems" in text
    assert "2 a usage error or something vaultkit could not do" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "--bogus", "VAULT"), "Error: No such option '--bogus'."),
        (("status",), "Error: Missing argument 'VAULT'."),
        (("init", "VAULT", "--links", "html"), "Error: Invalid value for '--links': 'html' is "
                                               "not one of 'wiki', 'markdown'."),
        (("nothing", "VAULT"), "Error: No such command 'nothing'."),
    ],
)
def test_usage_errors_exit_2(
    run_cli: RunCli, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    """click's own usage errors (an unknown option or command, a missing argument, a bad
    choice) exit 2 with an `Error:` line saying which, and make nothing."""
    vault = tmp_path / "vault"
    result = run_cli(*(vault if arg == "VAULT" else arg for arg in args))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == message
    assert result.stdout == ""
    assert not vault.exists()


def test_a_vaultkit_error_exits_2_with_its_message_and_hint(run_cli: RunCli, vault: Path) -> None:
    """A `VaultkitError` (here a broken vaultkit.toml): exit 2, `Error: …` naming the file,
    then the hint, on stderr only; no traceback."""
    settings = vault / "vaultkit.toml"
    settings.write_text("links = [\n", encoding="utf-8")

    result = run_cli("status", vault)

    assert result.exit_code == 2
    message, hint = result.stderr.splitlines()
    assert message.startswith(f"Error: {settings}:")
    assert "is not valid TOML" in message
    assert hint == ConfigError.hint
    assert result.stdout == ""


def test_check_exits_1_only_for_problems(run_cli: RunCli, vault: Path) -> None:
    """`check` exits 0 on a vault without problems and 1, not 2, once a note has one."""
    assert run_cli("check", vault).exit_code == 0
    set_status(vault / MEGATRON, "finished")
    result = run_cli("check", vault)
    assert result.exit_code == 1
    assert result.stderr == "1 problem.\n"


# --- status -------------------------------------------------------------------------------


def test_status_json_counts_the_shipped_lists(run_cli: RunCli, seed_vault: Path) -> None:
    """A fresh vault: 63 sources all unread, 84 questions all unanswered, 23 topics, no problems."""
    data = status_json(run_cli, seed_vault)
    assert data["sources"] == {"total": 63, "read": 0, "by_status": {"unread": 63}}
    assert data["questions"] == {
        "total": 84, "drafted": 0, "refined": 0, "by_status": {"unanswered": 84},
    }
    topics = data["topics"]
    assert isinstance(topics, list)
    assert len(topics) == 23
    assert sum(t["optional"] for t in topics) == 1
    assert sum(t["sources"] for t in topics) >= 63  # a source listed twice counts in both
    assert data["topics_required"] == 22
    assert data["topics_covered"] == 0
    assert data["problems"] == []


def test_status_json_follows_edits(run_cli: RunCli, vault: Path) -> None:
    """A source read, a question drafted and a broken status show in the figures and problems."""
    set_status(vault / MEGATRON, "read")
    question = vault / PARALLELISM
    set_status(question, "drafted")
    question.write_text(
        question.read_text(encoding="utf-8").replace(
            "## Answer before reading\n", "## Answer before reading\nSo it fits in memory.\n"
        ),
        encoding="utf-8",
    )
    set_status(vault / "Sources" / "ZeRO paper.md", "finished")

    data = status_json(run_cli, vault)

    assert data["sources"] == {
        "total": 63, "read": 1, "by_status": {"unread": 61, "read": 1, "finished": 1},
    }
    assert data["questions"] == {
        "total": 84, "drafted": 1, "refined": 0,
        "by_status": {"unanswered": 83, "drafted": 1},
    }
    topics = data["topics"]
    assert isinstance(topics, list)
    (topic,) = [t for t in topics if t["name"] == TOPIC_5]
    assert topic["core"] == {"read": 1, "total": 2, "ok": True}
    assert topic["questions"]["drafted"] == 1
    assert data["problems"] == [{
        "path": "Sources/ZeRO paper.md",
        "line": 11,
        "message": "status 'finished' is not one of: unread, reading, read, summarized, skipped",
    }]


def test_status_text_shows_a_line_per_topic(run_cli: RunCli, seed_vault: Path) -> None:
    """The plain output has the totals, then one line per topic hub, in number order."""
    names = [t["name"] for t in status_json(run_cli, seed_vault)["topics"]]
    result = run_cli("status", seed_vault)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["Sources", "read", "░░░░░░░░░░", "0%", "0/63"]
    topic_lines = [line for line in lines if "core" in line and "summary" in line]
    assert len(topic_lines) == len(names) == 23
    for line, name in zip(topic_lines, names, strict=True):
        assert line.startswith(f"  {name[:40]}")
    assert lines[-1] == "No problems."


# --- check --------------------------------------------------------------------------------


def test_check_passes_a_fresh_vault(run_cli: RunCli, seed_vault: Path) -> None:
    """A vault just made has no problems: exit 0 and "No problems."."""
    result = run_cli("check", seed_vault)
    assert result.exit_code == 0
    assert result.stdout == "No problems.\n"


def test_check_lists_each_problem_and_fails(run_cli: RunCli, vault: Path) -> None:
    """Two broken notes: exit 1, one `path:line: message` line each, the count on stderr."""
    set_status(vault / MEGATRON, "finished")
    (vault / PARALLELISM).write_text("---\nstatus: [unclosed\n---\n", encoding="utf-8")

    result = run_cli("check", vault)

    assert result.exit_code == 1
    problems = status_json(run_cli, vault)["problems"]
    assert isinstance(problems, list)
    assert len(problems) == 2
    assert result.stdout.splitlines() == [
        f"{p['path']}:{p['line']}: {p['message']}" if p["line"] else f"{p['path']}: {p['message']}"
        for p in problems
    ]
    assert [p["path"] for p in problems] == [PARALLELISM, MEGATRON]
    assert result.stderr == "2 problems.\n"


# --- a vault vaultkit did not make --------------------------------------------------------


@pytest.fixture
def obsidian_vault(tmp_path: Path) -> Path:
    """An Obsidian vault of the user's own: notes with and without frontmatter, `.obsidian/`."""
    vault = tmp_path / "My Vault"
    files = {
        ".obsidian/app.json": '{"alwaysUpdateLinks": true}\n',
        ".obsidian/types.json": '{"types": {"mood": "text"}}\n',
        "Home.md": "# My home\n\nSee [[Daily/2024-01-01]] and [[Nowhere]].\n",
        "Plain.md": "just text, no heading\n",
        "Daily/2024-01-01.md": "---\ntags: [daily]\nstatus: read\nmood: yes\n---\nA day.\n",
        "Projects/Plan.md": "---\ntitle: Plan\nid: 42\nstatus: unanswered\n---\n# Plan\n",
        "Projects/Empty.md": "",
    }
    for relative, text in files.items():
        path = vault / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return vault


def test_commands_on_a_foreign_vault_touch_no_user_file(
    run_cli: RunCli, obsidian_vault: Path
) -> None:
    """Made a vault by its settings alone, build, status, check and sync run on it; its files
    keep their bytes; nothing counts."""
    # Without vaultkit.toml no command but init treats a folder as a vault
    # (test_vault_required.py): an empty one takes every default.
    (obsidian_vault / "vaultkit.toml").write_text("", encoding="utf-8")
    before = all_files(obsidian_vault)

    assert run_cli("build", obsidian_vault).exit_code == 0
    status = run_cli("status", obsidian_vault)
    assert status.exit_code == 0
    data = status_json(run_cli, obsidian_vault)
    check = run_cli("check", obsidian_vault)
    sync = run_cli("sync", obsidian_vault)

    assert data["sources"] == {"total": 0, "read": 0, "by_status": {}}
    assert data["questions"] == {"total": 0, "drafted": 0, "refined": 0, "by_status": {}}
    assert data["topics"] == []
    assert "0/0" in status.stdout
    assert sync.exit_code == 2
    assert sync.stderr.startswith(f"Error: {obsidian_vault}: no lists to sync")
    # The empty note is the only problem: plain notes are not vaultkit's to judge.
    assert check.exit_code == 1
    assert check.stdout == "Projects/Empty.md: is empty\n"
    after = all_files(obsidian_vault)
    assert {p: after.get(p) for p in before} == before
    assert all(vaultkit_owned(p) for p in after.keys() - before.keys())


def test_init_on_a_foreign_vault_adds_notes_and_keeps_the_users(
    run_cli: RunCli, obsidian_vault: Path
) -> None:
    """init adds the shipped notes beside the user's; theirs (and `.obsidian/`) keep every byte."""
    before = all_files(obsidian_vault)

    result = run_cli("init", obsidian_vault)

    assert result.exit_code == 0, result.output
    after = all_files(obsidian_vault)
    assert {p: after.get(p) for p in before} == before
    data = status_json(run_cli, obsidian_vault)
    assert data["sources"]["total"] == 63
    assert data["questions"]["total"] == 84


# --- vaultkit's own files and the dashboards' places ----------------------------------------


def test_build_never_writes_through_a_symlinked_state_folder(
    run_cli: RunCli, vault: Path, tmp_path: Path
) -> None:
    """A `.vaultkit` that links outside the vault gets nothing written; the dashboards still do."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "mine.txt").write_text("the user's own file\n", encoding="utf-8")
    shutil.rmtree(vault / ".vaultkit")
    (vault / ".vaultkit").symlink_to(outside, target_is_directory=True)
    set_status(vault / MEGATRON, "read")
    before = all_files(outside)

    result = run_cli("build", vault)

    assert result.exit_code == 0, result.output
    assert "Dashboards written: Progress, Reading queue." in result.stdout
    # The source's topic panel and the topic index (its coverage) follow; said, as a count.
    assert "Topic panels written: 2." in result.stdout
    assert all_files(outside) == before
    assert status_json(run_cli, vault)["sources"]["read"] == 1
    assert all_files(outside) == before


def test_a_folder_where_a_dashboard_goes_is_an_error(run_cli: RunCli, vault: Path) -> None:
    """A folder at `Dashboards/Progress.md`: exit 2, an `Error:` line naming it, no traceback."""
    progress = vault / "Dashboards" / "Progress.md"
    progress.unlink()
    progress.mkdir()

    result = run_cli("build", vault)

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "Dashboards/Progress.md" in result.stderr.splitlines()[0]
    assert "Traceback" not in result.output
    assert progress.is_dir()


NO_LINK_ANCHOR = (
    "   Why: Foundational intuition for preference-based learning and reward modeling.\n"
)
NO_LINK_ENTRY = "7. **No link**\n   Why: x\n"


def test_entry_without_a_link_is_a_sync_warning_and_a_problem(
    run_cli: RunCli, vault: Path
) -> None:
    """A list entry with no http link: `sync` warns with its line, `check` lists it and exits 1."""
    add_to_reading_list(vault, NO_LINK_ANCHOR, NO_LINK_ANCHOR + NO_LINK_ENTRY)
    text = (vault / "Lists" / "Reading list.md").read_text(encoding="utf-8")
    line = text[: text.index(NO_LINK_ENTRY)].count("\n") + 1

    sync = run_cli("sync", vault)
    check = run_cli("check", vault)

    assert sync.exit_code == 0, sync.output
    assert f"warning: Lists/Reading list.md:{line}: entry 'No link'" in sync.stderr
    assert "0 new notes created." in sync.stdout
    assert check.exit_code == 1
    assert [row for row in check.stdout.splitlines() if "No link" in row] == [
        f"Lists/Reading list.md:{line}: entry 'No link' has no http(s) link; skipped"
    ]


def test_a_closed_pipe_ends_the_command_quietly(seed_vault: Path) -> None:
    """`vaultkit status VAULT | head -1`: the reader goes away, and vaultkit stops without an
    `Error:` line or a traceback, with status 0."""
    proc = subprocess.Popen([sys.executable, "-m", "vaultkit", "status", str(seed_vault)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # before anything is written: the first write finds no reader
    _, stderr = proc.communicate(timeout=60)
    assert stderr.decode() == ""
    assert proc.returncode == 0


def test_the_next_steps_quote_the_vault_path_for_the_shell(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A vault named `it's vault` gets commands that a shell runs as printed."""
    vault = tmp_path / "it's vault"
    result = run_cli("init", vault)
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.output.splitlines() if x.strip().startswith("vaultkit status")]
    assert shlex.split(line)[:3] == ["vaultkit", "status", str(vault)]
