"""`vaultkit relink` (issue 10, items 3 and 6): the only command that edits the user's notes.

Each story runs through the CLI with a snapshot of every file before and after: a preview
changes no byte; a relink changes only the bytes of the links it names; a note edited between
the plan and the write is left alone and reported; Markdown links are recomputed from the
note's folder; labels, headings and code are kept; a style switch goes through vaultkit.toml.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

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
from vaultkit.commands import relink
from vaultkit.files import renames, writes
from vaultkit.vault import frontmatter as fm
from vaultkit.vault.body import links

TOPIC = HUB[7:-3]
"""The hub's file name without folder and `.md`: `1 Post-Training LLMs (…)`."""


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
    """`mv` a hub → one problem (its notes still count: the hub is found by its title) → the
    preview writes nothing
    → relink changes only those links (`[[Old]]` → `[[New|Old]]`, the `topic:` properties to
    `[[New]]`, quoted as YAML needs) → check is clean, and the hub keeps its questions."""
    new = "Post-training's hub"
    (wiki / HUB).rename(wiki / "Topics" / f"{new}.md")
    assert len(link_problems(run_cli, wiki)) == 1
    assert hub_questions(run_cli, wiki, new) == 12
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


def test_a_link_inside_a_converted_link_is_repaired_and_the_outer_one_left(
    run_cli: RunCli, wiki: Path
) -> None:
    """`[see [[Old]] here](Old.md)` under `--links wiki`: converting the outer link rewrites
    its label, so the two edits overlap. The inner link is repaired, the outer one is left as
    it is and named; nothing after it is touched (it was spliced at moved offsets)."""
    outer = f"[see [[{DPO}]] here](../../Sources/{quote(DPO)}.md) TAIL"
    [question] = cite(wiki, outer, 1)
    (wiki / "Sources" / f"{DPO}.md").rename(wiki / "Sources" / "DPO.md")
    done = run_cli("relink", wiki, "--links", "wiki")
    assert done.exit_code == 0, done.output
    text = question.read_text(encoding="utf-8")
    assert f"As [see [[DPO|{DPO}]] here](../../Sources/{quote(DPO)}.md) TAIL shows.\n" in text
    assert "holds or crosses another link that changes; edit it by hand" in done.stderr


def test_a_property_label_is_escaped_once_and_reads_back_as_written(
    run_cli: RunCli, wiki: Path
) -> None:
    """A `topic:` label with a quote in it, single- and double-quoted: the repaired property
    reads as the new link with the label the user wrote, not an escaped one."""
    first, second = sorted((wiki / "Questions").rglob("*.md"))[:2]
    old_line = f"topic: '[[{TOPIC}]]'"
    for note, value in ((first, f"'[[{TOPIC}|Bob''s hub]]'"),
                        (second, f'"[[{TOPIC}|say \\"hi\\" \\\\ now]]"')):
        text = note.read_text(encoding="utf-8")
        assert old_line in text
        note.write_text(text.replace(old_line, f"topic: {value}"), encoding="utf-8")
    (wiki / HUB).rename(wiki / "Topics" / "Post.md")
    done = run_cli("relink", wiki)
    assert done.exit_code == 0, done.output
    topics = [fm.parse(fm.split(n.read_text(encoding="utf-8")).frontmatter or "")["topic"]
              for n in (first, second)]
    assert topics == ["[[Post|Bob's hub]]", '[[Post|say "hi" \\ now]]']
    assert "topic: '[[Post|Bob''s hub]]'" in first.read_text(encoding="utf-8")


def test_a_note_that_is_a_link_is_never_written(
    run_cli: RunCli, wiki: Path, tmp_path: Path
) -> None:
    """A note that is a symbolic link (to a file outside the vault, or inside) or has another
    hard link: relink would replace the link by a file and leave the other name with the old
    text. It is named, never written, and relink exits 2; the other notes are relinked."""
    outside, hard, plain = cite(wiki, f"[[{DPO}]]", 3)
    away = tmp_path / "outside.md"
    outside.rename(away)
    outside.symlink_to(away)
    (tmp_path / "hard.md").hardlink_to(hard)
    targets = {away: away.read_bytes(), hard: hard.read_bytes()}
    (wiki / "Sources" / f"{DPO}.md").rename(wiki / "Sources" / "DPO.md")

    done = run_cli("relink", wiki)
    assert done.exit_code == 2
    assert outside.is_symlink()
    assert {p: p.read_bytes() for p in targets} == targets
    assert hard.stat().st_nlink == 2
    assert "[[DPO|" in plain.read_text(encoding="utf-8")
    for note, why in ((outside, relink.LINKED), (hard, relink.HARD_LINKED)):
        assert f"{note.relative_to(wiki).as_posix()}: {why}" in done.stderr


