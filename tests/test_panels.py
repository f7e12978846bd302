"""Topic panels and the topic index: the live status user notes embed.

vaultkit never rewrites a hub, Home or a question note; it owns `Dashboards/Topics/<key>.md`
(one panel per topic) and `Dashboards/Topic index.md`, which those notes embed from init on.

Golden files: `fixtures/dashboards/Topics/<key>.md` is what `vaultkit build` writes for the
vault `test_dashboards.studied` describes (the topic index is with the dashboards' goldens).
`VAULTKIT_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_panels.py` rewrites them (those
tests then skip); review the diff by hand.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import age, all_files, set_status, split_note, wait_until, watching_vault
from tests.test_dashboards import READLIST, SYLLABUS, build, make_vault, study
from vaultkit.config import Settings
from vaultkit.model import Kind, ListedIds
from vaultkit.report import panels
from vaultkit.report.progress import measure
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.notes import NoteRecord
from vaultkit.watch.live import LiveVault

GOLDEN = Path(__file__).parent / "fixtures" / "dashboards" / "Topics"
REGEN_ENV = "VAULTKIT_REGEN_GOLDEN"
ALPHA = "Dashboards/Topics/alpha-topic.md"
BETA = "Dashboards/Topics/beta-topic.md"
INDEX = "Dashboards/Topic index.md"
ALPHA_HUB = "Topics/1 Alpha Topic.md"


def text(vault: Path, relative: str) -> str:
    return (vault / relative).read_text(encoding="utf-8")


def section(page: str, heading: str) -> str:
    """The text under a `## heading`, to the next `## `."""
    return page.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def users_notes(vault: Path) -> dict[str, bytes]:
    """Every file vaultkit must never change once written: all but its own pages and memory."""
    return {path: data for path, data in all_files(vault).items()
            if not path.startswith(("Dashboards/", ".vaultkit/"))}


@pytest.fixture(scope="module")
def studied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small vault of test_dashboards after its weeks of study and a build."""
    vault = make_vault(tmp_path_factory.mktemp("studied"))
    study(vault)
    build(vault)
    return vault


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A fresh vault of the small lists, just made by `init`."""
    return make_vault(tmp_path)


# --- what a panel says -----------------------------------------------------------------------


def test_a_panel_shows_each_source_and_question_with_its_status(studied: Path) -> None:
    """Sources by role and questions by level, each with a mark and its status as written."""
    alpha = text(studied, ALPHA)
    assert section(alpha, "## Sources") == (
        "\n### Core\n\n"
        "- ✓ [[Alpha Core One]] · read\n"
        "- ✓ [[Alpha Core Two]] · summarized\n\n"
        "### Practitioner\n\n"
        "- ✓ [[Alpha Practice]] · summarized\n"
    )
    questions = section(alpha, "## Questions")
    assert ("### Foundational\n\n- ✓ [[What is alpha|What is alpha?]] · refined\n"
            "- ? [[Why does alpha matter|Why does alpha matter?]] · answered\n") in questions
    assert "### Interview-style\n\n- ✓ [[How would you debug alpha|" in questions
    beta = text(studied, BETA)
    assert "- … [[Beta Practice One]] · reading\n" in beta  # being read
    assert "- ○ [[Beta Core]] · unread\n" in beta
    assert "- … [[What is beta|What is beta?]] · drafted\n" in beta


def test_a_panel_says_what_the_method_still_asks_and_the_next_step(studied: Path) -> None:
    """Coverage line by line from the method's targets; the next step is the first unmet one."""
    beta = text(studied, BETA)
    assert section(beta, "## Coverage") == (
        "\n- ✗ Read 1 core source: 0 of 1 read\n"
        "- ✗ Cross-check with 1 practitioner source: 0 of 2 read\n"
        "- ✗ Summary in the hub: 2 of at least 5 lines\n"
        "- ✗ Refine 3 questions: 1 refined, 2 drafted\n\n"
        "**Covered:** ✗\n"
    )
    # Two of three drafted: draft one more before reading.
    assert section(beta, "## Next step") == (
        "\nAnswer [[Would you ship beta|Would you ship beta?]] under “Answer before reading”, "
        "before you read.\n"
    )
    alpha = text(studied, ALPHA)
    assert "**Covered:** ✓" in alpha
    assert section(alpha, "## Next step") == "\nNothing: this topic is covered.\n"


