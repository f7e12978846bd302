"""Reading lists of the shapes people really write: what becomes a source, a topic or neither.

The golden files (`fixtures/lists/readlist-*.expected.json`, checked by `test_lists.py`) hold
whole parses; these tests name the promises one at a time, and check the notes `init` writes.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import RunCli
from tests.helpers import notes_of_kind, split_note
from vaultkit.lists import parse_reading_list, parse_syllabus
from vaultkit.lists.joins import combine
from vaultkit.model import ReadingList, Source

FIXTURES = Path(__file__).parent / "fixtures" / "lists"


def fixture(name: str) -> ReadingList:
    return parse_reading_list((FIXTURES / f"readlist-{name}.md").read_text(encoding="utf-8"))


def source_at(reading: ReadingList, url: str) -> Source:
    return next(s for s in reading.sources if s.url == url)


def test_first_link_is_the_source_and_the_rest_are_its_links() -> None:
    """`1. [Title](url) ([Code](…)) ([Part 2](…)) `Co` `2019`` is one source with two links."""
    reading = parse_reading_list(
        "## Storage\n\n"
        "1. [LSM trees](https://a.example/lsm) ([Code](https://code.example/lsm)) "
        "([Part 2](https://a.example/lsm-2)) `Examplecorp` `2019`\n"
    )

    (source,) = reading.sources
    assert (source.title, source.url) == ("LSM trees", "https://a.example/lsm")
    assert source.links == ("https://code.example/lsm", "https://a.example/lsm-2")
    assert source.labels == ("Examplecorp", "2019")
    assert source.first.why == ""


def test_a_code_span_inside_the_note_stays_in_the_note() -> None:
    """A code span a sentence uses is part of the note; one closing the line is a label."""
    reading = parse_reading_list(
        "## Streaming\n\n"
        "- [Backpressure](https://a.example/bp) - tuned with `max.in.flight`\n"
        "- [Compaction](https://a.example/compaction) - Levelled vs tiered. `Democorp`\n"
    )

    tuned = source_at(reading, "https://a.example/bp")
    assert (tuned.labels, tuned.first.why) == ((), "tuned with max.in.flight")
    compaction = source_at(reading, "https://a.example/compaction")
    assert (compaction.labels, compaction.first.why) == (("Democorp",), "Levelled vs tiered.")


def test_an_item_that_starts_with_text_takes_its_title_from_the_text() -> None:
    """`How X works [Part 1](…), [Part 2](…)`: titled by its text, the parts kept in order."""
    source = source_at(fixture("text-first"), "https://db.example.com/planner-1")

    assert source.title == "How query planners pick a join order"
    assert source.links == ("https://db.example.com/planner-2", "https://db.example.com/planner-3")


def test_a_label_before_a_titled_link_does_not_become_the_title() -> None:
    """`Video: [Talk title](…)` is titled by its link; `Kafka [docs](…)` by its text."""
    reading = parse_reading_list(
        "## Talks\n\n"
        "- Video: [Talk title](https://a.example/talk)\n"
        "- Kafka [docs](https://a.example/kafka)\n"
        "- Log compaction, in depth: [post](https://a.example/compaction)\n"
    )

    assert [s.title for s in reading.sources] == [
        "Talk title", "Kafka", "Log compaction, in depth",
    ]


def test_each_table_row_with_a_link_is_a_source() -> None:
    """Rows of a link table are sources, titled by the Title column, noted by the Notes one."""
    reading = fixture("table")

    assert len(reading.sources) == 5
    log = source_at(reading, "https://eng.example.com/the-log")
    assert log.title == "The Log | What every engineer should know"  # an escaped pipe
    assert log.first.why == "Logs as the unifying abstraction; 2013."
    assert log.labels == ()  # a code span in a note is not a label
    assert source_at(reading, "https://papers.example.org/dynamo.pdf").links == (
        "https://video.example.com/dynamo-talk",
    )
    spanner = source_at(reading, "https://papers.example.org/spanner")
    assert (spanner.title, spanner.labels) == ("Spanner: TrueTime in practice", ("2012",))
    assert [w.line for w in reading.warnings] == [12]  # Bigtable: no link
    # A table without links (a schedule) is prose: guidance, not a topic.
    assert [t.key for t in reading.topics] == ["classic-papers", "recent-work"]
    assert [g.title for g in reading.guidance] == ["Reading schedule"]


def test_contents_badges_images_and_the_title_are_neither_sources_nor_topics() -> None:
    """A `#anchor` contents list, badges, a banner and the H1 make no source and no topic."""
    reading = fixture("numbered-links")

    assert [t.title for t in reading.topics] == ["Storage", "Streaming"]
    assert all(t.context[0].title == "Engineering Reads" for t in reading.topics)
    assert "banner" not in reading.topics[0].context[0].intro
    urls = {s.url for s in reading.sources} | {u for s in reading.sources for u in s.links}
    assert not any("shields.io" in u or "ci.example.com" in u or "#" in u for u in urls)
    # The emoji-decorated contents heading is boilerplate; the goals section is advice.
    assert [g.title for g in reading.guidance] == ["🎯 Goals"]


def test_every_skipped_item_among_entries_keeps_its_line_and_reason() -> None:
    """An item without a usable link among real entries is a warning naming its line."""
    warnings = fixture("numbered-links").warnings

    assert [(w.line, w.message.split()[0]) for w in warnings] == [
        (24, "entry"), (25, "entry"), (31, "link"),
    ]
    assert "has no http(s) link" in warnings[0].message
    assert "not an http(s) URL" in warnings[1].message
    assert "image or badge" in warnings[2].message


def test_topics_are_the_headings_that_hold_entries() -> None:
    """Entries only under `###`: those are the topics, the `##` parts their context, and a
    part with no entries anywhere below it is guidance."""
    reading = fixture("deep")

    assert [t.title for t in reading.topics] == [
        "Linear models", "Probability refresher", "Optimisation", "Dropout",
    ]
    assert [h.title for h in reading.topics[0].context] == [
        "Machine Learning Library", "Part I: Foundations",
    ]
    assert [g.title for g in reading.guidance] == ["Part III: Systems"]


def test_init_writes_links_and_labels_on_the_source_note(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """`init --readlist` writes a source's other links and labels as properties."""
    vault = tmp_path / "vault"

    result = run_cli("init", vault, "--readlist", FIXTURES / "readlist-numbered-links.md")

    assert result.exit_code == 0, result.output
    fronts = {str(f["url"]): f for f in (split_note(p)[0] for p in notes_of_kind(vault, "source"))}
    assert len(fronts) == 5
    lsm = fronts["https://eng.example.com/lsm-store"]
    assert lsm["links"] == ["https://github.com/example/lsm", "https://eng.example.com/lsm-store-2"]
    assert lsm["labels"] == ["Examplecorp", "2019"]
    assert "links" not in fronts["https://blog.sample.io/backpressure"]
    assert "labels" not in fronts["https://blog.sample.io/backpressure"]


