"""`<!-- vaultkit: skip|guidance|topic -->` before a heading or an item: the user's word wins
over the importer's guesses, and the list stays plain Markdown. Through real files and the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import RunCli

WriteFile = Callable[[str, str], Path]

QUESTIONS = "# Attention\n- What does attention compute?\n"
READING = "# Attention\n- [Attention paper](https://example.org/attention)\n"


def _preview(
    run_cli: RunCli, tmp_path: Path, *, reading: Path, questions: Path
) -> dict[str, object]:
    result = run_cli("init", tmp_path / "v", "--readlist", reading, "--questions", questions,
                     "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    found: dict[str, object] = json.loads(result.stdout)
    return found


def _counts(found: dict[str, object]) -> dict[str, tuple[int, int]]:
    """Topic title → (sources, questions)."""
    topics = found["topics"]
    assert isinstance(topics, list)
    return {t["title"]: (t["sources"], t["questions"]) for t in topics}


def test_skip_drops_a_section_and_single_items(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """`skip` before a heading drops its section (sub-sections too); before an item, written at
    the margin or indented under the item before, only that item."""
    reading = write_file("r.md", """\
# Attention
- [Kept](https://example.org/kept)
<!-- vaultkit: skip -->
- [Dropped at the margin](https://example.org/margin)
- [Kept too](https://example.org/kept-too)
  <!-- vaultkit: skip -->
- [Dropped indented](https://example.org/indented)
- [Kept last](https://example.org/kept-last)

<!-- vaultkit: skip -->
# Sponsors
- [Buy our course](https://example.org/course)

## Sponsors' friends
- [Another ad](https://example.org/ad)

# Optimisers
- [Adam](https://example.org/adam)
""")
    found = _preview(run_cli, tmp_path, reading=reading, questions=write_file("q.md", QUESTIONS))
    assert _counts(found) == {"Attention": (3, 1), "Optimisers": (1, 0)}


def test_guidance_makes_a_section_advice_on_home(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """`guidance` before a heading: its links and bullets are no sources or questions, and its
    text is on Home."""
    reading = write_file("r.md", READING + """
<!-- vaultkit: guidance -->
# Before you start
- [Install the tools first](https://example.org/setup)
""")
    questions = write_file("q.md", QUESTIONS + """
<!-- vaultkit: guidance -->
# Practise aloud
- Explain each answer to a friend.
""")
    found = _preview(run_cli, tmp_path, reading=reading, questions=questions)
    assert _counts(found) == {"Attention": (1, 1)}
    vault = tmp_path / "v"
    result = run_cli("init", vault, "--readlist", reading, "--questions", questions)
    assert result.exit_code == 0, result.output
    home = (vault / "Home.md").read_text(encoding="utf-8")
    assert "Install the tools first" in home
    assert "Explain each answer to a friend." in home


def test_topic_makes_a_heading_one_topic_with_its_sub_headings(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """`topic` before a heading makes it the topic; the entries under its sub-headings are its
    own, and a heading named like advice ("Tips") holds questions."""
    reading = write_file("r.md", """\
<!-- vaultkit: topic -->
## Attention
### Papers
- [Attention paper](https://example.org/attention)
### Posts
- [Illustrated attention](https://example.org/illustrated)
""")
    questions = write_file("q.md", QUESTIONS + """
<!-- vaultkit: topic -->
# Tips
- How would you explain attention to a child?
""")
    found = _preview(run_cli, tmp_path, reading=reading, questions=questions)
    assert _counts(found) == {"Attention": (2, 1), "Tips": (0, 1)}


def test_without_the_comments_the_same_lists_parse_as_guessed(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """The same lists without their comments: sub-headings are topics and "Tips" is advice, so
    the comments above are what changed the structure."""
    reading = write_file("r.md", """\
## Attention
### Papers
- [Attention paper](https://example.org/attention)
### Posts
- [Illustrated attention](https://example.org/illustrated)
""")
    questions = write_file("q.md", QUESTIONS + "\n# Tips\n- Sleep well before the day.\n")
    found = _preview(run_cli, tmp_path, reading=reading, questions=questions)
    assert _counts(found) == {"Papers": (1, 0), "Posts": (1, 0), "Attention": (0, 1)}


def test_an_unknown_mark_is_a_skipped_line_with_its_reason(
    run_cli: RunCli, tmp_path: Path, write_file: WriteFile
) -> None:
    """A misspelt mark changes nothing, and the preview says so on its line."""
    reading = write_file("r.md", READING + "<!-- vaultkit: skipp -->\n- [Kept](https://e.org/k)\n")
    found = _preview(run_cli, tmp_path, reading=reading, questions=write_file("q.md", QUESTIONS))
    assert _counts(found) == {"Attention": (2, 1)}
    assert found["skipped"] == [{
        "list": str(reading), "line": 3,
        "reason": "unknown mark 'skipp' ignored; expected `<!-- vaultkit: skip|guidance|topic -->`",
    }]
