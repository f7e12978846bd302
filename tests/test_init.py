"""`vaultkit init` end to end, through the CLI, on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import (
    all_files,
    markdown_link_targets,
    notes,
    notes_of_kind,
    split_note,
    wikilink_targets,
)
from vaultkit.scaffold.templates import shipped_list

WriteFile = Callable[[str, str], Path]


def test_shipped_lists_give_one_note_per_source_question_and_topic(seed_vault: Path) -> None:
    """63 distinct sources, 84 questions and 23 topics become notes of their kinds."""
    assert len(notes_of_kind(seed_vault, "source")) == 63
    assert len(notes_of_kind(seed_vault, "question")) == 84
    assert len(notes_of_kind(seed_vault, "topic")) == 23
    assert len(notes_of_kind(seed_vault, "home")) == 1
    # Four dashboards and the topic index, and a panel per topic in their own folder.
    assert len(notes_of_kind(seed_vault, "dashboard")) == 4 + 1 + 23
    assert len(list((seed_vault / "Dashboards" / "Topics").glob("*.md"))) == 23
    assert len(list((seed_vault / "Sources").glob("*.md"))) == 63
    assert len(list((seed_vault / "Questions").rglob("*.md"))) == 84


def test_vault_holds_lists_settings_and_obsidian_types(seed_vault: Path) -> None:
    """The lists are copied unchanged, and the settings and property types are written."""
    for name in ("Reading list.md", "Question syllabus.md"):
        assert (seed_vault / "Lists" / name).read_bytes() == shipped_list(name).read_bytes()
    assert (seed_vault / "vaultkit.toml").is_file()
    types = json.loads((seed_vault / ".obsidian" / "types.json").read_text())["types"]
    allowed = {"text", "multitext", "number", "checkbox", "date", "datetime", "tags", "aliases"}
    assert set(types.values()) <= allowed
    assert types["status"] == "text"
    assert types["tags"] == "tags"


def test_every_wikilink_resolves_to_a_note(seed_vault: Path) -> None:
    """Each `[[Name]]` (or `[[Folder/Name]]`, as embeds of panels are) in a body or a property
    names a note that exists."""
    names = _link_names(seed_vault)
    broken = [
        (path.relative_to(seed_vault).as_posix(), target)
        for path in notes(seed_vault)
        for target in wikilink_targets(path.read_text(encoding="utf-8"))
        if target not in names
    ]
    assert broken == []


def test_every_note_is_reachable_from_home(seed_vault: Path) -> None:
    """Following links from Home.md reaches every note of the vault (through the topic index
    and panels Home and the hubs embed)."""
    by_name = {p.stem: p for p in notes(seed_vault)}
    by_name |= {p.relative_to(seed_vault).with_suffix("").as_posix(): p
                for p in notes(seed_vault)}
    seen = {"Home"}
    queue = deque(["Home"])
    while queue:
        text = by_name[queue.popleft()].read_text(encoding="utf-8")
        for target in wikilink_targets(text):
            if target in by_name and target not in seen:
                seen.add(target)
                queue.append(target)
    assert {p.stem for p in by_name.values()} - {by_name[name].stem for name in seen} == set()


def _link_names(vault: Path) -> set[str]:
    """What a `[[link]]` may name: a note's name, or its path without `.md`."""
    return {p.stem for p in notes(vault)} | {
        p.relative_to(vault).with_suffix("").as_posix() for p in notes(vault)}


def test_source_frontmatter_has_the_documented_fields(seed_vault: Path) -> None:
    """Sources carry kind, id, title, url, tier, topic link, role, status unread and tags."""
    for path in notes_of_kind(seed_vault, "source"):
        data, body = split_note(path)
        assert str(data["id"]).startswith("s-")
        assert str(data["url"]).startswith(("http://", "https://"))
        assert str(data["topic"]).startswith("[[")
        assert str(data["topic"]).endswith("]]")
        assert "role" in data
        assert data["status"] == "unread"
        assert data["tags"] == ["vaultkit/source"]
        assert data["aliases"] == [data["title"]]
        assert "> [!info] Why read it" in body
        assert "### What knob does this give me?" in body


