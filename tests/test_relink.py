"""`vaultkit relink` (issue 10, items 3 and 6): the only command that edits the user's notes.

Each story runs through the CLI with a snapshot of every file before and after: a preview
changes no byte; a relink changes only the bytes of the links it names; a note edited between
the plan and the write is left alone and reported; Markdown links are recomputed from the
note's folder; labels, headings and code are kept; a style switch goes through vaultkit.toml.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from tests.conftest import RunCli
from tests.helpers import (
    all_files,
    markdown_link_targets,
    notes_of_kind,
    status_json,
    vaultkit_owned,
)
from tests.test_renames import DPO, GRPO, HUB, cite, link_problems
from vaultkit import config
from vaultkit.cli import main
from vaultkit.commands import relink
from vaultkit.files import renames, writes
from vaultkit.vault.body import links

TOPIC = HUB[7:-3]
"""The hub's file name without folder and `.md`: `1 Post-Training LLMs (…)`."""


@pytest.fixture(scope="module")
def markdown_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    vault = tmp_path_factory.mktemp("markdown") / "vault"
    made = CliRunner().invoke(main, ["init", str(vault), "--links", "markdown"])
    assert made.exit_code == 0, made.output
    return vault


@pytest.fixture
def wiki(seed_vault: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(seed_vault, tmp_path / "wiki", symlinks=True))


@pytest.fixture
def markdown(markdown_seed: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(markdown_seed, tmp_path / "markdown", symlinks=True))


def user_files(vault: Path) -> dict[str, bytes]:
    """Every file the user owns (all but the dashboards and `.vaultkit/`), with its bytes."""
    return {p: data for p, data in all_files(vault).items() if not vaultkit_owned(p)}


def hub_questions(run_cli: RunCli, vault: Path, name: str) -> int:
    """How many questions `status --json` counts under the hub called `name`."""
    [topic] = [t for t in status_json(run_cli, vault)["topics"] if t["name"] == name]
    total = topic["questions"]["total"]
    assert isinstance(total, int)
    return total


