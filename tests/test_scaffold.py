"""The scaffold: the snapshot of a vault's notes, the plan of every file, and creating it.

Names are unique across the vault (ignoring case) and safe; a note the vault has is found by
its id wherever it is, skipped, and linked where it is; planning and a dry run write nothing;
creating never overwrites. Lists are real files, parsed as `init` parses them.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from tests.helpers import all_files, split_note
from vaultkit.config import Settings
from vaultkit.lists import load_reading_list, load_syllabus
from vaultkit.lists.joins import combine
from vaultkit.model import Catalog
from vaultkit.scaffold.create import create_files
from vaultkit.scaffold.existing import scan_existing
from vaultkit.scaffold.plan import Plan, plan_files

READLIST = """\
## 3. Alpha Topic

### Core reading

1. **Home**  
   [https://example.com/home](https://example.com/home)  
   Why: Named like Home.md.
2. **Progress**  
   [https://example.com/progress](https://example.com/progress)  
   Why: Named like a dashboard.
3. **Reading list**  
   [https://example.com/reading-list](https://example.com/reading-list)  
   Why: Named like a list.
4. **A/B**  
   [https://example.com/a-slash-b](https://example.com/a-slash-b)  
   Why: A separator in the title.
5. **a-b**  
   [https://example.com/a-dash-b](https://example.com/a-dash-b)  
   Why: The name of the one above, in another case.
6. **../../escape**  
   [https://example.com/escape](https://example.com/escape)  
   Why: A title that looks like a path.

## Unnumbered Topic

1. **Plain**  
   [https://example.com/plain](https://example.com/plain)  
   Why: A topic without a number.

## 7. Gamma Topic

1. **Gamma Source**  
   [https://example.com/gamma](https://example.com/gamma)  
   Why: Listed after the unnumbered topic.
"""  # noqa: W291 - the seed's shape ends lines with two spaces (a Markdown line break)
SYLLABUS = """\
# 3. Alpha Topic

## Foundational questions

* What is alpha?
"""
ALPHA_HUB = PurePosixPath("Topics/3 Alpha Topic.md")
MOVED_HUB = PurePosixPath("Mine/My hub.md")
PLAIN = PurePosixPath("Sources/Plain.md")
ESCAPE = PurePosixPath("Sources/escape.md")
QUESTION = PurePosixPath("Questions/3 Alpha Topic/What is alpha.md")


def note(vault: Path, relative: str, text: str) -> Path:
    path = vault / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    """The lists above, read from files as `init` reads them."""
    readlist = note(tmp_path, "lists/readlist.md", READLIST)
    syllabus = note(tmp_path, "lists/syllabus.md", SYLLABUS)
    return combine(load_reading_list(readlist), load_syllabus(syllabus))


def plan_for(catalog: Catalog, vault: Path) -> Plan:
    """The plan `init` makes for the vault as it is now, lists included."""
    lists = {"reading_list": READLIST.encode(), "syllabus": SYLLABUS.encode()}
    return plan_files(catalog, Settings(), vault, scan_existing(vault), lists)


def test_the_snapshot_finds_each_note_by_id_wherever_it_is(tmp_path: Path) -> None:
    """Ids and kinds come from vaultkit's notes in any folder, names from every Markdown
    file; dot-folders are skipped, and a folder that does not exist holds nothing."""
    vault = tmp_path / "vault"
    assert scan_existing(vault).paths_by_id == {}
    note(vault, "Deep/Folder/Moved.md", "---\nvaultkit: source\nid: s-moved\n---\nbody\n")
    note(vault, "Plain.md", "no frontmatter\n")
    note(vault, ".trash/Gone.md", "---\nvaultkit: source\nid: s-gone\n---\nbody\n")
    note(vault, "picture.png", "not a note")

    existing = scan_existing(vault)

    assert existing.paths_by_id == {"s-moved": PurePosixPath("Deep/Folder/Moved.md")}
    assert existing.kinds_by_id == {"s-moved": "source"}
    assert existing.names == {"Moved", "Plain"}


def test_fixed_names_come_first_and_every_name_is_unique_and_safe(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Sources named like Home, a dashboard or a list get ` (2)`; names that differ only in
    case get ` (2)`; a title that looks like a path stays a name inside its folder."""
    plan = plan_for(catalog, tmp_path / "vault")

    sources = [f.path.as_posix() for f in plan.files if f.kind == "source"]
    assert sources == [
        "Sources/Home (2).md", "Sources/Progress (2).md", "Sources/Reading list (2).md",
        "Sources/A-B.md", "Sources/a-b (2).md", "Sources/escape.md", "Sources/Plain.md",
        "Sources/Gamma Source.md",
    ]
    notes = [f.path for f in plan.files if f.path.suffix == ".md" and f.kind != "list"]
    assert len({p.stem.casefold() for p in notes}) == len(notes)
    assert all(".." not in f.path.parts and not f.path.is_absolute() for f in plan.files)


def test_a_hub_without_a_number_takes_the_next_free_one(catalog: Catalog, tmp_path: Path) -> None:
    """Hubs are named by the list's number; an unnumbered topic gets the number after the
    highest one listed, not after the topic before it."""
    plan = plan_for(catalog, tmp_path / "vault")
    assert [f.path.as_posix() for f in plan.files if f.kind == "topic"] == [
        "Topics/3 Alpha Topic.md", "Topics/8 Unnumbered Topic.md", "Topics/7 Gamma Topic.md",
    ]


def test_planning_and_a_dry_run_write_nothing(catalog: Catalog, tmp_path: Path) -> None:
    """A plan for a new vault, then a dry run of it: every file would be created, and the
    vault's folder is not even made."""
    vault = tmp_path / "vault"
    plan = plan_for(catalog, vault)

    report = create_files(plan, dry_run=True)

    assert report.created == list(plan.files)
    assert report.skipped == []
    assert not vault.exists()


def test_a_note_the_vault_has_is_skipped_where_it_is_and_linked_there(
    catalog: Catalog, tmp_path: Path
) -> None:
    """After the user moves a hub and deletes a source and a question, only those two are
    planned again; the hub is skipped at its new place, unrendered, and both link there."""
    vault = tmp_path / "vault"
    create_files(plan_for(catalog, vault))
    (vault / "Mine").mkdir()
    (vault / ALPHA_HUB).rename(vault / "Mine" / "My hub.md")
    (vault / ESCAPE).unlink()
    (vault / QUESTION).unlink()
    before = all_files(vault)

    plan = plan_for(catalog, vault)

    assert [f.path for f in plan.to_create] == [ESCAPE, QUESTION]
    (hub,) = [f for f in plan.files if f.kind == "topic" and f.existing == MOVED_HUB]
    assert (hub.path, hub.data) == (MOVED_HUB, b"")
    create_files(plan)
    for path in (ESCAPE, QUESTION):
        front, body = split_note(vault / path)
        assert front["topic"] == "[[My hub]]"
        assert "[[My hub|3 Alpha Topic]]" in body
    assert {p: b for p, b in all_files(vault).items() if p in before} == before


def test_a_file_that_appears_after_planning_is_skipped_not_overwritten(
    catalog: Catalog, tmp_path: Path
) -> None:
    """A note saved at a planned path between planning and creating keeps its bytes and is
    reported as skipped; every other planned file is created."""
    vault = tmp_path / "vault"
    plan = plan_for(catalog, vault)
    note(vault, PLAIN.as_posix(), "typed by the user meanwhile\n")

    report = create_files(plan)

    assert (vault / PLAIN).read_text(encoding="utf-8") == "typed by the user meanwhile\n"
    assert [f.path for f in report.skipped] == [PLAIN]
    assert sorted(f.path.as_posix() for f in report.created) == sorted(
        f.path.as_posix() for f in plan.files if f.path != PLAIN
    )
    assert set(all_files(vault)) == {f.path.as_posix() for f in plan.files}