def test_the_topic_index_groups_topics_as_the_lists_do(studied: Path) -> None:
    """Every topic with its coverage under the list's headings; optional topics apart."""
    index = text(studied, INDEX)
    assert "1 of 2 topics covered." in index
    assert index.index("### Tier 1 — Core") < index.index("- ✓ [[1 Alpha Topic]]: 3 of 3 read")
    assert index.index("- ✗ [[2 Beta Topic]]") < index.index("### Optional topics")
    assert index.index("### Optional topics") < index.index("[[3 Frontier Reading (Optional)]]")


def test_the_topic_index_keeps_the_lists_prose_under_its_headings(seed_vault: Path) -> None:
    """The shipped list's words under a tier or a group stay under that heading, as on Home."""
    index = text(seed_vault, INDEX)
    assert ("### Tier 3 — Research Judgment & Taste\n\nThis is subtle but decisive.\n\n"
            "- ✗ [[7 Experiment Design & Taste]]") in index
    assert ("#### B. Case Studies & Post-Mortems (Read Slowly)\n\nThese are **gold**. Read for "
            "reasoning, not conclusions.\n\n- ✗ [[15 Real Failures]]") in index


def test_panels_and_the_index_are_not_notes_of_the_study(studied: Path, run_cli: RunCli) -> None:
    """Marked `vaultkit: dashboard`: not counted, not duplicates, not copies kept aside."""
    data, _ = split_note(studied / ALPHA)
    assert (data["vaultkit"], data["id"]) == ("dashboard", "panel-alpha-topic")
    assert split_note(studied / INDEX)[0]["id"] == "topic-index"
    status = run_cli("status", studied, "--json")
    figures = json.loads(status.stdout)
    assert (figures["sources"]["total"], figures["questions"]["total"]) == (7, 7)
    assert [p for p in figures["problems"] if p["path"].startswith("Dashboards/")] == []


# --- escaping, both link styles (pure) -------------------------------------------------------

HOSTILE = "a | b ]] `code` <!-- x --> %% #tag $math$ [[link]] *star*\nsecond line"


def _render(tmp_path: Path, settings: Settings) -> dict[str, str]:
    """The panels of a hand-made index: one hub, one hostile source, one hostile question."""
    index = VaultIndex(tmp_path, settings)
    index.records = {
        "Topics/1 Hub.md": NoteRecord("Topics/1 Hub.md", Kind.TOPIC, "t-hub", "Hub"),
        "Sources/odd # name.md": NoteRecord(
            "Sources/odd # name.md", Kind.SOURCE, "s-1", HOSTILE, status="reading <b>",
            topic="1 Hub", role="core ## | x"),
        "Questions/q.md": NoteRecord("Questions/q.md", Kind.QUESTION, "q-1", HOSTILE,
                                     topic="1 Hub", level="deep", group="g | <i>"),
    }
    listed = ListedIds(topics=("t-hub",), outline=((f"Tier {HOSTILE}",),))
    return panels.render(measure(index, settings), settings, listed)


def test_what_a_note_says_cannot_break_a_panel(tmp_path: Path) -> None:
    """Titles, statuses, roles, groups and headings are escaped; a name a wikilink cannot hold
    gets a Markdown link."""
    pages = _render(tmp_path, Settings())
    panel = pages["Dashboards/Topics/hub.md"]
    for bad in ("<!--", "%%", "<b>", "<i>", "[[link]]", "`code`", "$math$"):
        assert re.search(rf"(?<!\\){re.escape(bad)}", panel) is None, bad  # each escaped
    assert "\nsecond line" not in panel
    # `#` cannot be in a wikilink's target: a relative Markdown link instead, every byte escaped.
    assert ("- ? [a \\| b \\]\\] \\`code\\` \\<!-- x --\\> \\%\\% \\#tag \\$math\\$ "
            "\\[\\[link\\]\\] \\*star\\* second line](../../Sources/odd%20%23%20name.md) · "
            "reading \\<b\\>\n") in panel
    assert "### Core \\#\\# \\| x\n" in panel
    assert "### Deep understanding · g \\| \\<i\\>\n" in panel
    index = pages["Dashboards/Topic index.md"]
    assert "\n### Tier a \\| b \\]\\] \\`code\\`" in index
    assert re.search(r"(?<!\\)<!--", index) is None


def test_markdown_style_panels_link_by_relative_path(tmp_path: Path) -> None:
    """With `links = "markdown"` every link of a panel is a relative, %-encoded path."""
    pages = _render(tmp_path, Settings(links="markdown"))
    panel = pages["Dashboards/Topics/hub.md"]
    assert "[[" not in panel
    assert "*Live status of [1 Hub](../../Topics/1%20Hub.md)," in panel
    assert "](../../Questions/q.md) · unanswered" in panel
    assert "[1 Hub](../Topics/1%20Hub.md)" in pages[INDEX]


