"""Renames and moves understood (issue 10, items 3 and 6): `check` names a renamed or moved note
once, with its new path, the old name and how many notes link to it; a link no note answers
stays a broken link; one two notes could answer is said so; code is never a link; and a vault
whose notes use another link style than `vaultkit.toml` is told the command that converts them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

from tests.conftest import RunCli
from vaultkit import __version__, config
from vaultkit.vault import cache
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.linkspans import code_ranges, link_spans

DPO = "DPO paper (Direct Preference Optimization)"
GRPO = "GRPO (Group Relative Policy Optimization)"
HUB = "Topics/1 Post-Training LLMs (SFT, DPO, RLHF, preference optimization).md"
LINK_WORDS = ("finds no note", "was renamed", "was moved", "links = ")
"""What every link problem says: other checks (panels, lists) are not this file's business."""


def link_problems(run_cli: RunCli, vault: Path) -> list[str]:
    """The lines of `vaultkit check` about links."""
    checked = run_cli("check", vault)
    return [line for line in checked.stdout.splitlines() if any(w in line for w in LINK_WORDS)]


def cite(vault: Path, text: str, count: int = 3) -> list[Path]:
    """Write `text` at the end of the first `count` question notes, as a user citing a source
    in their answers would; the notes written."""
    questions = sorted((vault / "Questions").rglob("*.md"))[:count]
    for question in questions:
        with question.open("a", encoding="utf-8") as handle:
            handle.write(f"\nAs {text} shows.\n")
    return questions


def test_a_renamed_source_is_one_problem_naming_its_new_path_the_old_name_and_the_count(
    run_cli: RunCli, wiki: Path
) -> None:
    """`mv` a source the user cites in three answers: one problem at its new path, not one
    per linking note."""
    cite(wiki, f"[[{DPO}]]")
    assert link_problems(run_cli, wiki) == []
    (wiki / "Sources" / f"{DPO}.md").rename(wiki / "Sources" / "DPO.md")
    assert link_problems(run_cli, wiki) == [
        f"Sources/DPO.md: was renamed (links to “{DPO}” in 3 notes); "
        "`vaultkit relink` repairs them"
    ]


def test_a_renamed_hub_is_found_by_its_title_without_its_number(
    run_cli: RunCli, wiki: Path
) -> None:
    """A hub's file is `<n> <title>.md`: renamed, the links to it (the `topic:` of every
    source and question) are one problem."""
    (wiki / HUB).rename(wiki / "Topics" / "Post-training.md")
    assert link_problems(run_cli, wiki) == [
        f"Topics/Post-training.md: was renamed (links to “{HUB[7:-3]}” in 20 notes); "
        "`vaultkit relink` repairs them"
    ]


def test_a_link_that_names_no_note_at_all_stays_a_broken_link(
    run_cli: RunCli, wiki: Path
) -> None:
    """A link whose name no note ever had is reported at the note that holds it, as before."""
    [question] = cite(wiki, "[[No Such Note]]", 1)
    relative = question.relative_to(wiki).as_posix()
    assert link_problems(run_cli, wiki) == [f"{relative}: link to “No Such Note” finds no note"]


def test_a_name_two_notes_could_answer_is_reported_not_guessed(
    run_cli: RunCli, wiki: Path
) -> None:
    """Two notes both once called the old name: each link says which two, and no rename is
    claimed."""
    cited = cite(wiki, f"[[{DPO}]]", 2)
    sources = wiki / "Sources"
    (sources / f"{DPO}.md").rename(sources / "DPO A.md")
    shutil.copy(sources / "DPO A.md", sources / "DPO B.md")
    assert link_problems(run_cli, wiki) == [
        f"{q.relative_to(wiki).as_posix()}: link to “{DPO}” finds no note; it could be "
        "Sources/DPO A.md or Sources/DPO B.md, so `vaultkit relink` leaves it: link the one "
        "you mean by hand" for q in cited
    ]


def test_in_markdown_mode_moved_notes_are_named_once_and_their_own_links_too(
    run_cli: RunCli, markdown: Path
) -> None:
    """A hub and a source moved into subfolders: the links to the hub (one problem) and each
    note's own relative links, which now point from its old folder (one problem each); before,
    a Markdown link that found a note of its name anywhere passed."""
    (markdown / "Topics" / "Tier 1").mkdir()
    (markdown / HUB).rename(markdown / "Topics" / "Tier 1" / HUB[7:])
    cite(markdown, f"[GRPO](../../Sources/{quote(GRPO)}.md)", 2)
    (markdown / "Sources" / "sub").mkdir()
    (markdown / "Sources" / f"{GRPO}.md").rename(markdown / "Sources" / "sub" / f"{GRPO}.md")
    panel = "Dashboards/Topics/post-training-llms-sft-dpo-rlhf-preference-optimization.md"
    assert link_problems(run_cli, markdown) == [
        f"Sources/sub/{GRPO}.md: was moved (links to “../../Sources/{GRPO}.md” in 2 notes); "
        "`vaultkit relink` repairs them",
        f"Topics/Tier 1/{HUB[7:]}: was moved (links to “../../{HUB}” in 20 notes); "
        "`vaultkit relink` repairs them",
        f"Topics/Tier 1/{HUB[7:]}: was moved: 1 relative link in it still points from its old "
        f"folder (“../{panel}”); `vaultkit relink` repairs them",
    ]


