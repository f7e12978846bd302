"""The list parsers: golden files for whole lists, and the facts the product promises.

Golden files: each `fixtures/lists/<kind>-<name>.md` is parsed by the parser its prefix names
and compared to `<kind>-<name>.expected.json` beside it. To (re)write the expected files on
purpose, run `VAULTKIT_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_lists.py` (those
tests then write and skip, never pass) and review the diff before committing it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Callable, Mapping
from enum import Enum
from functools import cache
from pathlib import Path

import pytest

from vaultkit.errors import ListError
from vaultkit.lists import load_reading_list, load_syllabus, parse_reading_list, parse_syllabus
from vaultkit.lists.joins import combine
from vaultkit.model import (
    Level,
    ReadingList,
    Role,
    Source,
    Syllabus,
    Topic,
    slug,
)
from vaultkit.scaffold.templates import shipped_list

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
REGEN_ENV = "VAULTKIT_REGEN_GOLDEN"
PARSERS: dict[str, Callable[[str], ReadingList | Syllabus]] = {
    "readlist": parse_reading_list,
    "syllabus": parse_syllabus,
}
LOADERS: dict[str, Callable[[Path], ReadingList | Syllabus]] = {
    "readlist": load_reading_list,
    "syllabus": load_syllabus,
}
GOLDEN_INPUTS = sorted(FIXTURES.glob("*.md"))


# --- helpers -----------------------------------------------------------------------------


SHOWN_WHEN_SET = {"links", "labels", "group", "kept"}
"""Fields the importer of other shapes added (and `kept`, which only the vault's memory sets):
written only when set, so the goldens of lists without them (the shipped ones) stay as they
were."""


def to_json(value: object) -> object:
    """Plain JSON data for a model value: every field (those of `SHOWN_WHEN_SET` when set), plus
    the `id` of values that have one."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {
            f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)
            if f.name not in SHOWN_WHEN_SET or getattr(value, f.name)
        }
        if isinstance(getattr(type(value), "id", None), property):
            data["id"] = to_json(getattr(value, "id"))  # noqa: B009 - a property, not a field
        return data
    if isinstance(value, Enum):
        return to_json(value.value)
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot turn {type(value).__name__} into JSON")


def golden_text(data: object) -> str:
    """How an expected file is written: stable, readable, diffable."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def kind_of(path: Path) -> str:
    """`readlist` or `syllabus`, from the fixture's name prefix."""
    kind = path.name.split("-", 1)[0]
    assert kind in PARSERS, f"{path.name}: name must start with one of {sorted(PARSERS)}"
    return kind


@cache
def shipped_reading() -> ReadingList:
    return load_reading_list(shipped_list("Reading list.md"))


@cache
def shipped_syllabus() -> Syllabus:
    return load_syllabus(shipped_list("Question syllabus.md"))


@cache
def fixture_reading(name: str) -> ReadingList:
    return parse_reading_list((FIXTURES / name).read_bytes().decode("utf-8"))


@cache
def fixture_syllabus(name: str) -> Syllabus:
    return parse_syllabus((FIXTURES / name).read_bytes().decode("utf-8"))


def source_titled(reading: ReadingList, title: str) -> Source:
    matches = [s for s in reading.sources if s.title == title]
    assert len(matches) == 1, f"{len(matches)} sources titled {title!r}"
    return matches[0]


def topic_keyed(topics: tuple[Topic, ...], key: str) -> Topic:
    return next(t for t in topics if t.key == key)


# --- golden files ------------------------------------------------------------------------


def test_golden_fixtures_exist() -> None:
    """The golden glob finds fixtures of both kinds, so the parametrized test is not empty."""
    assert {kind_of(p) for p in GOLDEN_INPUTS} == set(PARSERS)


def test_seed_fixtures_are_the_shipped_lists() -> None:
    """The seed fixtures are byte-identical copies of the shipped lists they pin down."""
    assert (FIXTURES / "readlist-seed.md").read_bytes() == (
        shipped_list("Reading list.md").read_bytes()
    )
    assert (FIXTURES / "syllabus-seed.md").read_bytes() == (
        shipped_list("Question syllabus.md").read_bytes()
    )