# --- golden panels -----------------------------------------------------------------------------


def test_golden_panels(studied: Path) -> None:
    """Each panel of the studied vault is byte for byte its golden file, and there is one
    golden file per panel."""
    written = {p.name: p.read_text(encoding="utf-8")
               for p in (studied / "Dashboards" / "Topics").glob("*.md")}
    if os.environ.get(REGEN_ENV) == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, page in written.items():
            (GOLDEN / name).write_text(page, encoding="utf-8")
        pytest.skip(f"wrote {len(written)} panels; review the diff, then run without {REGEN_ENV}")
    expected = {p.name: p.read_text(encoding="utf-8") for p in GOLDEN.glob("*.md")}
    assert sorted(written) == sorted(expected) == [
        "alpha-topic.md", "beta-topic.md", "frontier-reading-optional.md"]
    for name, page in written.items():
        assert page == expected[name], name


# --- embeds, written once at init ----------------------------------------------------------


def test_init_writes_the_embeds_and_check_finds_nothing_broken(
    vault: Path, run_cli: RunCli
) -> None:
    """Hubs embed their panel, Home the topic index, questions the panel's Sources; before the
    first build (the pages not written yet) no embed is a broken link."""
    hub = text(vault, ALPHA_HUB)
    assert "\n![[Dashboards/Topics/alpha-topic]]\n" in hub
    assert "### Core" not in hub  # the static lists are gone: the panel shows them
    assert "\n## Topics\n\n![[Dashboards/Topic index]]\n" in text(vault, "Home.md")
    question = text(vault, "Questions/1 Alpha Topic/What is alpha.md")
    assert question.endswith(
        "## Sources for this topic\n\n![[Dashboards/Topics/alpha-topic#Sources]]\n")
    assert "\n## Sources\n" in text(vault, ALPHA)  # the heading the question embeds
    shutil.rmtree(vault / "Dashboards")
    before = all_files(vault)
    checked = run_cli("check", vault)
    assert checked.exit_code == 0, checked.output
    assert all_files(vault) == before


def test_markdown_vaults_link_to_the_panel_instead(tmp_path: Path, run_cli: RunCli,
                                                    write_file: Callable[[str, str], Path]
                                                    ) -> None:
    """With `--links markdown` the embed line is a plain relative link, never `![…](…)`."""
    lists = ("--readlist", write_file("r.md", READLIST),
             "--questions", write_file("q.md", SYLLABUS))
    vault = tmp_path / "v"
    assert run_cli("init", vault, "--links", "markdown", *lists).exit_code == 0
    hub = text(vault, ALPHA_HUB)
    assert ("\n[This topic's sources and questions, with their status]"
            "(../Dashboards/Topics/alpha-topic.md)\n") in hub
    assert "![" not in hub
    assert "[[" not in hub
    assert "\n## Topics\n\n[Every topic, with its coverage](Dashboards/Topic%20index.md)\n" in (
        text(vault, "Home.md"))
    question = text(vault, "Questions/1 Alpha Topic/What is alpha.md")
    # Only the section the embed would show, as `relink --links markdown` writes it too.
    assert "(../../Dashboards/Topics/alpha-topic.md#Sources)\n" in question
    assert run_cli("check", vault).exit_code == 0


# --- the story: the lists grow, the user's notes stay as they are ----------------------------

NEW_SOURCE = """\
3. **Alpha Core Three**  
   [https://example.com/alpha-core-3](https://example.com/alpha-core-3)  
   Why: Added later.

"""  # noqa: W291
NEW_SECTION = """\

## 3. Delta Topic

### Core reading

1. **Delta Core**  
   [https://example.com/delta-core](https://example.com/delta-core)  
   Why: A new section.
"""  # noqa: W291


def grow_the_list(vault: Path) -> None:
    """A source added to topic 1 and a new section after topic 2, as a user types them."""
    reading = vault / "Lists" / "Reading list.md"
    list_text = reading.read_text(encoding="utf-8")
    list_text = list_text.replace("### Practitioner insight\n\n1. **Alpha Practice**",
                                  NEW_SOURCE + "### Practitioner insight\n\n1. **Alpha Practice**")
    list_text = list_text.replace("\n---\n\n# Frontier", NEW_SECTION + "\n---\n\n# Frontier")
    reading.write_text(list_text, encoding="utf-8")


