"""Problems: what `check` and Problems.md report, found in real notes.

Each kind of problem names its note's path and, where one line is at fault, that line; a note
with several problems lists each once; the list is sorted by path, line and message. Vaults are
made by `vaultkit init` from a small list and then spoiled the way users spoil them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import init_from_lists, set_status
from vaultkit import config
from vaultkit.lists import load_catalog
from vaultkit.model import ListedIds
from vaultkit.report.problems import find_problems
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.notes import Problem

READLIST = """\
## 1. Alpha Topic

### Core reading

1. **Alpha One**  
   [https://example.com/alpha-1](https://example.com/alpha-1)  
   Why: The first source.
2. **Alpha Two**  
   [https://example.com/alpha-2](https://example.com/alpha-2)  
   Why: The second source.
"""  # noqa: W291 - the seed's shape ends lines with two spaces (a Markdown line break)
SYLLABUS = """\
# 1. Alpha Topic

## Foundational questions

* What is alpha?
"""
ONE = "Sources/Alpha One.md"
TWO = "Sources/Alpha Two.md"
QUESTION = "Questions/1 Alpha Topic/What is alpha.md"
SOURCE_STATUS_LINE = 10
"""The line of `status:` in a source note as init writes it."""
QUESTION_STATUS_LINE = 9
"""The line of `status:` in a question note as init writes it."""


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`vaultkit init` of the list above, made once; tests work on copies."""
    return init_from_lists(tmp_path_factory.mktemp("problems"), READLIST, SYLLABUS)


@pytest.fixture
def vault(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy of the vault, the test's own to spoil."""
    return Path(shutil.copytree(pristine, tmp_path / "vault", symlinks=True))


def problems(vault: Path, extra: tuple[Problem, ...] = ()) -> list[Problem]:
    """Every problem of the vault, as `check` gathers them: with the ids the lists name and
    the paths of the dashboards."""
    settings = config.load(vault)
    index = VaultIndex(vault, settings)
    index.scan()
    catalog = load_catalog(vault, settings)
    assert catalog is not None
    return find_problems(
        index, settings,
        listed=ListedIds.of(catalog),
        dashboards=settings.dashboard_paths().values(),
        extra=extra,
    )


def edit(vault: Path, relative: str, old: str, new: str) -> None:
    """Replace the one `old` in a file of the vault by `new`."""
    path = vault / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{relative} has no single {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(vault: Path, relative: str, text: str) -> None:
    with (vault / relative).open("a", encoding="utf-8") as handle:
        handle.write(text)


def unreadable_yaml(vault: Path) -> None:
    (vault / ONE).write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")


def no_status(vault: Path) -> None:
    edit(vault, ONE, "status: unread\n", "")


def unknown_status(vault: Path) -> None:
    set_status(vault / ONE, "done")


def unanswered_with_an_answer(vault: Path) -> None:
    edit(vault, QUESTION, "## Answer before reading\n", "## Answer before reading\nMy guess.\n")


def refined_without_an_answer(vault: Path) -> None:
    set_status(vault / QUESTION, "refined")
    edit(vault, QUESTION, "## Answer before reading\n", "## Answer before reading\nMy guess.\n")


def summarized_without_a_summary(vault: Path) -> None:
    set_status(vault / ONE, "summarized")


def broken_link(vault: Path) -> None:
    append(vault, ONE, "\nSee [[No Such Note]].\n")


def copied(vault: Path) -> None:
    shutil.copyfile(vault / ONE, vault / "Sources" / "Alpha One copy.md")


def dashboard_kept_aside(vault: Path) -> None:
    shutil.copyfile(vault / "Dashboards/Progress.md", vault / "Dashboards/Progress (edited).md")


def dashboard_copied_elsewhere(vault: Path) -> None:
    (vault / "Mine").mkdir()
    shutil.copyfile(vault / "Dashboards/Progress.md", vault / "Mine" / "My progress.md")


def name_not_utf8(vault: Path) -> None:
    (vault / "Notes").mkdir()
    latin1 = vault / os.fsdecode(b"Notes/Caf\xe9.md")
    latin1.write_text("A note of the user's, named in Latin-1.\n", encoding="utf-8")


def entry_left_the_list(vault: Path) -> None:
    edit(vault, "Lists/Reading list.md",
         "2. **Alpha Two**  \n"
         "   [https://example.com/alpha-2](https://example.com/alpha-2)  \n"
         "   Why: The second source.\n",
         "")


def topic_left_the_lists(vault: Path) -> None:
    (vault / "Topics" / "Gone.md").write_text(
        "---\nvaultkit: topic\nid: t-gone\ntitle: Gone\n---\n# Gone\n\n"
        "![[Dashboards/Topics/gone]]\n",
        encoding="utf-8",
    )


KEPT_ASIDE = ("your edits to a generated dashboard, kept aside when vaultkit rewrote it; copy "
              "what you need, then delete this note")


CASES: list[tuple[Callable[[Path], None], list[tuple[str, int | None, str]]]] = [
        (unreadable_yaml, [(ONE, 3, "broken YAML: did not find expected ',' or ']'")]),
        (no_status, [(ONE, None, "has no `status`; counted as 'unread'")]),
        (unknown_status, [(ONE, SOURCE_STATUS_LINE, "status 'done' is not one of: unread, "
                                                    "reading, read, summarized, skipped")]),
        (unanswered_with_an_answer, [(QUESTION, QUESTION_STATUS_LINE,
                                      "status is 'unanswered' but “Answer before reading” has "
                                      "text; set `status: drafted`?")]),
        (refined_without_an_answer, [(QUESTION, QUESTION_STATUS_LINE,
                                      "status is 'refined' but “Answer after reading” is empty")]),
        (summarized_without_a_summary, [(ONE, SOURCE_STATUS_LINE, "status is 'summarized' but "
                                                                  "the Summary section is empty")]),
        (broken_link, [(ONE, None, "link to “No Such Note” finds no note")]),
        (copied, [("Sources/Alpha One copy.md", None, f"id 's-{{}}' is also used by {ONE}"),
                  (ONE, None, "id 's-{}' is also used by Sources/Alpha One copy.md")]),
        (dashboard_kept_aside, [("Dashboards/Progress (edited).md", None, KEPT_ASIDE)]),
        (dashboard_copied_elsewhere, [("Mine/My progress.md", None, KEPT_ASIDE)]),
        (name_not_utf8, [(os.fsdecode(b"Notes/Caf\xe9.md"), None,
                          "its file name is not UTF-8 text (shown with \\xNN escapes); rename it "
                          "so that links and other apps can find it")]),
        (entry_left_the_list, [(TWO, None, "its entry is no longer in Lists/Reading list.md; "
                                           "keep the note, or delete it if you are done with "
                                           "it")]),
        (topic_left_the_lists, [("Topics/Gone.md", None, "its entry is no longer in Lists/Reading "
                                 "list.md or Lists/Question syllabus.md; keep the note, or delete "
                                 "it if you are done with it")]),
]
"""Each way to spoil the vault, and exactly the problems it gives: (path, line, message)."""


@pytest.mark.parametrize(("spoil", "expected"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_kind_is_reported_with_its_path_and_line(
    vault: Path,
    spoil: Callable[[Path], None],
    expected: list[tuple[str, int | None, str]],
) -> None:
    """One spoiled note (or copy, or list entry): exactly its problems, each at its place."""
    assert problems(vault) == []
    source_id = str(_frontmatter_id(vault / ONE))
    spoil(vault)
    assert [(p.path, p.line, p.message) for p in problems(vault)] == [
        (path, line, message.replace("{}", source_id.removeprefix("s-")))
        for path, line, message in expected
    ]


def _frontmatter_id(note: Path) -> str:
    (line,) = [x for x in note.read_text(encoding="utf-8").splitlines() if x.startswith("id: ")]
    return line.removeprefix("id: ")


def test_several_problems_are_each_listed_once_in_order(vault: Path) -> None:
    """Two notes with problems: by path, then line (none first), then message; a link broken
    twice is one problem, and a problem also passed in from elsewhere is not repeated."""
    set_status(vault / QUESTION, "done")
    append(vault, QUESTION, "\n[[Nowhere]] and [[Nowhere]] again, and [[Elsewhere]].\n")
    set_status(vault / ONE, "done")
    append(vault, ONE, "\n[[Nowhere]]\n")
    from_elsewhere = Problem(ONE, None, "link to “Nowhere” finds no note")

    reported = problems(vault, extra=(from_elsewhere,))

    assert [(p.path, p.line, p.message) for p in reported] == [
        (QUESTION, None, "link to “Elsewhere” finds no note"),
        (QUESTION, None, "link to “Nowhere” finds no note"),
        (QUESTION, QUESTION_STATUS_LINE, "status 'done' is not one of: unanswered, drafted, "
                                         "refined"),
        (ONE, None, "link to “Nowhere” finds no note"),
        (ONE, SOURCE_STATUS_LINE, "status 'done' is not one of: unread, reading, read, "
                                  "summarized, skipped"),
    ]
