"""The dashboards: golden files for a small vault, counts that follow edits, the hash gate,
hand edits kept aside, and the problems Problems.md reports.

Golden files: `fixtures/dashboards/<name>.md` is what `vaultkit build` writes to
`Dashboards/<name>.md` for the vault the `studied` fixture makes. To (re)write them on purpose,
run `VAULTKIT_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_dashboards.py` (the golden
tests then write and skip, never pass) and review the diff by hand before committing it: the
files must say what is true of that vault.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import RunCli
from tests.helpers import set_status
from vaultkit.cli import main
from vaultkit.commands.survey import open_vault, survey
from vaultkit.report import dashboards, publish

GOLDEN = Path(__file__).parent / "fixtures" / "dashboards"
REGEN_ENV = "VAULTKIT_REGEN_GOLDEN"
DASHBOARDS = ("Progress", "Unanswered questions", "Reading queue", "Problems", "Topic index")
"""The pages `build` writes in `Dashboards/`: the topic panels, below it, are in test_panels.py."""

# Two numbered topics with core and practitioner sources (Beta lists its practitioner group
# first, so the queue's "core before practitioner" is not just list order), and one unnumbered
# topic under an "(Optional)" heading.
READLIST = """\
# Tier 1 — Core

## 1. Alpha Topic

### Core reading