def test_in_markdown_mode_a_renamed_note_is_found_by_its_old_name(
    run_cli: RunCli, markdown: Path
) -> None:
    """A Markdown link's old file name is the note's alias: a rename, with the old name."""
    cite(markdown, f"[DPO](../../Sources/{quote(DPO)}.md)")
    (markdown / "Sources" / f"{DPO}.md").rename(markdown / "Sources" / "DPO.md")
    assert link_problems(run_cli, markdown) == [
        f"Sources/DPO.md: was renamed (links to “{DPO}” in 3 notes); "
        "`vaultkit relink` repairs them"
    ]


def test_a_link_in_code_is_not_a_link(run_cli: RunCli, wiki: Path) -> None:
    """Inline code and fenced blocks show link syntax; they link nowhere and are not checked."""
    question = next((wiki / "Questions").rglob("*.md"))
    with question.open("a", encoding="utf-8") as handle:
        handle.write("\nWrite `[[Nowhere]]` for a link.\n\n```\n[[Nowhere else]]\n```\n")
    assert link_problems(run_cli, wiki) == []


def test_link_spans_are_found_outside_code_with_their_parts() -> None:
    """Wikilinks, embeds, labels, headings and `%20` paths, each with its exact span."""
    text = ("[[A|shown]] ![[B#Part]] `[[C]]` [x \\[1\\]](../D%20E.md#Top) ``[[F]] ` still``\n"
            "```\n[[G]]\n```\n[[H]]")
    spans = link_spans(text)
    assert [(s.form, s.target, s.fragment, s.label, s.embed) for s in spans] == [
        ("wiki", "A", "", "shown", False),
        ("wiki", "B", "#Part", None, True),
        ("markdown", "../D E.md", "#Top", "x \\[1\\]", False),
        ("wiki", "H", "", None, False),
    ]
    assert [text[s.start:s.end] for s in spans] == [
        "[[A|shown]]", "[[B#Part]]", "[x \\[1\\]](../D%20E.md#Top)", "[[H]]"]
    assert text[slice(*spans[2].href)] == "../D%20E.md#Top"
    assert len(code_ranges(text)) == 3


def test_notes_in_the_other_link_style_are_one_problem_naming_the_fix(
    run_cli: RunCli, wiki: Path
) -> None:
    """`links = "markdown"` over wikilinked notes: one problem at vaultkit.toml with the count
    and the command that converts them."""
    settings = wiki / "vaultkit.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'links = "wiki"', 'links = "markdown"'), encoding="utf-8")
    found = link_problems(run_cli, wiki)
    assert len(found) == 1, found
    made = sum(1 for r in _records(wiki) if r in {"home", "topic", "source", "question"})
    assert re.fullmatch(
        rf'vaultkit\.toml: links = "markdown", but {made} notes vaultkit made still use '
        r"wikilinks \(\[\[x\]\]\): Home\.md, .+ and \d+ more; `vaultkit relink --links markdown` "
        r"converts them \(add --dry-run to see each change first\)", found[0]), found[0]


def _records(vault: Path) -> list[str]:
    index = VaultIndex(vault, config.load(vault), use_cache=False)
    index.scan()
    return [record.kind for record in index.notes()]


def test_a_cache_of_records_without_the_link_facts_is_ignored(wiki: Path) -> None:
    """Records cached before `markdown_links` and `wikilinks` existed are read afresh, never
    taken with those facts missing (the cache key names the record's fields)."""
    settings = config.load(wiki)
    index = VaultIndex(wiki, settings)
    index.scan()
    envelope = json.loads((wiki / cache.INDEX).read_text(encoding="utf-8"))
    fields = list(cache._FIELDS)
    dropped = [fields.index("markdown_links"), fields.index("wikilinks")]
    old_fields = tuple(f for f in fields if f not in {"markdown_links", "wikilinks"})
    for entry in envelope["data"].values():
        record = entry[4]
        if record[0] == "n":
            for at in sorted(dropped, reverse=True):
                del record[at + 1]
    envelope["key"] = cache.key("notes", __version__, old_fields)
    (wiki / cache.INDEX).write_text(json.dumps(envelope), encoding="utf-8")
    assert cache.load_notes(wiki) == {}
    again = VaultIndex(wiki, settings)
    again.scan()
    assert again.records == index.records


def test_indented_code_long_fences_and_comments_are_not_links() -> None:
    """An indented code block (not a list item's indented lines), a ```` fence a ``` line
    does not close, `<!-- … -->` and `%% … %%` hold no link; an unclosed comment hides
    nothing, as `body` counts it."""
    text = ("Example:\n\n    [[A]]\n\n````\n```\n[[B]]\n````\n[[C]] <!-- [[D]] --> %% [[E]] %%\n"
            "- item\n\n    [[F]]\n\nafter\n\n\t[[G]]\n[[H]] `%%` [[I]] <!-- [[J]]\n")
    assert [s.target for s in link_spans(text)] == ["C", "F", "H", "I", "J"]


def test_relink_leaves_links_in_indented_code_long_fences_and_comments(
    run_cli: RunCli, wiki: Path
) -> None:
    """The story of the review: those links are neither problems nor rewritten."""
    (wiki / "Sources" / f"{DPO}.md").rename(wiki / "Sources" / "DPO.md")
    problems = link_problems(run_cli, wiki)
    question = sorted((wiki / "Questions").rglob("*.md"))[0]
    with question.open("a", encoding="utf-8") as handle:
        handle.write(f"\nExample:\n\n    [[{DPO}]]\n\n````\n```\n[[{DPO}]]\n````\n"
                     f"<!-- [[{DPO}]] -->\n%% [[{DPO}]] %%\n")
    data = question.read_bytes()
    assert link_problems(run_cli, wiki) == problems
    done = run_cli("relink", wiki)
    assert done.exit_code == 0, done.output
    assert question.read_bytes() == data