@pytest.mark.parametrize("source", GOLDEN_INPUTS, ids=lambda p: p.stem)
def test_golden(source: Path) -> None:
    """Each fixture parses to exactly what its `.expected.json` file records."""
    parse = PARSERS[kind_of(source)]
    actual = to_json(parse(source.read_bytes().decode("utf-8")))
    expected_path = source.with_suffix(".expected.json")
    if os.environ.get(REGEN_ENV) == "1":
        # A run that writes the golden file proves nothing about it: it only writes.
        expected_path.write_text(golden_text(actual), encoding="utf-8")
        pytest.skip(f"wrote {expected_path.name}; review the diff, then run without {REGEN_ENV}")
    if not expected_path.exists():
        pytest.fail(
            f"{expected_path.name} is missing; create it with "
            f"`{REGEN_ENV}=1 .venv/bin/python -m pytest tests/test_lists.py` "
            "and review it before committing",
            pytrace=False,
        )
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


def test_to_json_writes_ids_enums_and_tuples_as_plain_json() -> None:
    """The golden form keeps every field (the importer's newer ones when set), adds stable
    ids, and uses only JSON types."""
    syllabus = fixture_syllabus("syllabus-numbered.md")
    data = to_json(syllabus)
    assert isinstance(data, dict)
    first = data["questions"][0]
    assert first["id"] == syllabus.questions[0].id
    assert first["level"] is None
    fields = {f.name for f in dataclasses.fields(syllabus.questions[0])}
    assert set(first) == fields - SHOWN_WHEN_SET | {"id"}
    reading = to_json(shipped_reading())
    assert isinstance(reading, dict)
    assert reading["sources"][0]["id"] == shipped_reading().sources[0].id
    assert isinstance(reading["sources"][0]["placements"], list)
    seed = to_json(shipped_syllabus())
    assert isinstance(seed, dict)
    assert seed["questions"][0]["level"] == "foundational"
    assert json.loads(golden_text(data)) == data


# --- the shipped reading list ------------------------------------------------------------


def test_shipped_reading_list_counts() -> None:
    """The shipped reading list gives 63 distinct sources and 65 placements, with no warnings."""
    reading = shipped_reading()
    assert len(reading.sources) == 63
    assert len({s.id for s in reading.sources}) == 63
    assert sum(len(s.placements) for s in reading.sources) == 65
    assert reading.warnings == ()


@pytest.mark.parametrize(
    ("title", "topics"),
    [
        ("Richard Sutton – Bitter Lesson",
         ("experiment-design-taste", "compute-scaling-decisions")),
        ("OpenAI GPT-4 System Card", ("real-failures", "safety-capability-tradeoffs")),
    ],
)
def test_shipped_repeated_urls_are_one_source(title: str, topics: tuple[str, str]) -> None:
    """A URL listed twice is one source with a placement, and its own reason, in each topic."""
    source = source_titled(shipped_reading(), title)
    assert tuple(placement.topic_key for placement in source.placements) == topics
    assert source.placements[0].why != source.placements[1].why
    repeated = [s for s in shipped_reading().sources if len(s.placements) > 1]
    assert len(repeated) == 2


def test_shipped_reading_topics() -> None:
    """Topics are sections 1–8, the optional Frontier group and the 14 Tier 4/5 subsections."""
    topics = shipped_reading().topics
    assert len(topics) == 23
    assert [t.number for t in topics[:8]] == [str(n) for n in range(1, 9)]
    # Keyed by title, not number: renumbering the sections must not make them other topics.
    assert [t.key for t in topics[:8]] == [slug(t.title) for t in topics[:8]]
    assert [t.tier for t in topics[:8]] == [1, 1, 1, 1, 2, 2, 3, 3]
    frontier = topics[8]
    assert frontier.title.startswith("Frontier / Ongoing Discourse")
    assert frontier.optional is True
    assert frontier.number is None
    assert [t for t in topics if t.optional] == [frontier]
    later = topics[9:]
    assert len(later) == 14
    assert all(t.number is None and t.tier in {4, 5} for t in later)
    assert [t.tier for t in later].count(4) == 7
    assert topic_keyed(topics, "drift-long-term-degradation").context[-1].title == (
        "A. Targeted Readings (Conceptual + Practitioner)"
    )
    assert len({t.key for t in topics}) == 23