def test_sources_listed_twice_remember_both_places(seed_vault: Path) -> None:
    """The Bitter Lesson is one note that names its second topic in `also_in`."""
    (path,) = [
        p for p in notes_of_kind(seed_vault, "source")
        if "BitterLesson" in str(split_note(p)[0]["url"])
    ]
    data, body = split_note(path)
    assert data["topic"] == "[[7 Experiment Design & Taste]]"
    assert data["also_in"] == ["[[19 Compute & Scaling Decisions]]"]
    assert "Recontextualize it now that you understand constraints." in body


def test_roles_come_from_the_role_groups(seed_vault: Path) -> None:
    """A "Primary sources" entry is core, a "Supporting intuition" entry practitioner."""
    roles = {
        split_note(p)[0]["title"]: split_note(p)[0]["role"]
        for p in notes_of_kind(seed_vault, "source")
    }
    assert roles["DPO paper (Direct Preference Optimization)"] == "core"
    assert roles["Lil’Log (Lilian Weng) – RLHF"] == "practitioner"
    assert roles["Mixed Precision Training (Micikevicius et al.)"] is None


def test_question_frontmatter_has_the_documented_fields(seed_vault: Path) -> None:
    """Questions carry id, topic link, level, status unanswered and the two answer headings."""
    levels = set()
    for path in notes_of_kind(seed_vault, "question"):
        data, body = split_note(path)
        assert str(data["id"]).startswith("q-")
        assert str(data["topic"]).startswith("[[")
        assert data["status"] == "unanswered"
        levels.add(data["level"])
        assert "## Answer before reading" in body
        assert "## Answer after reading" in body
        assert "## Sources for this topic" in body
    assert levels == {"foundational", "deep", "interview"}


def test_hub_lists_sources_by_role_and_questions_by_level(seed_vault: Path) -> None:
    """Topic 1's hub embeds its panel, which groups its sources under Core/Practitioner and its
    questions by level."""
    hub = seed_vault / "Topics" / (
        "1 Post-Training LLMs (SFT, DPO, RLHF, preference optimization).md"
    )
    data, body = split_note(hub)
    assert data["vaultkit"] == "topic"
    assert data["id"] == "t-post-training-llms-sft-dpo-rlhf-preference-optimization"
    headings = [line for line in body.splitlines() if line.startswith("#")]
    assert headings == ["# 1 Post-Training LLMs (SFT, DPO, RLHF, preference optimization)",
                        "## Summary", "### What knob does this give me?",
                        "### When does it fail?", "### What metric does it affect?"]
    panel = "Dashboards/Topics/post-training-llms-sft-dpo-rlhf-preference-optimization"
    assert f"\n![[{panel}]]\n" in body
    _, shown = split_note(seed_vault / f"{panel}.md")
    headings = [line for line in shown.splitlines() if line.startswith("#")]
    for heading in ("## Sources", "### Core", "### Practitioner", "## Questions",
                    "### Foundational", "### Deep understanding", "### Interview-style"):
        assert heading in headings
    assert shown.index("[[RLHF Book (Nathan Lambert)]]") < shown.index("### Practitioner")


def test_home_carries_the_lists_guidance(seed_vault: Path) -> None:
    """Home.md holds "How to Use This" and "What You Can Safely Skip" from the lists."""
    _, body = split_note(seed_vault / "Home.md")
    assert "## How to Use This (Very Important)" in body
    assert "## What You Can Safely Skip for Now" in body
    assert "## How to Use These Questions (Important)" in body
    assert "[[Progress]]" in body


def test_file_names_are_portable_and_short(seed_vault: Path) -> None:
    """No note name has a character Windows or Obsidian links reject, or exceeds 100 chars."""
    for path in notes(seed_vault):
        assert len(path.name) <= 100
        assert not set(path.stem) & set('*"\\/<>:|?#^[]%'), path.name
    stems = [p.stem.casefold() for p in notes(seed_vault)]
    assert len(stems) == len(set(stems))