1. **Alpha Core One**  
   [https://example.com/alpha-core-1](https://example.com/alpha-core-1)  
   Why: The first core source.
2. **Alpha Core Two**  
   [https://example.com/alpha-core-2](https://example.com/alpha-core-2)  
   Why: The second core source.

### Practitioner insight

1. **Alpha Practice**  
   [https://example.com/alpha-practice](https://example.com/alpha-practice)  
   Why: The practitioner view.

---

## 2. Beta Topic

### Practitioner insight

1. **Beta Practice One**  
   [https://example.com/beta-practice-1](https://example.com/beta-practice-1)  
   Why: Beta practitioner one.
2. **Beta Practice Two**  
   [https://example.com/beta-practice-2](https://example.com/beta-practice-2)  
   Why: Beta practitioner two.

### Core reading

1. **Beta Core**  
   [https://example.com/beta-core](https://example.com/beta-core)  
   Why: Beta's core source.

---

# Frontier Reading (Optional)

1. **Gamma Forum**  
   [https://example.com/gamma-forum](https://example.com/gamma-forum)  
   Why: Discussions to read when there is time.
"""  # noqa: W291 - the seed's shape ends lines with two spaces (a Markdown line break)

SYLLABUS = """\
# 1. Alpha Topic

## Foundational questions

* What is alpha?
* Why does alpha matter?

## Deep understanding

* When does alpha fail?

## Interview-style / real-world questions

* How would you debug alpha?

---

# 2. Beta Topic

## Foundational questions

* What is beta?

## Deep understanding

* How does beta interact with alpha?

## Interview-style / real-world questions

* Would you ship beta?
"""

ALPHA_HUB = "Topics/1 Alpha Topic.md"
BETA_HUB = "Topics/2 Beta Topic.md"
WHAT_IS_ALPHA = "Questions/1 Alpha Topic/What is alpha.md"
WHY_ALPHA = "Questions/1 Alpha Topic/Why does alpha matter.md"
ALPHA_FAILS = "Questions/1 Alpha Topic/When does alpha fail.md"
DEBUG_ALPHA = "Questions/1 Alpha Topic/How would you debug alpha.md"
WHAT_IS_BETA = "Questions/2 Beta Topic/What is beta.md"
BETA_WITH_ALPHA = "Questions/2 Beta Topic/How does beta interact with alpha.md"
SHIP_BETA = "Questions/2 Beta Topic/Would you ship beta.md"


# --- building and editing vaults ----------------------------------------------------------


def make_vault(root: Path, name: str = "vault") -> Path:
    """`vaultkit init` of the two small lists above into `root/name`."""
    lists = root / f"{name}-lists"
    lists.mkdir(parents=True)
    (lists / "readlist.md").write_text(READLIST, encoding="utf-8")
    (lists / "questions.md").write_text(SYLLABUS, encoding="utf-8")
    vault = root / name
    result = CliRunner().invoke(
        main,
        ["init", str(vault), "--readlist", str(lists / "readlist.md"),
         "--questions", str(lists / "questions.md")],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return vault


def write_under(note: Path, heading: str, *lines: str) -> None:
    """Type lines right under a heading of a note."""
    text = note.read_text(encoding="utf-8")
    marker = f"\n{heading}\n"
    assert text.count(marker) == 1, f"{note} has no single {heading!r}"
    added = "".join(f"{line}\n" for line in lines)
    note.write_text(text.replace(marker, marker + added), encoding="utf-8")


def answer(vault: Path, question: str, status: str, *, before: bool, after: bool) -> None:
    note = vault / question
    set_status(note, status)
    if before:
        write_under(note, "## Answer before reading", "My first guess, before reading.")
    if after:
        write_under(note, "## Answer after reading", "What I understand now.",
                    "And where it breaks.")


def study(vault: Path) -> None:
    """A few weeks of study: the edits the golden dashboards describe.

    Alpha is covered: a core and the practitioner source read, a 5-line summary, 3 of its 4
    questions refined (the fourth has a status vaultkit does not know). Beta is not: its only
    practitioner source under way, no core read, a 2-line summary, 1 question refined without
    an "after" answer, 1 marked unanswered though its "before" answer is written. The optional
    topic is untouched. Alpha Core Two is `summarized` with an empty Summary.
    """
    sources = vault / "Sources"
    set_status(sources / "Alpha Core One.md", "read")
    set_status(sources / "Alpha Core Two.md", "summarized")
    set_status(sources / "Alpha Practice.md", "summarized")
    write_under(sources / "Alpha Practice.md", "## Summary",
                "Gives me the knob.", "Fails at scale.", "Moves the loss.")
    set_status(sources / "Beta Practice One.md", "reading")
    write_under(vault / ALPHA_HUB, "## Summary",
                "Line one.", "Line two.", "Line three.", "Line four.", "Line five.")
    write_under(vault / BETA_HUB, "## Summary", "Only a start.", "Second line.")
    for question in (WHAT_IS_ALPHA, ALPHA_FAILS, DEBUG_ALPHA):
        answer(vault, question, "refined", before=True, after=True)
    set_status(vault / WHY_ALPHA, "answered")
    answer(vault, WHAT_IS_BETA, "drafted", before=True, after=False)
    answer(vault, BETA_WITH_ALPHA, "refined", before=True, after=False)
    answer(vault, SHIP_BETA, "unanswered", before=True, after=False)


def build(vault: Path) -> str:
    result = CliRunner().invoke(main, ["build", str(vault)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def dashboard(vault: Path, name: str) -> str:
    return (vault / "Dashboards" / f"{name}.md").read_text(encoding="utf-8")


def problem_rows(vault: Path) -> list[tuple[str, str, str]]:
    """(note, line, problem as it reads) of each row of Problems.md's table."""
    rows = []
    for line in dashboard(vault, "Problems").splitlines():
        if line.startswith("| [["):
            cells = [c.strip() for c in re.split(r"(?<!\\) \| ", line.strip("| "))]
            assert len(cells) == 3, line
            link = re.fullmatch(r"\[\[(.+?)\\\|.*\]\]", cells[0])
            assert link is not None, cells[0]
            message = re.sub(r"\\(.)", r"\1", cells[2])  # as rendered: escapes undone
            rows.append((f"{link.group(1)}.md", cells[1], message))
    return rows


def row(text: str, first_cell: str) -> str:
    """The table row of a dashboard whose first cell is `first_cell`."""
    found = [line for line in text.splitlines() if line.startswith(f"| {first_cell} |")]
    assert len(found) == 1, f"no single row {first_cell!r} in:\n{text}"
    return found[0]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh vault of the small lists, made once; tests work on copies."""
    return make_vault(tmp_path_factory.mktemp("pristine"))


@pytest.fixture
def vault(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy of the small vault, the test's own to edit."""
    return Path(shutil.copytree(pristine, tmp_path / "vault", symlinks=True))


@pytest.fixture(scope="module")
def studied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small vault after `study` and a build: what the golden files describe."""
    vault = make_vault(tmp_path_factory.mktemp("studied"))
    study(vault)
    build(vault)
    return vault


# --- 1. golden dashboards ------------------------------------------------------------------


@pytest.mark.parametrize("name", DASHBOARDS)
def test_golden(studied: Path, name: str) -> None:
    """Each dashboard of the studied vault is byte for byte its golden file."""
    actual = (studied / "Dashboards" / f"{name}.md").read_text(encoding="utf-8")
    expected_path = GOLDEN / f"{name}.md"
    if os.environ.get(REGEN_ENV) == "1":
        # A run that writes the golden file proves nothing about it: it only writes.
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
        pytest.skip(f"wrote {expected_path.name}; review the diff, then run without {REGEN_ENV}")
    if not expected_path.exists():
        pytest.fail(
            f"{expected_path.name} is missing; create it with "
            f"`{REGEN_ENV}=1 .venv/bin/python -m pytest tests/test_dashboards.py` "
            "and check it by hand before committing",
            pytrace=False,
        )
    assert actual == expected_path.read_text(encoding="utf-8")


def test_golden_files_are_exactly_the_dashboards(studied: Path) -> None:
    """Every dashboard has a golden file and every golden file is a dashboard."""
    written = {p.name for p in (studied / "Dashboards").glob("*.md")}
    assert written == {f"{name}.md" for name in DASHBOARDS}
    assert {p.name for p in GOLDEN.glob("*.md")} == written


def test_studied_vault_shows_the_covered_rule(studied: Path) -> None:
    """Alpha meets every target and is covered; Beta misses core, summary and questions."""
    progress = dashboard(studied, "Progress")
    assert row(progress, "[[1 Alpha Topic]]") == (
        "| [[1 Alpha Topic]] | ✓ 2 of 2 | ✓ 1 of 1 | ✓ 5 lines | ✓ 3 | ✓ 3 | ✓ |"
    )
    assert row(progress, "[[2 Beta Topic]]") == (
        "| [[2 Beta Topic]] | ✗ 0 of 1 | ✗ 0 of 2 | ✗ 2/5 lines | ✗ 2/3 | ✗ 1/3 | ✗ |"
    )
    assert row(progress, "Topics covered").startswith("| Topics covered | 1 | 2 |")
    assert row(progress, "Sources read").startswith("| Sources read | 3 | 7 |")


def test_queue_puts_core_before_practitioner(studied: Path) -> None:
    """Beta lists practitioner sources first, yet its next source is its core one."""
    queue = dashboard(studied, "Reading queue")
    assert "- [[2 Beta Topic]]: [[Beta Core]] (core)" in queue
    assert "Beta Practice Two" not in queue


def test_queue_moves_on_to_practitioner_once_core_is_read(vault: Path) -> None:
    """With a core source read and no practitioner read, the next source is a practitioner."""
    set_status(vault / "Sources" / "Beta Core.md", "read")
    build(vault)
    assert "- [[2 Beta Topic]]: [[Beta Practice One]] (practitioner)" in dashboard(
        vault, "Reading queue"
    )


# --- 2. counts follow status edits ---------------------------------------------------------


def test_reading_a_source_updates_totals_and_its_topic(vault: Path) -> None:
    """unread → read moves "Sources read" and the topic's core cell by one."""
    before = dashboard(vault, "Progress")
    assert row(before, "Sources read").startswith("| Sources read | 0 | 7 |")
    assert "| [[2 Beta Topic]] | ✗ 0 of 1 |" in before

    set_status(vault / "Sources" / "Beta Core.md", "read")
    build(vault)

    after = dashboard(vault, "Progress")
    assert row(after, "Sources read") == "| Sources read | 1 | 7 | █░░░░░░░░░ 14% |"
    assert "| [[2 Beta Topic]] | ✓ 1 of 1 |" in after
    assert "| [[1 Alpha Topic]] | ✗ 0 of 2 |" in after


def test_drafted_question_leaves_unanswered(vault: Path) -> None:
    """A question set to drafted is no longer listed as unanswered, and the count drops."""
    assert "[[What is beta|What is beta?]]" in dashboard(vault, "Unanswered questions")
    answer(vault, WHAT_IS_BETA, "drafted", before=True, after=False)
    build(vault)
    unanswered = dashboard(vault, "Unanswered questions")
    assert "What is beta" not in unanswered
    assert "6 of 7 questions have no answer yet." in unanswered
    assert row(dashboard(vault, "Progress"), "Questions drafted").startswith(
        "| Questions drafted | 1 | 7 |"
    )


# --- 3. determinism and the hash gate ------------------------------------------------------


def snapshot(vault: Path) -> dict[str, tuple[int, bytes]]:
    return {
        name: ((p := vault / "Dashboards" / f"{name}.md").stat().st_mtime_ns, p.read_bytes())
        for name in DASHBOARDS
    }


def test_second_build_writes_nothing(studied: Path, run_cli: RunCli) -> None:
    """Nothing changed: every dashboard keeps its bytes and its mtime, and build says so."""
    before = snapshot(studied)
    result = run_cli("build", studied)
    assert result.exit_code == 0
    assert "Dashboards unchanged." in result.output
    assert "Dashboards written" not in result.output
    assert snapshot(studied) == before


def test_touching_notes_without_changing_them_writes_nothing(vault: Path) -> None:
    """New mtimes on every note but the same text: the dashboards are not rewritten."""
    before = snapshot(vault)
    for note in (vault / "Sources").glob("*.md"):
        os.utime(note, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    assert "Dashboards unchanged." in build(vault)
    assert snapshot(vault) == before


def test_same_lists_give_the_same_bytes(tmp_path: Path, studied: Path) -> None:
    """Two vaults made and studied the same way, in different folders, render identical bytes."""
    other = make_vault(tmp_path, "another name")
    study(other)
    build(other)
    for name in DASHBOARDS:
        assert dashboard(other, name) == dashboard(studied, name), name


def test_no_timestamps_in_dashboards(studied: Path) -> None:
    """No date or time of day appears in a dashboard, so a vault in git does not churn."""
    stamp = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|\b20\d{2}\b")
    for name in DASHBOARDS:
        assert stamp.findall(dashboard(studied, name)) == [], name


# --- 4. hand edits -------------------------------------------------------------------------


def test_hand_edit_is_kept_aside_and_reported(vault: Path, run_cli: RunCli) -> None:
    """An edited Progress.md moves to "Progress (edited).md" intact; a fresh one replaces it."""
    progress = vault / "Dashboards" / "Progress.md"
    original = progress.read_bytes()
    with progress.open("a", encoding="utf-8") as handle:
        handle.write("My own line, typed into the dashboard.\n")
    edited = progress.read_bytes()

    result = run_cli("build", vault)

    assert result.exit_code == 0
    kept = vault / "Dashboards" / "Progress (edited).md"
    assert kept.read_bytes() == edited
    assert progress.read_bytes() == original
    assert ("kept your edits to Dashboards/Progress.md in Dashboards/Progress (edited).md"
            in result.stderr)
    assert [r[0] for r in problem_rows(vault)] == ["Dashboards/Progress (edited).md"]
    assert "kept aside" in problem_rows(vault)[0][2]


def test_second_hand_edit_never_overwrites_the_first(vault: Path) -> None:
    """A second edit goes to "Progress (edited 2).md"; the first kept copy stays as it was."""
    progress = vault / "Dashboards" / "Progress.md"
    progress.write_text(progress.read_text(encoding="utf-8") + "first edit\n", encoding="utf-8")
    build(vault)
    first = (vault / "Dashboards" / "Progress (edited).md").read_bytes()
    progress.write_text(progress.read_text(encoding="utf-8") + "second edit\n", encoding="utf-8")

    build(vault)

    assert (vault / "Dashboards" / "Progress (edited).md").read_bytes() == first
    second = (vault / "Dashboards" / "Progress (edited 2).md").read_text(encoding="utf-8")
    assert second.endswith("second edit\n")
    assert "first edit" not in second
    assert [r[0] for r in problem_rows(vault)] == [
        "Dashboards/Progress (edited 2).md",
        "Dashboards/Progress (edited).md",
    ]


def test_users_own_file_at_a_dashboard_path_is_kept(vault: Path) -> None:
    """A plain note of the user's named Dashboards/Progress.md is moved aside, not overwritten."""
    progress = vault / "Dashboards" / "Progress.md"
    progress.write_bytes(b"# My progress\n\nWritten by me, not by vaultkit.\n")
    build(vault)
    kept = vault / "Dashboards" / "Progress (edited).md"
    assert kept.read_bytes() == b"# My progress\n\nWritten by me, not by vaultkit.\n"
    assert progress.read_text(encoding="utf-8").startswith("---\nvaultkit: dashboard\n")


def test_property_added_to_a_dashboard_is_not_dropped_silently(vault: Path) -> None:
    """A property added in Obsidian (`cssclasses: [wide]`) survives a build, kept or in place."""
    progress = vault / "Dashboards" / "Progress.md"
    text = progress.read_text(encoding="utf-8")
    progress.write_text(text.replace("\ntags:\n", "\ncssclasses:\n- wide\ntags:\n", 1),
                        encoding="utf-8")

    build(vault)

    assert any(
        "cssclasses:\n- wide\n" in note.read_text(encoding="utf-8")
        for note in (vault / "Dashboards").glob("*.md")
    )


def test_check_reports_a_hand_edit_before_any_build(vault: Path, run_cli: RunCli) -> None:
    """`check` names the hand-edited dashboard, exits 1, and moves nothing."""
    progress = vault / "Dashboards" / "Progress.md"
    progress.write_text(progress.read_text(encoding="utf-8") + "typed here\n", encoding="utf-8")
    edited = progress.read_bytes()

    result = run_cli("check", vault)

    assert result.exit_code == 1
    assert result.stdout == (
        "Dashboards/Progress.md: edited by hand since vaultkit wrote it; the next build keeps "
        "your edits aside in a copy\n"
    )
    assert progress.read_bytes() == edited
    assert not (vault / "Dashboards" / "Progress (edited).md").exists()


# --- 5. what Problems.md reports -----------------------------------------------------------


def test_unanswered_with_a_before_answer_is_flagged(vault: Path) -> None:
    """`status: unanswered` with text under "Answer before reading" is a row, at its line."""
    write_under(vault / WHAT_IS_ALPHA, "## Answer before reading", "I think I know this.")
    build(vault)
    assert problem_rows(vault) == [(
        WHAT_IS_ALPHA, "9",
        "status is 'unanswered' but “Answer before reading” has text; "
        "set `status: drafted`?",
    )]


def test_refined_with_empty_after_answer_is_flagged(vault: Path) -> None:
    """`status: refined` with nothing under "Answer after reading" is a row."""
    answer(vault, WHAT_IS_ALPHA, "refined", before=True, after=False)
    build(vault)
    assert problem_rows(vault) == [
        (WHAT_IS_ALPHA, "9", "status is 'refined' but “Answer after reading” is empty"),
    ]


def test_summarized_source_with_empty_summary_is_flagged(vault: Path) -> None:
    """A source `status: summarized` whose Summary holds only the prompts is a row."""
    set_status(vault / "Sources" / "Beta Core.md", "summarized")
    build(vault)
    assert problem_rows(vault) == [
        ("Sources/Beta Core.md", "11", "status is 'summarized' but the Summary section is empty"),
    ]


def test_unknown_status_is_reported_with_the_allowed_list(vault: Path) -> None:
    """An unknown status names the allowed values; the note is still counted."""
    set_status(vault / "Sources" / "Beta Core.md", "done")
    build(vault)
    assert problem_rows(vault) == [(
        "Sources/Beta Core.md", "11",
        "status 'done' is not one of: unread, reading, read, summarized, skipped",
    )]
    assert row(dashboard(vault, "Progress"), "Sources read").startswith(
        "| Sources read | 0 | 7 |"
    )


def test_broken_link_in_a_vaultkit_note_is_reported(vault: Path) -> None:
    """A `[[link]]` to no note, typed into a source note, is a row naming the target."""
    note = vault / "Sources" / "Beta Core.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nSee [[No Such Note]].\n",
                    encoding="utf-8")
    build(vault)
    assert problem_rows(vault) == [
        ("Sources/Beta Core.md", "", "link to “No Such Note” finds no note"),
    ]


def test_duplicate_ids_are_reported_on_both_notes(vault: Path) -> None:
    """A note copied inside the vault: both carry the id, each row names the other."""
    shutil.copyfile(vault / "Sources" / "Beta Core.md", vault / "Sources" / "Beta Core 2.md")
    build(vault)
    rows = problem_rows(vault)
    assert [(path, line) for path, line, _ in rows] == [
        ("Sources/Beta Core 2.md", ""),
        ("Sources/Beta Core.md", ""),
    ]
    assert rows[0][2].endswith("is also used by Sources/Beta Core.md")
    assert rows[1][2].endswith("is also used by Sources/Beta Core 2.md")
    assert rows[0][2].startswith("id 's-")


def test_note_whose_entry_left_the_list_is_reported(vault: Path) -> None:
    """Removing an entry from Lists/Reading list.md reports its note, which stays as it was."""
    reading_list = vault / "Lists" / "Reading list.md"
    text = reading_list.read_text(encoding="utf-8")
    entry = (
        "2. **Beta Practice Two**  \n"
        "   [https://example.com/beta-practice-2](https://example.com/beta-practice-2)  \n"
        "   Why: Beta practitioner two.\n"
    )
    assert entry in text
    reading_list.write_text(text.replace(entry, ""), encoding="utf-8")
    note = vault / "Sources" / "Beta Practice Two.md"
    before = note.read_bytes()

    build(vault)

    assert problem_rows(vault) == [(
        "Sources/Beta Practice Two.md", "",
        "its entry is no longer in Lists/Reading list.md; keep the note, or delete it if you "
        "are done with it",
    )]
    assert note.read_bytes() == before


def test_unreadable_note_does_not_stop_the_others_counting(vault: Path) -> None:
    """A note with broken YAML is a row; the other sources are still counted."""
    set_status(vault / "Sources" / "Beta Core.md", "read")
    (vault / "Sources" / "Alpha Core One.md").write_text(
        "---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8"
    )
    build(vault)
    assert [r[0] for r in problem_rows(vault)] == ["Sources/Alpha Core One.md"]
    assert row(dashboard(vault, "Progress"), "Sources read").startswith(
        "| Sources read | 1 | 6 |"
    )


def test_hand_edit_saved_during_a_build_is_kept_aside(vault: Path) -> None:
    """An edit saved after the build's first check but before the write is moved aside, not lost."""
    set_status(vault / "Sources" / "Alpha Core One.md", "read")
    root, settings = open_vault(vault)
    found = survey(root, settings)
    rendered = dashboards.render(found.progress, found.problems, settings)
    progress = vault / "Dashboards" / "Progress.md"
    assert rendered["Dashboards/Progress.md"].encode("utf-8") != progress.read_bytes()
    with progress.open("a", encoding="utf-8") as handle:  # saved while the build computed
        handle.write("My own line, typed into the dashboard.\n")
    edited = progress.read_bytes()

    report = publish.write(root, rendered)

    assert report.kept == [("Dashboards/Progress.md", "Dashboards/Progress (edited).md")]
    assert (vault / "Dashboards" / "Progress (edited).md").read_bytes() == edited
    assert progress.read_text(encoding="utf-8") == rendered["Dashboards/Progress.md"]