ROLE_GROUPS = {
    "Primary sources (read all)": Role.CORE,
    "Core reading": Role.CORE,
    "Must-read": Role.CORE,
    "Core sources": Role.CORE,
    "Core understanding": Role.CORE,
    "Supporting intuition (highly recommended)": Role.PRACTITIONER,
    "Practitioner-level intuition": Role.PRACTITIONER,
    "Practical evaluation intuition": Role.PRACTITIONER,
    "Practical summaries": Role.PRACTITIONER,
    "Practitioner insight": Role.PRACTITIONER,
}


def test_shipped_role_groups_map_to_roles() -> None:
    """Entries under the shipped role groups are `core` or `practitioner`; others have no role."""
    text = shipped_list("Reading list.md").read_text(encoding="utf-8")
    group_of_line: dict[int, str | None] = {}
    group: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            group = title if line.startswith("### ") and title in ROLE_GROUPS else None
        elif re.match(r"^\d+\. \*\*", line):
            group_of_line[number] = group
    placements = [placement for s in shipped_reading().sources for placement in s.placements]
    assert {placement.line for placement in placements} == set(group_of_line)
    for placement in placements:
        group = group_of_line[placement.line]
        assert placement.role == (ROLE_GROUPS[group] if group else None), placement
    seen_groups = {g for g in group_of_line.values() if g}
    assert seen_groups == set(ROLE_GROUPS)


@pytest.mark.parametrize(("heading", "role"), sorted(ROLE_GROUPS.items()))
def test_role_group_heading_names_role(heading: str, role: str) -> None:
    """A role-group heading under a numbered section gives its entries that role."""
    reading = parse_reading_list(
        f"## 3. A topic\n\n### {heading}\n\n"
        "1. **A paper**  \n   [https://example.org/p](https://example.org/p)  \n   Why: because.\n"
    )
    assert [(t.key, t.number) for t in reading.topics] == [("a-topic", "3")]
    assert [placement.role for placement in reading.sources[0].placements] == [role]


def test_shipped_reading_guidance_is_not_sources() -> None:
    """'How to Use This' and 'What You Can Safely Skip' are guidance, not topics or sources."""
    reading = shipped_reading()
    titles = [g.title for g in reading.guidance]
    assert titles == ["What You Can Safely Skip for Now", "How to Use This (Very Important)"]
    skip, how = reading.guidance
    assert "* Kaggle-style content" in skip.markdown
    assert "Cross-check intuition with one **practitioner** source" in how.markdown
    assert not any("Skip" in t.title or "How to Use" in t.title for t in reading.topics)
    source_titles = {s.title for s in reading.sources}
    assert "Kaggle-style content" not in source_titles
    assert not any("core" in s.title.lower() and "source" in s.title.lower()
                   for s in reading.sources)


# --- the shipped syllabus ----------------------------------------------------------------


def test_shipped_syllabus_questions_and_topics() -> None:
    """The shipped syllabus gives 84 questions in 8 numbered topics, each with a level."""
    syllabus = shipped_syllabus()
    assert len(syllabus.questions) == 84
    assert [t.number for t in syllabus.topics] == [str(n) for n in range(1, 9)]
    assert all(isinstance(q.level, Level) for q in syllabus.questions)
    assert {q.level for q in syllabus.questions} == set(Level)
    assert {q.topic_key for q in syllabus.questions} == {t.key for t in syllabus.topics}
    assert len({q.id for q in syllabus.questions}) == 84
    assert all(q.text.endswith("?") or q.text.endswith(".") for q in syllabus.questions)
    assert syllabus.warnings == ()


def test_shipped_syllabus_guidance_is_not_questions() -> None:
    """The opening bullets and 'How to Use These Questions' are guidance, not questions."""
    syllabus = shipped_syllabus()
    assert [g.title for g in syllabus.guidance] == ["", "How to Use These Questions (Important)"]
    opening, how = syllabus.guidance
    assert opening.markdown.startswith("This is the right move.")
    assert "* what strong Research Engineers are expected to *reason about*" in opening.markdown
    assert "* Pick **3–5 questions**" in how.markdown
    texts = " ".join(q.text for q in syllabus.questions)
    assert "Research Engineers" not in texts
    assert "Pick 3–5 questions" not in texts
    assert "teammate" not in texts