def test_init_prints_counts_and_next_steps(run_cli: RunCli, tmp_path: Path) -> None:
    """The summary names the counts and tells the user what to do next."""
    result = run_cli("init", tmp_path / "v")
    assert result.exit_code == 0
    assert "63 sources · 84 questions · 23 topics" in result.stdout
    assert "Created 175 files" in result.stdout
    assert "Dashboards written: Problems, Progress, Reading queue, Unanswered questions." in (
        result.stdout
    )
    assert "vaultkit status" in result.stdout


def test_rerun_changes_no_byte_and_creates_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    """A second `init` leaves every note, dashboard and setting as it was, bytes and mtime."""
    vault = tmp_path / "v"
    run_cli("init", vault)

    def snapshot() -> dict[str, tuple[bytes, int]]:
        return {
            name: (data, (vault / name).stat().st_mtime_ns)
            for name, data in all_files(vault).items()
            if not name.startswith(".vaultkit/cache/")  # the index cache may refresh itself
        }

    before = snapshot()
    result = run_cli("init", vault)
    assert result.exit_code == 0
    assert "Created 0 files" in result.stdout
    assert "175 already there" in result.stdout
    assert "Dashboards written" not in result.stdout
    assert snapshot() == before


def test_user_edits_survive_and_only_missing_notes_return(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Edited notes keep their words, a renamed note is not re-created, a deleted one is; a
    Home rewritten without vaultkit's id is the user's file, and vaultkit's Home goes beside it."""
    vault = tmp_path / "v"
    run_cli("init", vault)
    dpo = vault / "Sources" / "DPO paper (Direct Preference Optimization).md"
    edited = dpo.read_text(encoding="utf-8").replace("status: unread", "status: read")
    edited += "\nMy summary: DPO is a classification loss on preference pairs.\n"
    dpo.write_text(edited, encoding="utf-8")
    grpo = vault / "Sources" / "GRPO (Group Relative Policy Optimization).md"
    (vault / "Reading").mkdir()
    moved = vault / "Reading" / "GRPO.md"
    grpo.rename(moved)
    (question,) = (vault / "Questions").rglob("When would you choose GRPO over DPO.md")
    question.unlink()
    home = vault / "Home.md"
    home.write_text("# My own home\n", encoding="utf-8")

    result = run_cli("init", vault)

    assert result.exit_code == 0
    assert "Created 2 files in" in result.stdout
    assert 'Home.md is yours (not made by vaultkit); vaultkit\'s Home is "Home (2).md"' in (
        result.stdout
    )
    assert dpo.read_text(encoding="utf-8") == edited
    assert not grpo.exists()
    assert moved.is_file()
    assert question.is_file()
    assert home.read_text(encoding="utf-8") == "# My own home\n"
    assert split_note(vault / "Home (2).md")[0]["vaultkit"] == "home"


def test_file_at_a_planned_name_is_left_alone(run_cli: RunCli, tmp_path: Path) -> None:
    """A user's note that already has a planned name keeps its bytes; vaultkit's note is made
    beside it, said so, and linked (never adopted silently: test_foreign_files.py)."""
    vault = tmp_path / "v"
    (vault / "Sources").mkdir(parents=True)
    mine = vault / "Sources" / "Attention Is All You Need.md"
    mine.write_text("my own notes on attention\n", encoding="utf-8")
    said = ("Sources/Attention Is All You Need.md is yours (not made by vaultkit); vaultkit's "
            'note is "Sources/Attention Is All You Need (2).md"')
    result = run_cli("init", vault, "--dry-run")
    assert "create  Sources/Attention Is All You Need (2).md" in result.stdout
    assert said in result.stdout
    result = run_cli("init", vault)
    assert result.exit_code == 0
    assert "Created 175 files" in result.stdout
    assert said in result.stdout
    assert mine.read_text(encoding="utf-8") == "my own notes on attention\n"
    # Linked by its own name wherever the vault lists it (a hub, or the panel a hub embeds).
    linking = [name for name, data in all_files(vault).items()
               if b"[[Attention Is All You Need (2)|Attention Is All You Need]]" in data]
    assert linking


def test_same_name_elsewhere_gets_a_unique_name(run_cli: RunCli, tmp_path: Path) -> None:
    """A user's note of the same name in another folder makes ours `Name (2)`: links stay sure."""
    vault = tmp_path / "v"
    (vault / "Inbox").mkdir(parents=True)
    (vault / "Inbox" / "attention is all you need.md").write_text("x\n", encoding="utf-8")
    result = run_cli("init", vault)
    assert result.exit_code == 0
    ours = vault / "Sources" / "Attention Is All You Need (2).md"
    assert split_note(ours)[0]["title"] == "Attention Is All You Need"
    panel = vault / "Dashboards" / "Topics" / "architectural-bias-limits.md"  # hub 17's
    assert "[[Attention Is All You Need (2)|Attention Is All You Need]]" in panel.read_text(
        encoding="utf-8"
    )


def test_dry_run_writes_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    """`--dry-run` prints one `create` line per file and leaves the disk untouched."""
    vault = tmp_path / "v"
    result = run_cli("init", vault, "--dry-run")
    assert result.exit_code == 0
    assert not vault.exists()
    creates = [line for line in result.stdout.splitlines() if line.startswith("create  ")]
    assert len(creates) == 175
    assert "create  Home.md" in creates
    assert "Would create 175 files" in result.stdout


def test_dry_run_on_a_vault_shows_skips(run_cli: RunCli, tmp_path: Path) -> None:
    """On an existing vault, `--dry-run` lists the files it would skip and changes nothing."""
    vault = tmp_path / "v"
    run_cli("init", vault)
    (vault / "Home.md").unlink()
    before = all_files(vault)
    result = run_cli("init", vault, "--dry-run")
    assert "create  Home.md" in result.stdout
    assert "skip    vaultkit.toml (exists as vaultkit.toml)" in result.stdout
    assert all_files(vault) == before


def test_markdown_links_resolve_to_files(run_cli: RunCli, tmp_path: Path) -> None:
    """With `--links markdown` bodies use relative, %20-encoded links that all resolve."""
    vault = tmp_path / "v"
    result = run_cli("init", vault, "--links", "markdown")
    assert result.exit_code == 0
    checked = 0
    for path in notes(vault):
        if path.parent.name == "Lists":
            continue
        _, body = split_note(path)
        assert "[[" not in body, path
        for target in markdown_link_targets(path, body):
            assert target.is_file(), f"{path}: {target}"
            checked += 1
    assert checked > 500
    hub = vault / "Topics" / "7 Experiment Design & Taste.md"
    panel = "../Dashboards/Topics/experiment-design-taste.md"
    assert f"]({panel})\n" in hub.read_text(encoding="utf-8")  # a link, not an embed
    assert "](../../Sources/Andrej%20Karpathy%20%E2%80%93%20Research%20Taste.md)" in (
        (hub.parent / panel).read_text(encoding="utf-8")
    )
    assert 'links = "markdown"' in (vault / "vaultkit.toml").read_text(encoding="utf-8")


def test_rerun_follows_the_vaults_own_link_style(run_cli: RunCli, tmp_path: Path) -> None:
    """A re-run without `--links` uses the style in the vault's vaultkit.toml."""
    vault = tmp_path / "v"
    run_cli("init", vault, "--links", "markdown")
    (vault / "Home.md").unlink()
    run_cli("init", vault)
    assert "](Dashboards/Progress.md)" in (vault / "Home.md").read_text(encoding="utf-8")


HOSTILE = """\
# Tier 1 — Hostile

## 1. Titles that try to escape

### Primary sources

1. **../../escaped**
   [https://example.com/a](https://example.com/a)
   Why: a relative path.
2. **/etc/passwd**
   [https://example.com/b](https://example.com/b)
   Why: an absolute path.
3. **CON**
   [https://example.com/c](https://example.com/c)
   Why: a reserved Windows name.
4. **yes**
   [https://example.com/d](https://example.com/d)
   Why: YAML would read this as true.
5. **key: value [[link]] | pipe # hash ^ caret % "quote" *star* ?**
   [https://example.com/e](https://example.com/e)
   Why: every character a name or a link cannot hold.
6. **{long}**
   [https://example.com/f](https://example.com/f)
   Why: far too long for a file name.
7. **..**
   [https://example.com/g](https://example.com/g)
   Why: nothing but dots.
8. **C:\\\\Windows\\\\system32**
   [https://example.com/h](https://example.com/h)
   Why: a drive path.
""".replace("{long}", "word " * 80)


def test_hostile_titles_stay_inside_the_vault(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """Titles that look like paths become plain names inside the vault; titles survive as data."""
    readlist = write_file("lists/hostile.md", HOSTILE)
    vault = tmp_path / "vault"
    outside_before = {p for p in tmp_path.rglob("*") if vault not in p.parents}

    result = run_cli("init", vault, "--readlist", readlist)

    assert result.exit_code == 0, result.output
    outside_after = {p for p in tmp_path.rglob("*") if vault not in p.parents and p != vault}
    assert outside_after - outside_before == set()
    sources = notes_of_kind(vault, "source")
    assert len(sources) == 8
    titles = {split_note(p)[0]["title"] for p in sources}
    assert "../../escaped" in titles
    assert "yes" in titles
    assert "key: value [[link]] | pipe # hash ^ caret % \"quote\" star ?" in titles
    for path in sources:
        assert path.parent == vault / "Sources"
        assert len(path.name) <= 100
        assert path.stem.split(".")[0].upper() != "CON"
        assert not path.name.startswith(".")
    names = _link_names(vault)
    for path in notes(vault):
        if path.parent.name == "Lists":
            continue  # the user's own list, copied as it is
        # Bodies only: a title that contains `[[link]]` is kept in `title` as the data it is.
        for target in wikilink_targets(split_note(path)[1]):
            assert target in names, f"{path}: [[{target}]]"


def test_symlinked_folder_pointing_outside_is_refused(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A vault folder that is a symlink to elsewhere stops init before anything is written."""
    vault = tmp_path / "v"
    outside = tmp_path / "outside"
    outside.mkdir()
    vault.mkdir()
    (vault / "Sources").symlink_to(outside)
    result = run_cli("init", vault)
    assert result.exit_code == 2
    assert "outside the vault" in result.stderr
    assert list(outside.iterdir()) == []


def test_vault_path_that_is_a_file_is_an_error(run_cli: RunCli, tmp_path: Path) -> None:
    """Naming a file as the vault gives `Error:` and exit 2, not a traceback."""
    target = tmp_path / "notes.md"
    target.write_text("mine\n", encoding="utf-8")
    result = run_cli("init", target)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {target}: exists and is not a folder")
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_list_without_entries_is_an_error_naming_the_file(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """A reading list with no entries stops init with the file's name and writes nothing."""
    readlist = write_file("empty-ish.md", "# Just a heading\n\nSome prose.\n")
    vault = tmp_path / "v"
    result = run_cli("init", vault, "--readlist", readlist)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {readlist}: no sources found")
    assert not vault.exists()


def test_non_utf8_list_names_file_and_line(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A list in another encoding is reported with its file and the line of the bad byte."""
    readlist = tmp_path / "latin1.md"
    readlist.write_bytes("# Lectures\n\n1. **Caf\u00e9**\n".encode("latin-1"))
    result = run_cli("init", tmp_path / "v", "--readlist", readlist)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {readlist}:3: is not UTF-8 text")


def test_skipped_entries_are_warned_with_file_and_line(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """An entry without a link is skipped with a warning naming its file and line."""
    readlist = write_file("list.md", (
        "# Papers\n\n"
        "1. **Good**\n   [https://example.com/good](https://example.com/good)\n   Why: fine.\n"
        "2. **No link here**\n   Why: forgot the URL.\n"
    ))
    result = run_cli("init", tmp_path / "v", "--readlist", readlist)
    assert result.exit_code == 0
    assert f"warning: {readlist}:6: entry 'No link here' has no http(s) link; skipped" in (
        result.stderr
    )
    assert len(notes_of_kind(tmp_path / "v", "source")) == 1


def test_imported_lists_replace_the_shipped_ones(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """`--readlist` and `--questions` build the vault from the user's files, copied to Lists/."""
    readlist = write_file("awesome.md", (
        "# Awesome RL\n\n## Policy gradients\n\n"
        "- [PPO](https://arxiv.org/abs/1707.06347) - clipped surrogate objective.\n"
        "  - Authors: Schulman et al.\n"
        "- [TRPO](https://arxiv.org/abs/1502.05477) - trust regions.\n"
    ))
    questions = write_file("qs.md", (
        "# Policy gradients\n\n"
        "1. [E] Why does PPO clip the ratio?\n"
        "2. Learning rate.\n"
        "    1. [M] What happens when it is too high?\n"
    ))
    vault = tmp_path / "v"
    result = run_cli("init", vault, "--readlist", readlist, "--questions", questions)
    assert result.exit_code == 0, result.output
    assert "2 sources · 2 questions · 1 topic\n" in result.stdout
    assert (vault / "Lists" / "Reading list.md").read_bytes() == readlist.read_bytes()
    assert (vault / "Lists" / "Question syllabus.md").read_bytes() == questions.read_bytes()
    ppo = vault / "Sources" / "PPO.md"
    data, body = split_note(ppo)
    assert data["topic"] == "[[1 Policy gradients]]"
    assert "clipped surrogate objective." in body
    assert "Authors: Schulman et al." in body
    (high,) = (vault / "Questions").rglob("What happens when it is too high.md")
    data, body = split_note(high)
    assert data["difficulty"] == "M"
    assert "Learning rate." in body


@pytest.mark.parametrize("command", [[], ["init"]])
def test_the_group_and_init_help_show_an_example(run_cli: RunCli, command: list[str]) -> None:
    """`--help` works for the group and each command and shows an example."""
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    assert "vaultkit init" in result.stdout


def test_version_is_reported(run_cli: RunCli) -> None:
    """`vaultkit --version` names the program."""
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("vaultkit, version ")


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    """`python -m vaultkit init` works as a real process and exits 0."""
    result = subprocess.run(
        [sys.executable, "-m", "vaultkit", "init", str(tmp_path / "v")],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "v" / "Home.md").is_file()


SMALL_READLIST = """\
# Papers

## 1. Policy gradients

1. **PPO**
   [https://arxiv.org/abs/1707.06347](https://arxiv.org/abs/1707.06347)
   Why: the clipped surrogate objective.
2. **TRPO**
   [https://arxiv.org/abs/1502.05477](https://arxiv.org/abs/1502.05477)
   Why: trust regions.
"""

SMALL_SYLLABUS = """\
# 1. Policy gradients

* Why does PPO clip the ratio?
* What does a trust region buy?
"""


def test_rerun_without_options_uses_the_vaults_own_lists(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """A vault made from the user's lists gets back only its own deleted note, no shipped ones."""
    readlist = write_file("lists/papers.md", SMALL_READLIST)
    questions = write_file("lists/questions.md", SMALL_SYLLABUS)
    vault = tmp_path / "v"
    made = run_cli("init", vault, "--readlist", readlist, "--questions", questions)
    assert made.exit_code == 0, made.output
    before = notes(vault)
    sources = notes_of_kind(vault, "source")
    ppo = vault / "Sources" / "PPO.md"
    original = ppo.read_bytes()
    ppo.unlink()

    result = run_cli("init", vault)

    assert result.exit_code == 0, result.output
    assert "Created 1 file in" in result.stdout
    assert "2 sources · 2 questions · 1 topic\n" in result.stdout
    assert ppo.read_bytes() == original
    assert notes_of_kind(vault, "source") == sources
    assert notes(vault) == before
    assert not (vault / "Sources" / "Attention Is All You Need.md").exists()


def test_links_option_may_not_change_an_existing_vaults_style(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """`--links markdown` on a wiki-link vault: `Error:`, nothing written; `--links wiki` runs."""
    vault = tmp_path / "v"
    run_cli("init", vault)
    before = all_files(vault)

    refused = run_cli("init", vault, "--links", "markdown")

    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"Error: {vault} uses links = 'wiki' (vaultkit.toml)")
    assert all_files(vault) == before
    same = run_cli("init", vault, "--links", "wiki")
    assert same.exit_code == 0, same.output