def test_a_note_made_a_link_after_the_plan_is_not_written(wiki: Path, tmp_path: Path) -> None:
    """The check is made again at the write: a note that became a symbolic link meanwhile."""
    [question] = cite(wiki, f"[[{DPO}]]", 1)
    (wiki / "Sources" / f"{DPO}.md").rename(wiki / "Sources" / "DPO.md")
    plan = relink.plan_relink(wiki, config.load(wiki))
    away = tmp_path / "away.md"
    question.rename(away)
    question.symlink_to(away)
    before = away.read_bytes()
    result = relink.apply_relink(plan)
    assert result.skipped == [(plan.changes[0].path, relink.LINKED)]
    assert question.is_symlink()
    assert away.read_bytes() == before


def test_a_note_changed_just_after_its_write_is_written_with_a_warning(
    wiki: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-read after the write differs (a save landed just after): the note was written,
    so it is reported as written, with a warning, not as skipped."""
    [question] = cite(wiki, f"[[{DPO}]]", 1)
    (wiki / "Sources" / f"{DPO}.md").rename(wiki / "Sources" / "DPO.md")
    plan = relink.plan_relink(wiki, config.load(wiki))
    real_write = relink._write

    def write_then_save(path: Path, change: relink.NoteChange) -> str | None:
        why = real_write(path, change)
        question.write_bytes(question.read_bytes() + b"Saved just after.\n")
        return why

    monkeypatch.setattr(relink, "_write", write_then_save)
    result = relink.apply_relink(plan)
    assert (result.written, result.skipped) == (plan.changes, [])
    assert result.warnings == [(plan.changes[0].path, relink.AGAIN)]


def test_a_note_that_is_not_utf8_is_named_and_relink_exits_2(
    run_cli: RunCli, wiki: Path
) -> None:
    """Nothing else to relink, but a note could not be read: not "done", exit 2 naming it."""
    [question] = cite(wiki, "a citation", 1)
    data = question.read_bytes() + "café".encode("latin-1")
    question.write_bytes(data)
    done = run_cli("relink", wiki)
    assert done.exit_code == 2
    assert done.stdout == "Nothing to relink in the notes read.\n"
    name = question.relative_to(wiki).as_posix()
    assert f"not read  {name}: is not UTF-8 text" in done.stderr
    assert question.read_bytes() == data


def test_a_crlf_note_with_a_bom_keeps_both(run_cli: RunCli, wiki: Path) -> None:
    """Only the link's characters change: the byte order mark and every CRLF stay."""
    [question] = cite(wiki, f"[[{DPO}]]", 1)
    text = question.read_text(encoding="utf-8")
    question.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    (wiki / "Sources" / f"{DPO}.md").rename(wiki / "Sources" / "DPO.md")
    done = run_cli("relink", wiki)
    assert done.exit_code == 0, done.output
    expected = text.replace(f"[[{DPO}]]", f"[[DPO|{DPO}]]").replace("\n", "\r\n")
    assert question.read_bytes() == b"\xef\xbb\xbf" + expected.encode()


def test_switching_style_and_back_gives_the_notes_init_writes(
    run_cli: RunCli, wiki: Path, markdown_seed: Path, seed_vault: Path
) -> None:
    """A wiki vault converted to Markdown has the very notes `init --links markdown` writes
    (the panel lines as labelled links, the question's `#Sources` kept), and converted back it
    has its own again: embeds, not plain links, so Obsidian still shows the panels."""
    settings = wiki / "vaultkit.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'links = "wiki"', 'links = "markdown"'), encoding="utf-8")
    assert run_cli("relink", wiki, "--links", "markdown").exit_code == 0
    assert user_files(wiki) == user_files(markdown_seed)

    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'links = "markdown"', 'links = "wiki"'), encoding="utf-8")
    assert run_cli("relink", wiki, "--links", "wiki").exit_code == 0
    assert user_files(wiki) == user_files(seed_vault)
    assert run_cli("check", wiki).exit_code == 0
