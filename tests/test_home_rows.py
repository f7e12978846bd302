"""Home's topic outline (the topic index Home embeds): every topic under its own list's headings,
never under another topic's title; and the counts `init` prints, in the singular when there is
one."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tests.conftest import RunCli

WriteFile = Callable[[str, str], Path]

# A reading list whose topics are one heading level, none grouped.
READING = """\
# Papers I mean to read

## Compilers

- [Parsing in practice](https://example.org/parsing) — how real parsers recover.

## Databases

- [Log-structured merge trees](https://example.org/lsm) — write-heavy storage.
"""

# A question bank on other subjects: every section becomes a topic of its own.
BANK = """\
# Interview bank

## 1. **Supervised Learning**

- What is the bias-variance trade-off?

## 2. Unsupervised Learning

- How does k-means choose its clusters?

## 3. Deep Learning

- Why do residual connections help deep networks train?
"""

# A grouped topic, then two ungrouped ones (like the shipped list's Frontier after its tiers).
GROUPED_THEN_UNGROUPED = """\
## Part one

### Alpha

- [Alpha paper](https://example.org/alpha) — first.

## Beta

- [Beta paper](https://example.org/beta) — second.

## Gamma

- [Gamma paper](https://example.org/gamma) — third.
"""


def _outline(home: Path) -> list[str]:
    """The topic index Home embeds under `## Topics`: its headings and topic lines, in order."""
    text = home.read_text(encoding="utf-8")
    section = text.split("## Topics\n", 1)[1].split("\n## ", 1)[0]
    assert "![[Dashboards/Topic index]]" in section
    index = (home.parent / "Dashboards" / "Topic index.md").read_text(encoding="utf-8")
    return [line for line in index.split("\n---\n", 1)[1].splitlines()
            if line.startswith(("#", "- "))]


def _heading_over(outline: list[str], topic: str) -> str:
    """The nearest heading above the topic's line."""
    index = next(i for i, line in enumerate(outline) if line.startswith("- ") and topic in line)
    return next(line for line in reversed(outline[:index]) if line.startswith("#"))


def test_question_list_topics_are_not_under_another_topics_title(
    run_cli: RunCli, write_file: WriteFile, tmp_path: Path
) -> None:
    reading, bank = write_file("reading.md", READING), write_file("bank.md", BANK)
    vault = tmp_path / "vault"
    result = run_cli("init", vault, "--readlist", reading, "--questions", bank)
    assert result.exit_code == 0, result.output

    outline = _outline(vault / "Home.md")
    assert "### Supervised Learning" not in outline
    for topic in ("Supervised Learning", "Unsupervised Learning", "Deep Learning"):
        assert _heading_over(outline, topic) == "### From the question list", outline
    # The reading list's topics keep their own grouping: the list's title, not the bank's.
    for topic in ("Compilers", "Databases"):
        assert "question list" not in _heading_over(outline, topic), outline


def test_question_list_alone_needs_no_heading_saying_so(
    run_cli: RunCli, write_file: WriteFile, tmp_path: Path
) -> None:
    bank = write_file("bank.md", BANK)
    vault = tmp_path / "vault"
    result = run_cli("init", vault, "--questions", bank)
    assert result.exit_code == 0, result.output

    outline = _outline(vault / "Home.md")
    assert not any("question list" in line for line in outline), outline
    assert "### Supervised Learning" not in outline


def test_each_ungrouped_topic_after_a_group_has_its_own_heading(
    run_cli: RunCli, write_file: WriteFile, tmp_path: Path
) -> None:
    reading = write_file("reading.md", GROUPED_THEN_UNGROUPED)
    vault = tmp_path / "vault"
    result = run_cli("init", vault, "--readlist", reading)
    assert result.exit_code == 0, result.output

    outline = _outline(vault / "Home.md")
    assert _heading_over(outline, "Alpha") == "### Part one", outline
    assert _heading_over(outline, "Beta") == "### Beta", outline
    assert _heading_over(outline, "Gamma") == "### Gamma", outline


ONE_SOURCE = """\
## Only topic

- [The one paper](https://example.org/one) — all there is.
"""

ONE_QUESTION = """\
## 1. Only topic

- What does the one paper claim?
"""


def test_counts_are_singular_for_one(
    run_cli: RunCli, write_file: WriteFile, tmp_path: Path
) -> None:
    reading, questions = write_file("r.md", ONE_SOURCE), write_file("q.md", ONE_QUESTION)
    vault = tmp_path / "vault"
    args = ("init", vault, "--readlist", reading, "--questions", questions)

    preview = run_cli(*args, "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "  1 source · 1 question · 1 topic\n" in preview.output

    made = run_cli(*args)
    assert made.exit_code == 0, made.output
    assert "  1 source · 1 question · 1 topic\n" in made.output
    assert not re.search(r"\b1 (sources|questions|topics|files)\b", made.output), made.output

    # Again with one note gone: one file to create, in the singular.
    next((vault / "Sources").rglob("*.md")).unlink()
    again = run_cli(*args, "--dry-run")
    assert again.exit_code == 0, again.output
    assert "Would create 1 file in" in again.output


def test_counts_stay_plural_for_many(
    run_cli: RunCli, write_file: WriteFile, tmp_path: Path
) -> None:
    reading, bank = write_file("reading.md", READING), write_file("bank.md", BANK)
    result = run_cli(
        "init", tmp_path / "vault", "--readlist", reading, "--questions", bank, "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert "  2 sources · 3 questions · 5 topics\n" in result.output
    assert re.search(r"Would create \d+ files in", result.output)
