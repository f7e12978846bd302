"""Topics that join: each question-list section finds its reading topic by `[topics]`, by
number (when both lists number their sections alike), by title, or not at all.

The pure tests call `combine` on lists written here; the end-to-end tests run the CLI: `sync`
honours `[topics]`, `--readlist` alone brings no shipped questions, and a topic without sources
says so instead of showing a ✓.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import notes_of_kind, split_note, status_json
from vaultkit import config
from vaultkit.config import TopicMapping
from vaultkit.errors import ConfigError
from vaultkit.lists import load_reading_list, load_syllabus, parse_reading_list, parse_syllabus
from vaultkit.lists.joins import TITLE_THRESHOLD, combine, title_similarity
from vaultkit.model import Catalog, ReadingList, Syllabus
from vaultkit.scaffold.templates import shipped_list

# A reading list numbered like the seed's first topics, one source each.
READING = """\
## 1. Post-Training LLMs (SFT, DPO, RLHF)

- [Preference paper](https://example.com/dpo) - the method.

## 2. Training Dynamics & Optimization at Scale

- [Scaling paper](https://example.com/scaling) - the curves.

## 3. Evaluation, Metrics, and Model Debugging

- [Eval paper](https://example.com/eval) - the pitfalls.

## 8. Reading Research Without Getting Lost

- [Reading guide](https://example.com/reading) - how to read.
"""

# Its topics again, numbered another way and titled a little differently.
RENUMBERED = """\
# 1. Evaluation and model debugging 🎯

* How do you know a benchmark is contaminated?

# 2. TRAINING DYNAMICS — optimization at scale

* Why does the loss spike?

# 3. Reading research

* How do you read a paper in an hour?
"""

CHAPTER = """\
## 8.3 Training neural networks

* What does the learning rate trade off?
"""

TRAINING = "Training Dynamics & Optimization at Scale"


def shipped() -> tuple[ReadingList, Syllabus]:
    return (load_reading_list(shipped_list("Reading list.md")),
            load_syllabus(shipped_list("Question syllabus.md")))


def joins_of(catalog: Catalog) -> list[tuple[str, str, str]]:
    """Each section's title, the title of the topic it joined, and how."""
    titles = {t.key: t.title for t in catalog.topics}
    return [(j.section, titles[j.topic_key], j.how) for j in catalog.joins]


def test_seed_sections_join_by_number() -> None:
    """The seed's syllabus numbers its 8 sections as the reading list does: all join by number."""
    reading, syllabus = shipped()
    catalog = combine(reading, syllabus)
    assert [(j.section, j.topic_key, j.how) for j in catalog.joins] == [
        (s.title, t.key, "number") for s, t in zip(syllabus.topics, reading.topics[:8], strict=True)
    ]
    assert catalog.topics == reading.topics


def test_renumbered_sections_join_by_title() -> None:
    """Sections numbered their own way join the reading topic whose title they share, emoji,
    case and punctuation aside; never the topic that merely has their number."""
    catalog = combine(parse_reading_list(READING), parse_syllabus(RENUMBERED))
    assert joins_of(catalog) == [
        ("Evaluation and model debugging", "Evaluation, Metrics, and Model Debugging", "title"),
        ("TRAINING DYNAMICS — optimization at scale", TRAINING, "title"),
        ("Reading research", "Reading Research Without Getting Lost", "title"),
    ]
    assert len(catalog.topics) == 4


@pytest.mark.parametrize(("reading", "section"), [
    (READING, "1. Cooking pasta"),
    # Exactly half the words shared ("art"): not enough.
    ("## The Art of Reading\n\n- [Essay](https://example.com/art) - why.\n", "The Art of Cooking"),
])
def test_unrelated_sections_join_nothing(reading: str, section: str) -> None:
    """A section that neither shares a numbering scheme nor a title is a topic of its own."""
    syllabus = parse_syllabus(f"# {section}\n\n* How salty should the water be?\n")
    catalog = combine(parse_reading_list(reading), syllabus)
    title = section.removeprefix("1. ")
    assert joins_of(catalog) == [(title, title, "none")]
    assert [t.title for t in catalog.topics][-1] == title
    assert catalog.questions[0].topic_key == catalog.joins[0].topic_key


@pytest.mark.parametrize("heading", ["## 8.3 Training neural networks",
                                     "## 8. Training neural networks"])
def test_a_chapter_number_is_not_the_reading_topics_number(heading: str) -> None:
    """"8.3 Training neural networks" (or "8. …") does not join reading topic 8 by its leading 8
    when their titles disagree, nor "Training Dynamics" for one shared word."""
    syllabus = parse_syllabus(CHAPTER.replace("## 8.3 Training neural networks", heading))
    catalog = combine(parse_reading_list(READING), syllabus)
    assert joins_of(catalog) == [
        ("Training neural networks", "Training neural networks", "none")
    ]


@pytest.mark.parametrize(("a", "b", "joins"), [
    ("Reading & Applying Research", "Reading Research Without Getting Lost", True),
    ("Data as a Training Lever", "Data as a Lever (Filtering, Mixing, Curriculum)", False),
    ("Experiment Design & Research Judgment", "Experiment Design & Taste", True),
    ("📋 **EVALUATION** & model-debugging!", "Evaluation, Metrics, and Model Debugging", True),
    ("Training neural networks", TRAINING, False),
    ("Distributed Training & Systems Constraints",
     "Distributed Training (Conceptual, not infra-heavy)", False),
    ("The Art of Reading", "The Art of Cooking", False),
])
def test_title_threshold_near_misses(a: str, b: str, joins: bool) -> None:
    """Titles join when more than half their subject words are shared; exactly half is not."""
    assert (title_similarity(a, b) > TITLE_THRESHOLD) is joins


def test_mapping_wins_over_guesses() -> None:
    """`[topics]` joins a section the guesses would not, and overrides a number join."""
    reading, syllabus = shipped()
    chapter = parse_syllabus(CHAPTER)
    mapping = (TopicMapping("Training neural networks", TRAINING, 3),)
    catalog = combine(reading, chapter, mapping)
    assert joins_of(catalog) == [("Training neural networks", TRAINING, "settings")]
    assert catalog.topics == reading.topics

    # The seed's section 8 joins reading topic 7 by hand, though their numbers agree.
    mapping = (TopicMapping("8. Reading & Applying Research", "Experiment Design & Taste", 4),)
    joins = joins_of(combine(reading, syllabus, mapping))
    assert joins[7] == ("Reading & Applying Research", "Experiment Design & Taste", "settings")
    assert [how for _, _, how in joins[:7]] == ["number"] * 7


def test_mapping_that_names_nothing_is_a_warning_of_its_line() -> None:
    """A `[topics]` line naming no section or no reading topic is reported with its line, and
    the section joins as if the line were not there."""
    mapping = (TopicMapping("Training neural nets", TRAINING, 5),
               TopicMapping("Training neural networks", "Training", 6))
    catalog = combine(parse_reading_list(READING), parse_syllabus(CHAPTER), mapping)
    assert [(path, w.line) for path, w in catalog.warnings] == [
        ("vaultkit.toml", 5), ("vaultkit.toml", 6)
    ]
    assert "names no section of the question list" in catalog.warnings[0][1].message
    assert "the reading list has no topic titled so" in catalog.warnings[1][1].message
    assert [j.how for j in catalog.joins] == ["none"]


def test_topics_table_is_read_with_its_lines(tmp_path: Path) -> None:
    """`[topics]` in vaultkit.toml becomes `Settings.topics`, each with the line it is on."""
    (tmp_path / "vaultkit.toml").write_text(
        'links = "wiki"\n\n[topics]\n# by hand\n'
        f'"Training neural networks" = "{TRAINING}"\n'
        "Optimisers = 'Training Dynamics & Optimization at Scale'\n",
        encoding="utf-8",
    )
    assert config.load(tmp_path).topics == (
        TopicMapping("Training neural networks", TRAINING, 5),
        TopicMapping("Optimisers", TRAINING, 6),
    )


@pytest.mark.parametrize(("line", "message"), [
    ('"Training neural networks" = 3',
     "vaultkit.toml:3: [topics] 'Training neural networks' must be set to a reading-list "
     "topic's title, in quotes"),
    ('"Training neural networks" = ""', "must be set to a reading-list topic's title"),
    ('"" = "Training"', "vaultkit.toml:3: [topics] has an empty section title"),
])
def test_topics_table_errors_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    """A `[topics]` value that is not a title is a ConfigError naming the file and the line."""
    (tmp_path / "vaultkit.toml").write_text(f"\n[topics]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path)
    assert message in str(caught.value)


def test_topics_that_is_not_a_table_is_an_error(tmp_path: Path) -> None:
    """`topics = "x"` is refused like any other section that is not a table."""
    (tmp_path / "vaultkit.toml").write_text('topics = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[topics\] must be a table"):
        config.load(tmp_path)


# --- end to end ----------------------------------------------------------------------------


def question_topics(vault: Path) -> dict[str, str]:
    """Each question note's title → the hub its `topic:` property links to."""
    return {
        str(split_note(p)[0]["title"]): str(split_note(p)[0]["topic"])
        for p in notes_of_kind(vault, "question")
    }


def test_readlist_alone_brings_no_shipped_questions(
    run_cli: RunCli, tmp_path: Path, write_file: Callable[[str, str], Path]
) -> None:
    """`init --readlist` alone makes a vault with no questions and no syllabus, and no problem."""
    readlist = write_file("mine.md", READING)
    vault = tmp_path / "vault"

    result = run_cli("init", vault, "--readlist", readlist)

    assert result.exit_code == 0, result.output
    assert notes_of_kind(vault, "question") == []
    assert len(notes_of_kind(vault, "topic")) == 4
    assert not (vault / "Lists" / "Question syllabus.md").exists()
    assert "No question list yet: write one at `Lists/Question syllabus.md`" in (
        (vault / "Home.md").read_text(encoding="utf-8")
    )
    checked = run_cli("check", vault)
    assert checked.exit_code == 0, checked.output


def test_sync_honours_the_topics_table(
    run_cli: RunCli, tmp_path: Path, write_file: Callable[[str, str], Path]
) -> None:
    """Questions added later join the reading topic `[topics]` names, not a topic of their own."""
    vault = tmp_path / "vault"
    assert run_cli("init", vault, "--readlist", write_file("mine.md", READING)).exit_code == 0
    (vault / "Lists" / "Question syllabus.md").write_text(CHAPTER, encoding="utf-8")
    with (vault / "vaultkit.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'\n[topics]\n"8.3 Training neural networks" = "{TRAINING}"\n')

    result = run_cli("sync", vault)

    assert result.exit_code == 0, result.output
    assert question_topics(vault) == {
        "What does the learning rate trade off?": f"[[2 {TRAINING}]]"
    }
    assert len(notes_of_kind(vault, "topic")) == 4  # no hub for "Training neural networks"


def test_a_topic_without_sources_says_so(
    run_cli: RunCli, tmp_path: Path, write_file: Callable[[str, str], Path]
) -> None:
    """A question section that joins no reading topic gets a hub that says it has no sources:
    "no sources listed" on Progress and in `status`, never a ✓, and it is not covered."""
    vault = tmp_path / "vault"
    result = run_cli("init", vault, "--readlist", write_file("mine.md", READING),
                     "--questions", write_file("questions.md", CHAPTER))
    assert result.exit_code == 0, result.output

    progress = (vault / "Dashboards" / "Progress.md").read_text(encoding="utf-8")
    row = next(line for line in progress.splitlines() if "Training neural networks" in line)
    assert "| no sources listed |" in row
    assert "✓" not in row
    status = run_cli("status", vault)
    line = next(li for li in status.output.splitlines() if "Training neural networks" in li)
    assert "· no sources listed" in line
    assert "✓" not in line
    assert "covered" not in line
    topic = next(t for t in status_json(run_cli, vault)["topics"]
                 if t["title"] == "Training neural networks")
    assert (topic["sources"], topic["core"]["ok"], topic["covered"]) == (0, False, False)
    panel = vault / "Dashboards" / "Topics" / "training-neural-networks.md"  # the hub embeds it
    assert "No sources listed for this topic yet." in panel.read_text(encoding="utf-8")