def test_sync_shows_new_entries_in_panels_without_touching_a_users_note(
    vault: Path, run_cli: RunCli
) -> None:
    """After `sync`, the index lists the new topic, panel 1 the new source; Home, every hub and
    every question keep their bytes; the new hub embeds its own panel."""
    before = users_notes(vault)
    grow_the_list(vault)
    synced = run_cli("sync", vault)
    assert synced.exit_code == 0, synced.output
    after = users_notes(vault)
    changed = {path for path in before if after.get(path) != before[path]}
    assert changed == {"Lists/Reading list.md"}
    assert sorted(set(after) - set(before)) == [
        "Sources/Alpha Core Three.md", "Sources/Delta Core.md", "Topics/3 Delta Topic.md"]
    assert "- ○ [[Alpha Core Three]] · unread\n" in section(text(vault, ALPHA), "## Sources")
    index = text(vault, INDEX)
    assert index.index("[[2 Beta Topic]]") < index.index("- ✗ [[3 Delta Topic]]: 0 of 1 read")
    assert index.index("[[3 Delta Topic]]") < index.index("### Optional topics")
    assert "\n![[Dashboards/Topics/delta-topic]]\n" in text(vault, "Topics/3 Delta Topic.md")
    assert "- ○ [[Delta Core]] · unread" in text(vault, "Dashboards/Topics/delta-topic.md")
    assert run_cli("check", vault).exit_code == 0


def test_renaming_a_hub_keeps_its_panel(vault: Path, run_cli: RunCli) -> None:
    """The panel is named from the topic's key, not the hub's file name: after a rename the
    embed still finds it, and the panel links the hub under its new name."""
    (vault / ALPHA_HUB).rename(vault / "Topics" / "Alpha, my way.md")
    assert run_cli("build", vault).exit_code == 0
    assert "*Live status of [[Alpha, my way]]" in text(vault, ALPHA)
    # Its notes still name it `1 Alpha Topic`: it is found by its title, so they count.
    assert "[[Alpha Core One]]" in section(text(vault, ALPHA), "## Sources")
    assert "|What is alpha?]] · unanswered" in section(text(vault, ALPHA), "## Questions")
    # Notes still link the old name (relink's business), but the embed is sound.
    assert "Dashboards/Topics" not in run_cli("check", vault).output


def test_a_hand_edited_panel_is_kept_aside(vault: Path, run_cli: RunCli) -> None:
    """An edit saved in a panel moves to `<name> (edited).md` intact, reported; a fresh panel
    takes its place and the copy is not counted as a panel."""
    panel = vault / ALPHA
    edited = panel.read_text(encoding="utf-8") + "\nMy own line.\n"
    panel.write_text(edited, encoding="utf-8")
    checked = run_cli("check", vault)
    assert "Dashboards/Topics/alpha-topic.md: edited by hand" in checked.output
    set_status(vault / "Sources" / "Alpha Core One.md", "reading")
    built = run_cli("build", vault)
    assert built.exit_code == 0, built.output
    copy = vault / "Dashboards" / "Topics" / "alpha-topic (edited).md"
    assert copy.read_text(encoding="utf-8") == edited
    assert "My own line." not in panel.read_text(encoding="utf-8")
    assert "- … [[Alpha Core One]] · reading" in panel.read_text(encoding="utf-8")
    assert "alpha-topic (edited).md" in built.output
    again = run_cli("check", vault)
    assert "alpha-topic (edited).md: your edits to a generated dashboard, kept aside" in (
        again.output)


def test_a_panel_remembered_from_an_earlier_build_is_read_again_once_edited(
    vault: Path, run_cli: RunCli
) -> None:
    """Pages read once are remembered by stamp in the process (a watcher's many rebuilds): an
    edit changes the stamp, so the next build sees it and keeps it aside."""
    age(vault)
    assert run_cli("build", vault).exit_code == 0  # every page read, old enough to remember
    panel = vault / ALPHA
    edited = panel.read_text(encoding="utf-8") + "\nMine.\n"
    panel.write_text(edited, encoding="utf-8")
    assert run_cli("build", vault).exit_code == 0
    kept = vault / "Dashboards" / "Topics" / "alpha-topic (edited).md"
    assert kept.read_text(encoding="utf-8") == edited
    assert "Mine." not in panel.read_text(encoding="utf-8")


# --- vaults made before panels ------------------------------------------------------------------