def test_the_rename_story_one_problem_preview_relink_clean(run_cli: RunCli, wiki: Path) -> None:
    """`mv` a hub → one problem, and its questions lose their hub → the preview writes nothing
    → relink changes only those links (`[[Old]]` → `[[New|Old]]`, the `topic:` properties to
    `[[New]]`, quoted as YAML needs) → check is clean, and the hub has its questions again."""
    new = "Post-training's hub"
    (wiki / HUB).rename(wiki / "Topics" / f"{new}.md")
    assert len(link_problems(run_cli, wiki)) == 1
    assert hub_questions(run_cli, wiki, new) == 0
    before = user_files(wiki)

    preview = run_cli("relink", wiki, "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert f"-topic: '[[{TOPIC}]]'\n+topic: '[[Post-training''s hub]]'\n" in preview.stdout
    assert (f"-**Topic:** [[{TOPIC}]] · core · Tier 1\n"
            f"+**Topic:** [[{new}|{TOPIC}]] · core · Tier 1\n") in preview.stdout
    assert "40 links in 20 notes would change; nothing written." in preview.stdout
    assert user_files(wiki) == before

    done = run_cli("relink", wiki)
    assert done.exit_code == 0, done.output
    assert "Relinked 40 links in 20 notes." in done.stdout
    after = user_files(wiki)
    assert set(after) == set(before)
    changed = {p for p in before if after[p] != before[p]}
    assert len(changed) == 20
    for path in changed:  # only the link bytes moved
        expected = before[path].decode().replace(
            f"'[[{TOPIC}]]'", "'[[Post-training''s hub]]'").replace(
            f"[[{TOPIC}]]", f"[[{new}|{TOPIC}]]")
        assert after[path].decode() == expected, path
    assert link_problems(run_cli, wiki) == []
    assert hub_questions(run_cli, wiki, new) == 12
    again = run_cli("relink", wiki)
    assert (again.exit_code, again.stdout) == (0, "Nothing to relink.\n")


def test_labels_headings_embeds_kept_and_code_untouched(run_cli: RunCli, wiki: Path) -> None:
    """What the reader saw stays: a label, a heading, an embed; code is not a link."""
    body = (f"[[{DPO}|the DPO paper]], [[{DPO}#Summary]], ![[{DPO}]], `[[{DPO}]]`\n\n"
            f"```\n[[{DPO}]]\n```\n")
    [question] = cite(wiki, body, 1)
    (wiki / "Sources" / f"{DPO}.md").rename(wiki / "Sources" / "DPO.md")
    done = run_cli("relink", wiki)
    assert done.exit_code == 0, done.output
    text = question.read_text(encoding="utf-8")
    assert ("[[DPO|the DPO paper]], [[DPO#Summary|DPO paper (Direct Preference Optimization)]], "
            f"![[DPO]], `[[{DPO}]]`\n\n```\n[[{DPO}]]\n```\n") in text
    assert link_problems(run_cli, wiki) == []


@pytest.mark.parametrize("swap", [True, False], ids=["swap", "re-read only"])
def test_a_note_edited_between_the_plan_and_the_write_is_left_alone(
    wiki: Path, monkeypatch: pytest.MonkeyPatch, swap: bool
) -> None:
    """The plan holds each note's bytes; a note saved meanwhile is skipped and reported, the
    others are written: with an atomic swap, and where the system has none."""
    if not swap:
        def unsupported(first: Path, second: Path) -> None:
            raise renames.RenameUnsupportedError(95, "not supported", str(first))

        monkeypatch.setattr(renames, "exchange", unsupported)
    cited = cite(wiki, f"[[{DPO}]]", 2)
    (wiki / "Sources" / f"{DPO}.md").rename(wiki / "Sources" / "DPO.md")
    plan = relink.plan_relink(wiki, config.load(wiki))
    assert [c.path for c in plan.changes] == [q.relative_to(wiki).as_posix() for q in cited]
    edited = cited[0].read_text(encoding="utf-8") + "A thought added meanwhile.\n"
    cited[0].write_text(edited, encoding="utf-8")

    result = relink.apply_relink(plan)
    assert result.skipped == [(plan.changes[0].path, relink.EDITED)]
    assert [c.path for c in result.written] == [plan.changes[1].path]
    assert cited[0].read_text(encoding="utf-8") == edited
    assert "[[DPO|DPO paper" in cited[1].read_text(encoding="utf-8")


@pytest.mark.skipif(not renames.available(), reason="needs renameat2 (Linux)")
def test_a_save_landing_after_the_last_check_is_swapped_back(
    wiki: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit saved after relink's re-read, just before its swap, comes back out of the swap
    and is put back: the note keeps the user's bytes, and is reported."""
    [question] = cite(wiki, f"[[{DPO}]]", 1)
    (wiki / "Sources" / f"{DPO}.md").rename(wiki / "Sources" / "DPO.md")
    plan = relink.plan_relink(wiki, config.load(wiki))
    edited = question.read_text(encoding="utf-8") + "Saved in the last instant.\n"
    real_write_temp = writes.write_temp

    def save_then_write(final: Path, data: bytes, mode: int | None = None) -> Path:
        question.write_text(edited, encoding="utf-8")  # the editor saves now
        return real_write_temp(final, data, mode)

    monkeypatch.setattr(relink, "write_temp", save_then_write)
    result = relink.apply_relink(plan)
    assert result.skipped == [(plan.changes[0].path, relink.EDITED)]
    assert question.read_text(encoding="utf-8") == edited
    assert not [p for p in question.parent.iterdir() if p.name.startswith(".")]


def test_markdown_mode_a_note_moved_into_a_subfolder_links_again(
    run_cli: RunCli, markdown: Path
) -> None:
    """Its own relative links are recomputed from its new folder, and the links to it lead to
    its new place; each resolves to a file, and the labels are kept."""
    [question] = cite(markdown, f"[the GRPO paper](../../Sources/{quote(GRPO)}.md)", 1)
    (markdown / "Sources" / "sub").mkdir()
    moved = markdown / "Sources" / "sub" / f"{GRPO}.md"
    (markdown / "Sources" / f"{GRPO}.md").rename(moved)
    before = user_files(markdown)
    done = run_cli("relink", markdown)
    assert done.exit_code == 0, done.output
    assert link_problems(run_cli, markdown) == []
    text = moved.read_text(encoding="utf-8")
    assert f"]({quote('../../' + HUB)})" in text
    assert all(t.is_file() for t in markdown_link_targets(moved, text))
    cited = question.read_text(encoding="utf-8")
    assert f"[the GRPO paper](../../Sources/sub/{quote(GRPO)}.md)" in cited
    after = user_files(markdown)
    assert {p for p in before if before[p] != after[p]} == {
        "Sources/sub/" + moved.name, question.relative_to(markdown).as_posix()}


def test_the_style_switch_goes_through_the_setting(run_cli: RunCli, wiki: Path) -> None:
    """`links = "markdown"` → check names the command → relink --links markdown → check clean,
    and the notes link in Markdown (properties stay quoted wikilinks, as Obsidian needs)."""
    settings = wiki / "vaultkit.toml"
    text = settings.read_text(encoding="utf-8")
    line = text[: text.index('links = "wiki"')].count("\n") + 1
    refused = run_cli("relink", wiki, "--links", "markdown")
    assert refused.exit_code == 2
    assert (f'Error: {settings}:{line} says links = "wiki"; relink --links markdown would leave '
            "the notes in another style") in refused.output
    assert 'Change that line to links = "markdown" first' in refused.output

    settings.write_text(text.replace('links = "wiki"', 'links = "markdown"'), encoding="utf-8")
    [problem] = link_problems(run_cli, wiki)
    assert "`vaultkit relink --links markdown` converts them" in problem
    before = user_files(wiki)
    preview = run_cli("relink", wiki, "--links", "markdown", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert user_files(wiki) == before

    done = run_cli("relink", wiki, "--links", "markdown")
    assert done.exit_code == 0, done.output
    assert link_problems(run_cli, wiki) == []
    source = wiki / "Sources" / f"{DPO}.md"
    text = source.read_text(encoding="utf-8")
    assert f"**Topic:** [{TOPIC}](../{quote(HUB)}) · core" in text
    assert f"topic: '[[{TOPIC}]]'" in text
    for note in notes_of_kind(wiki, "question"):
        assert "[[" not in note.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert all(target.endswith(".md") for target in links(text.split("\n---\n", 1)[1]))


def test_relink_help_teaches_and_every_link_problem_names_it(run_cli: RunCli) -> None:
    """--help says what it repairs, what it keeps, and the preview."""
    shown = run_cli("relink", "--help").output
    for words in ("[[Old]] becomes [[New|Old]]", "--dry-run", "--links", "vaultkit.toml",
                  "Links in code are never touched"):
        assert words in re.sub(r"\s+", " ", shown), words