def test_shipped_sources_get_no_links_or_labels(seed_vault: Path) -> None:
    """The shipped list has neither, so its notes carry neither property."""
    for path in notes_of_kind(seed_vault, "source"):
        front = split_note(path)[0]
        assert "links" not in front
        assert "labels" not in front


def test_topic_titles_drop_edge_emoji_as_the_question_list_does() -> None:
    """`## 1. Supervised learning 🎯` is the topic "Supervised learning", so it joins the
    question list's `## 1. **Supervised Learning** 📊` by title as well as by number."""
    reading = parse_reading_list(
        "## 1. Supervised learning 🎯\n\n- [Trees](https://a.example/trees)\n\n"
        "## 2. 🧠 Neural nets\n\n- [Backprop](https://a.example/backprop)\n"
    )
    assert [t.title for t in reading.topics] == ["Supervised learning", "Neural nets"]
    syllabus = parse_syllabus(
        "## 7. **Supervised Learning** 📊\n\n- What is a decision tree?\n\n"
        "## 9. Neural nets\n\n- Why does backprop work?\n"
    )
    joined = combine(reading, syllabus)
    assert [(j.topic_key, j.how) for j in joined.joins] == [
        (reading.topics[0].key, "title"), (reading.topics[1].key, "title"),
    ]