def test_combine_attaches_seed_questions_to_reading_topics() -> None:
    """`combine` attaches every seed question to reading topics 1–8 and creates no topic."""
    reading = shipped_reading()
    catalog = combine(reading, shipped_syllabus())
    assert catalog.topics == reading.topics
    numbered = reading.topics[:8]
    assert {q.topic_key for q in catalog.questions} == {t.key for t in numbered}
    assert len(catalog.questions) == 84
    for topic in numbered:
        assert catalog.questions_of(topic.key), f"topic {topic.number} has no questions"
    assert catalog.question_intros[numbered[2].key] == (
        "This is often the **most heavily tested** area."
    )


# --- an awesome list ---------------------------------------------------------------------


def test_awesome_nested_bullets_are_details_of_their_item() -> None:
    """Nested bullets (authors, keywords, code links) are an item's details, not sources."""
    reading = fixture_reading("readlist-awesome.md")
    adam = source_titled(reading, "Adam: A Method for Stochastic Optimization")
    assert adam.details == (
        "- Authors: Diederik P. Kingma, Jimmy Ba\n- Keywords: adaptive moments, bias correction"
    )
    assert adam.first.why == "The default optimizer for most deep learning."
    adamw = source_titled(reading, "Decoupled Weight Decay Regularization")
    assert "- Code: [Official](https://github.com/loshchil/AdamW-and-SGDW)" in adamw.details
    urls = {s.url for s in reading.sources}
    assert "https://github.com/loshchil/AdamW-and-SGDW" not in urls
    assert "https://github.com/pytorch/pytorch" not in urls


def test_awesome_anchor_links_and_unlinked_items_are_not_sources() -> None:
    """Table-of-contents anchors, badges and items without an http(s) link are not sources."""
    reading = fixture_reading("readlist-awesome.md")
    assert [t.key for t in reading.topics] == ["optimizers", "parallelism", "blog-posts", "tools"]
    assert all(s.url.startswith("https://") for s in reading.sources)
    titles = {s.title for s in reading.sources}
    assert not titles & {"Papers", "Contents", "License", "Lion optimizer (paper coming soon)"}
    assert "https://awesome.re" not in {s.url for s in reading.sources}
    assert reading.guidance == ()
    assert [w.line for w in reading.warnings if "Lion optimizer" in w.message] == [27]


def test_awesome_group_bullet_lends_its_nested_items() -> None:
    """A bullet that only groups nested links yields those links, in its topic, with no warning."""
    reading = fixture_reading("readlist-awesome.md")
    zero = source_titled(reading, "ZeRO: Memory Optimizations")
    fsdp = source_titled(reading, "PyTorch FSDP")
    assert [placement.topic_key for placement in (*zero.placements, *fsdp.placements)] == [
        "parallelism", "parallelism",
    ]
    assert fsdp.details == "- Code: [pytorch/pytorch](https://github.com/pytorch/pytorch)"
    assert "Sharded data parallelism" not in {s.title for s in reading.sources}
    # The group line is structure, not a broken entry: it was used, not skipped.
    assert not [w for w in reading.warnings if "Sharded data parallelism" in w.message]


# --- a numbered question list ------------------------------------------------------------


def test_numbered_difficulty_tag_is_kept_and_stripped() -> None:
    """`[E]` becomes difficulty "E" and leaves the question's text and Markdown."""
    syllabus = fixture_syllabus("syllabus-numbered.md")
    first = syllabus.questions[0]
    assert first.difficulty == "E"
    assert first.text == "What is the dot product of two vectors, geometrically?"
    assert first.markdown == first.text
    assert [t.number for t in syllabus.topics] == ["1.1", "1.2", "1.3"]
    untagged = next(q for q in syllabus.questions if q.text.startswith("Given a vector"))
    assert untagged.difficulty is None
    assert untagged.markdown == "Given a vector, how do you find its *unit* vector?"
    assert not any("[" in q.text for q in syllabus.questions)


def test_numbered_group_line_is_context_not_question() -> None:
    """A group line ("Learning rate.") is context for the questions nested under it."""
    syllabus = fixture_syllabus("syllabus-numbered.md")
    texts = [q.text for q in syllabus.questions]
    assert "Learning rate." not in texts
    assert "Warm-up." not in texts
    too_high = next(q for q in syllabus.questions if q.text.endswith("too high?"))
    assert too_high.context == "Learning rate."
    assert too_high.topic_key == next(t.key for t in syllabus.topics if t.number == "1.2")
    warm_up = next(q for q in syllabus.questions if "warm-up" in q.text)
    assert warm_up.context == "Learning rate. — Warm-up."


