"""`vaultkit init --dry-run`: the structure found in the lists, and lists that cannot be used.

The preview's counts are what `init` then creates; a list with no usable entry says why for
every line, and a list that is no text at all stops with one `Error:`; neither writes a file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import all_files, notes_of_kind
from vaultkit.model import Catalog, ListWarning, Placement, Question, Source, Topic, TopicJoin
from vaultkit.report.structure import SCHEMA, document, lines, structure
from vaultkit.scaffold.create import CreationReport

WriteFile = Callable[[str, str], Path]

READING = """\
# Papers I mean to read

## Attention
- [Attention paper](https://example.org/attention) - where it started
- [Linear attention](https://example.org/linear)
- A paper I forgot the link of
- [Local copy](file:///home/me/paper.pdf)

## Optimisers
- [Adam](https://example.org/adam)
- Another forgotten one
- Yet another
- And one more
- The last one
"""

QUESTIONS = """\
# Attention
- What does attention compute?
- Why scale the scores by the square root of the dimension?

# Normalisation
- Why does layer norm help training?
"""


@pytest.fixture
def lists(write_file: WriteFile) -> tuple[Path, Path]:
    return write_file("in/papers.md", READING), write_file("in/questions.md", QUESTIONS)


def test_dry_run_json_counts_equal_what_init_creates(
    run_cli: RunCli, tmp_path: Path, lists: tuple[Path, Path]
) -> None:
    """Sources, questions, topics and files in the `--json` preview are the notes init makes."""
    vault = tmp_path / "v"
    args = ("init", vault, "--readlist", lists[0], "--questions", lists[1])
    preview = run_cli(*args, "--dry-run", "--json")
    assert preview.exit_code == 0, preview.output
    found = json.loads(preview.stdout)
    assert not vault.exists()
    assert found["schema"] == SCHEMA
    made = run_cli(*args)
    assert made.exit_code == 0, made.output
    totals = found["totals"]
    assert totals["sources"] == len(notes_of_kind(vault, "source")) == 3
    assert totals["questions"] == len(notes_of_kind(vault, "question")) == 3
    assert totals["topics"] == len(notes_of_kind(vault, "topic")) == 3
    assert f"Created {totals['files_to_create']} files" in made.stdout
    assert "  Attention → Attention (by title)" in made.stdout.splitlines()  # joins, after too
    by_title = {t["title"]: t for t in found["topics"]}
    assert (by_title["Attention"]["sources"], by_title["Attention"]["questions"]) == (2, 2)
    assert (by_title["Normalisation"]["sources"], by_title["Normalisation"]["questions"]) == (0, 1)


def test_dry_run_prints_topics_and_a_short_list_of_skipped_lines(
    run_cli: RunCli, tmp_path: Path, lists: tuple[Path, Path]
) -> None:
    """Each topic with its counts, a topic without sources said so, five skipped lines and how
    many more; `--verbose` prints them all."""
    vault = tmp_path / "v"
    args = ("init", vault, "--readlist", lists[0], "--questions", lists[1], "--dry-run")
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert "  Attention: 2 sources, 2 questions" in out
    assert "  Optimisers: 1 source, 0 questions" in out
    assert "  Normalisation: no sources listed, 1 question" in out
    assert "Skipped lines (6):" in out
    assert f"  {lists[0]} line 6: entry 'A paper I forgot the link of' has no http(s) link; " \
        "skipped" in out
    assert "  1 more; --verbose for all" in out
    assert f"{lists[0]} line 14" not in result.stdout
    assert result.stderr == ""  # the preview lists the skipped lines; no warnings twice
    verbose = run_cli(*args, "--verbose")
    assert f"  {lists[0]} line 14: entry 'The last one' has no http(s) link; skipped" in (
        verbose.stdout.splitlines()
    )
    assert "--verbose for all" not in verbose.stdout
    assert not vault.exists()


@pytest.mark.parametrize("flag", ["--json", "--verbose"])
def test_preview_flags_need_dry_run(run_cli: RunCli, tmp_path: Path, flag: str) -> None:
    """`--json` and `--verbose` shape the preview, so without `--dry-run` they are refused."""
    vault = tmp_path / "v"
    result = run_cli("init", vault, flag)
    assert result.exit_code == 2
    assert f"{flag} goes with --dry-run." in result.stderr
    assert not vault.exists()


def test_structure_shows_groups_and_joins() -> None:
    """A topic's question groups with their counts and each syllabus section's join."""
    topics = (Topic(key="rl", title="RL", number="1"), Topic(key="misc", title="Misc"))
    catalog = Catalog(
        topics=topics,
        sources=(Source("PPO", "https://example.org/ppo", (Placement("rl", None, "", 3),)),),
        questions=(
            Question("Why clip?", "Why clip?", "rl", group="Policy gradients"),
            Question("Why a baseline?", "Why a baseline?", "rl", group="Policy gradients"),
            Question("What is a reward?", "What is a reward?", "rl", group="Basics"),
            Question("Why?", "Why?", "misc"),
        ),
        joins=(TopicJoin("1. Reinforcement learning", "rl", "number"),
               TopicJoin("Misc", "misc", "none")),
    )
    found = structure(catalog, [(Path("q.md"), ListWarning(7, "empty question; skipped"))],
                      [Path("r.md"), Path("q.md")])
    assert lines(found) == [
        "Topics found in r.md and q.md:",
        "  1 RL: 1 source, 3 questions",
        "      groups: Policy gradients (2), Basics (1)",
        "  Misc: no sources listed, 1 question",
        "Question sections joined to topics:",
        "  1. Reinforcement learning → RL (by number)",
        "  Misc: no match: a topic of its own",
        "Skipped lines (1):",
        "  q.md line 7: empty question; skipped",
    ]
    doc = document(found, CreationReport())
    assert doc["joins"] == [
        {"section": "1. Reinforcement learning", "topic": "RL", "how": "number"},
        {"section": "Misc", "topic": "Misc", "how": "none"},
    ]
    assert doc["topics"][0]["groups"] == [  # type: ignore[index]
        {"name": "Policy gradients", "questions": 2}, {"name": "Basics", "questions": 1},
    ]


# --- lists that cannot be used --------------------------------------------------------------


def test_a_list_without_usable_entries_says_why_for_every_line(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """No source at all: the error names the list, then each line that was not an entry and
    why; nothing is written."""
    readlist = write_file("in/plain.md", (
        "# Reading\n\n- The attention paper\n- [Adam](ftp://example.org/adam)\n\n"
        "Some prose about why.\n"
    ))
    vault = tmp_path / "v"
    result = run_cli("init", vault, "--readlist", readlist)
    assert result.exit_code == 2
    lines_out = result.stderr.splitlines()
    assert lines_out[0].startswith(f"Error: {readlist}: no sources found")
    assert lines_out[1:] == [
        "  line 3: 'The attention paper': no http(s) link",
        "  line 4: 'Adam': link 'ftp://example.org/adam' is not http(s)",
        "  line 6: 'Some prose about why.': no http(s) link",
    ]
    assert not vault.exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"", "is empty", id="empty"),
        pytest.param(b"# Reading\n\n- [a](https://e.org/\x00)\n", "binary data", id="binary"),
        pytest.param(b"- [a](https://e.org/a)\n" * (800_000), "16", id="enormous"),
    ],
)
def test_an_unreadable_list_is_one_error_and_changes_nothing(
    run_cli: RunCli, tmp_path: Path, data: bytes, reason: str
) -> None:
    """An empty, binary or enormous list stops `init` with one `Error:` naming it, and an
    existing vault is left exactly as it was."""
    vault = tmp_path / "v"
    assert run_cli("init", vault).exit_code == 0
    before = all_files(vault)
    bad = tmp_path / "bad.md"
    bad.write_bytes(data)
    result = run_cli("init", vault, "--readlist", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}")
    assert result.stderr.count("Error:") == 1
    assert reason in result.stderr
    assert all_files(vault) == before