def test_check_names_hubs_and_home_without_embeds_and_the_line_to_paste(
    vault: Path, run_cli: RunCli
) -> None:
    """A hub and a Home from before panels: `check` names each with the one line to paste, and
    nothing is inserted, by `check` or `build`."""
    for relative, line in ((ALPHA_HUB, "![[Dashboards/Topics/alpha-topic]]\n"),
                           ("Home.md", "![[Dashboards/Topic index]]\n")):
        note = vault / relative
        note.write_text(note.read_text(encoding="utf-8").replace(line, ""), encoding="utf-8")
    before = users_notes(vault)
    checked = run_cli("check", vault)
    assert checked.exit_code == 1
    assert ("Topics/1 Alpha Topic.md: shows no panel of its topic, so its sources and questions "
            "show no status and new ones are not listed; paste this line where you want them: "
            "![[Dashboards/Topics/alpha-topic]]") in checked.output
    assert ("Home.md: shows no topic index, so topics added to your lists later are not listed "
            "here; paste this line under its Topics heading: ![[Dashboards/Topic index]]") in (
        checked.output)
    assert "Topics/2 Beta Topic.md" not in checked.output
    assert run_cli("build", vault).exit_code == 0
    assert users_notes(vault) == before


# --- with `watch` running ------------------------------------------------------------------------


@pytest.fixture
def watching() -> Iterator[Callable[[Path], LiveVault]]:
    """Start a LiveVault and its watcher as `watch_vault` does (a real observer, in a thread)."""
    with ExitStack() as stack:
        yield lambda vault: stack.enter_context(
            watching_vault(vault, quiet=0.05, max_wait=0.5))


def test_watch_keeps_panels_and_the_index_current(
    vault: Path, watching: Callable[[Path], LiveVault]
) -> None:
    """A status saved shows in its panel; a section added to the list shows in the index once
    the list has been left alone, and the user's notes keep their bytes throughout."""
    watching(vault)
    set_status(vault / "Sources" / "Beta Core.md", "read")
    wait_until(lambda: "- ✓ [[Beta Core]] · read\n" in text(vault, BETA),
               what="Beta's panel to show Beta Core read")
    before = users_notes(vault)
    grow_the_list(vault)
    wait_until(lambda: "[[3 Delta Topic]]" in text(vault, INDEX), timeout=20,
               what="the topic index to list the new section")
    wait_until(lambda: "[[Alpha Core Three]]" in text(vault, ALPHA),
               what="panel 1 to list the new source")
    after = users_notes(vault)
    assert {p for p in before if after[p] != before[p]} == {"Lists/Reading list.md"}


def test_a_panel_lists_questions_in_the_lists_order_within_a_level(seed_vault: Path) -> None:
    """The list author's order, as for sources (and as the hub listed them before panels):
    the shipped syllabus's first foundational question of topic 1 comes first, though another
    sorts before it by name; the next step suggests it."""
    panel = next((seed_vault / "Dashboards" / "Topics").glob("post-training-*.md"))
    page = panel.read_text(encoding="utf-8")
    foundational = section(page, "## Questions").split("### Foundational\n", 1)[1]
    shown = re.findall(r"^- \S+ \[\[[^]|]*\|([^]]*)\]\]", foundational.split("\n###", 1)[0], re.M)
    assert shown[:2] == [
        "What problem is post-training solving that pretraining does not?",
        "When does SFT help, and when does it actively hurt a model?",
    ]
    assert "What problem is post-training solving" in section(page, "## Next step")


def test_a_reworded_heading_keeps_its_place_in_the_topic_index(vault: Path, run_cli: RunCli
                                                                ) -> None:
    """The index is ordered and grouped by what the lists name, as the vault knows it: a topic
    whose heading was reworded is named by the hub `sync` kept, so it stays under its tier."""
    reading = vault / "Lists" / "Reading list.md"
    reading.write_text(reading.read_text(encoding="utf-8").replace(
        "## 1. Alpha Topic", "## 1. Alpha Topics Revisited"), encoding="utf-8")
    assert run_cli("sync", str(vault)).exit_code == 0
    index = text(vault, INDEX)
    assert "Not in your lists" not in index
    tier = index.split("### Tier 1 — Core\n", 1)[1].split("\n### ", 1)[0]
    assert "1 Alpha Topic" in tier


def test_a_file_of_yours_in_the_panels_folder_is_not_taken_for_an_edited_panel(
    vault: Path, run_cli: RunCli
) -> None:
    """Only the panels the index knows (one per hub, or a page with a panel's id) are judged:
    your own note dropped among them is neither copied aside nor called a hand edit."""
    mine = vault / "Dashboards" / "Topics" / "mine.md"
    mine.write_text("my own note\n", encoding="utf-8")
    built = run_cli("build", vault)
    assert built.exit_code == 0, built.output
    assert "kept your edits" not in built.output
    assert sorted(p.name for p in mine.parent.glob("mine*")) == ["mine.md"]
    assert mine.read_text(encoding="utf-8") == "my own note\n"
    assert "edited by hand" not in run_cli("check", vault).output