def test_numbered_nested_items_under_question_are_details() -> None:
    """Items nested under a question (tagged or ending in `?`) are part of it, in `details`."""
    syllabus = fixture_syllabus("syllabus-numbered.md")
    compare = next(q for q in syllabus.questions if q.text == "Compare these optimizers:")
    assert compare.difficulty == "M"
    assert compare.details == "1. SGD with momentum\n2. Adam\n3. AdamW"
    regs = next(q for q in syllabus.questions if q.text.endswith("regularizers?"))
    assert regs.details == "1. L1\n2. L2"
    assert not {"Adam", "AdamW", "L1", "L2"} & {q.text for q in syllabus.questions}
    assert len(syllabus.questions) == 12


def test_numbered_notes_section_is_guidance() -> None:
    """A "Notes" section advises and holds no questions."""
    syllabus = fixture_syllabus("syllabus-numbered.md")
    assert [g.title for g in syllabus.guidance] == [
        "Machine Learning Interview Questions",
        "Notes on answers",
    ]
    assert "tagged by difficulty" in syllabus.guidance[0].markdown


# --- broken lists ------------------------------------------------------------------------


def test_broken_reading_list_warns_with_lines() -> None:
    """Unusable entries are skipped with a warning naming their line; good ones are kept."""
    reading = fixture_reading("readlist-broken.md")
    assert [s.title for s in reading.sources] == [
        "Adam paper", "Distill: Why Momentum Really Works", "Good one", "Rocket",
    ]
    assert [w.line for w in reading.warnings] == [10, 12, 15, 21, 23, 29, 35]
    by_line = {w.line: w.message for w in reading.warnings}
    assert "A book with no link yet" in by_line[10]
    assert "ftp://ftp.example.org/adam.pdf" in by_line[12]
    assert "(line 7)" in by_line[15]
    assert "javascript:" in by_line[21]
    assert "Bold title only" in by_line[23]
    assert "https://example.com:99999/x" in by_line[29]
    assert "(line 34)" in by_line[35]
    assert topic_keyed(reading.topics, "untitled").title == "🚀 ✨"


def test_broken_syllabus_warns_with_lines() -> None:
    """Empty items and repeated questions are skipped with a warning naming their line."""
    syllabus = fixture_syllabus("syllabus-broken.md")
    assert [(w.line, w.message) for w in syllabus.warnings] == [
        (6, "empty question; skipped"),
        (8, "question repeats line 5 of the same topic; kept once"),
        (9, "question repeats line 5 of the same topic; kept once"),
        (13, "question repeats line 5 of the same topic; kept once"),
        (14, "empty question; skipped"),
        (20, "empty question; skipped"),
        (21, "empty question; skipped"),
    ]
    # The same words in another topic are another question.
    first_two = [t.key for t in syllabus.topics if t.number in {"1", "2"}]
    assert [q.topic_key for q in syllabus.questions if "learning rate" in q.text] == first_two


def test_tag_alone_is_an_empty_question() -> None:
    """An item that is only a difficulty tag (`2. [E]`) is empty: skipped, not a blank question."""
    syllabus = parse_syllabus("# 1. Topic\n\n1. [E]\n2. [M] What is a tensor?\n")
    assert [q.text for q in syllabus.questions] == ["What is a tensor?"]
    assert [(w.line, w.message) for w in syllabus.warnings] == [(3, "empty question; skipped")]


# --- files that cannot be read -----------------------------------------------------------


UNUSABLE = [
    pytest.param(b"", None, "is empty", id="empty"),
    pytest.param(b"  \n\t\n", None, "is empty", id="blank"),
    pytest.param(b"# x\n\xff\xfe", 2, "is not UTF-8 text (byte 0xff)", id="not-utf8"),
    pytest.param(b"# x\n\n* a\x00b\n", 3, "binary data (a NUL byte)", id="nul"),
]


