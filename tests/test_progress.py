"""Progress: what each topic's notes say about the study method, counted from real notes.

A topic counts its core and practitioner reads by each source's status and role, its drafted
and refined questions against a target capped by how many it has; sources are suggested core
first, then practitioner, in the order the list gives them; hubs come in their number order.
Vaults are made by `vaultkit init` from the small lists below and edited as a user would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import init_from_lists, set_status
from vaultkit import config
from vaultkit.lists import load_catalog
from vaultkit.report.progress import Progress, TopicProgress, measure
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.notes import NoteRecord

# Alpha lists its core sources out of name order; Beta lists its practitioner group first and
# lists Zeta Core again, without a role of its own there; the optional topic has no roles.
READLIST = """\
# Tier 1 — Core

## 2. Alpha Topic

### Core reading

1. **Zeta Core**  
   [https://example.com/zeta-core](https://example.com/zeta-core)  
   Why: Listed first, named last.
2. **Eta Core**  
   [https://example.com/eta-core](https://example.com/eta-core)  
   Why: Listed second.

### Practitioner insight

1. **Alpha Practice**  
   [https://example.com/alpha-practice](https://example.com/alpha-practice)  
   Why: The practitioner view.

---

## 10. Beta Topic

### Practitioner insight

1. **Beta Practice**  
   [https://example.com/beta-practice](https://example.com/beta-practice)  
   Why: Beta's practitioner source.

### Core reading

1. **Beta Core**  
   [https://example.com/beta-core](https://example.com/beta-core)  
   Why: Beta's core source.
2. **Zeta Core**  
   [https://example.com/zeta-core](https://example.com/zeta-core)  
   Why: Alpha's, useful here too.

---

# Frontier Reading (Optional)

1. **Gamma Forum**  
   [https://example.com/gamma-forum](https://example.com/gamma-forum)  
   Why: To read when there is time.
"""  # noqa: W291 - the seed's shape ends lines with two spaces (a Markdown line break)

SYLLABUS = """\
# 2. Alpha Topic

## Foundational questions

* What is alpha?
* Why does alpha matter?

## Deep understanding

* When does alpha fail?

## Interview-style / real-world questions

* How would you debug alpha?

---

# 10. Beta Topic

## Foundational questions

* What is beta?
"""

ALPHA_QUESTIONS = "Questions/2 Alpha Topic"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`vaultkit init` of the lists above, made once; tests work on copies."""
    return init_from_lists(tmp_path_factory.mktemp("progress"), READLIST, SYLLABUS)


@pytest.fixture
def vault(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy of the vault, the test's own to edit."""
    return Path(shutil.copytree(pristine, tmp_path / "vault", symlinks=True))


def measured(vault: Path, *, list_order: bool = True) -> Progress:
    """The vault's notes indexed and measured; `list_order` gives `measure` the sources' order
    in the reading list, as a build does."""
    settings = config.load(vault)
    index = VaultIndex(vault, settings)
    index.scan()
    order = None
    if list_order:
        catalog = load_catalog(vault, settings)
        assert catalog is not None
        order = {source.id: n for n, source in enumerate(catalog.sources)}
    return measure(index, settings, order)


def topic(progress: Progress, hub_name: str) -> TopicProgress:
    """The progress of the topic whose hub is named `hub_name`."""
    (measured_topic,) = [t for t in progress.topics if t.hub.name == hub_name]
    return measured_topic


def names(records: tuple[NoteRecord, ...]) -> list[str]:
    return [record.name for record in records]


def test_hubs_come_in_their_number_order(vault: Path) -> None:
    """"2 …" before "10 …", the unnumbered topic (numbered 11 by init) last; only it optional."""
    progress = measured(vault)
    assert [t.hub.name for t in progress.topics] == [
        "2 Alpha Topic", "10 Beta Topic", "11 Frontier Reading (Optional)",
    ]
    assert [t.hub.name for t in progress.optional] == ["11 Frontier Reading (Optional)"]


def test_reads_count_by_status_and_role(vault: Path) -> None:
    """`read` and `summarized` count as read, `reading` does not; a core read counts for core,
    a practitioner read for practitioner; a source listed again elsewhere is read there too,
    but is not that topic's core reading."""
    set_status(vault / "Sources" / "Zeta Core.md", "read")
    set_status(vault / "Sources" / "Eta Core.md", "reading")
    set_status(vault / "Sources" / "Alpha Practice.md", "summarized")

    progress = measured(vault)

    alpha = topic(progress, "2 Alpha Topic")
    assert (alpha.core_read, alpha.core_total) == (1, 2)
    assert (alpha.practitioner_read, alpha.practitioner_total) == (1, 1)
    assert (alpha.read, alpha.core_ok, alpha.practitioner_ok) == (2, True, True)
    beta = topic(progress, "10 Beta Topic")
    assert (beta.read, beta.core_read, beta.core_total) == (1, 0, 1)
    assert (beta.core_ok, beta.practitioner_ok) == (False, False)
    assert progress.sources_read == 2
    assert progress.source_status == {"read": 1, "reading": 1, "summarized": 1, "unread": 3}


def test_without_roles_any_read_source_is_core_reading(vault: Path) -> None:
    """A topic whose list names no roles: a read source counts as core; practitioner is not
    checked at all."""
    set_status(vault / "Sources" / "Gamma Forum.md", "read")
    frontier = topic(measured(vault), "11 Frontier Reading (Optional)")
    assert frontier.has_roles is False
    assert (frontier.core_read, frontier.core_total, frontier.core_ok) == (1, 1, True)
    assert (frontier.practitioner_total, frontier.practitioner_ok) == (0, None)


def test_sources_are_suggested_core_first_in_list_order(vault: Path) -> None:
    """Core before practitioner before the rest, whatever the list's group order; within a
    role, the list's order (Zeta before Eta); without it, by name."""
    progress = measured(vault)
    assert names(topic(progress, "2 Alpha Topic").sources) == [
        "Zeta Core", "Eta Core", "Alpha Practice",
    ]
    assert names(topic(progress, "10 Beta Topic").sources) == [
        "Beta Core", "Beta Practice", "Zeta Core",
    ]
    unordered = measured(vault, list_order=False)
    assert names(topic(unordered, "2 Alpha Topic").sources) == [
        "Eta Core", "Zeta Core", "Alpha Practice",
    ]


def test_questions_count_against_a_target_capped_by_how_many_there_are(vault: Path) -> None:
    """A refined question is also drafted; the target is 3, or fewer when a topic has fewer;
    a topic without questions has no question target. Questions come in level order."""
    for name in ("What is alpha", "When does alpha fail", "How would you debug alpha"):
        set_status(vault / ALPHA_QUESTIONS / f"{name}.md", "refined")
    set_status(vault / ALPHA_QUESTIONS / "Why does alpha matter.md", "drafted")

    progress = measured(vault)

    alpha = topic(progress, "2 Alpha Topic")
    assert (alpha.drafted, alpha.refined, alpha.questions_target, alpha.questions_ok) == (
        4, 3, 3, True,
    )
    assert names(alpha.questions) == [
        "What is alpha", "Why does alpha matter", "When does alpha fail",
        "How would you debug alpha",
    ]
    beta = topic(progress, "10 Beta Topic")
    assert (beta.refined, beta.questions_target, beta.questions_ok) == (0, 1, False)
    assert topic(progress, "11 Frontier Reading (Optional)").questions_ok is None
    assert (progress.questions_drafted, progress.questions_refined) == (4, 3)


def test_a_source_without_a_status_counts_as_the_first_status(vault: Path) -> None:
    """A note whose `status:` line was deleted is counted as `unread`, not dropped."""
    note = vault / "Sources" / "Beta Core.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("status: unread\n", "", 1), encoding="utf-8")

    progress = measured(vault)

    assert progress.source_status == {"unread": 6}
    assert "Beta Core" in names(topic(progress, "10 Beta Topic").sources)


def test_a_hub_is_found_by_its_title_too(vault: Path) -> None:
    """A source whose `topic:` names the hub by its title, not its file name, still counts
    for that hub."""
    note = vault / "Sources" / "Beta Core.md"
    text = note.read_text(encoding="utf-8")
    assert "topic: '[[10 Beta Topic]]'\n" in text
    note.write_text(text.replace("topic: '[[10 Beta Topic]]'\n", "topic: '[[Beta Topic]]'\n"),
                    encoding="utf-8")
    set_status(note, "read")

    beta = topic(measured(vault), "10 Beta Topic")

    assert (beta.core_read, beta.core_total) == (1, 1)


def test_a_copied_note_counts_once(vault: Path) -> None:
    """A note copied inside the vault (same id) is one source, not two."""
    shutil.copyfile(vault / "Sources" / "Beta Core.md", vault / "Sources" / "Beta Core 2.md")
    progress = measured(vault)
    assert len(progress.sources) == 6
    assert topic(progress, "10 Beta Topic").core_total == 1