@pytest.mark.parametrize("kind", sorted(LOADERS))
@pytest.mark.parametrize(("data", "line", "reason"), UNUSABLE)
def test_load_rejects_unusable_file(
    tmp_path: Path, kind: str, data: bytes, line: int | None, reason: str
) -> None:
    """An unusable file raises a `ListError` naming the file and, where there is one, the line."""
    path = tmp_path / "my list.md"
    path.write_bytes(data)
    with pytest.raises(ListError) as caught:
        LOADERS[kind](path)
    err = caught.value
    assert err.path == path
    assert err.line == line
    assert reason in err.reason
    where = f"{path}:{line}" if line is not None else str(path)
    assert str(err).startswith(f"{where}: ")


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_load_rejects_directory(tmp_path: Path, kind: str) -> None:
    """A directory given as a list raises a `ListError` naming it."""
    with pytest.raises(ListError) as caught:
        LOADERS[kind](tmp_path)
    assert caught.value.line is None
    assert str(caught.value) == f"{tmp_path}: is a directory, not a list file"


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("readlist", "no sources found"), ("syllabus", "no questions found")],
)
def test_load_rejects_list_without_entries(tmp_path: Path, kind: str, reason: str) -> None:
    """A list with headings and prose but no entries raises a `ListError` that shows the shape."""
    path = tmp_path / "list.md"
    path.write_text("# My list\n\nNothing here yet.\n", encoding="utf-8")
    with pytest.raises(ListError) as caught:
        LOADERS[kind](path)
    assert caught.value.line is None
    assert str(caught.value).startswith(f"{path}: {reason}; expected ")


# --- encodings and line endings ----------------------------------------------------------


ENCODINGS = [
    pytest.param(b"\xef\xbb\xbf", b"\n", id="bom"),
    pytest.param(b"", b"\r\n", id="crlf"),
    pytest.param(b"\xef\xbb\xbf", b"\r\n", id="bom-crlf"),
]


@pytest.mark.parametrize("source", GOLDEN_INPUTS, ids=lambda p: p.stem)
@pytest.mark.parametrize(("bom", "newline"), ENCODINGS)
def test_bom_and_crlf_parse_like_lf(
    tmp_path: Path, source: Path, bom: bytes, newline: bytes
) -> None:
    """A UTF-8 BOM and CRLF line endings give the same result as plain LF input."""
    kind = kind_of(source)
    plain = source.read_bytes()
    path = tmp_path / source.name
    path.write_bytes(bom + plain.replace(b"\n", newline))
    loaded = LOADERS[kind](path)
    assert loaded == PARSERS[kind](plain.decode("utf-8"))
    if not bom:
        assert PARSERS[kind](plain.replace(b"\n", newline).decode("utf-8")) == loaded


# --- renumbered sections -----------------------------------------------------------------


def numbered_reading(*titles: str) -> ReadingList:
    """A reading list of `## n. Title` sections, numbered in order, one entry each."""
    return parse_reading_list("".join(
        f"## {n}. {title}\n\n1. **{title} paper**\n"
        f"   [https://example.com/{slug(title)}](https://example.com/{slug(title)})\n"
        f"   Why: the {title} reading.\n\n"
        for n, title in enumerate(titles, start=1)
    ))


def numbered_syllabus(*titles: str) -> Syllabus:
    """A syllabus of `# n. Title` sections, numbered in order, one question each."""
    return parse_syllabus("".join(
        f"# {n}. {title}\n\n* What is {title}?\n\n" for n, title in enumerate(titles, start=1)
    ))


def test_renumbering_a_section_keeps_its_topic_source_and_question_ids() -> None:
    """Beta renumbered from 2 to 3 keeps its topic key, its source's topic and its question id."""
    before = combine(numbered_reading("Alpha", "Beta"), numbered_syllabus("Alpha", "Beta"))
    after = combine(
        numbered_reading("Alpha", "Gamma", "Beta"), numbered_syllabus("Alpha", "Gamma", "Beta")
    )

    beta_before = next(t for t in before.topics if t.title == "Beta")
    beta_after = next(t for t in after.topics if t.title == "Beta")
    assert (beta_before.number, beta_after.number) == ("2", "3")
    assert beta_after.key == beta_before.key
    source_before = next(s for s in before.sources if s.title == "Beta paper")
    source_after = next(s for s in after.sources if s.title == "Beta paper")
    assert source_before.first.topic_key == source_after.first.topic_key == beta_before.key
    question_before = next(q for q in before.questions if q.text == "What is Beta?")
    question_after = next(q for q in after.questions if q.text == "What is Beta?")
    assert question_before.topic_key == question_after.topic_key == beta_before.key
    assert question_after.id == question_before.id
    assert len(after.topics) == 3  # each question section joined its reading topic by number
